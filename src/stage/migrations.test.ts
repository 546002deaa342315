import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { battleAuditChecks } from '../audit/battles.js';
import { migrateToLatest } from '../db/migrate.js';
import { createTestDatabase, enginesUnderTest } from '../db/testing/databases.js';
import { allMigrations } from '../server/migrations.js';

const COMMIT_ORDER_MIGRATION = '2026_12_07_0030_battle_gifts_in_commit_order';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`battle tags kept by supporter, migrated on ${engine}`, { skip }, () => {
    it('keep every tag in commit order, and the audit still finds each side’s score in its tags', async () => {
      const { db, destroy } = await createTestDatabase(engine, { migrated: false });
      try {
        await migrateToLatest(db, (forEngine) => Object.fromEntries(Object.entries(allMigrations(forEngine)).filter(([name]) => name < COMMIT_ORDER_MIGRATION)));
        // Two supporters of side a (one in the boost, 3x) and one of side b.
        const tags: [string, string, string, number, number][] = [
          ['tr_7', 'a', 'usr_zed', 5, 1],
          ['tr_8', 'b', 'usr_amy', 1, 1],
          ['tr_9', 'a', 'usr_amy', 10, 3],
        ];
        for (const [transferId, side, senderId, coins, multiplier] of tags) {
          await sql`INSERT INTO gift_events (transfer_id, kind, live_id, video_id, gift_id, sender_id, creator_id, quantity, coins, diamonds, combo_id, combo_count, sent_at, clawed_back_coins)
            VALUES (${transferId}, 'gift', 'live_1', NULL, 'gift_rose', ${senderId}, 'usr_creator', 1, ${coins}, ${coins}, NULL, 1, '2026-12-07T10:00:00.000Z', 0)`.execute(db.kysely);
          await sql`INSERT INTO battle_gifts (battle_id, side, sender_id, transfer_id, recipient_id, coins, multiplier, score)
            VALUES ('battle_1', ${side}, ${senderId}, ${transferId}, 'usr_creator', ${coins}, ${multiplier}, ${coins * multiplier})`.execute(db.kysely);
        }
        await sql`INSERT INTO battle_scores (battle_id, side, counts_from_ms, counts_until_ms, score) VALUES ('battle_1', 'a', 0, 0, 35), ('battle_1', 'b', 0, 0, 1)`.execute(db.kysely);

        await migrateToLatest(db, allMigrations);

        const kept = await db.kysely.selectFrom('battle_gifts').selectAll().orderBy('transfer_id').execute();
        assert.deepEqual(
          kept.map((tag) => [tag.transfer_id, tag.side, tag.sender_id, Number(tag.coins), Number(tag.multiplier), Number(tag.score)]),
          tags.map(([transferId, side, senderId, coins, multiplier]) => [transferId, side, senderId, coins, multiplier, coins * multiplier]),
        );
        for (const check of battleAuditChecks) assert.deepEqual(await check.run(db), [], check.name);
      } finally {
        await destroy();
      }
    });
  });
}
