import { DEMO_PASSWORD, expect, loginCabinet, logout, shot, test } from './fixtures';

// The corporate telecom cabinet (source document 003): the demo haulage company's
// coordinator finds a driver by part of the surname in lower case, puts two lines into a new
// group with a label, replaces a lost SIM with a reserve card, sets call forwarding (a
// foreign number is refused at its field), and blocks a line; the company's line manager sees
// only the dispatchers in its care.
test('a coordinator groups lines, replaces a SIM and sets forwarding', async ({ page, allowHttpStatus }) => {
  // A mistyped ICC and a foreign number are answered 422 with the form shown again.
  allowHttpStatus(422);
  await loginCabinet(page, 'volga.coord', DEMO_PASSWORD);
  await page.locator('nav a[href="/lines"]').first().click();
  await expect(page).toHaveURL(/\/lines$/);
  await expect(page.locator('#lines-total')).toContainText('1');
  await expect(page.locator('#group-chips a')).toHaveCount(6);
  await shot(page, 'lines-register');

  // A new group and a label.
  await page.locator('#line-groups-link').click();
  const group = page.locator('form#group-new');
  await group.locator('input[name="name"]').fill('Рейс Самара — Москва');
  await group.locator('select[name="icon"]').selectOption('star');
  await group.locator('input[name="colour"][value="#d4488f"]').check();
  await group.locator('button[type="submit"]').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator('#groups-table tbody tr', { hasText: 'Рейс Самара — Москва' })).toHaveCount(1);

  // Found by a part of the surname typed in lower case; two ticked lines go into the group.
  await page.goto('/lines?q=' + encodeURIComponent('смирнов'));
  const rows = page.locator('table#lines tbody tr[data-id]');
  await expect(rows.first()).toBeVisible();
  const first = await rows.nth(0).getAttribute('data-id');
  const second = await rows.nth(1).getAttribute('data-id');
  await rows.nth(0).locator('input[name="line"]').check();
  await rows.nth(1).locator('input[name="line"]').check();
  const bulk = page.locator('#bulk-bar');
  const option = bulk.locator('select[name="action"] option', { hasText: 'Рейс Самара — Москва' });
  await bulk.locator('select[name="action"]').selectOption((await option.getAttribute('value'))!);
  await bulk.locator('#bulk-apply').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator(`table#lines tbody tr[data-id="${first}"]`)).toContainText('Рейс Самара — Москва');
  await expect(page.locator(`table#lines tbody tr[data-id="${second}"]`)).toContainText('Рейс Самара — Москва');

  // The line's page: a reserve card replaces the SIM, the history says so.
  await page.goto(`/lines/${first}`);
  const before = (await page.locator('#line-icc').textContent())!.trim();
  const spare = await page.locator('#reserve-iccs option').first().getAttribute('value');
  const sim = page.locator('form#line-sim-form');
  await sim.locator('input[name="icc"]').fill(spare!.slice(0, -1) + String((Number(spare!.slice(-1)) + 1) % 10));
  await sim.locator('button[type="submit"]').click();
  await expect(page.locator('#e-icc')).toBeVisible();
  await page.locator('form#line-sim-form input[name="icc"]').fill(spare!);
  await page.locator('form#line-sim-form button[type="submit"]').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator('#line-icc')).toContainText(spare!);
  expect(before).not.toContain(spare!);
  await expect(page.locator('#line-history-table')).toContainText('Заменена SIM-карта');

  // Forwarding: a foreign number is refused at its field; a Russian one is set.
  const fwd = page.locator('form#forwarding-form');
  await fwd.locator('select[name="condition"]').selectOption('busy');
  await fwd.locator('input[name="target"]').fill('+49 30 1234567');
  await fwd.locator('button[type="submit"]').click();
  await expect(page.locator('#e-target')).toContainText('российские');
  await page.locator('form#forwarding-form input[name="target"]').fill('8 927 600-00-02');
  await page.locator('form#forwarding-form button[type="submit"]').click();
  await expect(page.locator('#forwarding-rules li[data-condition="busy"]')).toContainText('+79276000002');

  // Blocked, then it may only be unblocked.
  await page.locator('#line-to-blocked').click();
  await expect(page.locator('#line-facts')).toHaveAttribute('data-status', 'blocked');
  await expect(page.locator('#line-to-active')).toBeVisible();
  await shot(page, 'line-page');
  await logout(page);
});

test('a line manager sees only the lines in its care, also on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await loginCabinet(page, 'volga.lines', DEMO_PASSWORD);
  await page.goto('/lines');
  await expect(page.locator('#lines-total')).toHaveText('(200)');
  // Every line it sees is a dispatcher's.
  const groups = await page.locator('table#lines tbody tr[data-id] td:nth-child(3)').allTextContents();
  expect(groups.length).toBeGreaterThan(0);
  for (const g of groups) expect(g).toContain('Диспетчерская');
  // No bulk actions, no adding employees: those are the coordinator's.
  await expect(page.locator('#bulk-bar')).toHaveCount(0);
  await expect(page.locator('#line-add')).toHaveCount(0);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(362);
  await shot(page, 'lines-line-manager-360');
  await logout(page);
});
