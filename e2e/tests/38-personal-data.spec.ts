import { DEMO_PASSWORD, expect, hrefInRow, loginCabinet, loginCrm, shot, submit, test } from './fixtures';

// Personal data (PRV-2): a person on a phone sees what they agreed to and gives or withdraws
// the marketing consent; staff enter a withdrawal received by e-mail, which puts a task in the
// customer requests queue; a new text of the processing consent is asked for again.

test('a person on a phone gives and withdraws the marketing consent', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await loginCabinet(phone, 'orlova.view', DEMO_PASSWORD);
  await phone.goto('/privacy');
  const marketing = phone.locator('#consent-marketing');
  await expect(phone.locator('#consent-processing')).toHaveAttribute('data-standing', 'given');
  // Whatever the demo left, start from a consent that does not stand.
  if ((await marketing.getAttribute('data-standing')) === 'given') {
    await submit(marketing.locator('form'));
    await expect(phone.locator('#consent-marketing')).toHaveAttribute('data-standing', 'withdrawn');
  }
  // The text is one tap away.
  await phone.locator('#consent-marketing summary').click();
  await expect(phone.locator('#consent-marketing .markdown')).toBeVisible();
  await submit(phone.locator('#consent-marketing form'));
  await expect(phone.locator('.alert-success').first()).toBeVisible();
  await expect(phone.locator('#consent-marketing')).toHaveAttribute('data-standing', 'given');
  await expect(phone.locator('#consent-marketing .consent-standing')).toContainText('в личном кабинете');
  await shot(phone, 'privacy-phone');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  await submit(phone.locator('#consent-marketing form'));
  await expect(phone.locator('#consent-marketing')).toHaveAttribute('data-standing', 'withdrawn');
});

test('staff enter a withdrawal received by e-mail; it reaches the requests queue', async ({
  page,
  allowHttpStatus,
}) => {
  allowHttpStatus(422);
  await loginCrm(page, 'manager', DEMO_PASSWORD);
  await page.goto('/crm/customers?q=KB-2026-0001');
  await page.goto(await hrefInRow(page.locator('table#customers'), 'KB-2026-0001', 'a[href^="/crm/customers/"]'));
  await page.locator('#card-tabs a[data-tab="users"]').click();
  await page.locator('tr[data-login="vector.view"] a.consents-link').click();
  await expect(page.locator('h1')).toContainText('vector.view');
  const form = page.locator('form#consent-withdrawal');
  await form.locator('select[name="kind"]').selectOption('processing');
  // Where the statement came from is required.
  await submit(form);
  await expect(page.locator('#e-note')).toBeVisible();
  await page.locator('form#consent-withdrawal input[name="note"]').fill('Письмо на почту от 02.12.2026');
  await submit(page.locator('form#consent-withdrawal'));
  await expect(page.locator('.alert-success').first()).toBeVisible();
  await expect(page.locator('#consent-records tbody tr').first()).toContainText('письменным заявлением');
  await expect(page.locator('#consent-standing li[data-kind="processing"]')).toContainText('отозвано');
  await shot(page, 'crm-consents');
  await page.goto('/crm/requests');
  await expect(page.locator('body')).toContainText('Отзыв согласия на обработку персональных данных');
});

test('a new text of the processing consent is asked for again', async ({ browser }) => {
  const crm = await browser.newPage();
  await loginCrm(crm, 'manager', DEMO_PASSWORD);
  await crm.goto('/crm/privacy');
  const form = crm.locator('form#consent-text-new');
  await expect(form.locator('#f-body')).not.toHaveValue('');
  await form.locator('select[name="kind"]').selectOption('processing');
  await form.locator('#f-title').fill('Согласие на обработку, редакция 2');
  await form.locator('#f-body').fill('Обработка также ведётся **для отчётности**.');
  await submit(form);
  await expect(crm.locator('.alert-success').first()).toBeVisible();
  await expect(crm.locator('#texts-processing tr[data-version="2"]')).toBeVisible();

  const cabinet = await browser.newPage();
  await loginCabinet(cabinet, 'kuznetsov', DEMO_PASSWORD);
  await cabinet.goto('/privacy');
  const processing = cabinet.locator('#consent-processing');
  await expect(processing.locator('.alert-info')).toBeVisible();
  await processing.locator('summary').click();
  await expect(processing.locator('.markdown strong')).toHaveText('для отчётности');
  await submit(processing.locator('form'));
  await expect(cabinet.locator('#consent-processing .alert-info')).toHaveCount(0);
  await expect(cabinet.locator('#consent-processing .consent-standing')).toContainText('2');
});
