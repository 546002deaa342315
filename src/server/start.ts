import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { allMigrations } from './migrations.js';
import { createLedger, platformAccountSpecs, type Ledger } from '../ledger/index.js';
import { createServices, type Services } from './services.js';
import { loadSettings, type Settings } from './settings.js';
import { createBus, type Bus } from '../bus/bus.js';
import { databaseTryLock } from '../db/locks.js';
import type { RepairResult } from '../db/repairs.js';
import { startJobs, type JobRunner } from '../shared/jobs.js';
import { backgroundJobs } from './background-jobs.js';
import type { SkippedRepair } from './health.js';
import { createMetrics } from './metrics.js';
import { buildServer, type OvationServer } from './server.js';

export interface RunningServer {
  app: OvationServer;
  /** The address to reach the server at, such as http://localhost:3000. */
  url: string;
  logger: Logger;
  /** Stops accepting connections, finishes requests in flight, flushes the ledger and closes the database. */
  stop(): Promise<void>;
  /** What stop() is waiting for, such as 'requests in flight'; undefined before stop(). */
  readonly stopStage: string | undefined;
}

/**
 * Opens the database, brings its schema up to date, creates the platform
 * accounts if they are missing (the seed on first start), and listens.
 */
async function startServer(settings: Settings, logger: Logger = pino({ level: settings.config.logLevel })): Promise<RunningServer> {
  const { config } = settings;
  let db: Database | undefined;
  let ledger: Ledger | undefined;
  let app: OvationServer | undefined;
  let services: Services | undefined;
  let bus: Bus | undefined;
  let jobs: JobRunner | undefined;
  try {
    if (config.nodeEnv === 'production' && config.sandboxProviders.length > 0) {
      // Allowed only by ALLOW_SANDBOX_IN_PRODUCTION=true (loadConfig refuses it otherwise): said at every start, at error level.
      logger.error(
        { sandboxProviders: config.sandboxProviders },
        `SANDBOX PROVIDERS IN PRODUCTION (ALLOW_SANDBOX_IN_PRODUCTION=true): ${config.sandboxProviders.join(', ')}. Test cards buy coins for nothing, identities are verified without a check and payouts pay nothing: for demonstrations only.`,
      );
    }
    db = openDatabase(config.databaseUrl);
    logger.info({ database: db.description }, 'database opened');

    const { applied } = await migrateToLatest(db, allMigrations);
    if (applied.length > 0) logger.info({ migrations: applied }, `applied ${applied.length} migration(s)`);
    else logger.info('database schema is up to date');

    bus = await createBus(config.busUrl, logger);
    logger.info({ bus: bus.kind }, bus.kind === 'memory' ? 'in-process bus: run one server process, or set BUS_URL' : `connected to the ${bus.kind} bus`);

    const metrics = createMetrics();
    ledger = createLedger(db, { maxBatchSize: config.ledgerMaxBatch, maxQueued: config.ledgerMaxQueue, observer: metrics.ledger });
    await ledger.ensureAccounts(platformAccountSpecs(config.storeCurrencies));
    logger.info({ currencies: config.storeCurrencies }, 'platform accounts ready');

    services = createServices({ config, settings: settings.modules, db, ledger, bus, logger, metrics });
    if (config.smtpUrl === undefined && config.nodeEnv === 'production') {
      logger.warn('SMTP_URL is not set: verification and password reset mails cannot reach users');
    }
    const { seeded } = await services.catalog.seedDefaults();
    if (seeded) logger.info('seeded the default coin packages and promotions');
    const { inserted: giftsInserted } = await services.gifts.seedDefaults();
    if (giftsInserted.length > 0) logger.info({ gifts: giftsInserted }, `seeded ${giftsInserted.length} default gift(s)`);
    const skippedRepairs = await runStartupRepairs(services, logger);

    app = await buildServer({ config, db, ledger, services, bus, logger, skippedRepairs, metrics });
    const scheduled = backgroundJobs(services, settings, metrics);
    metrics.jobsScheduled(scheduled.filter((job) => job.intervalMs > 0).map((job) => job.name));
    jobs = startJobs(scheduled, { logger, tryLock: databaseTryLock(db), observe: metrics.jobRan });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await jobs?.stop();
    await app?.close().catch(() => {});
    await ledger?.close().catch(() => {});
    await services?.close().catch(() => {});
    await bus?.close().catch(() => {});
    await db?.close().catch(() => {});
    throw error;
  }

  const address = app.server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost}:${address.port}`;
  logger.info({ url, port: address.port, host: config.host }, `Ovation listening on ${url}`);

  const [openedApp, openedLedger, openedDb, openedServices, openedBus, startedJobs] = [app, ledger, db, services, bus, jobs];
  let stopping: Promise<void> | undefined;
  let stopStage: string | undefined;
  return {
    app: openedApp,
    url,
    logger,
    get stopStage() {
      return stopStage;
    },
    stop() {
      stopping ??= (async () => {
        // No run starts from now on; those in flight end before the ledger and the database they use are closed.
        const jobsStopped = startedJobs.stop();
        stopStage = 'room sockets and requests in flight';
        await openedApp.close();
        stopStage = 'background jobs in flight';
        await jobsStopped;
        logger.info('HTTP server closed; flushing the ledger');
        stopStage = 'the ledger flush';
        await openedLedger.close();
        // After the ledger's last commit, so its room events and webhooks are relayed before the bus goes.
        stopStage = 'the relay and background work';
        await openedServices.close();
        stopStage = 'the bus';
        await openedBus.close();
        stopStage = 'the database';
        await openedDb.close();
      })();
      return stopping;
    },
  };
}

/**
 * Finishes what a stopped process left half-done. Each repair handles its items one by one; what it
 * cannot repair is logged, skipped and reported by `/readyz` and `ovation audit`, and never stops the
 * server from starting.
 */
async function runStartupRepairs(services: Services, logger: Logger): Promise<SkippedRepair[]> {
  const repairs: { name: string; done: string; run: () => Promise<RepairResult> }[] = [
    { name: 'account_closures', done: 'finished account closures interrupted by a restart', run: () => services.accounts.completePendingClosures() },
    { name: 'payment_records', done: 'recorded payments a crash left without their projection row', run: () => services.creatorPayments.repairRecords() },
    { name: 'subscription_periods', done: 'brought subscriptions up to the payments a crash left them without', run: () => services.subscriptions.repair() },
    { name: 'gifter_levels', done: 'announced gifter levels a crash left unannounced', run: () => services.levelUps.repair() },
    { name: 'live_goals', done: 'completed live goals a crash left unannounced', run: () => services.goals.repair() },
    { name: 'goodwill_grants', done: 'moved the coins of approved goodwill grants a crash left unmoved', run: () => services.goodwill.repair() },
  ];
  const skipped: SkippedRepair[] = [];
  for (const repair of repairs) {
    const result = await repair.run();
    if (result.finished > 0) logger.warn({ repair: repair.name, items: result.finished }, repair.done);
    for (const item of result.skipped) logger.error({ repair: repair.name, item: item.id, reason: item.reason }, `start-up repair ${repair.name} skipped ${item.id}: ${item.reason}`);
    if (result.skipped.length > 0) skipped.push({ repair: repair.name, items: result.skipped.length });
  }
  return skipped;
}

/**
 * The process entry for `npm start` and `ovation serve`: reads the
 * configuration, starts the server and shuts it down gracefully on SIGTERM
 * or SIGINT. A second signal, or a shutdown slower than
 * SHUTDOWN_TIMEOUT_MS, exits at once with status 1.
 */
export async function runServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Every setting is read and checked before anything is opened: a bad value stops the process first, naming its variable.
  let settings: Settings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    console.error(`ovation: invalid configuration: ${(error as Error).message}`);
    process.exit(1);
  }
  // Written synchronously, so no line is in flight when a shutdown ends in process.exit (what is buffered is
  // written on 'exit', below), but gathered up to 4 KiB or 20 ms: a write per line costs a busy server a system call per request.
  const destination = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 20 });
  process.on('exit', () => destination.flushSync());
  const { config } = settings;
  const logger = pino({ level: config.logLevel }, destination);

  let server: RunningServer;
  try {
    server = await startServer(settings, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal received; exiting without finishing shutdown');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const deadline = setTimeout(() => {
      // Says what held it up, for the operator to look into.
      server.app.server.getConnections((_error, openConnections) => {
        logger.error({ timeout_ms: config.shutdownTimeoutMs, waitingFor: server.stopStage, openConnections }, 'shutdown timed out; exiting');
        process.exit(1);
      });
    }, config.shutdownTimeoutMs);
    deadline.unref();
    server.stop().then(
      () => {
        logger.info('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
