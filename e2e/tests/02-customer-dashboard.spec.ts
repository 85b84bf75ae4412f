import {
  DEMO_PASSWORD,
  expect,
  expectLang,
  loginCabinet,
  logout,
  sessionCookie,
  shot,
  test,
} from './fixtures';

const VECTOR = 'Кафе «Ромашка-плюс» на Садовой/ООО «Вектор»';
const VECTOR_USERS = ['vector.coord', 'vector.assist', 'vector.lines', 'vector.view'];

test('the coordinator sees the dashboard with the name, contract and users', async ({ page, context }) => {
  await page.goto('/login');
  await expectLang(page, 'ru');
  await expect(page.locator('form#login-form')).toBeVisible();
  await expect(page.locator('a[href="/forgot"]').first()).toBeVisible();
  await expect(page.locator('a[href="/register"]').first()).toBeVisible();
  await shot(page, 'cabinet-login');

  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await expect(page).toHaveURL((u) => u.pathname === '/');
  expect(await sessionCookie(context), 'a kabinet_session cookie after signing in').toBeDefined();
  await expect(page.locator('h1')).toContainText(VECTOR);
  await expect(page.locator('#contract-number')).toContainText('KB-2026-0001');
  const users = page.locator('table#customer-users');
  await expect(users).toBeVisible();
  for (const login of VECTOR_USERS) {
    const row = users.locator('tbody tr').filter({ hasText: login });
    await expect(row.locator('a[href^="/customer-users/"]').first(), `a link for ${login}`).toBeVisible();
  }
  await shot(page, 'dashboard');

  // A colleague's page.
  await users.locator('tbody tr').filter({ hasText: 'vector.lines' }).locator('a[href^="/customer-users/"]').first().click();
  await expect(page).toHaveURL((u) => /^\/customer-users\/[^/]+$/.test(u.pathname));
  await expect(page.locator('#user-login')).toContainText('vector.lines');
  await shot(page, 'customer-user');

  await page.goto('/profile');
  const phoneForm = page.locator('form#phone-form');
  await expect(phoneForm).toBeVisible();
  const phone = await phoneForm.locator('input[name="phone"]').inputValue();
  expect(phone.replace(/\D/g, '')).toBe('79990000111');
  await expect(page.locator('a[href="/password"]').first()).toBeVisible();
  await shot(page, 'profile');

  await page.locator('a[href="/password"]').first().click();
  await expect(page).toHaveURL((u) => u.pathname === '/password');
  const pwForm = page.locator('form#password-form');
  for (const name of ['current_password', 'new_password', 'confirm_password']) {
    await expect(pwForm.locator(`input[name="${name}"]`)).toBeVisible();
  }
  await expect(page.locator('#forced-change')).toHaveCount(0);
  await shot(page, 'password');

  await page.goto('/sessions');
  await expect(page.locator('table#sessions')).toBeVisible();
  expect(await page.locator('table#sessions tbody tr').count()).toBeGreaterThanOrEqual(1);
  await expect(page.locator('form#logout-others')).toBeVisible();
  await shot(page, 'sessions');

  await page.goto('/login-history');
  await expect(page.locator('table#login-history')).toBeVisible();
  expect(await page.locator('table#login-history tbody tr').count()).toBeGreaterThanOrEqual(1);
  await shot(page, 'login-history');

  await logout(page);
});

test('at 360 px the login page and the dashboard have no horizontal scroll', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const scrollWidth = () => page.evaluate(() => document.documentElement.scrollWidth);

  await page.goto('/login');
  expect(await scrollWidth(), 'login page width at 360 px').toBeLessThanOrEqual(360);
  await shot(page, 'cabinet-login-mobile');

  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await expect(page.locator('#contract-number')).toBeVisible();
  expect(await scrollWidth(), 'dashboard width at 360 px').toBeLessThanOrEqual(360);
  await shot(page, 'dashboard-mobile');
});
