import { pino } from 'pino';
import type { Access, Accounts } from '../../accounts/index.js';
import type { Config } from '../../config/config.js';
import { openDatabase, type Database, type Engine } from '../../db/database.js';
import { createTestDatabase, type TestDatabase } from '../../db/testing/databases.js';
import { createLedger, platformAccountSpecs, type Ledger } from '../../ledger/index.js';
import type { DevMailbox, Mailer } from '../../mail/mailer.js';
import type { Orders } from '../../payments/orders.js';
import type { SandboxProvider } from '../../payments/sandbox.js';
import type { Catalog } from '../../store/index.js';
import type { GiftCatalog } from '../../gifts/index.js';
import type { Lives } from '../../live/index.js';
import type { Webhooks } from '../../webhooks/index.js';
import { createServices, type Services } from '../services.js';
import { createBus, type Bus } from '../../bus/bus.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { buildServer, type OvationServer } from '../server.js';
import { loadSettings } from '../settings.js';
import { installResponseValidation, type ResponseValidation } from './response-validation.js';

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
  catalog: Catalog;
  gifts: GiftCatalog;
  lives: Lives;
  webhooks: Webhooks;
  relay: Services['relay'];
  /** Every service, for tests of modules without a field of their own here. */
  services: Services;
  bus: Bus;
  orders: Orders;
  sandbox: SandboxProvider;
  config: Config;
  /** The metrics the ledger, the relay and the server report to, as in `ovation serve`. */
  metrics: Metrics;
  clock: TestClock;
  /** Where another process would open the same database. */
  databaseUrl: string;
  destroy(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables on top of the test defaults. */
  env?: Record<string, string>;
  extraRouteAccess?: Readonly<Record<string, Access>>;
  /** Adds routes before the app is made ready. */
  addRoutes?: (app: OvationServer) => void;
  /**
   * Runs as a second server process on this app's database, with a bus of its own: it hears nothing
   * the first publishes, as when the bus is slow or loses a message. Destroying it leaves the database.
   */
  sharing?: TestApp;
}

/** Another connection to the database of `first`, which it leaves in place when closed. */
function sharedDatabase(first: TestApp): TestDatabase {
  const db = openDatabase(first.databaseUrl, { maxConnections: 20 });
  return { db, url: first.databaseUrl, destroy: () => db.close() };
}

/** The whole HTTP application on a fresh database of `engine`, as `ovation serve` builds it, with a movable clock. */
export async function createTestApp(engine: Engine, options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = options.sharing ? sharedDatabase(options.sharing) : await createTestDatabase(engine);
  const env = {
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDb.url,
    // Generous per-IP limits: every injected request comes from the same address. Tests of the limits lower them.
    AUTH_IP_MAX_REQUESTS: '100000',
    LOGIN_IP_MAX_FAILURES: '100000',
    ...options.env,
  };
  const { config, modules } = loadSettings(env);
  let offsetMs = 0;
  // The ledger's writer judges windowed counters by the same clock.
  const ledgerClockOffsetMs = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
  const clock: TestClock = {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms) => {
      offsetMs += ms;
      ledgerClockOffsetMs[0] = offsetMs;
    },
  };
  const metrics = createMetrics();
  const ledger = createLedger(testDb.db, { maxBatchSize: config.ledgerMaxBatch, maxQueued: config.ledgerMaxQueue, clockOffsetMs: ledgerClockOffsetMs, observer: metrics.ledger });
  const logger = pino({ level: 'silent' });
  const bus = await createBus(config.busUrl, logger);
  const services = createServices({ config, settings: modules, db: testDb.db, ledger, bus, logger, now: clock.now, metrics });
  let app: OvationServer | undefined;
  let responses: ResponseValidation | undefined;
  try {
    if (!options.sharing) {
      await ledger.ensureAccounts(platformAccountSpecs(config.storeCurrencies));
      await services.catalog.seedDefaults();
      await services.gifts.seedDefaults();
    }
    app = await buildServer({ config, db: testDb.db, ledger, services, bus, extraRouteAccess: options.extraRouteAccess, metrics });
    // The document depends on the settings and the routes alone: apps made alike share it.
    const { DATABASE_URL: _ownDatabase, ...documentSettings } = env;
    responses = installResponseValidation(app, options.addRoutes ? undefined : JSON.stringify([documentSettings, Object.keys(options.extraRouteAccess ?? {})]));
    options.addRoutes?.(app);
    await app.ready();
  } catch (error) {
    await app?.close().catch(() => {});
    await ledger.close();
    await services.close();
    await bus.close();
    await testDb.destroy();
    throw error;
  }
  return {
    app,
    db: testDb.db,
    ledger,
    accounts: services.accounts,
    mailer: services.mailer,
    mailbox: services.mailer.mailbox!,
    catalog: services.catalog,
    gifts: services.gifts,
    lives: services.lives,
    webhooks: services.webhooks,
    relay: services.relay,
    services,
    bus,
    orders: services.orders,
    sandbox: services.sandbox,
    config,
    metrics,
    clock,
    databaseUrl: testDb.url,
    async destroy() {
      await app.close();
      await ledger.close();
      await services.close();
      await bus.close();
      await testDb.destroy();
      responses?.assertDocumented();
    },
  };
}
