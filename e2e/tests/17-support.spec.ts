import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, shot, test } from './fixtures';

// The smallest PNG there is: a 1×1 transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

test('a customer opens a ticket with a file, support answer, the customer sees answer, status and deadlines', async ({
  page,
  newPage,
}) => {
  const title = `Не открывается страница входа ${Date.now()}`;
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await page.locator('nav.mainnav a[href="/tickets"]').click();
  await page.locator('#ticket-new').click();
  const form = page.locator('form#ticket-form');
  await form.locator('select[name="topic"]').selectOption('widget_recovery');
  await form.locator('input[name="title"]').fill(title);
  await form.locator('textarea[name="description"]').fill('Гости видят **пустую** страницу.\n\n- с утра\n- на всех телефонах');
  await form.locator('select[name="priority"]').selectOption('high');
  await form.locator('input[name="attachments"]').setInputFiles({ name: 'экран.png', mimeType: 'image/png', buffer: PNG });
  await shot(page, 'ticket-new');
  await page.locator('#ticket-submit').click();

  // The ticket: its number, both deadlines running, the file, the rendered description.
  await expect(page).toHaveURL(/\/tickets\/\d+/);
  await expect(page.locator('h1')).toContainText(title);
  await expect(page.locator('#ticket-status')).toHaveText('Открыто');
  await expect(page.locator('#reaction-due')).toHaveAttribute('data-state', 'on_track');
  await expect(page.locator('#resolution-due')).toHaveAttribute('data-state', 'on_track');
  await expect(page.locator('#ticket-description strong')).toHaveText('пустую');
  await expect(page.locator('.ticket-summary a[download]')).toHaveText('экран.png');
  const ticketUrl = page.url();
  await shot(page, 'ticket-opened');

  // Support find it among the unassigned, take it and answer.
  const crm = await newPage();
  await loginCrm(crm, 'support', DEMO_PASSWORD);
  await crm.locator('nav.mainnav a[href="/crm/tickets"]').click();
  await crm.locator('#queue-tabs a[data-queue="unassigned"]').click();
  await crm.locator('table#tickets-list a', { hasText: /\d{4}-\d{6}/ }).first().waitFor();
  await crm.locator('table#tickets-list tr', { hasText: title }).locator('a').first().click();
  await crm.locator('#assign-me').click();
  await expect(crm.locator('.alert-success')).toBeVisible();
  await crm.locator('form#reply-form textarea[name="body"]').fill('Обновили адрес портала на роутере — проверьте, пожалуйста.');
  await expect(crm.locator('#f-wait')).toBeChecked();
  await crm.locator('#reply-submit').click();
  await expect(crm.locator('.alert-success')).toBeVisible();
  await shot(crm, 'ticket-staff');
  const mine = await crm.goto('/crm/tickets?queue=mine');
  expect(mine?.status()).toBe(200);
  await expect(crm.locator('table#tickets-list tr', { hasText: title })).toHaveCount(1);

  // The customer sees the answer, the status and the clocks: reaction met, completion paused.
  await page.goto(ticketUrl);
  await expect(page.locator('ol.messages li[data-side="staff"]')).toContainText('Обновили адрес портала');
  await expect(page.locator('#ticket-status')).toHaveText('Дан ответ');
  await expect(page.locator('#reaction-due')).toHaveAttribute('data-state', 'stopped');
  await expect(page.locator('#resolution-due')).toHaveAttribute('data-state', 'paused');
  await shot(page, 'ticket-answered');

  // The customer answers back: the ticket is in review again.
  await page.locator('form#reply-form textarea[name="body"]').fill('Заработало, спасибо!');
  await page.locator('#reply-submit').click();
  await expect(page.locator('#ticket-status')).toHaveText('На рассмотрении');
  await page.locator('#ticket-close').click();
  await expect(page.locator('#ticket-status')).toHaveText('Закрыто');
});

test('staff read the SLA plans and calendars with the deadlines a request would get now', async ({ page }) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.locator('nav.mainnav a[href="/crm/sla"]').click();
  await expect(page.locator('#plan-priority')).toBeVisible();
  await expect(page.locator('#plan-by_fact')).toBeVisible();
  await expect(page.locator('#holidays-ru tr[data-day="2026-11-04"]')).toBeVisible();
  await shot(page, 'crm-sla');
});

test('an administrator adds a holiday and a support plan on the SLA page', async ({ page }) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/sla');
  const holidays = page.locator('#holidays-ru');
  await holidays.locator('input[name="day"]').fill('2026-12-30');
  await holidays.locator('input[name="note"]').fill('Перенос');
  await holidays.locator('button[type="submit"]', { hasText: 'Добавить' }).click();
  await expect(page.locator('.alert-success')).toBeVisible();
  await expect(page.locator('#holidays-ru tr[data-day="2026-12-30"]')).toContainText('Перенос');
  const plan = page.locator('#new-plan-form');
  await plan.locator('input[name="code"]').fill('vip');
  await plan.locator('input[name="name"]').fill('ВИП');
  await plan.locator('button[type="submit"]').click();
  await expect(page.locator('#plan-vip')).toBeVisible();
  // A day is removed again.
  await page.locator('#holidays-ru tr[data-day="2026-12-30"] button').click();
  await expect(page.locator('#holidays-ru tr[data-day="2026-12-30"]')).toHaveCount(0);
  await shot(page, 'crm-sla-edited');
});
