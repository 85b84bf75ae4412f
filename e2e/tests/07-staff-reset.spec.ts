import {
  DEMO_PASSWORD,
  completeForcedChange,
  expect,
  generatedPassword,
  loginCabinet,
  loginCrm,
  newPassword,
  shot,
  submit,
  submitLogin,
  test,
} from './fixtures';

const VECTOR = 'Кафе «Ромашка-плюс» на Садовой/ООО «Вектор»';

test('after a staff reset the customer must choose a new password', async ({
  page,
  newPage,
  allowHttpStatus,
}) => {
  const crm = await newPage();
  await loginCrm(crm, 'admin', DEMO_PASSWORD);
  await crm.goto('/crm/customers');
  const q = crm.locator('input[name="q"]');
  await expect(q).toBeVisible();
  await q.fill('KB-2026-0001');
  await Promise.all([crm.waitForURL((u) => u.searchParams.get('q') === 'KB-2026-0001'), q.press('Enter')]);
  const rows = crm.locator('table#customers tbody tr');
  await expect(rows.filter({ hasText: 'Ромашка-плюс' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Колосок' }), 'the search narrows the list').toHaveCount(0);
  await shot(crm, 'crm-customers-search');

  await rows.filter({ hasText: 'Ромашка-плюс' }).locator('a[href^="/crm/customers/"]').first().click();
  await expect(crm).toHaveURL((u) => /^\/crm\/customers\/[^/]+$/.test(u.pathname));
  await expect(crm.locator('h1')).toContainText(VECTOR);
  await crm.locator('#card-tabs a[data-tab="users"]').click();
  const users = crm.locator('table#customer-users');
  await expect(users).toBeVisible();
  await shot(crm, 'crm-customer');

  const row = users.locator('tbody tr').filter({ hasText: 'vector.assist' });
  await expect(row).toHaveCount(1);
  await submit(row.locator('form.reset-password'));
  const password = await generatedPassword(crm);
  await shot(crm, 'crm-customer-reset');

  // The old password is gone.
  allowHttpStatus(400, 401, 422);
  const old = await submitLogin(page, '/login', 'vector.assist', DEMO_PASSWORD);
  expect(old.status()).toBe(401);
  await loginCabinet(page, 'vector.assist', password);
  await expect(page).toHaveURL((u) => u.pathname === '/password');

  // A too-short new password is refused next to the field.
  const form = page.locator('form#password-form');
  await form.locator('input[name="new_password"]').fill('short');
  await form.locator('input[name="confirm_password"]').fill('short');
  await submit(form);
  await expect(page.locator('form#password-form .field-error, .field-error').first()).toBeVisible();
  await expect(page).not.toHaveURL((u) => u.pathname === '/');

  await completeForcedChange(page, newPassword());
  await expect(page.locator('h1')).toContainText(VECTOR);
  await shot(page, 'dashboard-after-forced-change');
});
