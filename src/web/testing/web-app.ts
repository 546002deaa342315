import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { browserUnderTest } from '../../server/testing/browser.js';
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
