import { DEMO_PASSWORD, expect, generatedPassword, loginCrm, logout, shot, test } from './fixtures';

test('a manager registers a counterparty by INN and opens a customer with it in one form', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCrm(page, 'manager', DEMO_PASSWORD);
  await page.locator('nav.mainnav a[href="/crm/counterparties"]').click();
  await page.locator('#new-counterparty').click();
  const cp = page.locator('form#counterparty-form');
  await cp.locator('input[name="inn"]').fill('6315000012');
  await page.locator('#lookup-inn').click();
  // The registry filled the names in; the bank details are typed by hand.
  await expect(cp.locator('input[name="short_name"]')).toHaveValue('АО «Злак»');
  await expect(cp.locator('input[name="kpp"]')).toHaveValue('631501001');
  await cp.locator('input[name="bik"]').fill('044525225');
  await cp.locator('input[name="bank_account"]').fill('40702810738050013199');
  await page.locator('#counterparty-save').click();
  // A wrong control key is named next to the account.
  await expect(cp.locator('.has-error input[name="bank_account"]')).toBeVisible();
  await cp.locator('input[name="bank_account"]').fill('40702810638050013199');
  await page.locator('#counterparty-save').click();
  await expect(page.locator('.alert-success')).toBeVisible();
  await shot(page, 'counterparty');

  await page.locator('nav.mainnav a[href="/crm/customers"]').click();
  await page.locator('#new-customer').click();
  const form = page.locator('form#customer-form');
  await form.locator('input[name="name"]').fill('Пекарня «Колосок» на Хлебной/АО «Злак»');
  await form.locator('input[name="contract_number"]').fill('KB-2026-0777');
  await form.locator('input[name="counterparty_inn"]').fill('6315000012');
  await form.locator('select[name="support_group"]').selectOption('A');
  await form.locator('select[name="activity"]').selectOption('Торговля');
  await form.locator('input[name="chain"]').check();
  await form.locator('input[name="contact_person"]').fill('Мельникова Ольга');
  await form.locator('input[name="phone"]').fill('+7 999 777-00-11');
  await form.locator('input[name="city"]').fill('Самара');
  await form.locator('input[name="user_login"]').fill('kolosok.hlebnaya');
  await shot(page, 'customer-form');
  await page.locator('#customer-save').click();

  const password = await generatedPassword(page);
  expect(password.length).toBeGreaterThanOrEqual(12);
  // Post/Redirect/Get: the card has its own address, and reloading it shows the password no
  // more and creates nothing twice.
  await expect(page).toHaveURL(/\/crm\/customers\/\d+\?/);
  await page.reload();
  await expect(page.locator('#generated-password')).toHaveCount(0);
  await expect(page.locator('#customer-counterparty')).toContainText('6315000012');
  await expect(page.locator('#point-data')).toContainText('Сетевой клиент');
  await page.locator('#card-tabs a[data-tab="comments"]').click();
  await expect(page).toHaveURL(/[?&]tab=comments/);
  await page.locator('#f-comment-text').fill('Подключение согласовано с Ольгой');
  await page.locator('form#comment-form button[type="submit"]').click();
  await expect(page.locator('#comment-list')).toContainText('Подключение согласовано');
  await shot(page, 'customer-card');

  // The new customer is found by its INN and by its phone.
  for (const q of ['6315000012', '+79997770011']) {
    await page.goto(`/crm/customers?q=${encodeURIComponent(q)}`);
    await expect(page.locator('table#customers')).toContainText('KB-2026-0777');
  }
  await logout(page);
});
