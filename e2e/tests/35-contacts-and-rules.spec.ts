import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, shot, test } from './fixtures';

// Contacts and the rules of service (CNT-5): a manager publishes a new version of the rules
// in the back office; the customer, on a phone, reaches the contacts and the rules from the
// dashboard and reads the new version with the day it took effect.

test('a new version of the rules reaches the customer; contacts are one tap away', async ({ browser, allowHttpStatus }) => {
  allowHttpStatus(422);
  const crm = await browser.newPage();
  await loginCrm(crm, 'manager', DEMO_PASSWORD);
  await crm.goto('/crm/rules');
  const form = crm.locator('form#rules-new');
  // The form starts from the text in effect; a day in the past is refused at its field.
  await expect(form.locator('#f-body')).not.toHaveValue('');
  await form.locator('#f-effective_on').fill('2020-01-01');
  await form.locator('button[type="submit"]').click();
  await expect(crm.locator('#e-effective_on')).toBeVisible();
  // Today as the product counts days (Moscow), not UTC: late in the UTC evening they differ.
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Moscow' });
  await crm.locator('#f-title').fill('Правила охраны, редакция 2');
  await crm.locator('#f-effective_on').fill(today);
  await crm.locator('#f-body').fill('## Оплата\n\nАбонентская плата вносится до **15 числа**.');
  await crm.locator('form#rules-new button[type="submit"]').click();
  await expect(crm.locator('.alert-success').first()).toBeVisible();
  await expect(crm.locator('#rules-versions tr.current')).toContainText('Правила охраны, редакция 2');

  const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await loginCabinet(phone, 'orlova.view', DEMO_PASSWORD);
  await phone.locator('#quick-actions a[href="/rules"]').click();
  await expect(phone.locator('#rules > h2')).toHaveText('Правила охраны, редакция 2');
  await expect(phone.locator('#rules strong')).toHaveText('15 числа');
  await expect(phone.locator('#rules-versions li')).toHaveCount(2);
  await shot(phone, 'rules-phone');
  await phone.goto('/');
  // A viewer files no requests: the action is not offered.
  await expect(phone.locator('#quick-actions a[href="/requests"]')).toHaveCount(0);
  await phone.locator('#quick-actions a[href="/contacts"]').click();
  const call = phone.locator('#contacts a.phone').first();
  await expect(call).toHaveAttribute('href', /^tel:\+\d+$/);
  await expect(phone.locator('#map-link')).toHaveAttribute('href', /^https:\/\//);
});
