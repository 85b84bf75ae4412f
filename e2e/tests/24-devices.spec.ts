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

// Bulk import: a file with a bad row is refused whole with the row named; the corrected file
// registers every row, which the register then finds.
test('staff import devices from a CSV file, all or nothing', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  const tag = `IMP${Date.now().toString(36).toUpperCase()}`;
  await loginCrm(page, 'support', DEMO_PASSWORD);
  await page.goto('/crm/devices');
  await page.locator('#device-import-link').click();
  await expect(page.locator('table#import-columns')).toContainText('identifier_kind');
  const template = page.waitForEvent('download');
  await page.locator('#import-template').click();
  expect((await template).suggestedFilename()).toBe('devices-import.csv');

  // The demo's first device type, as the template's example names it.
  const typeCode = await page.evaluate(async () => {
    const text = await (await fetch('/crm/devices/import/template.csv')).text();
    return text.split(/\r?\n/)[1].split(';')[1];
  });
  const header = 'customer;device_type;brand;model;identifier_kind;identifier;service_ends_on';
  const bad = [header, `KB-2026-0005;${typeCode};Sarma;SF-500;serial;${tag}-1;2027-01-01`, `KB-2026-0005;${typeCode};Sarma;SF-500;laser;${tag}-2;31.02.2027`].join('\n');
  await page.locator('#import-file').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.locator('#device-import-form button[type="submit"]').click();
  await expect(page.locator('#import-refused')).toBeVisible();
  await expect(page.locator('table#import-problems tbody tr')).toHaveCount(2);
  await expect(page.locator('table#import-problems')).toContainText('identifier_kind');
  await shot(page, 'device-import-refused');
  await page.goto(`/crm/devices?q=${tag}`);
  await expect(page.locator('table#devices tbody')).toContainText('Устройств нет');

  const good = [header, `KB-2026-0005;${typeCode};Sarma;SF-500;serial;${tag}-1;2027-01-01`, `KB-2026-0005;${typeCode};Sarma;SF-500;dongle;${tag}-2;28.02.2027`].join('\n');
  await page.goto('/crm/devices/import');
  await page.locator('#import-file').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.locator('#device-import-form button[type="submit"]').click();
  await expect(page.locator('#import-done')).toContainText('2');
  await page.goto(`/crm/devices?q=${tag.toLowerCase()}`);
  await expect(page.locator('table#devices tbody tr')).toHaveCount(2);
});
