import {
  DEMO_PASSWORD,
  expect,
  generatedPassword,
  loginCabinet,
  loginCrm,
  logout,
  shot,
  test,
} from './fixtures';
import type { Locator } from '@playwright/test';

// A run-unique suffix: the suite may run twice against one database.
const RUN = Date.now().toString(36).slice(-5);
/** Picks the option whose text contains `text` (a plan's name). */
async function chooseByText(select: Locator, text: string): Promise<void> {
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  await select.selectOption(value ?? '');
}

const PHONE = `+7999${String(Date.now() % 10_000_000).padStart(7, '0')}`;

test('a partner opens a customer with its counterparty by INN, point, login and licence in one form', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCrm(page, 'partner1', DEMO_PASSWORD);
  await page.locator('nav.mainnav a[href="/crm/customers"]').click();
  await page.locator('#new-customer').click();
  const form = page.locator('form#customer-form');
  await form.locator('input[name="kind"][value="legal_entity"]').check();
  await form.locator('input[name="name"]').fill('Хостел «Маяк» на Береговой/ООО «Маяк»');
  await form.locator('input[name="contract_number"]').fill(`KB-P1-${RUN}`);
  // Not registered yet: the form fetches it from the company registry and registers it.
  await form.locator('input[name="counterparty_inn"]').fill('5406000018');
  await form.locator('select[name="support_group"]').selectOption('C');
  await form.locator('input[name="contact_person"]').fill('Зорина Алла');
  await form.locator('input[name="phone"]').fill(PHONE);
  await form.locator('input[name="city"]').fill('Новосибирск');
  await form.locator('input[name="user_login"]').fill(`mayak.${RUN}`);
  await form.locator('input[name="licence_kind"][value="hotspot"]').check();
  await form.locator('select[name="licence_cabinet_type"]').selectOption('lite');
  await form.locator('select[name="licence_period"]').selectOption('month');
  // A commercial licence without a plan is refused next to the plan, and nothing is written.
  await page.locator('#customer-save').click();
  await expect(form.locator('.has-error select[name="licence_plan_id"]')).toBeVisible();
  await form.locator('input[name="licence_point_name"]').fill('Хостел «Маяк»');
  await chooseByText(form.locator('select[name="licence_plan_id"]'), 'Хотспот Lite');
  await shot(page, 'customer-form-with-licence');
  await page.locator('#customer-save').click();

  // The login to hand over, the counterparty fetched by INN, and the licence paid by the partner.
  await generatedPassword(page);
  await expect(page.locator('#customer-counterparty')).toContainText('5406000018');
  await page.locator('#card-tabs a[data-tab="services"]').click();
  const row = page.locator('table#licences tbody tr').first();
  await expect(row).toContainText('Хостел «Маяк»');
  await expect(row).toHaveAttribute('data-status', 'active');
  await shot(page, 'customer-card-with-licence');
  await logout(page);
});

test('a partner sees neither another partner\'s customer nor its licence', async ({ page, newPage, allowHttpStatus }) => {
  allowHttpStatus(404);
  // Where the second partner's guest house lives, as the second partner sees it.
  const other = await newPage();
  await loginCrm(other, 'partner2', DEMO_PASSWORD);
  await other.goto('/crm/customers?q=KB-2026-0003');
  await other.locator('table#customers a', { hasText: 'Тихая заводь' }).first().click();
  const customerUrl = new URL(other.url()).pathname;
  await other.locator('#card-tabs a[data-tab="services"]').click();
  await other.locator('table#licences a').first().click();
  const licenceUrl = new URL(other.url()).pathname;
  expect(licenceUrl).toMatch(/^\/crm\/licences\/\d+$/);

  await loginCrm(page, 'partner1', DEMO_PASSWORD);
  await page.goto('/crm/customers?q=KB-2026-0003');
  await expect(page.locator('table#customers')).not.toContainText('KB-2026-0003');
  for (const url of [customerUrl, licenceUrl]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(404);
  }
  await page.goto('/crm');
  await logout(page);
});

test('the guest export opens only after the customer, the staff and the responsible employee have each confirmed', async ({ page, newPage, allowHttpStatus }) => {
  allowHttpStatus(409, 422);
  await loginCabinet(page, 'zavod.coord', DEMO_PASSWORD);
  await page.locator('nav a[href="/services"]').first().click();
  const service = page.locator('section.service[data-kind="hotspot"]').first();
  await expect(service.locator('.verification')).toHaveAttribute('data-step', 'none');
  // Step 1: the customer confirms its legal entity.
  await expect(service).toContainText('231500000083');
  await service.locator('button.confirm-legal').click();
  await expect(service.locator('.verification')).toHaveAttribute('data-step', 'customer_confirmed');
  await expect(service.locator('.waiting')).toBeVisible();

  // Step 2: staff confirm the INN from their queue.
  const crm = await newPage();
  await loginCrm(crm, 'support', DEMO_PASSWORD);
  await crm.goto('/crm/verification');
  await crm
    .locator('table#verification-queue tr', { hasText: 'Тихая заводь' })
    .locator('a[href^="/crm/licences/"]')
    .click();
  await crm.locator('#verify-inn').click();
  await expect(crm.locator('#licence-verification')).toHaveAttribute('data-step', 'verified');

  // Step 3: the responsible employee confirms their own contacts; a bad phone is refused.
  await page.reload();
  const contacts = service.locator('form.confirm-contacts');
  await contacts.locator('input[name="display_name"]').fill('Елена Станиславовна Орлова');
  await contacts.locator('input[name="phone"]').fill('12');
  await contacts.locator('input[name="email"]').fill('orlova@zavod.example');
  await contacts.locator('button[type="submit"]').click();
  await expect(page.locator('.has-error input[name="phone"]')).toBeVisible();
  await page.locator('form.confirm-contacts input[name="phone"]').fill('+7 999 000-03-11');
  await page.locator('form.confirm-contacts button[type="submit"]').click();
  const done = page.locator('section.service[data-kind="hotspot"]').first();
  await expect(done.locator('.verification')).toHaveAttribute('data-step', 'contact_confirmed');
  await shot(page, 'services-verified');

  // Now the guest phones can be exported.
  await done.locator('form.guest-export select[name="format"]').selectOption('csv');
  await done.locator('form.guest-export button[type="submit"]').click();
  await expect(page).toHaveURL((u) => /^\/exports\/[0-9a-f]+$/.test(u.pathname));
  const link = page.locator('#export-download');
  await expect(link).toBeVisible({ timeout: 15_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  await logout(page);
});

test('deleting a licence offers the guest export first, then deletes for good', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(409, 422);
  await loginCrm(page, 'manager', DEMO_PASSWORD);
  await page.goto('/crm/customers?q=KB-2026-0002');
  await page.locator('table#customers a', { hasText: 'Колосок' }).first().click();
  await page.locator('#card-tabs a[data-tab="services"]').click();
  await page.locator('#new-licence').click();
  const form = page.locator('form#licence-form');
  await form.locator('input[name="point_name"]').fill(`Пекарня на Вокзальной ${RUN}`);
  await form.locator('select[name="period"]').selectOption('month');
  await chooseByText(form.locator('select[name="plan_id"]'), 'Хотспот Lite');
  await page.locator('#licence-save').click();
  const key = (await page.locator('#licence-key').innerText()).trim();
  const licenceUrl = `/crm/licences/${await page.locator('#licence-facts').getAttribute('data-id')}`;

  // The hotspot reports two guests with its key; a wrong key is refused.
  const now = new Date().toISOString();
  const guests = [
    { phone: '+7 999 100-20-30', first_seen: now, last_seen: now, visits: 2 },
    { phone: '8 999 100-20-31', first_seen: now, last_seen: now, visits: 1 },
  ];
  const wrong = await page.request.post('/api/v1/hotspot/guests', {
    headers: { Authorization: `Licence ${key.split('.')[0]}.wrong` },
    data: { guests },
  });
  expect(wrong.status()).toBe(401);
  const sent = await page.request.post('/api/v1/hotspot/guests', {
    headers: { Authorization: `Licence ${key}` },
    data: { guests },
  });
  expect(sent.ok()).toBeTruthy();
  await page.goto(licenceUrl);
  await expect(page.locator('#licence-guests')).toHaveText('2');

  await page.locator('#delete-licence').click();
  await expect(page.locator('#delete-loss')).toContainText('2');
  await page.locator('#email-export').click();
  await expect(page.locator('#export-sent')).toBeVisible();
  await shot(page, 'licence-delete');
  // The confirmation must name the key; anything else deletes nothing.
  await page.locator('#f-confirm').fill('no');
  await page.locator('#delete-for-good').click();
  await expect(page.locator('.alert-error').first()).toBeVisible();
  await page.locator('#f-confirm').fill(key.split('.')[0]);
  await page.locator('#delete-for-good').click();
  // Back on the customer's card, the licence is listed as deleted.
  const row = page.locator('table#licences tbody tr', { hasText: `Пекарня на Вокзальной ${RUN}` });
  await expect(row).toHaveAttribute('data-status', 'deleted');
  await expect(row).toContainText('Удалена');
  await page.goto(licenceUrl);
  await expect(page.locator('#licence-status')).toContainText('Удалена');
  await expect(page.locator('#licence-guests')).toHaveText('0');
  // Its key no longer works.
  const after = await page.request.post('/api/v1/hotspot/guests', {
    headers: { Authorization: `Licence ${key}` },
    data: { guests },
  });
  expect(after.status()).toBe(401);
  await logout(page);
});
