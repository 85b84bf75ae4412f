import {
  DEMO_PASSWORD,
  completeForcedChange,
  expect,
  generatedPassword,
  loginCabinet,
  newPassword,
  shot,
  submit,
  test,
} from './fixtures';

// Orders for lines (ORD-1): the demo haulage company's coordinator orders a tariff for the
// warehouse group from the groups page, checks which lines can take it (blocked lines
// cannot, and the page says why), places the order, watches its progress move while the
// stand-in operator carries it out line by line, and reads each line's result; "Orders and
// requests" lists it. Two ticked lines of the register go to the same form.
test('a coordinator orders a tariff for a group and follows it line by line', async ({ page }) => {
  test.setTimeout(90_000);
  await loginCabinet(page, 'volga.coord', DEMO_PASSWORD);
  await page.goto('/lines/groups');
  await page.locator('#groups-table tbody tr', { hasText: 'Склад' }).locator('a.group-order').click();
  await expect(page).toHaveURL(/\/lines\/orders\/new\?/);
  await expect(page.locator('#order-chosen')).toContainText('фильтр');

  const what = page.locator('select[name="what"]');
  const tariff = what.locator('option', { hasText: 'Бизнес Безлимит' });
  await what.selectOption((await tariff.getAttribute('value'))!);
  await page.locator('#order-check-button').click();
  const check = page.locator('#order-check');
  await expect(check).toBeVisible();
  // The warehouse's 200 lines, less any an earlier test moved to another group.
  const chosen = Number(await check.getAttribute('data-chosen'));
  const unavailable = chosen - Number(await check.getAttribute('data-available'));
  expect(chosen).toBeGreaterThan(190);
  expect(unavailable).toBeGreaterThan(0);
  await expect(page.locator('#order-check-reasons')).toContainText('не активна');
  await expect(page.locator('#order-check-lines tbody tr').first()).toBeVisible();
  await shot(page, 'line-order-check');

  await page.locator('select[name="notice"]').selectOption('sms');
  await page.locator('#order-place').click();
  await expect(page).toHaveURL(/\/lines\/orders\/\d+$/);
  const orderUrl = page.url();
  const progress = page.locator('#order-progress');
  await expect(progress).toBeVisible();
  // The stand-in operator takes its time over each line: the progress block asks for itself
  // every second until the last line is done.
  await expect(progress).toHaveAttribute('data-status', 'completed_with_errors', { timeout: 60_000 });
  await expect(progress.locator('progress')).toHaveAttribute('value', '100');
  await expect(page.locator('#order-refused')).toContainText(String(unavailable));
  await shot(page, 'line-order-done');

  // Each line's result: the blocked lines refused with the reason.
  await page.goto(orderUrl + '?status=refused');
  const refused = page.locator('#order-items tbody tr[data-status="refused"]');
  await expect(refused).toHaveCount(unavailable);
  await expect(refused.first()).toContainText('не активна');
  await page.goto(orderUrl + '?status=done');
  const done = page.locator('#order-items tbody tr[data-status="done"]');
  await expect(done.first()).toBeVisible();
  await done.first().locator('a').click();
  await expect(page.locator('#line-tariff')).toContainText('Бизнес Безлимит');
  await expect(page.locator('#line-history-table')).toContainText('Сменён тариф линии');

  // "Orders and requests" lists it as finished with errors.
  await page.goto('/lines/orders?show=orders&status=completed_with_errors');
  const id = orderUrl.split('/').pop();
  await expect(page.locator(`#orders a[href="/lines/orders/${id}"]`)).toBeVisible();

  // Ticked lines of the register go to the same form.
  await page.goto('/lines?group=' + encodeURIComponent(''));
  const rows = page.locator('table#lines tbody tr[data-id]');
  await rows.nth(0).locator('input[name="line"]').check();
  await rows.nth(1).locator('input[name="line"]').check();
  await page.locator('#bulk-order').click();
  await expect(page).toHaveURL(/\/lines\/orders\/new\?/);
  await expect(page.locator('#order-chosen')).toContainText('2');
});

test('the order pages read on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await loginCabinet(page, 'volga.coord', DEMO_PASSWORD);
  await page.goto('/lines/orders');
  await expect(page.locator('#orders tbody tr').first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await shot(page, 'line-orders-phone');
});

// ACC-2 for lines: the coordinator adds a line manager, gives it the security team's lines
// from the register, and the new login — once its password is its own — sees only those.
test('a coordinator creates a line manager who then sees only its lines', async ({ page, newPage, allowHttpStatus }) => {
  // The line outside the manager's care is answered 404.
  allowHttpStatus(404);
  await loginCabinet(page, 'volga.coord', DEMO_PASSWORD);
  await page.goto('/lines');
  const driver = await page.locator('table#lines tbody tr[data-id]').first().getAttribute('data-id');
  await page.goto('/customer-users/new');
  const form = page.locator('form#create-customer-user');
  const login = `e2e.guard.${Date.now().toString(36)}`;
  await form.locator('input[name="login"]').fill(login);
  await form.locator('input[name="display_name"]').fill('Охранов Глеб');
  await form.locator('input[name="phone"]').fill('+79990000798');
  await form.locator('select[name="role"]').selectOption('line_manager');
  await submit(form);
  const password = await generatedPassword(page);
  const managerPage = page.url();

  // Every line of the security group goes into the new manager's care.
  await page.goto('/lines/groups');
  await page.locator('#groups-table tbody tr', { hasText: 'Охрана' }).locator('a').first().click();
  await expect(page).toHaveURL(/\/lines\?group=\d+/);
  const total = (await page.locator('#lines-total').innerText()).replace(/\D/g, '');
  const bulk = page.locator('#bulk-bar');
  await bulk.locator('#scope-matching').check();
  const give = bulk.locator('select[name="action"] option', { hasText: 'Охранов Глеб' }).first();
  await bulk.locator('select[name="action"]').selectOption((await give.getAttribute('value'))!);
  await bulk.locator('#bulk-apply').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await page.goto(managerPage.split('?')[0]);
  await expect(page.locator('#lines-in-care')).toContainText(total);

  const manager = await newPage();
  await loginCabinet(manager, login, password);
  await completeForcedChange(manager, newPassword());
  await manager.goto('/lines');
  await expect(manager.locator('#lines-total')).toContainText(total);
  const groups = await manager.locator('table#lines tbody tr[data-id] td[data-label="Группа"]').allInnerTexts();
  expect(groups.length).toBeGreaterThan(0);
  for (const g of groups) expect(g).toContain('Охрана');
  // A line outside its care is "not found", not shown.
  const other = await manager.goto(`/lines/${driver}`);
  expect(other?.status()).toBe(404);
});
