import { existsSync } from 'node:fs';
import { parseDatabaseUrl } from '../config/index.js';
import { openDatabase, withSqliteConnection, type Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import {
  checkSameTables,
  copyTables,
  describeTables,
  dropCopyProgress,
  hasCopyProgress,
  postgresDigest,
  sqliteDigest,
  tablesHoldingRows,
  type CopiedTable,
  type CopyProgress,
  type TableDigest,
} from '../db/copy.js';
import { allMigrations } from '../server/migrations.js';
import { auditEverything } from '../audit/index.js';
import type { AuditReport } from '../ledger/index.js';
import { formatTable } from './format.js';
import { progressLine } from './progress.js';

export interface MigrateDataOptions {
  /** The SQLite database file of a stopped deployment. */
  from: string;
  /** An empty PostgreSQL database, or one a stopped run of migrate-data left part-way. */
  to: string;
  /** Rows read, held in memory and committed at a time. */
  chunkRows: number;
  /** Lines of the report, for stdout. */
  print(line: string): void;
}

/** Rows per transaction: a few MiB of memory, and few enough commits to go at PostgreSQL's insert speed. */
export const DEFAULT_CHUNK_ROWS = 5_000;

/** Rows between progress lines when stderr is not a terminal. */
const PROGRESS_EVERY_ROWS = 50_000;
/** Tables whose equality the report spells out: what an operator checks first after a move. */
const CALLED_OUT: [string, string][] = [
  ['ledger_accounts', 'Balances (ledger accounts)'],
  ['ledger_transfers', 'Transfers'],
  ['orders', 'Orders'],
  ['payouts', 'Payouts'],
];

/**
 * `ovation migrate-data`: copies every table of a SQLite database into a PostgreSQL database migrated to the same
 * schema, resuming a copy a stopped run left, then proves the copy. Resolves true when the copy is proven; throws,
 * having written nothing, when the databases are not fit for a copy.
 */
export async function migrateData(options: MigrateDataOptions): Promise<boolean> {
  const { filename } = sqliteFile(options.from);
  if (parseDatabaseUrl(options.to).engine !== 'postgres') throw new Error(`--to must be a PostgreSQL URL (postgres://…), not ${options.to}`);
  if (!existsSync(filename)) throw new Error(`there is no SQLite database at ${filename}`);
  const source = openDatabase(filename);
  try {
    checkMigrations(source);
    // The write lock, held to the end, keeps the source as it is while it is copied and compared: a server
    // left running cannot commit meanwhile.
    await withSqliteConnection(source, (handle) => {
      try {
        handle.exec('BEGIN IMMEDIATE');
      } catch (error) {
        throw new Error(`the SQLite database is in use (${(error as Error).message}): stop every Ovation server that uses it, then run migrate-data again`);
      }
    });
    const target = openDatabase(options.to, { maxConnections: 2 });
    try {
      return await copyAndProve(source, target, options);
    } finally {
      await target.close();
    }
  } finally {
    await withSqliteConnection(source, (handle) => {
      if (handle.inTransaction) handle.exec('ROLLBACK');
    });
    await source.close();
  }
}

function sqliteFile(from: string): { filename: string } {
  const source = parseDatabaseUrl(from);
  if (source.engine !== 'sqlite') throw new Error(`--from must be a SQLite database file, not ${from}`);
  return source;
}

/** Refuses a source whose schema is not the one this version makes: the tables would not match. */
function checkMigrations(source: Database): void {
  const handle = source.sqlite!;
  const hasTable = handle.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'kysely_migration'`).get() !== undefined;
  if (!hasTable) throw new Error(`${source.description} is not an Ovation database: it has no migrations table`);
  const applied = handle.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all() as string[];
  const known = Object.keys(allMigrations('sqlite')).sort();
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`the SQLite database was migrated by a newer version of Ovation (migrations this version does not know: ${unknown.join(', ')}); run migrate-data of that version`);
  }
  const missing = known.filter((name) => !applied.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `the SQLite database lacks ${missing.length} migration(s) of this version (${missing.join(', ')}); apply them first with: ovation migrate --database-url ${source.description.replace(/^sqlite:/, '')}`,
    );
  }
}

async function copyAndProve(source: Database, target: Database, options: MigrateDataOptions): Promise<boolean> {
  const pool = target.pgPool!;
  const resuming = await hasCopyProgress(pool);
  if (!resuming) {
    const holding = await tablesHoldingRows(pool);
    if (holding.length > 0) {
      throw new Error(
        `${target.description} already holds data (in ${holding.slice(0, 5).join(', ')}${holding.length > 5 ? ` and ${holding.length - 5} more tables` : ''}); ` +
          'migrate-data copies into an empty database only: create a new one and run it again',
      );
    }
  }
  const { applied } = await migrateToLatest(target, allMigrations);
  console.error(
    resuming ? `Resuming the copy of ${source.description} into ${target.description}` : `Copying ${source.description} into ${target.description} (migrated: ${applied.length} migration(s) applied)`,
  );
  const tables = await describeTables(pool);
  checkSameTables(source.sqlite!, tables);

  const startedAt = performance.now();
  let latest: CopyProgress | undefined;
  const rate = () => Math.round((latest?.rowsThisRun ?? 0) / Math.max((performance.now() - startedAt) / 1000, 0.001));
  const progress = progressLine((done, total) => {
    const { table, tableIndex, tableCount, tableRows, tableTotal } = latest!;
    return `${bar(done, total)} tables ${tableIndex}/${tableCount}  ${table} ${tableRows}/${tableTotal}  rows ${done}/${total}  ${rate()} rows/s`;
  }, PROGRESS_EVERY_ROWS);
  try {
    await copyTables(source.sqlite!, pool, tables, {
      chunkRows: options.chunkRows,
      onProgress(update) {
        latest = update;
        progress.update(update.rows, update.totalRows);
      },
    });
  } finally {
    progress.end();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const copied = latest?.rowsThisRun ?? 0;
  options.print(
    `Copied ${copied} rows${resuming ? ' (the rest were copied before)' : ''} of ${tables.length} tables in ${seconds.toFixed(1)} s (${Math.round(copied / Math.max(seconds, 0.001))} rows/s).`,
  );

  const proof = await prove(source, target, tables, options.chunkRows);
  for (const line of proof.lines) options.print(line);
  if (proof.proven) await dropCopyProgress(pool);
  return proof.proven;
}

/** A 20-character bar and the percentage. */
function bar(done: number, total: number): string {
  const fraction = total === 0 ? 1 : done / total;
  const filled = Math.round(fraction * 20);
  return `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${Math.floor(fraction * 100)}%`;
}

interface Comparison {
  table: string;
  source: TableDigest;
  target: TableDigest;
}

const same = ({ source, target }: Comparison) => source.rows === target.rows && source.checksum === target.checksum;

/**
 * Reads every table back from both databases (count and checksum of every row) and runs the audit on each: the copy
 * is proven when every table is equal, both audits pass and their per-asset totals agree.
 */
async function prove(source: Database, target: Database, tables: CopiedTable[], chunkRows: number): Promise<{ proven: boolean; lines: string[] }> {
  const comparisons: Comparison[] = [];
  const progress = progressLine((done, total) => `proving: read ${done}/${total} tables from both databases`, 10);
  try {
    for (const [index, table] of tables.entries()) {
      comparisons.push({ table: table.name, source: sqliteDigest(source.sqlite!, table, chunkRows), target: await postgresDigest(target.pgPool!, table, chunkRows) });
      progress.update(index + 1, tables.length);
    }
  } finally {
    progress.end();
  }
  console.error('proving: auditing both databases');
  const audits = [await auditEverything(source), await auditEverything(target)] as const;
  const totals = audits.map((audit) => JSON.stringify(audit.totals, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));

  const lines = [
    '',
    'Every table, read back from both databases:',
    formatTable(
      ['table', 'SQLite rows', 'PostgreSQL rows', 'SQLite checksum', 'PostgreSQL checksum', 'equal'],
      comparisons.map((comparison) => [
        comparison.table,
        String(comparison.source.rows),
        String(comparison.target.rows),
        comparison.source.checksum,
        comparison.target.checksum,
        same(comparison) ? 'yes' : 'NO',
      ]),
    ),
    '',
    `Audit of SQLite:      ${auditLine(audits[0])}`,
    `Audit of PostgreSQL:  ${auditLine(audits[1])}`,
    `Per-asset totals:     ${totals[0] === totals[1] ? 'equal' : 'DIFFERENT (run ovation audit on each database to see them)'}`,
    '',
  ];
  for (const [name, label] of CALLED_OUT) {
    const comparison = comparisons.find((candidate) => candidate.table === name);
    if (comparison) lines.push(`${`${label}:`.padEnd(30)}${comparison.target.rows} ${same(comparison) ? 'equal' : 'DIFFERENT'}`);
  }
  const different = comparisons.filter((comparison) => !same(comparison));
  const proven = different.length === 0 && audits.every((audit) => audit.ok) && totals[0] === totals[1];
  lines.push(
    '',
    proven
      ? `The copy is proven: ${comparisons.length} tables and ${comparisons.reduce((sum, comparison) => sum + comparison.target.rows, 0)} rows equal, and both audits pass. Point DATABASE_URL at ${target.description} and start the servers.`
      : different.length > 0
        ? `The copy DIFFERS from the SQLite database in ${different.map((comparison) => comparison.table).join(', ')}: do not use it. Drop the PostgreSQL database, create it again and run migrate-data once more.`
        : 'The audit does not pass: run ovation audit on each database to see the violations before moving.',
  );
  return { proven, lines };
}

function auditLine(report: AuditReport): string {
  return `${report.ok ? 'consistent' : `${report.violations.length} VIOLATION(S)`}, ${report.accounts} accounts, ${report.transfers} transfers`;
}
