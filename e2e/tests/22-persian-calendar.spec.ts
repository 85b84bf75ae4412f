import { DEMO_PASSWORD, expect, loginCabinet, logout, shot, test } from './fixtures';

test('a Persian reader reads Solar Hijri dates, types one into a filter, and may choose the Gregorian calendar', async ({ page }) => {
  await loginCabinet(page, 'reza.k', DEMO_PASSWORD);
  await page.goto('/payments');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  // 4 September 2026 is 13 Shahrivar 1405, written in Persian digits.
  const rows = page.locator('table tbody tr');
  await expect(rows.first()).toContainText('۱۴۰۵/۰۶/۱۳');
  await shot(page, 'payments-solar-hijri');

  // The date field takes a Solar Hijri day typed with Persian digits.
  const from = page.locator('input[name="from"]');
  await expect(from).toHaveAttribute('type', 'text');
  await from.fill('۱۴۰۵/۰۶/۱۴');
  await page.locator('form#payment-filters button[type="submit"]').click();
  await expect(page.locator('input[name="from"]')).toHaveValue('۱۴۰۵/۰۶/۱۴');
  await expect(page.locator('table tbody tr', { hasText: '۱۴۰۵/۰۶/۱۳' })).toHaveCount(0);

  // Choosing the Gregorian calendar in the profile; the date picker comes back.
  await page.goto('/profile');
  await page.locator('#f-calendar').selectOption('gregorian');
  await page.locator('form#calendar-form button[type="submit"]').click();
  await expect(page.locator('.alert-success')).toBeVisible();
  await page.goto('/payments');
  await expect(page.locator('table tbody tr').first()).toContainText('۲۰۲۶/۰۹/۰۴');
  await expect(page.locator('input[name="from"]')).toHaveAttribute('type', 'date');

  // Back to the language's calendar, so other tests see the demo as it was.
  await page.goto('/profile');
  await page.locator('#f-calendar').selectOption('');
  await page.locator('form#calendar-form button[type="submit"]').click();
  await page.goto('/payments');
  await expect(page.locator('table tbody tr').first()).toContainText('۱۴۰۵/');
  await logout(page);
});
