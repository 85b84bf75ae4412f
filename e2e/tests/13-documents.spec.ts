import fs from 'node:fs';
import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, logout, shot, test } from './fixtures';

/** `YYYY-MM` of the month `back` months before the current one. */
function monthBack(back: number): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - back);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

test('an accountant issues a reconciliation act and the customer downloads it', async ({ page, newPage }) => {
  await loginCrm(page, 'accountant', DEMO_PASSWORD);
  await page.goto('/crm/customers');
  await page
    .locator('table#customers tbody tr')
    .filter({ hasText: 'Ромашка-плюс' })
    .locator('a[href^="/crm/customers/"]')
    .first()
    .click();
  await page.locator('#card-tabs a[data-tab="billing"]').click();
  await page.locator('#customer-documents').click();
  await expect(page).toHaveURL((u) => /^\/crm\/customers\/\d+\/documents$/.test(u.pathname));

  const form = page.locator('form#documents-order');
  // Only the reconciliation act, over the last three months.
  for (const kind of ['invoice', 'act']) await form.locator(`input[name="kind"][value="${kind}"]`).uncheck();
  await form.locator('input[name="kind"][value="reconciliation"]').check();
  await form.locator('input[name="period_from"]').fill(monthBack(3));
  await form.locator('input[name="period_to"]').fill(monthBack(1));
  await shot(page, 'documents-order');
  await form.locator('#order-submit').click();

  await expect(page).toHaveURL((u) => /^\/crm\/documents\/orders\/\d+$/.test(u.pathname));
  await expect(page.locator('.alert-success')).toBeVisible();
  await expect(page.locator('#order-progress')).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(page.locator('table#order-documents tbody tr[data-kind="reconciliation"]')).toHaveCount(1);
  await shot(page, 'documents-order-done');
  await logout(page);

  const customer = await newPage();
  await loginCabinet(customer, 'vector.coord', DEMO_PASSWORD);
  await customer.locator('nav.mainnav a[href="/documents"]').click();
  const row = customer.locator('table#documents-list tbody tr[data-kind="reconciliation"]').first();
  await expect(row).toBeVisible();
  await shot(customer, 'documents-history');
  const [download] = await Promise.all([customer.waitForEvent('download'), row.locator('a.document-link').click()]);
  expect(download.suggestedFilename()).toMatch(/^reconciliation-\d{4}-\d{6}\.pdf$/);
  const file = await download.path();
  expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  await logout(customer);
});

test('a customer orders invoices in a password-protected archive after fixing the form', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await page.goto('/documents');
  const form = page.locator('form#documents-order');
  // No document chosen: the form comes back with the message next to the choices.
  for (const kind of ['invoice', 'act']) await form.locator(`input[name="kind"][value="${kind}"]`).uncheck();
  await form.locator('#order-submit').click();
  await expect(page.locator('#order-kinds .field-error')).toBeVisible();
  await expect(page.locator('.alert-error[role="alert"]')).toBeVisible();
  await shot(page, 'documents-order-errors');

  await form.locator('input[name="kind"][value="detailed_invoice"]').check();
  await form.locator('input[name="pack_zip"]').check();
  await form.locator('input[name="zip_password"]').fill('архив-2026');
  await form.locator('#order-submit').click();
  await expect(page).toHaveURL((u) => /^\/documents\/orders\/\d+$/.test(u.pathname));
  await expect(page.locator('#order-progress')).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  const [zip] = await Promise.all([page.waitForEvent('download'), page.locator('#archive-download').click()]);
  expect(zip.suggestedFilename()).toMatch(/^documents-\d+\.zip$/);
  expect(fs.readFileSync(await zip.path()).subarray(0, 2).toString()).toBe('PK');

  // The receipt of a payment downloads as PDF from its page.
  await page.goto('/');
  await page.locator('table#recent-payments a.receipt-link').first().click();
  const [receipt] = await Promise.all([page.waitForEvent('download'), page.locator('#receipt-pdf').click()]);
  expect(receipt.suggestedFilename()).toMatch(/^receipt-\d+\.pdf$/);
  await logout(page);
});
