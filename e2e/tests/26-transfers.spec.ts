import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, logout, shot, test } from './fixtures';

/** A valid Iranian national id from nine digits: the tenth is their check digit. */
function nationalId(nine: string): string {
  const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
  const r = sum % 11;
  return nine + String(r < 2 ? r : 11 - r);
}

// Ownership transfer: the buyer asks (in Persian) for a device to pass to a new owner; support
// staff approve it from the queue, and reject the demo's other request with a reason; the
// buyer no longer has the first device and reads the reason on the second.
test('a buyer asks to transfer a device, staff approve one request and reject another with a reason', async ({
  page,
  allowHttpStatus,
}) => {
  allowHttpStatus(422);
  await loginCabinet(page, 'reza.k', DEMO_PASSWORD);
  await page.goto('/devices');
  await page.locator('table#my-devices tbody tr', { hasText: 'SF400-17724' }).locator('a').first().click();
  const form = page.locator('form#transfer-form');
  await form.locator('input[name="new_owner_name"]').fill('سارا محمدی');
  await form.locator('input[name="new_owner_national_id"]').fill('1122334450');
  await form.locator('input[name="new_owner_phone"]').fill('+98 912 111 22 33');
  await form.locator('button[type="submit"]').click();
  // The statement that ownership ends is required (and the check digit may be wrong).
  await expect(page.locator('#e-ownership_ends')).toBeVisible();
  await page.locator('form#transfer-form input[name="new_owner_national_id"]').fill(nationalId('112233445'));
  await page.locator('#transfer-ownership-ends').check();
  await page.locator('form#transfer-form button[type="submit"]').click();
  await expect(page.locator('table#transfers tbody tr[data-status="pending"]')).toHaveCount(1);
  await shot(page, 'transfer-requested-fa');
  await logout(page);

  await loginCrm(page, 'support', DEMO_PASSWORD);
  await page.locator('nav.mainnav a[href="/crm/transfers"]').first().click();
  const mine = page.locator('table#transfers-queue tbody tr', { hasText: 'SF400-17724' });
  await mine.locator('button.approve').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  const demo = page.locator('table#transfers-queue tbody tr', { hasText: 'ZL-88-1203' });
  await demo.locator('input[name="reason"]').fill('Нужен договор купли-продажи');
  await demo.locator('button.reject').click();
  await expect(page.locator('table#transfers-queue tbody tr')).toHaveCount(1); // "no requests"
  await page.goto('/crm/transfers?status=approved');
  await expect(page.locator('table#transfers-queue tbody')).toContainText('SF400-17724');
  await shot(page, 'transfers-approved');
  await logout(page);

  await loginCabinet(page, 'reza.k', DEMO_PASSWORD);
  await page.goto('/devices');
  await expect(page.locator('table#my-devices')).not.toContainText('SF400-17724');
  await page.locator('table#my-devices tbody tr', { hasText: 'ZL-88-1203' }).locator('a').first().click();
  await expect(page.locator('table#transfers tbody tr[data-status="rejected"]')).toContainText('Нужен договор купли-продажи');
});
