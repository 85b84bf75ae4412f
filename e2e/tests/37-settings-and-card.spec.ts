import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, shot, sixDigitCode, test, waitForNewMessage, newestMessage } from './fixtures';

// The guarded customer's settings on a phone (source document 004): a new mobile number is
// saved only with the code sent to it by SMS, the landline at once, each change reaching the
// service centre's queue; then, with a card saved by autopay, a top-up in one tap.

const NEW_MOBILE = '+79990000859';

test('a new mobile proved by SMS code, the landline saved, both in the staff queue', async ({ browser, allowHttpStatus }) => {
  allowHttpStatus(422);
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await loginCabinet(phone, 'orlov.home', DEMO_PASSWORD);
  await phone.goto('/profile');
  await expect(phone.locator('#profile-contract')).toBeVisible();

  const crm = await browser.newPage();
  await loginCrm(crm, 'admin', DEMO_PASSWORD);
  const before = await newestMessage(crm, NEW_MOBILE);

  await phone.locator('form#phone-form #f-phone').fill('8 999 000-08-59');
  await phone.locator('form#phone-form button[type="submit"]').click();
  const confirm = phone.locator('form#phone-confirm-form');
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText(NEW_MOBILE);
  const code = sixDigitCode(await waitForNewMessage(crm, NEW_MOBILE, before));

  // A wrong code is said at its field and the form stays.
  await confirm.locator('#f-code').fill(code === '000000' ? '111111' : '000000');
  await confirm.locator('button[type="submit"]').click();
  await expect(phone.locator('#e-code')).toBeVisible();
  await phone.locator('form#phone-confirm-form #f-code').fill(code);
  await phone.locator('form#phone-confirm-form button[type="submit"]').click();
  await expect(phone.locator('.alert-success')).toBeVisible();
  await expect(phone.locator('form#phone-form #f-phone')).toHaveValue(NEW_MOBILE);

  await phone.locator('form#landline-form #f-landline_phone').fill('8 (843) 200-11-22');
  await phone.locator('form#landline-form button[type="submit"]').click();
  await expect(phone.locator('.alert-success')).toBeVisible();
  await expect(phone.locator('form#landline-form #f-landline_phone')).toHaveValue('+78432001122');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  await shot(phone, 'settings-phone');

  await crm.goto('/crm/requests?kind=contact_phone_change');
  await expect(crm.locator('#requests-queue tbody tr', { hasText: NEW_MOBILE })).toHaveCount(1);
  await crm.goto('/crm/requests?kind=landline_phone_change');
  await expect(crm.locator('#requests-queue tbody tr', { hasText: '+78432001122' })).toHaveCount(1);
});

test('autopay saves the card at the bank, then a top-up takes one tap', async ({ page }) => {
  await loginCabinet(page, 'orlov.home', DEMO_PASSWORD);
  await page.goto('/autopay');
  const form = page.locator('form#autopay-form');
  await form.locator('select[name="mode"]').selectOption('threshold');
  await form.locator('#f-threshold').fill('0');
  await form.locator('#f-topup_amount').fill('500');
  await form.locator('#f-first_payment').fill('100');
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('#fake-amount')).toContainText('100.00');
  await page.locator('#fake-pay').click();
  await expect(page).toHaveURL((u) => /^\/payments\/\d+\/receipt$/.test(u.pathname));

  await page.goto('/topup');
  const tap = page.locator('#pay-saved-card');
  await expect(tap).toBeVisible();
  await page.locator('form#topup-form input[name="amount"]').fill('1 250,50');
  await shot(page, 'topup-saved-card');
  await tap.click();
  // No bank page: the receipt at once.
  await expect(page).toHaveURL((u) => /^\/payments\/\d+\/receipt$/.test(u.pathname));
  await expect(page.locator('#receipt')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.locator('#receipt-amount')).toContainText(/1\D?250,50/);
});

test('a state guard is paid from a saved template: typed once, filled in one tap next time', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await loginCabinet(page, 'orlov.home', DEMO_PASSWORD);
  await page.goto('/pay-slip/other');
  await expect(page.locator('#payment-templates .payment-template')).toHaveCount(0);
  const form = page.locator('form#pay-slip-other');
  await form.locator('#f-name').fill('УВО по г. Казани');
  await form.locator('#f-inn').fill('7707083893');
  await form.locator('#f-kpp').fill('165501001');
  await form.locator('#f-bank_name').fill('Отделение-НБ Республика Татарстан');
  await form.locator('#f-bik').fill('044525225');
  const account = '40702810638050013199'; // its control key fits the BIK
  await form.locator('#f-account').fill(account);
  await form.locator('#f-sum').fill('1 250,00');
  await form.locator('#f-purpose').fill('Охрана квартиры, договор 77/15');
  await form.locator('#f-save_template').check();
  await form.locator('#f-template_title').fill('Вневедомственная охрана');
  const [slip] = await Promise.all([page.waitForEvent('download'), form.locator('button[type="submit"]').click()]);
  expect(slip.suggestedFilename()).toMatch(/^pay-slip-.*\.pdf$/);

  await page.goto('/pay-slip/other');
  const saved = page.locator('#payment-templates .payment-template', { hasText: 'Вневедомственная охрана' });
  await expect(saved).toHaveCount(1);
  await saved.locator('a.template-use').click();
  await expect(page.locator('form#pay-slip-other #f-account')).toHaveValue(account);
  await expect(page.locator('form#pay-slip-other #f-sum')).toHaveValue('');
  await shot(page, 'payment-template');
});
