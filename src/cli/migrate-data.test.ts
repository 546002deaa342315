import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../db/testing/databases.js';
import type { Database } from '../db/database.js';
import { auditEverything } from '../audit/index.js';
import { createLedger, platformAccountSpecs } from '../ledger/index.js';
import { formatTortureSummaries, runTorture } from '../torture/torture.js';
import { ovation, startOvation } from './testing/run.js';

const postgres = (await enginesUnderTest()).find((engine) => engine.engine === 'postgres')!;

/** Every ledger account with its balances and authorization version, by account. */
async function ledgerAccounts(db: Database) {
  return db.kysely.selectFrom('ledger_accounts').selectAll().orderBy('id').execute();
}

/** Each data table's row count, and whether a copy left its progress behind: what a refused run must not change. */
async function contents(db: Database): Promise<Record<string, bigint>> {
  const { rows } = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema() order by 1`.execute(db.kysely);
  const counts: Record<string, bigint> = {};
  for (const { name } of rows) counts[name] = (await sql<{ count: bigint }>`select count(*) as count from ${sql.table(name)}`.execute(db.kysely)).rows[0]!.count;
  return counts;
}

async function rowsCopied(db: Database): Promise<bigint> {
  const { rows } = await sql<{ copied: bigint | null }>`select sum(rows_copied)::bigint as copied from migrate_data_progress`.execute(db.kysely).catch(() => ({ rows: [{ copied: null }] }));
  return rows[0]!.copied ?? 0n;
}

describe('ovation migrate-data', { skip: postgres.skip }, () => {
  let source: TestDatabase;
  let sourceRows = 0n;

  before(async () => {
    // A small torture run: viewers buying and paying creators, creators cashing out, while the server is killed.
    source = await createTestDatabase('sqlite');
    const summary = await runTorture({
      mode: 'sqlite',
      viewers: 6,
      creators: 2,
      // Long enough for viewers to sign up, buy and send gifts on a loaded machine, around a crash or none.
      duration_ms: 15_000,
      maxCrashInterval_ms: 20_000,
      faults: { abandonChance: 0.05, giveUpChance: 0.5, duplicateChance: 0.1 },
      database: source,
    });
    assert.deepEqual(summary.verification.discrepancies, []);
    console.log(formatTortureSummaries([summary]));
    assert.ok(summary.giftsAcknowledged > 0 && summary.ordersPaid > 0, 'the run bought coins and paid creators');
    // A restriction moves its user's authorization version by a trigger: copying the row must not move it again.
    const restricted = source.db.sqlite!.prepare(`select id from users order by id limit 1`).pluck().get() as string;
    await sql`insert into user_restrictions (user_id, kind, reason, created_at) values (${restricted}, 'gifting', 'under review', ${new Date().toISOString()})`.execute(source.db.kysely);
    const tables = source.db.sqlite!.prepare(`select name from sqlite_schema where type = 'table' and name not like 'sqlite%' and name not like 'kysely%'`).pluck().all() as string[];
    for (const table of tables) sourceRows += source.db.sqlite!.prepare(`select count(*) from "${table}"`).pluck().get() as bigint;
  });

  after(async () => {
    await source?.destroy();
  });

  it("copies a torture run's database, killed once mid-copy and resumed: the proof passes, and every balance and transfer is equal", { timeout: 120_000 }, async () => {
    const target = await createTestDatabase('postgres', { migrated: false });
    try {
      const args = ['migrate-data', '--from', source.url, '--to', target.url, '--chunk-rows', '10'];
      const first = startOvation(args);
      let exited = false;
      void first.finished.then(() => (exited = true));
      while (!exited && (await rowsCopied(target.db)) === 0n) await sleep(2);
      first.child.kill('SIGKILL');
      const killed = await first.finished;
      assert.equal(killed.code, null, `killed mid-copy, not finished: ${killed.stdout}${killed.stderr}`);
      const copiedBeforeKill = await rowsCopied(target.db);
      assert.ok(copiedBeforeKill > 0n && copiedBeforeKill < sourceRows, `stopped part-way: ${copiedBeforeKill} of ${sourceRows} rows`);

      const resumed = await ovation(args);
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.match(resumed.stderr, /Resuming the copy/);
      assert.match(resumed.stdout, /The copy is proven/);
      assert.match(resumed.stdout, /Audit of SQLite: +consistent/);
      assert.match(resumed.stdout, /Audit of PostgreSQL: +consistent/);
      assert.doesNotMatch(resumed.stdout, /\bNO\b|DIFFERENT/);

      // Checked here too, without the command's own proof.
      const report = await auditEverything(target.db);
      assert.ok(report.ok, report.violations.join('\n'));
      assert.deepEqual(await ledgerAccounts(target.db), await ledgerAccounts(source.db));
      const transfers = (db: Database) => db.kysely.selectFrom('ledger_transfers').selectAll().orderBy('seq').execute();
      assert.deepEqual(await transfers(target.db), await transfers(source.db));
      for (const table of ['orders', 'payouts', 'gift_events'] as const) {
        const count = async (db: Database) => (await sql<{ count: bigint }>`select count(*) as count from ${sql.table(table)}`.execute(db.kysely)).rows[0]!.count;
        assert.equal(await count(target.db), await count(source.db), table);
      }
      // The next transfer gets the next tr_<seq>, never one already copied.
      const [{ largest }] = (await sql<{ largest: bigint }>`select max(seq) as largest from ledger_transfers`.execute(target.db.kysely)).rows as [{ largest: bigint }];
      const { rows: next } = await sql<{ seq: bigint }>`select nextval(pg_get_serial_sequence('ledger_transfers', 'seq')) as seq`.execute(target.db.kysely);
      assert.equal(next[0]!.seq, largest + 1n);
      assert.deepEqual(await sql`select to_regclass('migrate_data_progress') as found`.execute(target.db.kysely).then(({ rows }) => rows), [{ found: null }], 'the progress is dropped once proven');
    } finally {
      await target.destroy();
    }
  });

  it('refuses a PostgreSQL database that holds data, and writes nothing to it', { timeout: 60_000 }, async () => {
    const target = await createTestDatabase('postgres');
    const ledger = createLedger(target.db);
    try {
      await ledger.ensureAccounts(platformAccountSpecs(['USD']));
      const before = await contents(target.db);
      const run = await ovation(['migrate-data', '--from', source.url, '--to', target.url]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /already holds data \(in ledger_accounts\).*empty database only/);
      assert.deepEqual(await contents(target.db), before);
    } finally {
      await ledger.close();
      await target.destroy();
    }
  });

  it('refuses a SQLite database migrated by another version, before touching PostgreSQL', { timeout: 60_000 }, async () => {
    const newer = await createTestDatabase('sqlite');
    const target = await createTestDatabase('postgres', { migrated: false });
    try {
      await sql`insert into kysely_migration (name, timestamp) values ('2099_01_01_0001_from_a_newer_version', ${new Date().toISOString()})`.execute(newer.db.kysely);
      const run = await ovation(['migrate-data', '--from', newer.url, '--to', target.url]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /migrated by a newer version of Ovation \(migrations this version does not know: 2099_01_01_0001_from_a_newer_version\)/);
      assert.deepEqual(await contents(target.db), {});
    } finally {
      await newer.destroy();
      await target.destroy();
    }
  });
});
