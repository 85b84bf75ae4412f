import { DEMO_PASSWORD, expect, loginCabinet, shot, test } from './fixtures';

// Employees on lines (AST-6): the haulage company's coordinator brings employees in from a
// file — a bad file is refused with every row and why, a good one joins an employee's own
// number, which waits for its code; on a line's page it sets the employee's photo and moves the
// line onto the employee's own SIM card by its number and PUK1.

// A one-pixel PNG.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

test('a coordinator imports employees from a file', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCabinet(page, 'volga.coord', DEMO_PASSWORD);
  await page.goto('/lines');
  await page.locator('#employee-import').click();
  await expect(page).toHaveURL(/\/lines\/employees\/import$/);
  await expect(page.locator('#import-columns')).toContainText('account');

  const bad = 'Номер;ФИО;Почта\n+7 903 555-20-01;;\nне номер;Кто-то;x@\n';
  await page.locator('#import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.locator('#employee-import-form button[type="submit"]').click();
  await expect(page.locator('#import-refused')).toBeVisible();
  await expect(page.locator('#import-problems tbody tr')).toHaveCount(3);

  // The company has three accounts: a new own number names the one it is billed to.
  const account = (await page.evaluate(async () => {
    const r = await fetch('/api/v1/accounts');
    const list = await r.json();
    return (Array.isArray(list) ? list : list.items)[0].number as string;
  }));
  const good = `Номер;ФИО;Должность;Лицевой счёт\n+7 903 555-20-01;Фролова Дарья;Логист;${account}\n`;
  await page.locator('#import-file').setInputFiles({ name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.locator('#employee-import-form button[type="submit"]').click();
  await expect(page.locator('#import-done')).toContainText('1');
  await expect(page.locator('#import-waiting')).toContainText('1');
  await shot(page, 'line-employee-import');

  await page.goto('/lines?q=' + encodeURIComponent('фролова'));
  await expect(page.locator('table#lines tbody tr[data-id]')).toHaveCount(1);
  await expect(page.locator('table#lines tbody tr[data-id]')).toContainText('Фролова Дарья');
});

test('a coordinator sets a photo and moves a line onto an own SIM card', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCabinet(page, 'volga.coord', DEMO_PASSWORD);
  await page.goto('/lines?q=' + encodeURIComponent('смирнов'));
  const id = await page.locator('table#lines tbody tr[data-id]').first().getAttribute('data-id');
  await page.goto(`/lines/${id}`);

  // Not a picture: said at the field. A picture: shown as the employee's photo.
  const form = page.locator('form#line-photo-form');
  await form.locator('input[name="photo"]').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture') });
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('#e-photo')).toBeVisible();
  await page.locator('form#line-photo-form input[name="photo"]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PIXEL });
  await page.locator('form#line-photo-form button[type="submit"]').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  const img = page.locator('#line-photo-image');
  await expect(img).toBeVisible();
  expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(128);

  // The employee's own card: a wrong PUK is refused at its field, the right one moves the line.
  const before = (await page.locator('#line-icc').textContent())!.trim();
  const own = page.locator('form#line-personal-sim-form');
  await own.locator('input[name="personal_phone"]').fill('+7 903 765-43-21');
  await own.locator('input[name="puk"]').fill('11111111');
  await own.locator('button[type="submit"]').click();
  await expect(page.locator('#e-puk')).toBeVisible();
  await expect(page.locator('form#line-personal-sim-form input[name="puk"]')).toHaveValue('');
  // The stand-in operator's rule: the PUK1 is the number's last eight digits backwards.
  await page.locator('form#line-personal-sim-form input[name="personal_phone"]').fill('+7 903 765-43-21');
  await page.locator('form#line-personal-sim-form input[name="puk"]').fill('12345673');
  await page.locator('form#line-personal-sim-form button[type="submit"]').click();
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator('#line-icc')).not.toHaveText(before);
  await expect(page.locator('#line-history-table')).toContainText('личную SIM-карту');
  await shot(page, 'line-own-sim');
});

test('the lines at a glance fit a phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await loginCabinet(page, 'volga.coord', DEMO_PASSWORD);
  await page.goto('/lines');
  await page.locator('#lines-simple-link').click();
  await expect(page).toHaveURL(/\/lines\/simple$/);
  await expect(page.locator('#simple-accounts .simple-account')).toHaveCount(3);
  await expect(page.locator('.simple-lines li[data-id]')).toHaveCount(50);
  await expect(page.locator('#simple-too-many')).toBeVisible();
  for (const action of ['#simple-topup', '#simple-add', '#simple-order']) {
    await expect(page.locator(action)).toBeVisible();
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await shot(page, 'lines-simple-phone');
});
