#!/usr/bin/env node
// The `ovation` command: database maintenance and the server, configured by environment variables.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { openDatabase, type Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { allMigrations } from '../server/migrations.js';
import { createLedger, platformAccountSpecs } from '../ledger/index.js';
import { auditEverything } from '../audit/index.js';
import { backupSqlite } from '../db/backup.js';
import type { ReconcileReport } from '../payments/orders.js';
import { DomainError } from '../shared/errors.js';
import { createServices, type Services } from '../server/services.js';
import { createBus } from '../bus/bus.js';
import { runServer } from '../server/start.js';
import { auditReportJson, formatAuditReport } from './format.js';
import { progressLine } from './progress.js';
import { DEFAULT_CHUNK_ROWS, migrateData } from './migrate-data.js';
import { loadSettings, type Settings } from '../server/settings.js';

/** Exit statuses: 0 success, 1 failure (or an inconsistent audit, or orders reconcile could not settle), 2 usage error. */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const USAGE = `Usage: ovation <command> [options]

Commands:
  serve                 Start the HTTP server (same as npm start)
  migrate               Apply pending database migrations and list them
  audit [--json]        Recompute every balance from the journal and check the ledger's invariants;
                        exits 0 when consistent, 1 when not
  admin create --email E --password P [--display-name N]
                        Create an administrator, or make an existing account one; it must
                        sign in and turn on two-factor authentication before admin routes answer
  reconcile [--json]    Compare unsettled and recently paid orders with the payment provider and
                        settle them: credit paid ones, mark failed ones, claw back disputed ones;
                        exits 0 when every order is settled, 1 when some could not be
  backup PATH           Copy the SQLite database to PATH while servers keep running (online backup);
                        for PostgreSQL use pg_dump (see docs/operations.md)
  migrate-data --from FILE --to URL [--chunk-rows N]
                        Copy every table of a stopped SQLite deployment into an empty PostgreSQL database,
                        migrated first; a stopped copy resumes where it stopped. Then reads every table back
                        from both and audits both; exits 0 when the copy is proven equal, 1 when not
  help                  Show this help

Options:
  --database-url URL    Database to use (default: $DATABASE_URL, else ./data/ovation.db)
  -h, --help            Show this help
  -v, --version         Show the version

Environment: DATABASE_URL, PORT, HOST, LOG_LEVEL, LEDGER_MAX_BATCH, STORE_CURRENCIES, SMTP_URL and more
(see docs/configuration.md).
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'database-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      email: { type: 'string' },
      password: { type: 'string' },
      'display-name': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'chunk-rows': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
}

type Parsed = ReturnType<typeof parse>;

function environment(parsed: Parsed): NodeJS.ProcessEnv {
  const url = parsed.values['database-url'];
  return url === undefined ? process.env : { ...process.env, DATABASE_URL: url };
}

async function withDatabase<T>(parsed: Parsed, fn: (db: Database, settings: Settings) => Promise<T>): Promise<T> {
  // Every setting is checked before the database is opened: a bad value stops the command first.
  const settings = loadSettings(environment(parsed));
  const db = openDatabase(settings.config.databaseUrl);
  try {
    return await fn(db, settings);
  } finally {
    await db.close();
  }
}

/**
 * Runs `fn` with the domain services the server runs, on a migrated database
 * with its platform accounts; closes the services, the ledger (flushing it)
 * and the database afterwards, whether `fn` returns or throws.
 */
async function withServices<T>(parsed: Parsed, fn: (services: Services, db: Database) => Promise<T>): Promise<T> {
  return withDatabase(parsed, async (db, { config, modules }) => {
    await migrateToLatest(db, allMigrations);
    const ledger = createLedger(db, { maxBatchSize: config.ledgerMaxBatch, maxQueued: config.ledgerMaxQueue });
    const logger = pino({ level: 'silent' });
    const bus = await createBus(config.busUrl, logger);
    let services: Services | undefined;
    try {
      await ledger.ensureAccounts(platformAccountSpecs(config.storeCurrencies));
      services = createServices({ config, settings: modules, db, ledger, bus, logger });
      return await fn(services, db);
    } finally {
      await ledger.close();
      await services?.close();
      await bus.close();
    }
  });
}

async function migrate(parsed: Parsed): Promise<number> {
  return withDatabase(parsed, async (db) => {
    console.log(`Migrating ${db.description}`);
    const { applied } = await migrateToLatest(db, allMigrations);
    if (applied.length === 0) {
      console.log('Already up to date: no migrations to apply.');
    } else {
      console.log(`Applied ${applied.length} migration(s):`);
      for (const name of applied) console.log(`  ${name}`);
    }
    return EXIT_OK;
  });
}

async function audit(parsed: Parsed): Promise<number> {
  return withDatabase(parsed, async (db) => {
    console.error(`Auditing ${db.description}`);
    const report = await auditEverything(db, (checkName, index, count) => console.error(`[${index}/${count}] ${checkName}`));
    console.log(parsed.values.json ? auditReportJson(report) : formatAuditReport(report));
    return report.ok ? EXIT_OK : EXIT_FAILURE;
  });
}

/** The command-line flag for each field createAdmin can refuse. */
const ADMIN_FLAGS: Record<string, string> = { email: '--email', password: '--password', displayName: '--display-name' };

async function adminCreate(parsed: Parsed): Promise<number> {
  const { email, password } = parsed.values;
  const displayName = parsed.values['display-name'];
  if (email === undefined || password === undefined) {
    const missing = [email === undefined ? '--email' : undefined, password === undefined ? '--password' : undefined].filter((flag) => flag !== undefined);
    console.error(`ovation admin create: missing ${missing.join(' and ')}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return withServices(parsed, async ({ accounts }) => {
    const result = await accounts.createAdmin({ email, password, displayName }).catch((error: unknown) => {
      if (error instanceof DomainError) return error;
      throw error;
    });
    if (result instanceof DomainError) {
      const flag = result.details.param === undefined ? undefined : ADMIN_FLAGS[result.details.param];
      console.error(`ovation admin create: ${flag === undefined ? '' : `${flag}: `}${result.message}`);
      return EXIT_FAILURE;
    }
    const admin = result.user;
    console.log(result.created ? `Created administrator ${admin.id} <${admin.email}>` : `Existing account is now an administrator: ${admin.id} <${admin.email}>`);
    if (!result.created) console.log('Its password was left unchanged; the --password given was not used.');
    if (result.twoFactor) {
      const { secret, otpauthUrl, recoveryCodes } = result.twoFactor;
      console.log("Two-factor authentication is on. Add this key to the admin's authenticator app now; it is not shown again:");
      console.log(`  secret:      ${secret}`);
      console.log(`  otpauth URL: ${otpauthUrl}`);
      console.log('Recovery codes (each works once; keep them somewhere safe):');
      for (const code of recoveryCodes) console.log(`  ${code}`);
    } else {
      console.log('Two-factor authentication was already on for this account; its authenticator is unchanged.');
    }
    console.log('Admin routes answer sessions signed in with the password and a two-factor code.');
    return EXIT_OK;
  });
}

/** The human-readable reconciliation summary: counts, the orders settled, and each unresolved order with its reason. */
function formatReconcileReport(report: ReconcileReport): string {
  const out = [`Checked ${report.checked} order(s) with the payment provider.`, ''];
  const settled: [string, string[]][] = [
    ['Credited', report.credited],
    ['Failed', report.failed],
    ['Clawed back', report.clawedBack],
    ['Refunded', report.refunded],
    ['Canceled (abandoned)', report.canceled],
  ];
  for (const [label, orderIds] of settled) {
    out.push(`${`${label}:`.padEnd(22)}${orderIds.length}`, ...orderIds.map((orderId) => `  ${orderId}`));
  }
  out.push(`${'Unresolved:'.padEnd(22)}${report.unresolved.length}`, ...report.unresolved.map(({ orderId, reason }) => `  ${orderId}: ${reason}`), '');
  out.push(
    report.unresolved.length === 0
      ? 'Reconciliation complete: every order checked is settled.'
      : `Reconciliation INCOMPLETE: ${report.unresolved.length} order(s) could not be settled; see docs/operations.md#reconciliation.`,
  );
  return out.join('\n');
}

async function reconcile(parsed: Parsed): Promise<number> {
  return withServices(parsed, async ({ orders }, db) => {
    console.error(`Reconciling orders in ${db.description}`);
    const progress = progressLine((done, total) => `checked ${done}/${total} orders`, 100);
    let report: ReconcileReport;
    try {
      report = await orders.reconcile({ onProgress: (done, total) => progress.update(done, total) });
    } finally {
      progress.end();
    }
    console.log(parsed.values.json ? JSON.stringify(report, null, 2) : formatReconcileReport(report));
    return report.unresolved.length === 0 ? EXIT_OK : EXIT_FAILURE;
  });
}

/** Pages between progress lines when stderr is not a terminal: about every 64 MiB. */
const BACKUP_PROGRESS_PAGES = 16_384;

async function backup(parsed: Parsed, destination: string | undefined): Promise<number> {
  if (destination === undefined) {
    console.error(`ovation backup: missing the path to write the backup to\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return withDatabase(parsed, async (db) => {
    if (db.engine !== 'sqlite') {
      console.error('ovation backup: copies SQLite databases only; back up PostgreSQL with pg_dump (see docs/operations.md#backup)');
      return EXIT_FAILURE;
    }
    console.error(`Backing up ${db.description} to ${destination}`);
    const progress = progressLine((done, total) => `copied ${done}/${total} pages (${total === 0 ? 100 : Math.floor((done * 100) / total)}%)`, BACKUP_PROGRESS_PAGES);
    let totalPages: number;
    try {
      ({ totalPages } = await backupSqlite(db, destination, (done, total) => progress.update(done, total)));
    } finally {
      progress.end();
    }
    console.log(`Backed up ${totalPages} pages to ${destination}. Check it with: ovation audit --database-url ${destination}`);
    return EXIT_OK;
  });
}

async function migrateDataCommand(parsed: Parsed): Promise<number> {
  const { from, to } = parsed.values;
  const chunkRows = Number(parsed.values['chunk-rows'] ?? DEFAULT_CHUNK_ROWS);
  if (from === undefined || to === undefined || !Number.isSafeInteger(chunkRows) || chunkRows < 1) {
    const problem = from === undefined || to === undefined ? 'needs --from FILE and --to URL' : '--chunk-rows must be a positive integer';
    console.error(`ovation migrate-data: ${problem}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    return (await migrateData({ from, to, chunkRows, print: (line) => console.log(line) })) ? EXIT_OK : EXIT_FAILURE;
  } catch (error) {
    console.error(`ovation migrate-data: ${(error as Error).message}`);
    return EXIT_FAILURE;
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`ovation: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.version) {
    console.log(version());
    return EXIT_OK;
  }
  if (parsed.values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return EXIT_OK;
  }
  if (command !== 'admin' && rest.length > (command === 'backup' ? 1 : 0)) {
    console.error(`ovation ${command}: unexpected argument ${JSON.stringify(rest[0])}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  switch (command) {
    case 'migrate':
      return migrate(parsed);
    case 'audit':
      return audit(parsed);
    case 'serve':
      await runServer(environment(parsed));
      return -1; // The server keeps the process alive and exits on its own.
    case 'admin':
      if (rest[0] !== 'create') {
        console.error(`ovation admin: unknown subcommand ${JSON.stringify(rest[0] ?? '')} (expected: admin create)\n\n${USAGE}`);
        return EXIT_USAGE;
      }
      if (rest.length > 1) {
        console.error(`ovation admin create: unexpected argument ${JSON.stringify(rest[1])}\n\n${USAGE}`);
        return EXIT_USAGE;
      }
      return adminCreate(parsed);
    case 'reconcile':
      return reconcile(parsed);
    case 'backup':
      return backup(parsed, rest[0]);
    case 'migrate-data':
      return migrateDataCommand(parsed);
    default:
      console.error(`ovation: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return EXIT_USAGE;
  }
}

try {
  const status = await main(process.argv.slice(2));
  if (status >= 0) process.exitCode = status;
} catch (error) {
  console.error(`ovation: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = EXIT_FAILURE;
}
