import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, logout, shot, test } from './fixtures';

const VECTOR = 'Ромашка-плюс';

test('an accountant registers a bank transfer and the customer sees the new balance', async ({ page, newPage, allowHttpStatus }) => {
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  const summary = page.locator('section.account-summary').first();
  await expect(summary).toBeVisible();
  await expect(summary.locator('.amount-due')).toContainText('₽');
  const balanceBefore = await summary.locator('.balance').innerText();
  await shot(page, 'dashboard-money');

  const crm = await newPage();
  await loginCrm(crm, 'accountant', DEMO_PASSWORD);
  await crm.goto('/crm/customers');
  await crm.locator('table#customers tbody tr').filter({ hasText: VECTOR }).locator('a[href^="/crm/customers/"]').first().click();
  await crm.locator('#card-tabs a[data-tab="billing"]').click();
  await crm.locator('table#accounts a[href^="/crm/accounts/"]').first().click();
  await expect(crm.locator('#account-number')).toBeVisible();
  const form = crm.locator('form#register-payment');

  // A wrong amount comes back with the message next to the field.
  allowHttpStatus(422);
  await form.locator('input[name="amount"]').fill('12abc');
  await form.locator('input[name="document_number"]').fill('4411');
  await form.locator('button[type="submit"]').click();
  await expect(crm.locator('form#register-payment .field-error')).toContainText('числом');
  await shot(crm, 'crm-payment-error');

  await crm.locator('form#register-payment input[name="amount"]').fill('2 000');
  await crm.locator('form#register-payment button[type="submit"]').click();
  await expect(crm.locator('.alert-success, [role="status"]').first()).toContainText('зарегистрирован');
  await expect(crm.locator('table#payments tbody tr').first()).toContainText('2\u00a0000,00');
  await expect(crm.locator('table#ledger tbody tr').first()).toHaveAttribute('data-kind', 'payment');
  await shot(crm, 'crm-account');

  await page.reload();
  await expect(summary.locator('.balance')).not.toHaveText(balanceBefore);
  await expect(page.locator('table#recent-payments')).toContainText('2\u00a0000,00');
  await summary.locator('a[href^="/accounts/"]').first().click();
  await expect(page.locator('table#ledger tbody tr').first()).toContainText('2\u00a0000,00');
  await shot(page, 'cabinet-account');
  await logout(page);
});
