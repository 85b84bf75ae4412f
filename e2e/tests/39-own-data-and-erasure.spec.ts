import * as fs from 'node:fs';
import { DEMO_PASSWORD, expect, hrefInRow, loginCabinet, loginCrm, shot, submit, test } from './fixtures';

// Personal data (PRV-2): a person on a phone downloads everything the cabinet holds about them
// as a ZIP made in the background; an administrator erases a private person's data after
// reading what changes and typing the login again. The erased login (kuznetsov) is used by no
// later spec.

test('a person on a phone downloads their own data', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await loginCabinet(phone, 'zavod.coord', DEMO_PASSWORD);
  await phone.goto('/privacy');
  await expect(phone.locator('#own-data')).toBeVisible();
  await phone.locator('#export-own-data').click();
  await expect(phone).toHaveURL((u) => /^\/exports\/[0-9a-f]+$/.test(u.pathname));
  const link = phone.locator('#export-download');
  await expect(link).toBeVisible({ timeout: 15_000 });
  await expect(phone.locator('progress')).toHaveAttribute('value', '100');
  await shot(phone, 'own-data-export-phone');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  const [download] = await Promise.all([phone.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^personal_data-.*\.zip$/);
  const file = await download.path();
  const bytes = fs.readFileSync(file);
  // A ZIP starts with "PK" and names its parts.
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(bytes.includes(Buffer.from('profile.json'))).toBe(true);
  expect(bytes.includes(Buffer.from('payments.csv'))).toBe(true);
  // The personal-data page lists it.
  await phone.goto('/privacy');
  await expect(phone.locator('#own-data-exports li')).not.toHaveCount(0);
});

test('an administrator erases a private person’s data after the preview', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/customers?q=KB-2026-0004');
  await page.goto(await hrefInRow(page.locator('table#customers'), 'KB-2026-0004', 'a[href^="/crm/customers/"]'));
  await page.locator('#card-tabs a[data-tab="users"]').click();
  await page.locator('tr[data-login="kuznetsov"] a.consents-link').click();
  await page.locator('#erasure-link').click();
  await expect(page.locator('h1')).toContainText('kuznetsov');
  // What changes: the login, the private person's own card; what stays: the money.
  await expect(page.locator('#erasure-login-fields tr[data-field="login"]')).toContainText('erased-');
  // A private person's own card goes with the login unless another login speaks for it (an
  // earlier spec may have added one).
  const reachesCard = (await page.locator('#erasure-customer-fields').count()) > 0;
  await expect(page.locator('#erasure-records tr[data-records="payments"]')).toHaveAttribute('data-effect', 'kept');
  await shot(page, 'crm-erasure-preview');
  const form = page.locator('form#erasure-form');
  await form.locator('input[name="confirm"]').fill('kuznetsov2');
  await submit(form);
  await expect(page.locator('#e-confirm')).toBeVisible();
  await page.locator('form#erasure-form input[name="confirm"]').fill('kuznetsov');
  await submit(page.locator('form#erasure-form'));
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator('#erasure-done')).toBeVisible();
  await expect(page.locator('form#erasure-form')).toHaveCount(0);
  await shot(page, 'crm-erasure-done');
  await page.goto('/crm/customers?q=KB-2026-0004');
  if (reachesCard) await expect(page.locator('table#customers')).toContainText('erased-');
  else await expect(page.locator('table#customers')).toContainText('Кузнецов');
});
