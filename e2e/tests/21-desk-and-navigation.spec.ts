import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, logout, shot, switchLanguage, test } from './fixtures';
import type { Page } from '@playwright/test';

/** How far down the page the first pixel of the main content starts. */
async function contentTop(page: Page): Promise<number> {
  const box = await page.locator('main#main').boundingBox();
  return box!.y;
}

test('the back office menu is grouped by area, a side menu on a wide screen with the current place marked', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  const nav = page.locator('nav.mainnav');
  // Areas with their headings; the admin sees every one.
  await expect(nav.locator('.navgroup-title')).toHaveText(['Клиенты', 'Оборудование', 'Поддержка', 'Деньги', 'Администрирование']);
  const customers = nav.locator('.navgroup', { has: page.locator('.navgroup-title', { hasText: 'Клиенты' }) });
  await expect(customers.locator('a')).toHaveText(['Клиенты', 'Контрагенты', 'Верификация ИНН']);
  // A side menu: beside the content, not above it.
  const navBox = (await nav.boundingBox())!;
  const mainBox = (await page.locator('main#main').boundingBox())!;
  expect(navBox.x + navBox.width, 'the menu ends where the content starts').toBeLessThanOrEqual(mainBox.x + 1);
  expect(mainBox.y, 'the content starts right under the top bar').toBeLessThan(80);
  await nav.locator('a[href="/crm/payments"]').click();
  await expect(nav.locator('a[aria-current="page"]')).toHaveText('Платежи');
  await shot(page, 'crm-menu-1280');
});

test('on a 360 px phone the menu folds into one button in both faces', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  const nav = page.locator('nav.mainnav');
  await expect(nav).toBeHidden();
  expect(await contentTop(page), 'the back office shows content under a slim bar').toBeLessThan(110);
  await page.locator('#menu-button').click();
  await expect(nav).toBeVisible();
  await shot(page, 'crm-menu-360-open');
  await nav.locator('a[href="/crm/tickets"]').click();
  await expect(page).toHaveURL(/\/crm\/tickets/);
  await expect(nav, 'a new page starts with the menu folded').toBeHidden();
  await logout(page);

  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await expect(page.locator('nav.mainnav')).toBeHidden();
  expect(await contentTop(page), 'the cabinet shows content under a slim bar').toBeLessThan(110);
  await page.locator('#menu-button').click();
  await page.locator('nav.mainnav a[href="/payments"]').click();
  await expect(page).toHaveURL(/\/payments/);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});

test('the back office home shows the day\'s figures for the role, each leading to its queue', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm');
  const desk = page.locator('#desk');
  for (const key of ['my_open_tickets', 'breaching_soon', 'breached', 'unassigned', 'verifications_waiting', 'payments_today', 'documents_running', 'my_exports_running', 'outbox_failed']) {
    await expect(desk.locator(`#desk-${key} .tile-figure`), key).toHaveText(/^\d+$/);
  }
  // The demo has tickets nobody took yet: the figure matches the queue it opens.
  const unassigned = Number(await desk.locator('#desk-unassigned .tile-figure').textContent());
  expect(unassigned).toBeGreaterThan(0);
  await desk.locator('#desk-unassigned').click();
  await expect(page).toHaveURL(/queue=unassigned/);
  await expect(page.locator('table#tickets-list tbody tr[data-status]')).toHaveCount(Math.min(unassigned, 25));
  await shot(page, 'crm-home-figures');
  await logout(page);

  // An accountant has no support queues; it sees today's payments.
  await loginCrm(page, 'accountant', DEMO_PASSWORD);
  await page.goto('/crm');
  await expect(page.locator('#desk-payments_today')).toBeVisible();
  await expect(page.locator('#desk-unassigned')).toHaveCount(0);
  await page.locator('#desk-payments_today').click();
  await expect(page).toHaveURL(/\/crm\/payments\?from=\d{4}-\d{2}-\d{2}&to=/);
});

test('the customer card shows one tab at a time and its address remembers the tab', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/customers?q=KB-2026-0001');
  await page.locator('table#customers tbody tr a').first().click();
  // The first tab: the customer's data, and nothing of the other tabs.
  await expect(page.locator('#card-tabs a[aria-current="page"]')).toHaveAttribute('data-tab', 'data');
  await expect(page.locator('section#point-data')).toBeVisible();
  await expect(page.locator('section#users, section#billing, section#comments')).toHaveCount(0);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height, 'one section, not the whole card').toBeLessThan(2000);

  await page.locator('#card-tabs a[data-tab="users"]').click();
  await expect(page).toHaveURL(/[?&]tab=users/);
  await expect(page.locator('table#customer-users')).toBeVisible();
  await expect(page.locator('section#point-data')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('#card-tabs a[aria-current="page"]')).toHaveAttribute('data-tab', 'users');

  // An action on a tab comes back to that tab.
  await page.locator('#card-tabs a[data-tab="comments"]').click();
  await page.locator('#f-comment-text').fill('Звонили по поводу продления');
  await page.locator('form#comment-form button[type="submit"]').click();
  await expect(page).toHaveURL(/[?&]tab=comments/);
  await expect(page.locator('#comment-list')).toContainText('Звонили по поводу продления');
  await shot(page, 'customer-card-comments-tab');
});

test('names in Latin and Cyrillic keep their punctuation in place on Persian pages', async ({ page }) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await switchLanguage(page, 'fa');
  try {
    await page.goto('/crm/customers?q=KB-2026-0001');
    // Each name is isolated, so its own direction orders its characters.
    const cell = page.locator('table#customers tbody tr').first().locator('bdi').first();
    await expect(cell).toBeVisible();
    await page.locator('table#customers tbody tr a').first().click();
    await expect(page.locator('h1 bdi')).toBeVisible();
    await expect(page.locator('.whoami bdi')).toBeVisible();
  } finally {
    await switchLanguage(page, 'ru');
  }
});

const LANGS = ['ru', 'en', 'fa'] as const;
const WIDTHS = [360, 1280] as const;

test('screens of the dashboard, payments, tickets and customer list in each language at phone and desk width', async ({ page, newPage }) => {
  const crm = await newPage();
  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await loginCrm(crm, 'admin', DEMO_PASSWORD);
  try {
    for (const lang of LANGS) {
      await switchLanguage(page, lang);
      await switchLanguage(crm, lang);
      for (const width of WIDTHS) {
        for (const p of [page, crm]) await p.setViewportSize({ width, height: 900 });
        for (const [path, name] of [['/', 'dashboard'], ['/payments', 'payments'], ['/tickets', 'tickets']] as const) {
          await page.goto(path);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} ${lang} ${width}`).toBeLessThanOrEqual(width);
          await shot(page, `screen-${name}-${lang}-${width}`);
        }
        await crm.goto('/crm/customers');
        expect(await crm.evaluate(() => document.documentElement.scrollWidth), `customers ${lang} ${width}`).toBeLessThanOrEqual(width);
        await shot(crm, `screen-crm-customers-${lang}-${width}`);
      }
    }
  } finally {
    await switchLanguage(page, 'ru');
    await switchLanguage(crm, 'ru');
  }
});
