import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, enginesUnderTest } from './testing/databases.js';
import { migrateToLatest } from './migrate.js';
import { allMigrations } from '../server/migrations.js';
import { startServerProcess } from '../server/testing/process.js';

/** A migration a newer version of Ovation applied: this build does not know it. */
const FUTURE_MIGRATION = '2099_01_01_0001_from_a_newer_version';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`a database migrated by a newer version, on ${engine}`, { skip }, () => {
    it('is refused by migrate, and the server exits 1 at start without serving', { timeout: 60_000 }, async () => {
      const testDb = await createTestDatabase(engine);
      try {
        await sql`insert into kysely_migration (name, timestamp) values (${FUTURE_MIGRATION}, ${new Date().toISOString()})`.execute(testDb.db.kysely);
        await assert.rejects(migrateToLatest(testDb.db, allMigrations), new RegExp(FUTURE_MIGRATION));

        const server = startServerProcess({ DATABASE_URL: testDb.url });
        server.listening.catch(() => {});
        const { code } = await server.exited;
        assert.equal(code, 1);
        const fatal = server.logs.find((line) => line.msg === 'failed to start');
        assert.ok(fatal, JSON.stringify(server.logs));
        assert.match(JSON.stringify(fatal), new RegExp(FUTURE_MIGRATION));
        assert.ok(!server.logs.some((line) => line.msg.startsWith('Ovation listening')));
      } finally {
        await testDb.destroy();
      }
    });
  });
}
