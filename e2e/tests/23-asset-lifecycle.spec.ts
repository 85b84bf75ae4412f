import { DEMO_PASSWORD, expect, loginCrm, shot, test } from './fixtures';

// The asset lifecycle in the back office: a manager suspends a licence saying why, sees the
// change in its history, is told at the field when the reason is missing, and resumes it.
test('a manager suspends a licence with a reason and resumes it; the history says who and why', async ({ page, allowHttpStatus }) => {
  allowHttpStatus(422);
  await loginCrm(page, 'manager', DEMO_PASSWORD);
  await page.goto('/crm/licences/4');
  const form = page.locator('form#asset-status-form');
  await expect(form).toBeVisible();

  // No reason: refused at the field, the chosen status kept.
  await form.locator('select[name="status"]').selectOption('suspended');
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('#e-reason')).toBeVisible();
  await expect(page.locator('form#asset-status-form select[name="status"]')).toHaveValue('suspended');
  await expect(page.locator('#licence-facts')).toHaveAttribute('data-status', 'active');

  const reason = `Роутер на ремонте ${Date.now().toString(36)}`;
  await page.locator('form#asset-status-form input[name="reason"]').fill(reason);
  await page.locator('form#asset-status-form button[type="submit"]').click();
  await expect(page.locator('.alert-success, [role="status"]').first()).toContainText('Статус изменён');
  await expect(page.locator('#licence-facts')).toHaveAttribute('data-status', 'suspended');
  const latest = page.locator('table#asset-history tbody tr').first();
  await expect(latest).toHaveAttribute('data-to', 'suspended');
  await expect(latest).toContainText(reason);
  await expect(latest).toContainText('Активна → Приостановлена');
  await shot(page, 'licence-history');

  // Resume: back in service, two lines more in the history.
  await page.locator('form#asset-status-form select[name="status"]').selectOption('active');
  await page.locator('form#asset-status-form button[type="submit"]').click();
  await expect(page.locator('#licence-facts')).toHaveAttribute('data-status', 'active');
  await expect(page.locator('table#asset-history tbody tr').first()).toContainText('Приостановлена → Активна');
});
