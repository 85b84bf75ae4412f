import {
  DEMO_PASSWORD,
  expect,
  loginCabinet,
  loginCrm,
  logout,
  newestMessage,
  shot,
  sixDigitCode,
  test,
  waitForNewMessage,
} from './fixtures';

// The demo's Iranian buyer: its phone receives the signing code.
const BUYER_PHONE = '+989120000501';

// Installation confirmation: staff open it for a device (as support: the demo technician is
// locked by the throttling test), the buyer signs it with the code the demo's SMS stand-in
// delivered, the device is back in service, the certificate downloads and its QR link's page
// says the record is intact.
test('staff open an installation confirmation, the buyer signs it by SMS code, the certificate checks intact', async ({
  page,
  newPage,
}) => {
  await loginCrm(page, 'support', DEMO_PASSWORD);
  await page.goto('/crm/devices?q=U-50117');
  await page.locator('table#devices tbody a[href^="/crm/devices/"]').first().click();
  const id = new URL(page.url()).pathname.split('/').pop();
  await expect(page.locator('#installation')).toHaveAttribute('data-state', 'none');
  await expect(page.locator('#installation-items li')).toHaveCount(3);
  // The installation day is today unless typed otherwise.
  await page.locator('form#installation-open button[type="submit"]').click();
  await expect(page.locator('#installation')).toHaveAttribute('data-state', 'waiting');
  await shot(page, 'installation-opened');
  await logout(page);

  const crm = await newPage();
  await loginCrm(crm, 'admin', DEMO_PASSWORD);
  const before = await newestMessage(crm, BUYER_PHONE);

  await loginCabinet(page, 'reza.k', DEMO_PASSWORD);
  await page.goto(`/devices/${id}`);
  await expect(page.locator('#device-facts')).toHaveAttribute('data-status', 'suspended');
  await page.locator('form#installation-code button').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  const code = sixDigitCode(await waitForNewMessage(crm, BUYER_PHONE, before));
  const sign = page.locator('form#installation-sign');
  await sign.locator('#installation-all-done').check();
  await sign.locator('input[name="code"]').fill(code);
  await sign.locator('button[type="submit"]').click();
  await expect(page.locator('#installation')).toHaveAttribute('data-state', 'signed');
  await expect(page.locator('#device-facts')).toHaveAttribute('data-status', 'active');
  await expect(page.locator('#installation-hash')).toHaveText(/^[0-9a-f]{64}$/);
  await shot(page, 'installation-signed-fa');

  const download = page.waitForEvent('download');
  await page.locator('#installation-certificate').click();
  expect((await download).suggestedFilename()).toMatch(/^installation-\d+-U-50117\.pdf$/);

  await page.locator('#installation-verify').click();
  await expect(page.locator('#verify-intact')).toBeVisible();
  await shot(page, 'installation-verified-fa');
});
