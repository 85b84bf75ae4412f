import { DEMO_PASSWORD, expect, loginCabinet, logout, shot, test } from './fixtures';

test('a customer tops up through the bank page and sees the new balance and the receipt', async ({ page }) => {
  await loginCabinet(page, 'kuznetsov', DEMO_PASSWORD);
  const summary = page.locator('section.account-summary').first();
  const before = await summary.locator('.balance').innerText();
  await summary.locator('a.topup-link').click();
  await expect(page).toHaveURL((u) => u.pathname === '/topup');
  const amount = page.locator('form#topup-form input[name="amount"]');
  await expect(amount, 'prefilled with the amount due').not.toHaveValue('');
  await amount.fill('750');
  await shot(page, 'topup');
  await page.locator('form#topup-form button[type="submit"]').click();

  // The demo bank's page, on its own address.
  await expect(page.locator('#fake-amount')).toContainText('750.00');
  await shot(page, 'demo-bank');
  await page.locator('#fake-pay').click();

  await expect(page).toHaveURL((u) => /^\/payments\/\d+\/receipt$/.test(u.pathname));
  await expect(page.locator('#receipt')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.locator('#receipt-amount')).toContainText('750,00');
  await shot(page, 'receipt');

  await page.goto('/');
  await expect(summary.locator('.balance')).not.toHaveText(before);
  await expect(page.locator('table#recent-payments')).toContainText('750,00');
  await logout(page);
});

test('a customer exports the payments list to xlsx', async ({ page }) => {
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await page.goto('/payments');
  await expect(page.locator('table#payments-list tbody tr').first()).toBeVisible();
  // Sorting by amount keeps the filter form and the table.
  await page.locator('table#payments-list th a.sort').last().click();
  await expect(page).toHaveURL((u) => u.searchParams.get('sort') === 'amount');
  await shot(page, 'payments-list');

  await page.locator('#f-format').selectOption('xlsx');
  await page.locator('form#export-form button[type="submit"]').click();
  await expect(page).toHaveURL((u) => /^\/exports\/[0-9a-f]+$/.test(u.pathname));
  const link = page.locator('#export-download');
  await expect(link).toBeVisible({ timeout: 15_000 });
  await shot(page, 'export-done');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^payments-.*\.xlsx$/);
  await logout(page);
});
