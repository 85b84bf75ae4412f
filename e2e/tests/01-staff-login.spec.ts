import { DEMO_PASSWORD, expect, expectLang, loginCrm, logout, sessionCookie, shot, test } from './fixtures';

const STAFF = ['admin', 'manager', 'support', 'technician', 'accountant', 'partner1', 'partner2'];

test('admin signs in to the back office, opens every section and signs out', async ({
  page,
  context,
  allowHttpStatus,
}) => {
  await page.goto('/crm/login');
  await expectLang(page, 'ru');
  await expect(page.locator('form#login-form')).toBeVisible();
  await shot(page, 'crm-login');

  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await expect(page).toHaveURL((u) => u.pathname === '/crm' || u.pathname === '/crm/');
  await expect(page.locator('h1')).toBeVisible();
  const cookie = await sessionCookie(context);
  expect(cookie, 'a kabinet_session cookie after signing in').toBeDefined();
  expect(cookie!.httpOnly, 'the session cookie is HttpOnly').toBe(true);
  await shot(page, 'crm-home');

  const sections = [
    { href: '/crm/staff', table: 'table#staff-users', name: 'crm-staff' },
    { href: '/crm/customers', table: 'table#customers', name: 'crm-customers' },
    { href: '/crm/audit', table: 'table#audit-log', name: 'crm-audit' },
    { href: '/crm/outbox', table: 'table#outbox', name: 'crm-outbox' },
  ];
  for (const s of sections) {
    await page.goto('/crm');
    const link = page.locator(`a[href="${s.href}"]`).first();
    await expect(link, `the admin's navigation links to ${s.href}`).toBeVisible();
    await link.click();
    await expect(page).toHaveURL((u) => u.pathname === s.href);
    await expect(page.locator(s.table)).toBeVisible();
    await shot(page, s.name);
  }

  // The staff list has every demo staff login; the audit log is not empty (demo data made users).
  await page.goto('/crm/staff');
  for (const login of STAFF) {
    await expect(page.locator('table#staff-users tbody tr').filter({ hasText: login }).first()).toBeVisible();
  }
  await page.goto('/crm/audit');
  expect(await page.locator('table#audit-log tbody tr').count()).toBeGreaterThan(0);

  await logout(page);
  await expect(page.locator('form#login-form')).toBeVisible();

  // Signed out: the back office is closed again.
  allowHttpStatus(401, 403);
  await page.goto('/crm/staff');
  await expect(page.locator('table#staff-users')).toHaveCount(0);
  await expect(page.locator('form#login-form')).toBeVisible();
});
