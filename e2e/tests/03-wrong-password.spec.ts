import { ALERT_ERROR, DEMO_PASSWORD, expect, sessionCookie, submitLogin, test } from './fixtures';

test('a wrong password gives 401, an error, the form again and no session', async ({
  page,
  context,
  allowHttpStatus,
}) => {
  allowHttpStatus(401);
  const response = await submitLogin(page, '/login', 'vector.lines', 'not-the-right-password');
  expect(response.status()).toBe(401);
  await expect(page.locator(ALERT_ERROR)).toBeVisible();
  const form = page.locator('form#login-form');
  await expect(form).toBeVisible();
  await expect(form.locator('input[name="identifier"]')).toHaveValue('vector.lines');
  expect(await sessionCookie(context), 'no kabinet_session cookie').toBeUndefined();

  // The cabinet stays closed.
  await page.goto('/profile');
  await expect(page.locator('form#phone-form')).toHaveCount(0);
});

test('an unknown login fails just like a wrong password', async ({ page, context, allowHttpStatus }) => {
  allowHttpStatus(401);
  const response = await submitLogin(page, '/login', 'no.such.user.e2e', 'whatever-password-1');
  expect(response.status()).toBe(401);
  await expect(page.locator(ALERT_ERROR)).toBeVisible();
  expect(await sessionCookie(context)).toBeUndefined();
});

test('a customer login is refused by the back office like a wrong password', async ({
  page,
  context,
  allowHttpStatus,
}) => {
  allowHttpStatus(401);
  const response = await submitLogin(page, '/crm/login', 'vector.coord', DEMO_PASSWORD);
  expect(response.status()).toBe(401);
  await expect(page.locator(ALERT_ERROR)).toBeVisible();
  await expect(page.locator('form#login-form')).toBeVisible();
  expect(await sessionCookie(context)).toBeUndefined();
});
