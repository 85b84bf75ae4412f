import { DEMO_PASSWORD, expect, loginCabinet, test } from './fixtures';

// The cabinet as an installable app (CAB-2): a manifest with PNG icons, and after one visit
// the last dashboard opens without a connection, saying it is a saved copy and since when.

test('the app opens the last dashboard offline after one visit', async ({ browser, allowConsoleError }) => {
  allowConsoleError(/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/);
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const manifest = await (await page.request.get('/assets/manifest.webmanifest')).json();
  const sizes = manifest.icons.filter((i: { type: string }) => i.type === 'image/png').map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(['192x192', '512x512']);
  const icon = await page.request.get('/assets/icon-512.png');
  expect(icon.headers()['content-type']).toBe('image/png');

  await loginCabinet(page, 'orlov.home', DEMO_PASSWORD);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  // Once the worker controls the page, a visit to the dashboard is kept.
  await expect.poll(async () => {
    await page.reload();
    return page.evaluate(() => navigator.serviceWorker.controller !== null);
  }).toBe(true);
  await page.goto('/');
  await expect(page.locator('#offline-banner')).toBeHidden();

  await context.setOffline(true);
  await page.goto('/');
  await expect(page.locator('#offline-banner')).toBeVisible();
  await expect(page.locator('#offline-banner .offline-saved-at')).not.toBeEmpty();
  await expect(page.locator('#contract-number')).toHaveText('OX-2026-0001');
  await context.setOffline(false);

  // Signing out forgets the saved dashboard.
  await page.goto('/');
  await page.locator('#logout-form button').click();
  await context.setOffline(true);
  await page.goto('/');
  await expect(page.locator('#offline-page')).toBeVisible();
  await context.setOffline(false);
  await context.close();
});
