/**
 * migrate-data: `ovation migrate-data` copying a SQLite database of gift transfers into an empty PostgreSQL
 * database, beside the same rows moved by hand in the same run: `sqlite3 -csv` piped into psql's `\copy`
 * (PostgreSQL's COPY, the fastest way in, with no resuming and no proof), and the SQLite file read alone.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../src/db/testing/databases.js';
import { createLedger } from '../src/ledger/index.js';
import { fundViewers, giftLegs } from './ledger.js';
import { residentBytes } from './support/proc.js';
import { SkippedBenchmark, type Benchmark, type BenchmarkContext, type Headline, type Table } from './support/report.js';
import { formatCount, formatRatio } from './support/stats.js';

const CONCURRENT_CALLERS = 1_000;
const RSS_POLL_MS = 20;
/** migrate-data's JavaScript heap limit: it runs out of memory, failing the benchmark, if what it holds grows with the database. */
const HEAP_LIMIT_MIB = 64;

/** `transfers` gift transfers from `viewers` funded viewers to one creator, through the batching ledger. */
async function fill(source: TestDatabase, viewers: number, transfers: number): Promise<void> {
  const ledger = createLedger(source.db, { maxBatchSize: 1000 });
  try {
    await fundViewers(ledger, viewers, transfers);
    let next = 0;
    const caller = async () => {
      for (let i = next++; i < transfers; i = next++) await ledger.submit({ type: 'posted', idempotencyKey: `gift-${i}`, legs: giftLegs(i % viewers), metadata: { giftId: 'rose' } });
    };
    await Promise.all(Array.from({ length: CONCURRENT_CALLERS }, caller));
  } finally {
    await ledger.close();
  }
}

/** Runs a shell pipeline with its arguments as $1, $2, …; throws with its stderr when it fails. */
function shell(script: string, args: string[]): void {
  const run = spawnSync('sh', ['-c', script, 'sh', ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${script} failed (${run.status}): ${run.stderr}`);
}

function timed(fn: () => void): number {
  const startedAt = performance.now();
  fn();
  return (performance.now() - startedAt) / 1000;
}

interface MigrateDataRun {
  copySeconds: number;
  totalSeconds: number;
  peakRssBytes: number;
}

/** The built `ovation migrate-data`, as an operator runs it: the copy's seconds from its report, the whole run's, and its peak memory. */
async function migrateData(source: TestDatabase, target: TestDatabase): Promise<MigrateDataRun> {
  const startedAt = performance.now();
  const running = promisify(execFile)(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MIB}`, 'dist/cli/main.js', 'migrate-data', '--from', source.url, '--to', target.url], {
    cwd: new URL('..', import.meta.url),
  });
  const { child } = running;
  let peakRssBytes = 0;
  const poll = setInterval(() => {
    try {
      peakRssBytes = Math.max(peakRssBytes, residentBytes(child.pid!));
    } catch {
      // Exited between two polls.
    }
  }, RSS_POLL_MS);
  // Exits 1, rejecting, when the copy is not proven.
  const { stdout } = await running.finally(() => clearInterval(poll));
  const totalSeconds = (performance.now() - startedAt) / 1000;
  const copied = /^Copied \d+ rows of \d+ tables in ([\d.]+) s/m.exec(stdout);
  if (!copied) throw new Error(`migrate-data reported no copy: ${stdout}`);
  return { copySeconds: Number(copied[1]), totalSeconds, peakRssBytes };
}

export const migrateDataBenchmark: Benchmark = {
  name: 'migrate-data',
  description:
    '`ovation migrate-data` moving a SQLite database of gift transfers (ledger transfers, their entries and accounts) into an empty PostgreSQL database: ' +
    'the copy (chunks of 5,000 rows, each committed with its progress), and the whole command with its migrations, proof (every table read back from both) and both audits; ' +
    'beside, in the same run, `sqlite3 -csv` piped into `psql \\copy` for each table holding rows (PostgreSQL COPY, no resuming, no proof) and the SQLite file read alone by `sqlite3 -csv`. ' +
    'The whole command is timed from starting the built `node dist/cli/main.js`.',
  async run({ quick, machine, progress }: BenchmarkContext) {
    if (!('version' in machine.postgres)) throw new SkippedBenchmark(`PostgreSQL unreachable: ${machine.postgres.unreachable}`);
    const missing = ['sqlite3', 'psql'].filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
    if (missing.length > 0) throw new SkippedBenchmark(`its baselines need ${missing.join(' and ')} (Debian: sqlite3, postgresql-client)`);
    const viewers = quick ? 1_000 : 5_000;
    const transfers = quick ? 20_000 : 200_000;
    const source = await createTestDatabase('sqlite');
    const copyTarget = await createTestDatabase('postgres');
    const target = await createTestDatabase('postgres', { migrated: false });
    try {
      progress(`migrate-data: filling SQLite with ${formatCount(transfers)} gift transfers`);
      await fill(source, viewers, transfers);
      const sqlite = source.db.sqlite!;
      const tables = (sqlite.prepare(`select name from sqlite_schema where type = 'table' and name not like 'sqlite%' and name not like 'kysely%'`).pluck().all() as string[]).map((name) => ({
        name,
        columns: (sqlite.prepare('select name from pragma_table_info(?)').pluck().all(name) as string[]).join(', '),
        rows: Number(sqlite.prepare(`select count(*) from "${name}"`).pluck().get()),
      }));
      const rows = tables.reduce((sum, table) => sum + table.rows, 0);
      // By hand, one would leave out the empty tables: each costs a start of sqlite3 and psql.
      const holdingRows = tables.filter((table) => table.rows > 0);

      progress(`migrate-data: ${formatCount(rows)} rows: reading them with sqlite3, then sqlite3 | psql \\copy`);
      const readSeconds = timed(() => {
        for (const table of holdingRows) shell('sqlite3 -csv "$1" "$2" > /dev/null', [source.url, `select ${table.columns} from "${table.name}"`]);
      });
      const copySeconds = timed(() => {
        for (const table of holdingRows) {
          shell('sqlite3 -csv "$1" "$2" | psql -q -v ON_ERROR_STOP=1 "$3" -c "$4"', [
            source.url,
            `select ${table.columns} from "${table.name}"`,
            copyTarget.url,
            `\\copy ${table.name} (${table.columns}) from stdin with (format csv)`,
          ]);
        }
      });

      progress('migrate-data: ovation migrate-data');
      const ours = await migrateData(source, target);

      const rate = (seconds: number) => rows / seconds;
      const table: Table = {
        title: `${formatCount(rows)} rows in ${tables.length} tables (${formatCount(transfers)} gift transfers)`,
        columns: ['how', 'seconds', 'rows/s', 'vs COPY'],
        rows: [
          ['SQLite read alone (sqlite3 -csv)', readSeconds.toFixed(1), formatCount(rate(readSeconds)), formatRatio(rate(readSeconds) / rate(copySeconds))],
          ['sqlite3 -csv | psql \\copy (COPY)', copySeconds.toFixed(1), formatCount(rate(copySeconds)), formatRatio(1)],
          ['ovation migrate-data: the copy', ours.copySeconds.toFixed(1), formatCount(rate(ours.copySeconds)), formatRatio(rate(ours.copySeconds) / rate(copySeconds))],
          ['ovation migrate-data: all, with proof and audits', ours.totalSeconds.toFixed(1), formatCount(rate(ours.totalSeconds)), formatRatio(rate(ours.totalSeconds) / rate(copySeconds))],
        ],
        notes: [
          `migrate-data ran with a ${HEAP_LIMIT_MIB} MiB JavaScript heap limit; its peak resident memory was ${(ours.peakRssBytes / 2 ** 20).toFixed(0)} MiB (sampled every ${RSS_POLL_MS} ms), SQLite's 64 MiB page cache included.`,
        ],
      };
      const headlines: Headline[] = [
        {
          benchmark: 'migrate-data',
          measure: 'rows/s copied, SQLite to PostgreSQL',
          ovation: formatCount(rate(ours.copySeconds)),
          baseline: `${formatCount(rate(copySeconds))} (sqlite3 | psql \\copy)`,
          ratio: formatRatio(rate(ours.copySeconds) / rate(copySeconds)),
        },
      ];
      return { tables: [table], headlines, data: { rows, transfers, tables: tables.length, readSeconds, copySeconds, migrateData: ours } };
    } finally {
      await target.destroy();
      await copyTarget.destroy();
      await source.destroy();
    }
  },
};
