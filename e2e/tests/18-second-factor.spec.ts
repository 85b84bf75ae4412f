// The staff's second factor: an accountant sets an authenticator app up on the profile page,
// keeps the recovery codes, signs in with one, and turns it off again with the app's code.

import crypto from 'node:crypto';
import { DEMO_PASSWORD, expect, loginCrm, logout, shot, submit, submitLogin, test } from './fixtures';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of text.replace(/[\s=-]/g, '').toUpperCase()) {
    buffer = (buffer << 5) | BASE32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The six-digit code an authenticator app shows for `secret`, `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0x0f;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

test('an accountant sets up two-step sign-in, signs in with a recovery code and turns it off', async ({
  page,
  allowHttpStatus,
}) => {
  await loginCrm(page, 'accountant', DEMO_PASSWORD);
  await page.goto('/crm/profile');
  await page.locator('#second-factor-link').click();
  await expect(page.locator('#second-factor-state')).toBeVisible();
  await submit(page.locator('form#start-form'));
  await expect(page.locator('.qr svg')).toBeVisible();
  const secret = (await page.locator('#second-factor-secret').innerText()).trim();
  await shot(page, 'crm-second-factor-set-up');

  // A wrong code is told next to the field, and the set-up stays.
  allowHttpStatus(422);
  const enable = page.locator('form#enable-form');
  await enable.locator('input[name="code"]').fill('000000');
  await submit(enable);
  await expect(page.locator('.field.has-error')).toBeVisible();
  await page.locator('form#enable-form input[name="code"]').fill(totp(secret));
  await submit(page.locator('form#enable-form'));
  const codes = (await page.locator('#recovery-codes li').allInnerTexts()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  await shot(page, 'crm-recovery-codes');
  await page.locator('#recovery-codes-done').click();
  await expect(page.locator('.alert-success')).toBeVisible();

  // The next sign-in asks for the code; a recovery code does instead of the phone.
  await logout(page);
  await submitLogin(page, '/crm/login', 'accountant', DEMO_PASSWORD);
  await expect(page).toHaveURL((u) => u.pathname === '/crm/login/code');
  await shot(page, 'crm-login-code');
  await page.locator('form#code-form input[name="code"]').fill(codes[0]);
  await submit(page.locator('form#code-form'));
  await expect(page.locator('form#logout-form')).toBeAttached();

  // Turning it off takes the app's code; the next sign-in is the password alone.
  await page.goto('/crm/profile/second-factor');
  const disable = page.locator('form#disable-form');
  await disable.locator('input[name="code"]').fill(totp(secret, 1));
  await submit(disable);
  await expect(page.locator('.alert-success')).toBeVisible();
  await logout(page);
  await loginCrm(page, 'accountant', DEMO_PASSWORD);
});
