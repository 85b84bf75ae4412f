import {
  DEMO_PASSWORD,
  expect,
  expectLang,
  loginCabinet,
  logout,
  shot,
  switchLanguage,
  test,
} from './fixtures';

test('the language switch: Persian is right-to-left, Russian and English left-to-right', async ({ page }) => {
  await page.goto('/login');
  await expectLang(page, 'ru');

  await switchLanguage(page, 'fa');
  await expect(page).toHaveURL((u) => u.pathname === '/login');
  await expect(page.locator('form#login-form')).toBeVisible();
  await shot(page, 'cabinet-login-fa');

  // Remembered (cookie): another page comes in Persian too.
  await page.goto('/register');
  await expectLang(page, 'fa');
  await shot(page, 'register-fa');

  await switchLanguage(page, 'en');
  await expect(page).toHaveURL((u) => u.pathname === '/register');
  await shot(page, 'register-en');

  await switchLanguage(page, 'ru');
  await page.goto('/login');
  await expectLang(page, 'ru');
});

test('reza.k, whose language is Persian, gets right-to-left pages after signing in', async ({ page }) => {
  await page.goto('/login');
  await expectLang(page, 'ru');
  await loginCabinet(page, 'reza.k', DEMO_PASSWORD);
  await expectLang(page, 'fa');
  await expect(page.locator('h1')).toContainText('رضا');
  await expect(page.locator('#contract-number')).toContainText('KB-2026-0005');
  await shot(page, 'dashboard-fa');

  await page.goto('/profile');
  await expectLang(page, 'fa');
  await shot(page, 'profile-fa');
});

test('a signed-in choice of language is kept on the user', async ({ page, newPage }) => {
  await loginCabinet(page, 'kuznetsov', DEMO_PASSWORD);
  await expectLang(page, 'ru');
  await page.goto('/profile');
  await switchLanguage(page, 'en');
  await expect(page).toHaveURL((u) => u.pathname === '/profile');
  await logout(page);

  // Another browser, no language cookie: English after signing in.
  const other = await newPage();
  await other.goto('/login');
  await expectLang(other, 'ru');
  await loginCabinet(other, 'kuznetsov', DEMO_PASSWORD);
  await expectLang(other, 'en');

  // Back to Russian for the other tests.
  await switchLanguage(other, 'ru');
  await other.goto('/');
  await expectLang(other, 'ru');
});
