import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, shot, test } from './fixtures';

// Spending of lines (CAB-3): the demo haulage company's coordinator opens "Spending" from the
// line register, reads the chart and the table for the last six months, narrows them to the
// drivers' group and to one of the lines that spent most, and exports the workbook; on a phone
// the chart fits the screen. An accountant imports the operator's usage file in the back
// office; a file with a bad row is refused with the row and why, and charges nothing.
test('a coordinator reads the spending of its lines and exports it', async ({ page, allowHttpStatus }) => {
  await loginCabinet(page, 'volga.coord', DEMO_PASSWORD);
  await page.goto('/lines');
  await page.locator('#line-spending-link').click();
  await expect(page).toHaveURL(/\/lines\/spending$/);
  const chart = page.locator('#spending-chart');
  await expect(chart).toBeVisible();
  // Six months, four categories each: every part a bar with its value as a tooltip.
  await expect(chart.locator('rect.cat-3')).toHaveCount(6);
  await expect(page.locator('#spending-months tbody tr')).toHaveCount(6);
  await expect(page.locator('#spending-top tbody tr')).toHaveCount(10);
  await shot(page, 'line-spending');

  await page.locator('#spending-filters select[name="group"]').selectOption({ label: 'Водители' });
  await page.locator('#spending-filters button[type="submit"]').click();
  await expect(page.locator('h1')).toContainText('Водители');
  const first = page.locator('#spending-top tbody tr').first();
  const phone = (await first.locator('td').first().innerText()).trim();
  await first.locator('a.line-spending').click();
  await expect(page.locator('h1')).toContainText(phone);
  await expect(page.locator('#spending-top')).toHaveCount(0);

  const [book] = await Promise.all([page.waitForEvent('download'), page.locator('#spending-export').click()]);
  expect(book.suggestedFilename()).toMatch(/^spending-.*\.xlsx$/);

  // A period that ends before it begins is said at its field.
  allowHttpStatus(422);
  await page.goto('/lines/spending?from=2026-06&to=2026-01');
  await expect(page.locator('#e-from')).toContainText('раньше');

  // On a phone the chart is as wide as the screen, and the page does not scroll sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/lines/spending');
  const box = await page.locator('#spending-chart').boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await shot(page, 'line-spending-phone');
});

test('an accountant imports the operator usage file, all or nothing', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCrm(page, 'accountant', DEMO_PASSWORD);
  await page.goto('/crm/line-usage');
  await expect(page.locator('#usage-imports')).toContainText('usage-demo.csv');
  const month = new Date();
  month.setUTCMonth(month.getUTCMonth() - 10);
  const old = month.toISOString().slice(0, 7);

  const bad = `Номер;Месяц;Категория;Сумма\n+79276000005;${old};звонки;12,50\n+79276000006;${old};кофе;1\n`;
  await page.locator('#import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.locator('#usage-import-form button[type="submit"]').click();
  await expect(page.locator('#import-refused')).toBeVisible();
  await expect(page.locator('#import-problems tbody tr')).toHaveCount(1);
  await expect(page.locator('#import-problems')).toContainText('Категория');

  const good = `Номер;Месяц;Категория;Сумма\n+79276000005;${old};звонки;12,50\n+79276000006;${old};смс;1\n`;
  await page.locator('#import-file').setInputFiles({ name: 'old-month.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.locator('#usage-import-form button[type="submit"]').click();
  await expect(page.locator('#import-done')).toBeVisible();
  await expect(page.locator('#usage-imports tbody tr').first()).toContainText('old-month.csv');
  await shot(page, 'line-usage-import');
});
