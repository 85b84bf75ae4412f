import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, logout, shot, test } from './fixtures';

test('the customer card shows sign-in activity for a chosen period, the routers and the audit', async ({ page }) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/customers?licence=radar');
  // Only the demo customer with a radar licence is listed.
  const rows = page.locator('table#customers tbody tr');
  await expect(rows).toHaveCount(1);
  await rows.first().locator('a').click();

  await page.locator('#card-tabs a[data-tab="statistics"]').click();
  const stats = page.locator('section#statistics');
  await expect(stats.locator('#activity-chart svg')).toBeVisible();
  // The demo has a month of sign-ins: thirty bars, some of them days with sign-ins.
  await expect(stats.locator('rect.bar')).toHaveCount(30);
  expect(Number(await stats.locator('#activity-active-days').textContent())).toBeGreaterThan(0);
  await shot(page, 'customer-card-statistics');

  // An older period with no sign-ins: zero days, and the chart is still drawn day by day.
  await stats.locator('input[name="from"]').fill('2022-04-07');
  await stats.locator('input[name="to"]').fill('2022-04-21');
  await stats.locator('button[type="submit"]').click();
  await expect(page.locator('#activity-active-days')).toHaveText('0');
  await expect(page.locator('section#statistics rect.bar')).toHaveCount(15);

  // A period that ends before it starts is explained.
  await page.locator('section#statistics input[name="from"]').fill('2022-04-21');
  await page.locator('section#statistics input[name="to"]').fill('2022-04-07');
  await page.locator('section#statistics button[type="submit"]').click();
  await expect(page.locator('#activity-error')).toBeVisible();

  await page.locator('#card-tabs a[data-tab="router"]').click();
  await expect(page.locator('table#routers tbody tr')).toHaveCount(1);
  await page.locator('#card-tabs a[data-tab="audit"]').click();
  await expect(page.locator('table#customer-audit')).toBeVisible();
  await logout(page);
});

test('a customer sees its cabinet sign-in activity', async ({ page }) => {
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await page.locator('nav.mainnav a[href="/activity"]').click();
  await expect(page.locator('#activity-chart svg')).toBeVisible();
  // Today's sign-in is counted.
  const today = await page.locator('rect.bar').last().getAttribute('data-value');
  expect(Number(today)).toBeGreaterThan(0);
  await shot(page, 'cabinet-activity');
});

test('staff enter a customer cabinet from its card and leave it again, both audited', async ({ page }) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/customers?q=KB-2026-0001');
  await page.locator('table#customers tbody tr a').first().click();
  const card = page.url();
  await page.locator('#enter-cabinet').click();
  // The customer's dashboard, with a banner naming the staff member.
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('#acting-banner')).toBeVisible();
  await shot(page, 'cabinet-entered-by-staff');
  // The back office is still the staff member's own.
  await page.goto('/crm');
  await expect(page.locator('nav.mainnav a[href="/crm/customers"]')).toBeVisible();
  await page.goto('/');
  await page.locator('#leave-cabinet').click();
  await expect(page).toHaveURL(card);
  await page.goto('/crm/audit?action=cabinet.');
  await expect(page.locator('table tbody tr', { hasText: 'cabinet.leave' }).first()).toBeVisible();
  await expect(page.locator('table tbody tr', { hasText: 'cabinet.enter' }).first()).toBeVisible();
});
