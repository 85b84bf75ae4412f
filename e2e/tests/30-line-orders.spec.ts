import { DEMO_PASSWORD, expect, loginCabinet, shot, test } from './fixtures';

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
