import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, shot, test } from './fixtures';

// Guarded property (AST-7): a customer types the key number the monitoring department gave it
// and sees that object's events for a chosen period, on a phone as on a desktop; staff register
// an object for a customer and read its event log.

test('a customer unlocks an object by its key number and reads its events', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCabinet(page, 'orlov.home', DEMO_PASSWORD);
  // The dashboard shows the latest events of the object unlocked already.
  await expect(page.locator('#latest-events tbody tr').first()).toBeVisible();
  await page.locator('nav a[href="/objects"]').first().click();
  await expect(page.locator('#my-objects tbody tr')).toHaveCount(2);

  // Another customer's number is not one of ours: said at the field.
  await page.locator('#f-key_number').fill('4102');
  await page.locator('form#object-key button[type="submit"]').click();
  await expect(page.locator('#e-key_number')).toBeVisible();
  await page.locator('#f-key_number').fill('4101');
  await page.locator('form#object-key button[type="submit"]').click();
  await expect(page).toHaveURL(/\/objects\/events/);
  await expect(page.locator('.alert-success').first()).toBeVisible();

  // The dacha only, over the last week: every row is the dacha's.
  await page.locator('#f-object').selectOption({ label: 'Дача' });
  const today = new Date();
  const weekAgo = new Date(today.getTime() - 6 * 86400000);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  await page.locator('#f-from').fill(iso(weekAgo));
  await page.locator('#f-to').fill(iso(today));
  await page.locator('form#event-filters button[type="submit"]').click();
  const rows = page.locator('#object-events tbody tr[data-kind]');
  await expect(rows.first()).toBeVisible();
  const names = await rows.locator('td:nth-child(2)').allTextContents();
  expect(new Set(names.map((n) => n.trim()))).toEqual(new Set(['Дача']));
  await shot(page, 'object-events');

  // A period backwards is said at its field, nothing listed.
  await page.locator('#f-from').fill(iso(today));
  await page.locator('#f-to').fill(iso(weekAgo));
  await page.locator('form#event-filters button[type="submit"]').click();
  await expect(page.locator('#e-to')).toBeVisible();
  await expect(page.locator('#object-events tbody tr[data-kind]')).toHaveCount(0);

  // On a phone the log is stacked cards, nothing clipped.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/objects/events');
  const first = page.locator('#object-events tbody tr[data-kind]').first();
  await expect(first).toBeVisible();
  const box = await first.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  await shot(page, 'object-events-phone');

  // The dashboard on the phone: the contract's address and the services of both objects.
  await page.goto('/');
  await expect(page.locator('#customer-address')).toBeVisible();
  await expect(page.locator('#object-services li[data-object]')).toHaveCount(2);
  await expect(page.locator('#object-services li[data-object]').first()).toContainText(/Пультовая охрана|Тревожная кнопка/);
  const services = await page.locator('#object-services').boundingBox();
  expect(services!.width).toBeLessThanOrEqual(360);
});

test('support registers a protected object and reads its log', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCrm(page, 'support', DEMO_PASSWORD);
  await page.goto('/crm/customers?q=' + encodeURIComponent('OX-2026-0003'));
  await page.locator('table a[href^="/crm/customers/"]').first().click();
  const card = page.url().match(/\/crm\/customers\/(\d+)/)![1];
  await page.goto(`/crm/customers/${card}?tab=services`);
  await page.locator('#customer-objects').click();
  await expect(page.locator('#customer-objects tbody tr')).toHaveCount(2);

  // A key number taken by another object is refused at its field, the rest kept as typed.
  const form = page.locator('form#object-new');
  await form.locator('#f-name').fill('Гараж у дома');
  await form.locator('#f-address').fill('Казань, ул. Гаражная, 5');
  await form.locator('#f-object_kind').selectOption('garage');
  await form.locator('#f-key_number').fill('4100');
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('#e-key_number')).toBeVisible();
  await expect(page.locator('#f-name')).toHaveValue('Гараж у дома');
  await page.locator('#f-key_number').fill('g-501');
  await page.locator('form#object-new button[type="submit"]').click();
  await expect(page).toHaveURL(/\/crm\/security-objects\/\d+/);
  await expect(page.locator('#object-key')).toHaveText('G-501');
  // A new object has no events yet: the log says so.
  await expect(page.locator('#object-events tbody tr[data-kind]')).toHaveCount(0);
  await expect(page.locator('#object-events tbody tr')).toHaveCount(1);
  await shot(page, 'crm-object');
});
