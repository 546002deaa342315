import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium package; never a browser downloaded by Playwright. */
const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Where browser tests write screenshots (gitignored). */
const ARTIFACTS_DIR = fileURLToPath(new URL('../../../artifacts/', import.meta.url));

function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

/** Headless Chromium for tests, from CHROMIUM_PATH or /usr/bin/chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // No sandbox (containers run as root); nothing that phones home or updates itself while a test runs.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface BrowserUnderTest {
  /** A reason to skip the browser suites, or undefined to run them. */
  skip: string | undefined;
}

/**
 * Whether browser suites can run here. Without Chromium they are skipped with
 * a visible message, except under CI=true, where that is an error: CI can
 * never pass by skipping them (.ci/run installs Debian's chromium).
 */
export async function browserUnderTest(): Promise<BrowserUnderTest> {
  const path = chromiumPath();
  const reason = await access(path, constants.X_OK).then(
    () => undefined,
    () => `Chromium not found at ${path}`,
  );
  if (reason && process.env.CI === 'true') throw new Error(`${reason}. CI=true requires Chromium for the browser tests (apt-get install chromium, or set CHROMIUM_PATH).`);
  if (reason) console.warn(`SKIPPING browser suites: ${reason} (install Debian's chromium package or set CHROMIUM_PATH)`);
  return { skip: reason };
}

/**
 * Saves a screenshot as artifacts/<name>.png and answers its path: the whole
 * page unless `fullPage` is false (just the viewport); `omitBackground` keeps
 * a transparent page transparent in the PNG.
 */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean; omitBackground?: boolean } = {}): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true, omitBackground: options.omitBackground ?? false });
  return path;
}
