import { pino } from 'pino';
import { createAccounts, type Accounts } from '../../accounts/index.js';
import { loadConfig, type Config } from '../../config/config.js';
import type { Database, Engine } from '../../db/database.js';
import { createTestDatabase } from '../../db/testing/databases.js';
import { createLedger, platformAccountSpecs, type Ledger } from '../../ledger/index.js';
import { createMailer, type DevMailbox, type Mailer } from '../../mail/mailer.js';
import type { Access } from '../access.js';
import { buildServer, type OvationServer } from '../server.js';

/** A clock tests can move forward. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export interface TestApp {
  app: OvationServer;
  db: Database;
  ledger: Ledger;
  accounts: Accounts;
  mailer: Mailer;
  mailbox: DevMailbox;
  config: Config;
  clock: TestClock;
  destroy(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables on top of the test defaults. */
  env?: Record<string, string>;
  extraRouteAccess?: Readonly<Record<string, Access>>;
  /** Adds routes before the app is made ready. */
  addRoutes?: (app: OvationServer) => void;
}

/** The whole HTTP application on a fresh database of `engine`, as `ovation serve` builds it, with a movable clock. */
export async function createTestApp(engine: Engine, options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = await createTestDatabase(engine);
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDb.url,
    // Generous per-IP limits: every injected request comes from the same address. Tests of the limits lower them.
    AUTH_IP_MAX_REQUESTS: '100000',
    LOGIN_IP_MAX_FAILURES: '100000',
    ...options.env,
  });
  let offsetMs = 0;
  const clock: TestClock = {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms) => {
      offsetMs += ms;
    },
  };
  const ledger = createLedger(testDb.db);
  const mailer = createMailer({ smtpUrl: undefined, from: config.mailFrom, logger: pino({ level: 'silent' }) });
  const accounts = createAccounts({ db: testDb.db, ledger, config, mailer, now: clock.now });
  let app: OvationServer | undefined;
  try {
    await ledger.ensureAccounts(platformAccountSpecs(config.storeCurrencies));
    app = await buildServer({ config, db: testDb.db, ledger, accounts, mailer, extraRouteAccess: options.extraRouteAccess });
    options.addRoutes?.(app);
    await app.ready();
  } catch (error) {
    await app?.close().catch(() => {});
    await ledger.close();
    await testDb.destroy();
    throw error;
  }
  return {
    app,
    db: testDb.db,
    ledger,
    accounts,
    mailer,
    mailbox: mailer.mailbox!,
    config,
    clock,
    async destroy() {
      await app.close();
      await ledger.close();
      await testDb.destroy();
    },
  };
}
