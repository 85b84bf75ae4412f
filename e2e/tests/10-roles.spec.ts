import {
  DEMO_PASSWORD,
  completeForcedChange,
  expect,
  generatedPassword,
  hrefInRow,
  loginCabinet,
  loginCrm,
  newPassword,
  shot,
  submit,
  test,
} from './fixtures';

const KOLOSOK = 'Сеть пекарен «Колосок»/АО «Злак»';

test('a partner sees only its own customers', async ({ page, newPage, allowHttpStatus }) => {
  // The admin tells which card belongs to someone else.
  const admin = await newPage();
  await loginCrm(admin, 'admin', DEMO_PASSWORD);
  await admin.goto('/crm/customers');
  const foreign = await hrefInRow(admin.locator('table#customers'), 'Ромашка-плюс', 'a[href^="/crm/customers/"]');

  await loginCrm(page, 'partner1', DEMO_PASSWORD);
  await page.goto('/crm/customers');
  const rows = page.locator('table#customers tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(KOLOSOK);
  await shot(page, 'crm-customers-partner');

  await rows.first().locator('a[href^="/crm/customers/"]').first().click();
  await expect(page.locator('h1')).toContainText(KOLOSOK);

  allowHttpStatus(403, 404);
  const r = await page.goto(foreign);
  expect(r?.status(), `partner1 opens ${foreign}`).toBe(404);
  const text = await page.locator('body').innerText();
  expect(text).not.toContain('Ромашка');
  expect(text).not.toContain('vector.coord');

  for (const path of ['/crm/staff', '/crm/audit']) {
    const denied = await page.goto(path);
    expect(denied?.status(), `partner1 opens ${path}`).toBe(403);
  }
});

test('support may not open the staff list or the audit log', async ({ page, allowHttpStatus }) => {
  await loginCrm(page, 'support', DEMO_PASSWORD);
  allowHttpStatus(403);
  for (const [path, table] of [
    ['/crm/staff', 'table#staff-users'],
    ['/crm/audit', 'table#audit-log'],
  ]) {
    const r = await page.goto(path);
    expect(r?.status(), `support opens ${path}`).toBe(403);
    await expect(page.locator(table)).toHaveCount(0);
  }
  await shot(page, 'crm-forbidden');
  const ok = await page.goto('/crm/customers');
  expect(ok?.status()).toBe(200);
  await expect(page.locator('table#customers')).toBeVisible();
});

test('the admin creates a staff user (generated password), resets it, and the audit log shows it', async ({
  page,
}) => {
  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto('/crm/staff');
  const login = `e2e.staff.${Date.now().toString(36)}`;
  const form = page.locator('form#create-staff');
  await form.locator('input[name="login"]').fill(login);
  await form.locator('input[name="display_name"]').fill('Тест Тестович Проверкин');
  await form.locator('input[name="email"]').fill(`${login}@example.org`);
  await form.locator('input[name="phone"]').fill('+7 999 555-00-01');
  await form.locator('select[name="role"]').selectOption('support');
  await expect(form.locator('select[name="partner_id"]')).toBeAttached();
  await expect(form.locator('input[name="password"]')).toHaveValue('');
  await submit(form);
  await generatedPassword(page);
  await shot(page, 'crm-staff-created');

  await page.goto('/crm/staff');
  const userPage = await hrefInRow(page.locator('table#staff-users'), login, 'a[href^="/crm/staff/"]');
  await page.goto(userPage);
  await expect(page.locator('form#toggle-active')).toBeVisible();
  await expect(page.locator('form#change-role select[name="role"]')).toBeVisible();
  await submit(page.locator('form#reset-password'));
  await generatedPassword(page);
  await shot(page, 'crm-staff-user');

  await page.goto('/crm/audit');
  const filter = page.locator('form#audit-filter');
  await filter.locator('input[name="action"]').fill('user.create');
  await submit(filter);
  await expect(page).toHaveURL((u) => u.searchParams.get('action') === 'user.create');
  const rows = page.locator('table#audit-log tbody tr');
  await expect(rows.first()).toBeVisible();
  const texts = await rows.allInnerTexts();
  expect(texts.every((t) => t.includes('user.create')), 'every filtered row is a user.create').toBe(true);
  await shot(page, 'crm-audit-filtered');
});

test('the admin adds a cabinet user to a customer; it signs in and must change the password', async ({
  page,
  newPage,
}) => {
  const crm = await newPage();
  await loginCrm(crm, 'admin', DEMO_PASSWORD);
  await crm.goto('/crm/customers');
  await crm.goto(await hrefInRow(crm.locator('table#customers'), 'Кузнецов', 'a[href^="/crm/customers/"]'));
  await expect(crm.locator('h1')).toContainText('Кузнецов Артём Валерьевич');

  const login = `e2e.user.${Date.now().toString(36)}`;
  await crm.locator('#card-tabs a[data-tab="users"]').click();
  const form = crm.locator('form#create-customer-user');
  await form.locator('input[name="login"]').fill(login);
  await form.locator('input[name="display_name"]').fill('Кузнецова Мария Ивановна');
  await form.locator('input[name="email"]').fill(`${login}@example.org`);
  await form.locator('input[name="phone"]').fill('+7 999 555-00-02');
  await form.locator('select[name="role"]').selectOption('viewer');
  await submit(form);
  const password = await generatedPassword(crm);

  await loginCabinet(page, login, password);
  await completeForcedChange(page, newPassword());
  await expect(page.locator('#contract-number')).toContainText('KB-2026-0004');
});

test("the back office shows a user's login history with active days", async ({ page, newPage }) => {
  // The id of vector.coord, as his own dashboard links it.
  const cabinet = await newPage();
  await loginCabinet(cabinet, 'vector.coord', DEMO_PASSWORD);
  const href = await hrefInRow(cabinet.locator('table#customer-users'), 'vector.coord', 'a[href^="/customer-users/"]');
  const id = href.split('/').pop();

  await loginCrm(page, 'admin', DEMO_PASSWORD);
  await page.goto(`/crm/users/${id}/login-history`);
  await expect(page.locator('table#login-history')).toBeVisible();
  expect(await page.locator('table#login-history tbody tr').count()).toBeGreaterThanOrEqual(1);
  await expect(page.locator('#active-days')).toBeVisible();
  await shot(page, 'crm-login-history');
});

test('a coordinator adds a view-only colleague, who is offered no payment forms, and then disables it', async ({
  page,
  newPage,
  allowHttpStatus,
}) => {
  allowHttpStatus(403, 422);
  await loginCabinet(page, 'kuznetsov', DEMO_PASSWORD);
  await page.locator('#add-customer-user').click();
  await expect(page).toHaveURL((u) => u.pathname === '/customer-users/new');
  const form = page.locator('form#create-customer-user');
  // A missing login is told next to the field; what was typed stays.
  await form.locator('input[name="display_name"]').fill('Кузнецова Ольга Петровна');
  await submit(form);
  await expect(form.locator('.field.has-error input[name="login"]')).toBeVisible();
  await expect(form.locator('input[name="display_name"]')).toHaveValue('Кузнецова Ольга Петровна');

  const login = `e2e.colleague.${Date.now().toString(36)}`;
  await form.locator('input[name="login"]').fill(login);
  await form.locator('select[name="role"]').selectOption('viewer');
  await submit(form);
  const password = await generatedPassword(page);
  await shot(page, 'cabinet-colleague-created');

  const colleague = await newPage();
  await loginCabinet(colleague, login, password);
  await completeForcedChange(colleague, newPassword());
  await expect(colleague.locator('.account-summary').first()).toBeVisible();
  await expect(colleague.locator('a.topup-link')).toHaveCount(0);
  await expect(colleague.locator('a[href="/autopay"]')).toHaveCount(0);
  await expect(colleague.locator('#add-customer-user')).toHaveCount(0);
  const r = await colleague.goto('/topup');
  expect(r?.status()).toBe(403);

  await page.goto('/');
  await page.goto(await hrefInRow(page.locator('table#customer-users'), login, 'a[href^="/customer-users/"]'));
  const before = await page.locator('#user-status').innerText();
  await page.locator('#toggle-active').click();
  await expect(page.locator('.alert-success')).toBeVisible();
  await expect(page.locator('#user-status')).not.toHaveText(before);
  await colleague.goto('/');
  await expect(colleague).toHaveURL((u) => u.pathname === '/login');
});

test('a coordinator puts assets in its line manager\'s care, and the line manager sees just those', async ({
  page,
  newPage,
}) => {
  const lines = await newPage();
  await loginCabinet(lines, 'vector.lines', DEMO_PASSWORD);
  await lines.goto('/services');
  const before = await lines.locator('section.service').count();

  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  await page.goto(await hrefInRow(page.locator('table#customer-users'), 'vector.lines', 'a[href^="/customer-users/"]'));
  const form = page.locator('form#assets-form');
  const boxes = form.locator('input[type="checkbox"][name="asset"]');
  const total = await boxes.count();
  expect(total, 'the customer has more assets than the line manager sees').toBeGreaterThan(before);
  for (let i = 0; i < total; i++) await boxes.nth(i).check();
  await submit(form);
  await expect(page.locator('.alert-success')).toBeVisible();
  await shot(page, 'cabinet-line-manager-assets');

  await lines.goto('/services');
  await expect(lines.locator('section.service')).toHaveCount(total);
});
