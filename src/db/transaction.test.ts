import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from './testing/databases.js';
import { writeTransaction } from './transaction.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`write transactions on ${engine}`, { skip }, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(engine);
    });
    after(async () => testDb?.destroy());

    /** How the engine commits right now: SQLite's synchronous level, PostgreSQL's synchronous_commit. */
    const commitMode = async (executor = testDb.db.kysely) =>
      engine === 'sqlite'
        ? String((await sql<{ synchronous: number }>`pragma synchronous`.execute(executor)).rows[0]!.synchronous)
        : (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(executor)).rows[0]!.synchronous_commit;

    it('a transaction that may be lost in a crash commits without waiting for the disk, and every other one still waits', async () => {
      const durable = await commitMode();
      assert.equal(durable, engine === 'sqlite' ? '2' : 'on', 'commits wait for the disk by default (SQLite FULL)');
      const inside = await writeTransaction(testDb.db, (trx) => commitMode(trx), { durable: false });
      assert.equal(inside, engine === 'sqlite' ? '1' : 'off');
      assert.equal(await commitMode(), durable, 'the next transaction is durable again');
      await assert.rejects(writeTransaction(testDb.db, async () => Promise.reject(new Error('refused')), { durable: false }));
      assert.equal(await commitMode(), durable, 'also after a rollback');
      assert.equal(await writeTransaction(testDb.db, (trx) => commitMode(trx)), durable);
    });
  });
}
