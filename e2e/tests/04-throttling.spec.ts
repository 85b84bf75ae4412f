import { ALERT_ERROR, DEMO_PASSWORD, expect, sessionCookie, submitLogin, test } from './fixtures';

// `technician` is used only here, so the lock does not disturb other tests.
test('after 5 failed logins the next one is refused with 429, even with the right password', async ({
  page,
  context,
  allowHttpStatus,
}) => {
  allowHttpStatus(401, 429);
  for (let i = 1; i <= 5; i++) {
    const r = await submitLogin(page, '/crm/login', 'technician', `wrong-password-${i}`);
    expect(r.status(), `failed attempt ${i}`).toBe(401);
    await expect(page.locator(ALERT_ERROR)).toBeVisible();
  }

  const r = await submitLogin(page, '/crm/login', 'technician', DEMO_PASSWORD);
  expect(r.status(), 'the 6th attempt, with the right password').toBe(429);
  const alert = page.locator(ALERT_ERROR);
  await expect(alert).toBeVisible();
  const text = await alert.innerText();
  const minutes = (text.match(/\d+/g) ?? []).map(Number);
  expect(
    minutes.some((m) => m >= 1 && m <= 15),
    `the message tells how many minutes to wait: "${text}"`,
  ).toBe(true);
  await expect(page.locator('form#login-form')).toBeVisible();
  expect(await sessionCookie(context)).toBeUndefined();
});
