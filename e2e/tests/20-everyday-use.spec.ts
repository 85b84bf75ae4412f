import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, shot, test } from './fixtures';

// What people do all day, done the way they type and read: amounts written the Russian way,
// periods that do not exist, a payment given up at the bank, the staff panel of a ticket.

test('an amount that can be read two ways is refused at its field and kept as typed', async ({ page, allowHttpStatus }) => {
  await loginCabinet(page, 'kuznetsov', DEMO_PASSWORD);
  allowHttpStatus(422);
  await page.goto('/topup');
  const amount = page.locator('form#topup-form input[name="amount"]');
  const prefilled = await amount.inputValue();
  expect(prefilled === '' || /^\d+,\d{2}$/.test(prefilled), `written the Russian way: ${prefilled}`).toBe(true);
  await amount.fill('1,005');
  await page.locator('form#topup-form button[type="submit"]').click();
  await expect(page.locator('#e-amount')).toContainText('двояко');
  await expect(amount).toHaveValue('1,005');
  await shot(page, 'topup-ambiguous');
});

test('a payment given up at the bank says so and offers to pay again, without a receipt', async ({ page }) => {
  await loginCabinet(page, 'kuznetsov', DEMO_PASSWORD);
  await page.goto('/topup');
  await page.locator('form#topup-form input[name="amount"]').fill('300');
  await page.locator('form#topup-form button[type="submit"]').click();
  await expect(page.locator('#fake-amount')).toContainText('300.00');
  await page.locator('#fake-cancel').click();
  await expect(page.locator('#payment-not-completed')).toHaveAttribute('data-status', 'canceled');
  await expect(page.locator('#receipt-pdf')).toHaveCount(0);
  await shot(page, 'payment-not-completed');
  await page.locator('#try-again').click();
  await expect(page).toHaveURL((u) => u.pathname === '/topup');
});

test('a day that does not exist in the login history is said at its field', async ({ page }) => {
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await page.goto('/login-history?from=2026-02-31');
  await expect(page.locator('#e-from')).toBeVisible();
});

test('saving a ticket status as shown keeps it; an agreed date in the past is said at the field', async ({
  page,
  allowHttpStatus,
}) => {
  await loginCrm(page, 'support', DEMO_PASSWORD);
  allowHttpStatus(422);
  await page.goto('/crm/tickets?queue=all');
  await page.locator('table#tickets-list tbody tr a').first().click();
  const status = page.locator('#status-form select[name="status"]');
  const current = await status.inputValue();
  await page.locator('#status-submit').click();
  await expect(page.locator('#status-form select[name="status"]')).toHaveValue(current);
  await page.locator('#agreed-due-form input[name="agreed_due"]').fill('2020-01-01T10:00');
  await page.locator('#agreed-due-form button[type="submit"]').click();
  await expect(page.locator('#staff-panel #e-agreed_due')).toBeVisible();
  await expect(page.locator('#agreed-due-form input[name="agreed_due"]')).toHaveValue('2020-01-01T10:00');
  await shot(page, 'ticket-panel-refused');
});

test('customer search finds what a person types: lower case, part of a city, a contract or a login', async ({ page }) => {
  await loginCrm(page, 'manager', DEMO_PASSWORD);
  await page.goto('/crm/customers');
  const search = page.locator('#customer-filters input[name="q"]');
  const rows = page.locator('table#customers tbody tr');
  for (const [typed, contract] of [
    ['кафе', 'KB-2026-0001'],
    ['каз', 'KB-2026-0001'],
    ['0003', 'KB-2026-0003'],
    ['kolosok', 'KB-2026-0002'],
    ['артем', 'KB-2026-0004'],
  ]) {
    await search.fill(typed);
    await search.press('Enter');
    await expect(rows.filter({ hasText: contract }), `${typed} finds ${contract}`).toHaveCount(1);
  }
  await search.fill('кафе москва');
  await search.press('Enter');
  await expect(rows.filter({ hasText: 'KB-2026-' })).toHaveCount(0);
  // Balance and licences beside each customer, sortable.
  await page.goto('/crm/customers?sort=licences&dir=desc');
  await expect(page.locator('table#customers td.licences').first()).not.toHaveText('0');
  await expect(page.locator('table#customers td.balance').first()).toBeVisible();
  await shot(page, 'customers-by-licences');
});

test('the outbox narrows to a channel and a recipient', async ({ page }) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/outbox');
  await page.locator('#outbox-filters select[name="channel"]').selectOption('email');
  await page.locator('#outbox-filters input[name="recipient"]').fill('DEMO.KABINET');
  await page.locator('#outbox-filters button[type="submit"]').click();
  await expect(page).toHaveURL(/channel=email/);
  await expect(page.locator('table#outbox tbody td.recipient').filter({ hasText: '+7' })).toHaveCount(0);
});

test('buttons of one place sit in a row at 1280 px', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  const sameRow = async (a: string, b: string) => {
    const first = await page.locator(a).boundingBox();
    const second = await page.locator(b).boundingBox();
    expect(first && second, `${a} and ${b} are shown`).toBeTruthy();
    expect(Math.abs(first!.y + first!.height / 2 - (second!.y + second!.height / 2)), `${a} beside ${b}`).toBeLessThan(8);
  };
  await page.goto('/payments');
  await sameRow('#export-form select[name="format"]', '#export-form button[type="submit"]');
  await page.goto('/tickets');
  const links = page.locator('a[href^="/tickets/"]');
  for (let i = 0; i < (await links.count()); i++) {
    await page.goto((await links.nth(i).getAttribute('href'))!);
    if ((await page.locator('#ticket-close').count()) > 0) {
      await sameRow('#reply-submit', '#ticket-close');
      break;
    }
    await page.goto('/tickets');
  }
});

test('the audit log reads in words, names its objects with links and keeps the record a click away', async ({
  page,
}) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/audit?action=customer.create');
  const first = page.locator('table#audit-log tbody tr').first();
  await expect(first.locator('td.action')).toContainText('Клиент добавлен');
  await expect(first.locator('td.object a')).toHaveAttribute('href', /^\/crm\/customers\/\d+$/);
  await expect(first.locator('td.object')).toContainText('Клиент:');
  await expect(first.locator('td.changes code')).toBeHidden();
  await first.locator('td.changes summary').click();
  await expect(first.locator('td.changes code')).toBeVisible();
  await shot(page, 'audit-in-words');
});

test('on a 360 px phone list rows are cards: every value shown under its column name', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  for (const [path, table] of [
    ['/payments', 'table#payments-list'],
    ['/tickets', 'table#tickets-list'],
    ['/', 'table#recent-payments'],
    ['/documents', 'table#documents-list'],
    ['/sessions', 'table#sessions'],
    ['/login-history', 'table#login-history'],
  ]) {
    await page.goto(path);
    const cells = page.locator(`${table} tbody td[data-label]`);
    if ((await cells.count()) === 0) continue;
    for (const cell of (await cells.all()).slice(0, 12)) {
      const box = await cell.boundingBox();
      expect(box, `${path}: a cell is shown`).toBeTruthy();
      expect(box!.x + box!.width, `${path}: nothing cut off at the right`).toBeLessThanOrEqual(360);
    }
    await shot(page, `phone-${path === '/' ? 'dashboard' : path.slice(1)}`);
  }
});

test('on a 360 px phone the staff ticket queue is a list of cards', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/tickets?queue=all');
  const cells = page.locator('table#tickets-list tbody td[data-label]');
  expect(await cells.count()).toBeGreaterThan(0);
  for (const cell of (await cells.all()).slice(0, 16)) {
    const box = await cell.boundingBox();
    expect(box!.x + box!.width, 'nothing cut off at the right').toBeLessThanOrEqual(360);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await shot(page, 'phone-crm-tickets');
});

test('on a 360 px phone the back-office customer list shows each balance', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await loginCrm(page, 'manager', DEMO_PASSWORD);
  await page.goto('/crm/customers');
  const amount = page.locator('table#customers tbody td.balance').first();
  const box = await amount.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(360);
  await shot(page, 'phone-crm-customers');
});
