import {
  ALERT_ERROR,
  DEMO_PASSWORD,
  completeForcedChange,
  expect,
  loginCabinet,
  loginCrm,
  newPassword,
  newestMessage,
  shot,
  submit,
  test,
  waitForNewMessage,
} from './fixtures';

// Соколова Дарья Петровна: contract KB-2026-0006, phone +79990000601, no login yet.
const CONTRACT = 'KB-2026-0006';
const PHONE_E164 = '+79990000601';
const PROVIDER_PHONE = '+7 800 000-00-00';

const uniqueEmail = (who: string) => `${who}.${Date.now().toString(36)}@mail.example`;

test('registration with a phone that does not match shows the provider phone', async ({
  page,
  allowHttpStatus,
}) => {
  allowHttpStatus(400, 403, 409, 422);
  await page.goto('/register');
  const form = page.locator('form#register-form');
  const email = uniqueEmail('mismatch');
  await form.locator('input[name="contract_number"]').fill(CONTRACT);
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="phone"]').fill('+79990009999');
  await form.locator('input[name="consent_processing"]').check();
  await submit(form);
  const alert = page.locator(ALERT_ERROR);
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(PROVIDER_PHONE);
  await expect(page.locator('.alert-success')).toHaveCount(0);
  // The form keeps what was typed.
  await expect(page.locator('form#register-form input[name="contract_number"]')).toHaveValue(CONTRACT);
  await expect(page.locator('form#register-form input[name="email"]')).toHaveValue(email);
  await shot(page, 'register-mismatch');
});

test('registration with the matching phone: password by SMS, sign-in, forced change', async ({
  page,
  newPage,
  allowHttpStatus,
}) => {
  allowHttpStatus(422);
  const crm = await newPage();
  await loginCrm(crm, 'admin', DEMO_PASSWORD);
  const before = await newestMessage(crm, PHONE_E164);

  await page.goto('/login');
  await page.locator('a[href="/register"]').first().click();
  await expect(page).toHaveURL((u) => u.pathname === '/register');
  const form = page.locator('form#register-form');
  await expect(form).toBeVisible();
  await shot(page, 'register');

  const email = uniqueEmail('darya');
  await form.locator('input[name="contract_number"]').fill(CONTRACT);
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="phone"]').fill('+7 999 000-06-01');
  // Without the consent to processing nothing is registered, and the box says why.
  await submit(form);
  await expect(form.locator('.field.has-error input[name="consent_processing"]')).toBeVisible();
  await form.locator('input[name="consent_processing"]').check();
  await submit(form);
  const done = page.locator('.alert-success');
  await expect(done).toBeVisible();
  await expect(done).toContainText(/SMS|СМС/i);
  await expect(page.locator(ALERT_ERROR)).toHaveCount(0);
  await shot(page, 'register-done');

  const body = await waitForNewMessage(crm, PHONE_E164, before);
  expect(body).toContain(email);
  expect(body).toMatch(/пароль|password/i);
  const tokens = body.trim().split(/\s+/);
  const smsPassword = tokens[tokens.length - 1];
  expect(smsPassword.length).toBeGreaterThanOrEqual(8);

  await loginCabinet(page, email, smsPassword);
  await completeForcedChange(page, newPassword());
  await expect(page.locator('h1')).toContainText('Соколова Дарья Петровна');
  await expect(page.locator('#contract-number')).toContainText(CONTRACT);
});
