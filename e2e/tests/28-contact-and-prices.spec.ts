import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, logout, shot, test } from './fixtures';

// A buyer chooses on the profile page to be told about the account by WhatsApp; an
// administrator changes a device type's price of a year's renewal, typed the Russian way.
test('a buyer prefers WhatsApp; an administrator changes a renewal price', async ({ page }) => {
  await loginCabinet(page, 'buyer02', DEMO_PASSWORD);
  await page.goto('/profile');
  const form = page.locator('form#contact-channel-form');
  await form.locator('select[name="contact_channel"]').selectOption('whatsapp');
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator('form#contact-channel-form select[name="contact_channel"]')).toHaveValue('whatsapp');
  await shot(page, 'profile-whatsapp-fa');
  await logout(page);

  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/devices');
  await page.locator('#device-types-link').click();
  await expect(page.locator('table#device-types tbody tr')).toHaveCount(3);
  await page.locator('table#device-types tbody tr[data-code="cooler"] a').click();
  const price = page.locator('form#device-type-form input[name="price_RUB_1"]');
  await expect(price, 'written the Russian way').toHaveValue('13000,00');
  await price.fill('13 500,50');
  await page.locator('form#device-type-form button[type="submit"]').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator('table#device-types tbody tr[data-code="cooler"]')).toContainText('13\u00a0500,50');
  await shot(page, 'device-types');
});
