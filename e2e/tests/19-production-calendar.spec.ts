// The administrator uploads a production calendar (iCalendar, as government open-data portals
// publish it) on the SLA page; a broken file is told next to the field and changes nothing.

import { DEMO_PASSWORD, expect, loginCrm, shot, submit, test } from './fixtures';

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//demo//production calendar//RU',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20271105',
  'SUMMARY:Перенос выходного дня',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20271231',
  'SUMMARY:Перенос выходного дня',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

test('the administrator uploads a production calendar for the next year', async ({ page, allowHttpStatus }) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/sla');
  const section = page.locator('section[id^="holidays-"]').first();
  const form = section.locator('form[id^="import-"]');

  allowHttpStatus(422);
  await form.locator('input[type="file"]').setInputFiles({
    name: '2027.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.7 not a calendar'),
  });
  await submit(form);
  await expect(page.locator('form[id^="import-"] .field.has-error').first()).toBeVisible();
  await expect(page.locator('tr[data-day="2027-12-31"]')).toHaveCount(0);

  await page
    .locator('section[id^="holidays-"]')
    .first()
    .locator('form[id^="import-"] input[type="file"]')
    .setInputFiles({ name: '2027.ics', mimeType: 'text/calendar', buffer: Buffer.from(ICS) });
  await submit(page.locator('section[id^="holidays-"]').first().locator('form[id^="import-"]'));
  await expect(page.locator('.alert-success')).toBeVisible();
  await expect(page.locator('tr[data-day="2027-12-31"]')).toHaveCount(1);
  await expect(page.locator('tr[data-day="2027-11-05"]')).toHaveCount(1);
  await shot(page, 'crm-sla-calendar-imported');
});
