import { DEMO_PASSWORD, expect, loginCabinet, logout, shot, test } from './fixtures';

// The demo's payment was made three months before the demo was loaded (today): its day in
// both calendars, in Persian digits, as the pages write it.
const persianDigits = (s: string) => s.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
function monthsAgo(months: number, days = 0): Date {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(now.getUTCDate(), last) + days));
}
function solarHijri(d: Date): string {
  const parts = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', {
    timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(d);
  const part = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${part('year')}/${part('month')}/${part('day')}`;
}
const paid = monthsAgo(3);
const paidSolarHijri = persianDigits(solarHijri(paid));
const dayAfterSolarHijri = persianDigits(solarHijri(monthsAgo(3, 1)));
const paidGregorian = persianDigits(paid.toISOString().slice(0, 10).replace(/-/g, '/'));

test('a Persian reader reads Solar Hijri dates, types one into a filter, and may choose the Gregorian calendar', async ({ page }) => {
  await loginCabinet(page, 'reza.k', DEMO_PASSWORD);
  await page.goto('/payments');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  // The day in Solar Hijri, written in Persian digits (4 September 2026 is ۱۴۰۵/۰۶/۱۳).
  const rows = page.locator('table tbody tr');
  await expect(rows.first()).toContainText(paidSolarHijri);
  await shot(page, 'payments-solar-hijri');

  // The date field takes a Solar Hijri day typed with Persian digits.
  const from = page.locator('input[name="from"]');
  await expect(from).toHaveAttribute('type', 'text');
  await from.fill(dayAfterSolarHijri);
  await page.locator('form#payment-filters button[type="submit"]').click();
  await expect(page.locator('input[name="from"]')).toHaveValue(dayAfterSolarHijri);
  await expect(page.locator('table tbody tr', { hasText: paidSolarHijri })).toHaveCount(0);

  // Choosing the Gregorian calendar in the profile; the date picker comes back.
  await page.goto('/profile');
  await page.locator('#f-calendar').selectOption('gregorian');
  await page.locator('form#calendar-form button[type="submit"]').click();
  await expect(page.locator('.alert-success')).toBeVisible();
  await page.goto('/payments');
  await expect(page.locator('table tbody tr').first()).toContainText(paidGregorian);
  await expect(page.locator('input[name="from"]')).toHaveAttribute('type', 'date');

  // Back to the language's calendar, so other tests see the demo as it was.
  await page.goto('/profile');
  await page.locator('#f-calendar').selectOption('');
  await page.locator('form#calendar-form button[type="submit"]').click();
  await page.goto('/payments');
  await expect(page.locator('table tbody tr').first()).toContainText('۱۴۰۵/');
  await logout(page);
});
