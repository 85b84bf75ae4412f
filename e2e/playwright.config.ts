import { defineConfig, devices } from '@playwright/test';

// Browser tests of Kabinet. They run against one server (see run.sh) whose state they share,
// so one worker, in file order. Debian's Chromium is used: Playwright's own browser builds
// are never downloaded (never run `npx playwright install`).
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: 'tests',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    baseURL: process.env.KABINET_URL ?? 'http://127.0.0.1:8080',
    screenshot: 'only-on-failure',
    // The product's default language is Russian; a Russian browser keeps that true whether
    // or not the server looks at Accept-Language.
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    launchOptions,
  },
  projects: [
    {
      name: 'chromium',
      // The device preset names Playwright's own browser; launchOptions keep Debian's binary.
      use: { ...devices['Desktop Chrome'], launchOptions },
    },
  ],
});
