import { DEMO_PASSWORD, expect, loginCabinet, logout, shot, test } from './fixtures';

// The end of a device's service: the demo's Iranian buyer (in Persian) finds its expired
// purifier offering renewal, support paid per case or cancellation; renews it for a year at
// the demo bank, comes back to the device in service until a year from now, and the order is
// listed as renewed.
test('an expired device is renewed for a year through the demo bank and is in service again', async ({ page }) => {
  await loginCabinet(page, 'reza.k', DEMO_PASSWORD);
  await page.goto('/devices');
  await page.locator('table#my-devices tbody tr', { hasText: 'ZL-88-1203' }).locator('a').first().click();
  const id = new URL(page.url()).pathname.split('/').pop();
  await expect(page.locator('#device-facts')).toHaveAttribute('data-status', 'expired');
  const renewal = page.locator(`#renewal-${id}`);
  await expect(renewal).toHaveAttribute('data-choices', 'renew pay_per_case cancel ');
  await expect(renewal.locator('input[name="term"]')).toHaveCount(3);
  // One year is chosen unless another term is.
  await expect(renewal.locator('input[name="term"][value="1"]')).toBeChecked();
  await shot(page, 'renewal-choices-fa');
  await renewal.locator('form.renewal-renew button[type="submit"]').click();

  // The demo bank's page, on its own address: the year's price in rial.
  await expect(page.locator('#fake-amount')).toContainText('55000000');
  await page.locator('#fake-pay').click();

  await expect(page).toHaveURL((u) => u.pathname === `/devices/${id}` && u.searchParams.get('ok') === 'renewal-paid');
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator('#device-facts')).toHaveAttribute('data-status', 'renewed');
  await expect(renewal.locator('table.renewal-orders tbody tr').first()).toHaveAttribute('data-status', 'renewed');
  await expect(renewal).toHaveAttribute('data-choices', '');
  await shot(page, 'renewal-paid-fa');
  await logout(page);
});
