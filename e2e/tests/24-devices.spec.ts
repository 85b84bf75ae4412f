import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, logout, shot, test } from './fixtures';

// Devices with after-sales service: support staff register a device from its buyer's card,
// are told at the field what is wrong, find it in the register; the buyer sees it among
// "My devices" in Persian.
test('support staff register a device for its buyer, who sees it in the cabinet', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  const serial = `E2E-${Date.now().toString(36).toUpperCase()}`;
  await loginCrm(page, 'support', DEMO_PASSWORD);
  await page.goto('/crm/customers?q=KB-2026-0005');
  await page.locator('table#customers tbody a[href^="/crm/customers/"]').first().click();
  await page.goto(`${page.url().split('?')[0]}?tab=services`);
  await page.locator('#new-device').click();
  const form = page.locator('form#device-form');
  await form.locator('input[name="brand"]').fill('Sarma');
  await form.locator('input[name="model"]').fill('SF-900');
  await form.locator('input[name="identifier"]').fill('серия');
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('#e-identifier')).toBeVisible();
  await expect(page.locator('form#device-form input[name="model"]')).toHaveValue('SF-900');

  await page.locator('form#device-form input[name="identifier"]').fill(serial.toLowerCase());
  await page.locator('form#device-form button[type="submit"]').click();
  await expect(page.locator('.alert-success').first()).toContainText('Устройство зарегистрировано');
  await expect(page.locator('#device-facts')).toHaveAttribute('data-status', 'active');
  await shot(page, 'device-page');

  await page.goto(`/crm/devices?q=${serial.slice(0, 8).toLowerCase()}`);
  await expect(page.locator('table#devices tbody')).toContainText(serial);
  await logout(page);

  await loginCabinet(page, 'reza.k', DEMO_PASSWORD);
  await page.locator('nav.mainnav a[href="/devices"]').first().click();
  await expect(page.locator('table#my-devices tbody')).toContainText(serial);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await shot(page, 'my-devices-fa');
});
