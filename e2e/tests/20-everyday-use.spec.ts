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
