import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, shot, submit, test } from './fixtures';

// The knowledge base (CNT-1): a Persian customer on a phone finds their device's article by a
// word in another form and rates it; a new ticket's title suggests articles before it is sent;
// the technical team publishes an article that customers then find.

test('a Persian customer on a phone searches the help and rates an article', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await loginCabinet(phone, 'reza.k', DEMO_PASSWORD);
  await phone.goto('/help');
  await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
  await phone.locator('#help-q').fill('فیلترها');
  await submit(phone.locator('form#help-search'));
  const hit = phone.locator('#help-results li').first();
  await expect(hit).toContainText('تعویض فیلترهای دستگاه تصفیهٔ آب');
  await shot(phone, 'help-search-fa-phone');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  await hit.locator('a').click();
  await expect(phone.locator('#help-article')).toHaveAttribute('data-language', 'fa');
  await expect(phone.locator('#help-video')).toBeVisible();
  await phone.locator('#help-vote button[value="yes"]').click();
  await expect(phone.locator('.alert-success').first()).toBeVisible();
  await expect(phone.locator('#help-vote')).toHaveAttribute('data-my-vote', 'yes');
  await shot(phone, 'help-article-fa-phone');
});

test('a new ticket’s title suggests articles before it is sent', async ({ page }) => {
  await loginCabinet(page, 'vector.lines', DEMO_PASSWORD);
  await page.goto('/tickets/new');
  await page.locator('#f-title').pressSequentially('не работает роутер', { delay: 20 });
  const suggestions = page.locator('#kb-suggestions');
  await expect(suggestions.locator('li').first()).toContainText('роутер', { timeout: 5_000 });
  await shot(page, 'ticket-suggestions');
});

test('the technical team publishes an article customers then find', async ({ browser }) => {
  const crm = await browser.newPage();
  await loginCrm(crm, 'support', DEMO_PASSWORD);
  await crm.goto('/crm/help');
  const form = crm.locator('form#kb-new');
  await form.locator('#f-language').selectOption('ru');
  await form.locator('#f-title').fill('Перезагрузка видеорегистратора');
  await form.locator('#f-body').fill('Удерживайте кнопку **Reset** десять секунд.');
  await form.locator('button[value="publish"]').click();
  await expect(crm.locator('.alert-success').first()).toBeVisible();
  await expect(crm.locator('#kb-versions tr[data-status="published"]')).toHaveCount(1);
  await shot(crm, 'crm-help-article');

  const cabinet = await browser.newPage();
  await loginCabinet(cabinet, 'vector.lines', DEMO_PASSWORD);
  await cabinet.goto('/');
  await cabinet.locator('#help-q').fill('видеорегистраторы');
  await submit(cabinet.locator('form#help-search'));
  await expect(cabinet.locator('#help-results li').first()).toContainText('Перезагрузка видеорегистратора');
});
