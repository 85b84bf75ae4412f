import fs from 'node:fs';
import { DEMO_PASSWORD, expect, loginCabinet, loginCrm, shot, test, waitForNewMessage } from './fixtures';

// Service requests (ORD-2): on a phone, a customer asks for SMS alerts of its dacha; staff
// carry the request out; the admin connects a monitoring console whose alarm then reaches the
// customer's phone as an SMS, seen in the demo inbox.

const ALERT_PHONE = '+79990000853';

test('SMS alerts asked for on a phone, carried out by staff, sent on an alarm', async ({ browser, request, allowHttpStatus }) => {
  allowHttpStatus(422);
  const customer = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await loginCabinet(customer, 'orlov.home', DEMO_PASSWORD);
  await customer.goto('/objects');
  const dacha = customer.locator('#my-objects tbody tr', { hasText: 'Дача' });
  await dacha.locator('a.sms-alerts-request').click();
  await expect(customer).toHaveURL(/\/requests\/new\?kind=sms_alerts/);

  // A landline cannot take SMS: said at the field, the rest kept.
  await customer.locator('#f-phone').fill('+7 843 200-00-00');
  await customer.locator('form#request-form button[type="submit"]').click();
  await expect(customer.locator('#e-phone')).toBeVisible();
  await customer.locator('#f-phone').fill(ALERT_PHONE);
  await customer.locator('form#request-form button[type="submit"]').click();
  await expect(customer).toHaveURL(/\/requests\?ok=request-filed/);
  const filed = customer.locator('#my-requests tbody tr[data-kind="sms_alerts"][data-status="new"]', { hasText: ALERT_PHONE });
  await expect(filed).toHaveCount(1);
  const box = await filed.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  await shot(customer, 'requests-phone');

  // Staff find it in the queue and mark it done.
  const crm = await browser.newPage();
  await loginCrm(crm, 'admin', DEMO_PASSWORD);
  await crm.goto('/crm/requests?kind=sms_alerts');
  const row = crm.locator('#requests-queue tbody tr', { hasText: ALERT_PHONE });
  await row.locator('a').first().click();
  await expect(crm.locator('#request')).toContainText(ALERT_PHONE);
  await crm.locator('#request-done').click();
  await expect(crm.locator('.alert-success').first()).toBeVisible();
  await expect(crm.locator('#request-actions')).toHaveCount(0);

  // The customer sees it done.
  await customer.goto('/requests');
  await expect(customer.locator('#my-requests tbody tr[data-status="done"]', { hasText: ALERT_PHONE })).toHaveCount(1);

  // The admin connects a console; its token is shown once.
  await crm.goto('/crm/consoles');
  await crm.locator('form#console-new #f-name').fill('Пульт для проверки');
  await crm.locator('form#console-new button[type="submit"]').click();
  const token = (await crm.locator('#console-token').textContent())!.trim();
  expect(token).toMatch(/^kbe_/);
  await crm.reload();
  await expect(crm.locator('#console-token')).toHaveCount(0);

  // The console reports an alarm at the dacha: one SMS to the phone asked for.
  const answer = await request.post('/api/v1/security/events', {
    headers: { Authorization: `Console ${token}` },
    data: {
      events: [
        { event_id: `e2e-${Date.now()}`, key_number: '4101', kind: 'alarm', occurred_at: new Date(Date.now() - 5000).toISOString() },
      ],
    },
  });
  expect(answer.status()).toBe(200);
  expect((await answer.json()).alerts_queued).toBe(1);
  const sms = await waitForNewMessage(crm, ALERT_PHONE, undefined, 20_000);
  expect(sms).toContain('Дача');
  expect(sms).toContain('Тревога');
});

test('a customer downloads a blank and the pay slip', async ({ page }) => {
  await loginCabinet(page, 'orlov.home', DEMO_PASSWORD);
  const [slip] = await Promise.all([page.waitForEvent('download'), page.locator('a.pay-slip-link').first().click()]);
  expect(slip.suggestedFilename()).toMatch(/^pay-slip-.*\.pdf$/);
  await page.goto('/requests');
  const [blank] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#blanks a.blank-link[href$="/refund"]').click(),
  ]);
  expect(blank.suggestedFilename()).toBe('refund-OX-2026-0001.pdf');
  const bytes = fs.readFileSync(await blank.path());
  expect(bytes.subarray(0, 4).toString()).toBe('%PDF');
});
