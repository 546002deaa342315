import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, enginesUnderTest } from './testing/databases.js';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { allMigrations } from '../server/migrations.js';
import { startServerProcess, waitUntilReady } from '../server/testing/process.js';

const postgres = (await enginesUnderTest()).find((engine) => engine.engine === 'postgres')!;
const everyMigration = Object.keys(allMigrations('postgres')).sort();

describe('processes starting at the same moment on an empty PostgreSQL database', { skip: postgres.skip }, () => {
  it('two migrations at once, each on its own pool: both succeed and every migration is applied by exactly one', async () => {
    const empty = await createTestDatabase('postgres', { migrated: false });
    const pools = [openDatabase(empty.url), openDatabase(empty.url), openDatabase(empty.url)];
    try {
      const reports = await Promise.all(pools.map((db) => migrateToLatest(db, allMigrations)));
      const applied = reports.flatMap((report) => report.applied).sort();
      assert.deepEqual(applied, everyMigration, 'each migration applied once, by one of them');
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(empty.db.kysely);
      assert.deepEqual(
        rows.map((row) => row.name),
        everyMigration,
      );
    } finally {
      await Promise.all(pools.map((db) => db.close()));
      await empty.destroy();
    }
  });

  it('two server processes started together both become ready, and the migrations ran once', { timeout: 60_000 }, async () => {
    const empty = await createTestDatabase('postgres', { migrated: false });
    const servers = [0, 1].map(() => startServerProcess({ DATABASE_URL: empty.url }));
    try {
      const urls = await Promise.all(servers.map((server) => server.listening));
      await Promise.all(urls.map((url) => waitUntilReady(url)));
      const applied = servers.flatMap((server) => server.logs.flatMap((line) => line.migrations ?? [])).sort();
      assert.deepEqual(applied, everyMigration, 'the processes together logged each migration once');
    } finally {
      for (const server of servers) server.child.kill('SIGTERM');
      await Promise.all(servers.map((server) => server.exited));
      await empty.destroy();
    }
  });
});
