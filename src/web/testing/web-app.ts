import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { STRONG_PASSWORD } from '../../accounts/testing/users.js';
import { createTestApp, type TestApp, type TestAppOptions } from '../../server/testing/app.js';
import { browserUnderTest, launchChromium, saveScreenshot } from '../../server/testing/browser.js';
import { BUILT_APP_DIR } from '../files.js';

/**
 * Whether the web app's browser suites can run: Chromium (see
 * browserUnderTest) and a built app (`npm run build`, which `npm ci` runs).
 * Without either they skip with a visible message, except under CI=true.
 */
export async function webAppUnderTest(): Promise<{ skip: string | undefined }> {
  const { skip } = await browserUnderTest();
  if (skip) return { skip };
  if (existsSync(join(BUILT_APP_DIR, 'index.html'))) return { skip: undefined };
  const reason = `the web app is not built in ${BUILT_APP_DIR}`;
  if (process.env.CI === 'true') throw new Error(`${reason}. Run npm run build (npm ci runs it) before the browser tests.`);
  console.warn(`SKIPPING web app browser suites: ${reason} (run npm run build)`);
  return { skip: reason };
}

export const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' } as const;
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US', timezoneId: 'UTC' } as const;

/**
 * A page that records what must never happen: script errors, and console
 * errors other than the browser's note on an HTTP refusal the page handles
 * (a 402 or 401 is an answer the app shows, not a bug). CSP violations land here.
 */
export async function watchedPage(context: BrowserContext, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  // A step that cannot happen fails in seconds, naming what it waited for.
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of 4')) problems.push(`console error: ${message.text()}`);
  });
  return page;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * What axe-core finds on the page against WCAG 2.1 A and AA, serious and
 * critical problems only, one line per rule with the elements at fault.
 * Evaluated through the debugging protocol, which the app's CSP does not govern.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((result) => result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => violation.id + ' (' + violation.help + '): ' + violation.nodes.map((node) => node.target.join(' ')).slice(0, 5).join(', ')))`);
}

/**
 * API wording in the text a person reads on the page: the API's `"confirm": true`, ISO 8601 instants, and internal ids
 * (`usr_…` users, `tr_…` transfers, `pkg_…` packages, `case_…` cases, `ses_…` sessions). Attributes and form values are not read.
 */
const API_WORDING: readonly [RegExp, string][] = [
  [/"confirm"/, 'the API field "confirm"'],
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, 'an ISO 8601 timestamp'],
  [/\b(usr|tr|pkg|case|ses)_[A-Za-z0-9_]+/, 'an internal id'],
];

/** The API wording (see API_WORDING) in the page's visible text, one line per find with the words around it. */
export async function apiWordingOn(page: Page): Promise<string[]> {
  const text = await page.evaluate<string>('document.body.innerText');
  const found: string[] = [];
  for (const [pattern, what] of API_WORDING) {
    const match = pattern.exec(text);
    if (match) found.push(`${what}: …${text.slice(Math.max(0, match.index - 40), match.index + match[0].length + 20).replace(/\s+/g, ' ')}…`);
  }
  return found;
}

/** A new page in a new browser context (`contexts` keeps it for closing), its script errors and CSP violations going into `problems`. */
export async function openPage(browser: Browser, options: typeof DESKTOP | typeof PHONE, contexts: BrowserContext[], problems: string[]): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  return watchedPage(context, problems);
}

/** What a browser suite's tests share (see browserSuite); `t`, `browser` and `origin` are there once the suite's first `before` has run. */
export interface BrowserSuite {
  readonly t: TestApp;
  readonly browser: Browser;
  /** Where the app listens, such as http://127.0.0.1:41234. */
  readonly origin: string;
  /** Browser contexts to close after the suite, besides those `open` made. */
  readonly contexts: BrowserContext[];
  /** The script errors and CSP violations of the suite's pages (see watchedPage). */
  readonly problems: string[];
  /** A new page in a new context, as openPage makes it. */
  open(options: typeof DESKTOP | typeof PHONE): Promise<Page>;
}

/**
 * Called inside a `describe`: before its tests, the whole app on SQLite (with `options`) listening on a free port of
 * 127.0.0.1 and Chromium; after them, the contexts, Chromium and the app closed. The suite's own `before` hooks run after this one's.
 */
export function browserSuite(options: TestAppOptions = {}): BrowserSuite {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let origin: string | undefined;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  before(async () => {
    t = await createTestApp('sqlite', options);
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await t?.destroy();
  });
  const ready = <T>(value: T | undefined): T => value ?? assert.fail('the browser suite is used before its before hook ran');
  return {
    get t() {
      return ready(t);
    },
    get browser() {
      return ready(browser);
    },
    get origin() {
      return ready(origin);
    },
    contexts,
    problems,
    open: (options) => openPage(ready(browser), options, contexts, problems),
  };
}

/** Axe-core's serious problems on the page, and a page wider than the screen, into `accessibility` under `label`. */
export async function checkPage(page: Page, label: string, accessibility: string[], width = page.viewportSize()!.width): Promise<void> {
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  if (scrollWidth > width) accessibility.push(`${label}: the page is ${scrollWidth}px wide, wider than the screen`);
  for (const problem of await accessibilityProblems(page)) accessibility.push(`${label}: ${problem}`);
}

/** Screenshots at desktop and phone width (artifacts/`name`-desktop.png, -phone.png), each page checked as checkPage does. */
export async function shootBothWidths(page: Page, name: string, accessibility: string[]): Promise<void> {
  const size = page.viewportSize()!;
  for (const [width, suffix] of [
    [DESKTOP.viewport.width, 'desktop'],
    [PHONE.viewport.width, 'phone'],
  ] as const) {
    await page.setViewportSize({ width, height: size.height });
    await page.evaluate('window.scrollTo(0, 0)');
    await saveScreenshot(page, `${name}-${suffix}`);
    await checkPage(page, `${name} (${suffix})`, accessibility, width);
  }
  await page.setViewportSize(size);
}

/** Signs in through the sign-in page, with the second factor's `code` when the account has one. */
export async function signIn(page: Page, origin: string, email: string, code?: string): Promise<void> {
  await page.goto(`${origin}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(STRONG_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (code !== undefined) {
    await page.getByLabel('Code from your authenticator app').fill(code);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Waits until the locator's text, trimmed, matches `wanted` (a string it must include, or a pattern). */
export async function waitForText(locator: ReturnType<Page['locator']>, wanted: string | RegExp): Promise<void> {
  const matches = (text: string) => (typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text));
  const deadline = Date.now() + 10_000;
  let text = '';
  while (Date.now() < deadline) {
    text = ((await locator.textContent({ timeout: 10_000 }).catch(() => '')) ?? '').trim();
    if (matches(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`expected ${String(wanted)}, the page shows ${JSON.stringify(text)}`);
}
