// Shared fixtures and helpers of the Kabinet browser tests.
//
// Every test fails when a page it opened logged a console error or threw an uncaught error.
// A test that opens an error page on purpose (401, 403, 404, 429…) says so with
// `allowHttpStatus(…)`: Chromium logs "Failed to load resource: the server responded with a
// status of N" for such a document, and only that line is let through.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  test as base,
  expect,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from '@playwright/test';

export { expect };

/** The one password of every demo login (`serve --demo`). */
export const DEMO_PASSWORD = 'Kabinet-demo-2026';

/** Any submit control of a form. */
export const SUBMIT = 'button[type="submit"], button:not([type]), input[type="submit"]';

/** The error banner of the contract: `role="alert"` and class `alert-error`. */
export const ALERT_ERROR = '.alert-error[role="alert"]';

/** Where `shot()` puts its screenshots: e2e/test-results/screens. */
const SCREENS = fileURLToPath(new URL('../test-results/screens/', import.meta.url));

type Guard = { problems: string[]; allowed: RegExp[]; watched: WeakSet<Page> };

type Fixtures = {
  /** Collects console errors and uncaught page errors; checked after the test. */
  consoleGuard: Guard;
  /** Lets console errors matching the pattern through for this test. */
  allowConsoleError: (pattern: RegExp) => void;
  /** Lets Chromium's "Failed to load resource … status of N" through for these statuses. */
  allowHttpStatus: (...statuses: number[]) => void;
  /**
   * A page in a fresh browser context (its own cookies: a second person), watched like `page`
   * and closed after the test.
   */
  newPage: (options?: BrowserContextOptions) => Promise<Page>;
};

function watch(page: Page, guard: Guard): void {
  if (guard.watched.has(page)) return;
  guard.watched.add(page);
  page.on('console', (msg) => {
    if (msg.type() === 'error') guard.problems.push(`console error on ${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => {
    guard.problems.push(`uncaught page error on ${page.url()}: ${err.message}`);
  });
  // A confirm() before a destructive action (reset password, deactivate) is answered "yes".
  page.on('dialog', (dialog) => void dialog.accept());
}

export const test = base.extend<Fixtures>({
  consoleGuard: [
    async ({}, use) => {
      const guard: Guard = { problems: [], allowed: [], watched: new WeakSet() };
      await use(guard);
      const left = guard.problems.filter((p) => !guard.allowed.some((re) => re.test(p)));
      expect(left, 'the pages logged console errors or threw uncaught errors').toEqual([]);
    },
    { auto: true },
  ],

  allowConsoleError: async ({ consoleGuard }, use) => {
    await use((pattern) => {
      consoleGuard.allowed.push(pattern);
    });
  },

  allowHttpStatus: async ({ consoleGuard }, use) => {
    await use((...statuses) => {
      for (const s of statuses) {
        consoleGuard.allowed.push(new RegExp(`Failed to load resource: the server responded with a status of ${s}\\b`));
      }
    });
  },

  context: async ({ context, consoleGuard }, use) => {
    context.on('page', (p) => watch(p, consoleGuard));
    await use(context);
  },

  page: async ({ page, consoleGuard }, use) => {
    watch(page, consoleGuard);
    await use(page);
  },

  newPage: async ({ browser, baseURL, locale, timezoneId, viewport, consoleGuard }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (options = {}) => {
      const ctx = await browser.newContext({ baseURL, locale, timezoneId, viewport, ...options });
      contexts.push(ctx);
      ctx.on('page', (p) => watch(p, consoleGuard));
      const p = await ctx.newPage();
      watch(p, consoleGuard);
      return p;
    });
    for (const ctx of contexts) await ctx.close();
  },
});

// ---------------------------------------------------------------------------------------------
// Forms and sign-in
// ---------------------------------------------------------------------------------------------

/** Clicks the (first) submit control of a form. */
export async function submit(form: Locator): Promise<void> {
  await form.locator(SUBMIT).first().click();
}

/** Fills and submits `form#login-form` at `loginPath`; resolves with the POST's response. */
export async function submitLogin(page: Page, loginPath: string, login: string, password: string) {
  if (new URL(page.url(), 'http://x').pathname !== loginPath) await page.goto(loginPath);
  const form = page.locator('form#login-form');
  await form.locator('input[name="identifier"]').fill(login);
  await form.locator('input[name="password"]').fill(password);
  const response = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === loginPath,
  );
  await submit(form);
  const r = await response;
  await page.waitForLoadState('load');
  return r;
}

async function expectSignedIn(page: Page, loginPath: string, login: string) {
  await expect(
    page,
    `signing in as ${login} should leave ${loginPath}` +
      ` (error shown: ${await page.locator(ALERT_ERROR).allInnerTexts().catch(() => [])})`,
  ).not.toHaveURL((u) => u.pathname === loginPath);
  await expect(page.locator('form#logout-form')).toBeAttached();
}

/** Signs in to the customer cabinet (`/login`) and checks that it worked. */
export async function loginCabinet(page: Page, login: string, password: string): Promise<void> {
  await submitLogin(page, '/login', login, password);
  await expectSignedIn(page, '/login', login);
}

/** Signs in to the back office (`/crm/login`) and checks that it worked. */
export async function loginCrm(page: Page, login: string, password: string): Promise<void> {
  await submitLogin(page, '/crm/login', login, password);
  await expectSignedIn(page, '/crm/login', login);
}

/** Signs out with `form#logout-form` and checks that the login page is back. */
export async function logout(page: Page): Promise<void> {
  const crm = new URL(page.url()).pathname.startsWith('/crm');
  await submit(page.locator('form#logout-form'));
  await expect(page).toHaveURL((u) => u.pathname === (crm ? '/crm/login' : '/login'));
  await expect(page.locator('form#login-form')).toBeVisible();
}

/** The session cookie, if the context has one. */
export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === 'kabinet_session');
}

// ---------------------------------------------------------------------------------------------
// Screenshots, language, passwords
// ---------------------------------------------------------------------------------------------

/** Saves a full-page screenshot to test-results/screens/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
}

/** Checks `<html lang=… dir=…>`. */
export async function expectLang(page: Page, lang: 'ru' | 'en' | 'fa'): Promise<void> {
  const html = page.locator('html');
  await expect(html).toHaveAttribute('lang', lang);
  await expect(html).toHaveAttribute('dir', lang === 'fa' ? 'rtl' : 'ltr');
}

/** Presses the language switch and waits for the page to come back in that language. */
export async function switchLanguage(page: Page, lang: 'ru' | 'en' | 'fa'): Promise<void> {
  await page.locator(`form.lang-switch button[name="lang"][value="${lang}"]`).first().click();
  await expectLang(page, lang);
}

/** A fresh password that meets the policy (long, not common, no personal data). */
export function newPassword(): string {
  const words = ['Birch', 'Lantern', 'Quartz', 'Harbor', 'Meadow', 'Copper', 'Willow', 'Falcon'];
  const pick = () => words[Math.floor(Math.random() * words.length)];
  return `${pick()}-${Math.random().toString(36).slice(2, 8)}-${pick()}-${Math.floor(Math.random() * 9000) + 1000}`;
}

/**
 * Completes the forced password change: the page must be `/password` with `#forced-change`
 * and no `current_password` input; the consent to personal-data processing, asked of a person
 * who has not given it, is ticked; afterwards the dashboard `/` shows `.alert-success`.
 */
export async function completeForcedChange(page: Page, password: string): Promise<void> {
  await expect(page).toHaveURL((u) => u.pathname === '/password');
  await expect(page.locator('#forced-change')).toBeVisible();
  const form = page.locator('form#password-form');
  await expect(form).toBeVisible();
  await expect(form.locator('input[name="current_password"]')).toHaveCount(0);
  await form.locator('input[name="new_password"]').fill(password);
  await form.locator('input[name="confirm_password"]').fill(password);
  const consent = form.locator('input[name="consent_processing"]');
  if ((await consent.count()) > 0) await consent.check();
  await submit(form);
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await expect(page.locator('.alert-success')).toBeVisible();
}

/** The text of `#generated-password` (an element's text or an input's value). */
export async function generatedPassword(page: Page): Promise<string> {
  const el = page.locator('#generated-password');
  await expect(el).toBeVisible();
  const value = await el.evaluate((e) =>
    e instanceof HTMLInputElement ? e.value : (e.textContent ?? ''),
  );
  const pw = value.trim();
  expect(pw.length, 'the generated password is not empty').toBeGreaterThanOrEqual(8);
  return pw;
}

// ---------------------------------------------------------------------------------------------
// The demo inbox (/crm/demo-inbox): what the demo's stand-in transports delivered, secrets
// included (the outbox itself keeps codes and passwords masked)
// ---------------------------------------------------------------------------------------------

export type OutboxRow = { recipient: string; body: string };

const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/** Every row of `table#demo-inbox`, newest first. `crm` must be signed in as admin. */
export async function readOutbox(crm: Page): Promise<OutboxRow[]> {
  await crm.goto('/crm/demo-inbox');
  await expect(crm.locator('table#demo-inbox')).toBeVisible();
  return crm.locator('table#demo-inbox tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      recipient: tr.querySelector('td.recipient')?.textContent?.trim() ?? '',
      body: tr.querySelector('td.body')?.textContent?.trim() ?? '',
    })),
  );
}

/** The body of the newest message to `recipient`, if any. */
export async function newestMessage(crm: Page, recipient: string): Promise<string | undefined> {
  const rows = await readOutbox(crm);
  return rows.find((r) => norm(r.recipient) === norm(recipient))?.body;
}

/** Waits (reloading the outbox) for a message to `recipient` newer than `before`'s body. */
export async function waitForNewMessage(
  crm: Page,
  recipient: string,
  before: string | undefined,
  timeoutMs = 10_000,
): Promise<string> {
  let body: string | undefined;
  await expect
    .poll(
      async () => {
        body = await newestMessage(crm, recipient);
        return body !== undefined && body !== before;
      },
      { message: `a new message to ${recipient} in /crm/demo-inbox`, timeout: timeoutMs },
    )
    .toBe(true);
  return body!;
}

/** The six-digit code in a message body. */
export function sixDigitCode(body: string): string {
  const m = body.match(/(?<!\d)\d{6}(?!\d)/);
  expect(m, `a six-digit code in: ${body}`).not.toBeNull();
  return m![0];
}

/** The href of the first link matching `selector` inside the first row containing `text`. */
export async function hrefInRow(table: Locator, text: string | RegExp, selector: string): Promise<string> {
  const link = table.locator('tbody tr').filter({ hasText: text }).first().locator(selector).first();
  await expect(link, `a link ${selector} in the row with ${text}`).toBeAttached();
  const href = await link.getAttribute('href');
  expect(href).toBeTruthy();
  return href!;
}
