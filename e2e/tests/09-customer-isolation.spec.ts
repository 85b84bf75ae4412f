import { DEMO_PASSWORD, expect, hrefInRow, loginCabinet, logout, shot, test } from './fixtures';

test("a customer cannot open another customer's user by editing the URL", async ({
  page,
  allowHttpStatus,
}) => {
  await loginCabinet(page, 'kuznetsov', DEMO_PASSWORD);
  const theirs = await hrefInRow(page.locator('table#customer-users'), 'kuznetsov', 'a[href^="/customer-users/"]');
  const own = await page.goto(theirs);
  expect(own?.status(), 'kuznetsov opens his own user').toBe(200);
  await expect(page.locator('#user-login')).toContainText('kuznetsov');
  await logout(page);

  await loginCabinet(page, 'vector.coord', DEMO_PASSWORD);
  allowHttpStatus(404);
  const response = await page.goto(theirs);
  expect(response?.status(), `vector.coord opens ${theirs}`).toBe(404);
  await expect(page.locator('#user-login')).toHaveCount(0);
  const text = await page.locator('body').innerText();
  for (const secret of ['kuznetsov', 'Кузнецов', 'Артём', '+79990000411', '999 000-04-11', 'KB-2026-0004']) {
    expect(text, `the 404 page shows nothing of kuznetsov (${secret})`).not.toContain(secret);
  }
  await shot(page, 'not-found');

  // A made-up id is a 404 as well.
  const none = await page.goto('/customer-users/987654321');
  expect(none?.status()).toBe(404);
});
