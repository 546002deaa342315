import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { fanClubAuditChecks } from '../audit/fan-clubs.js';
import { migrateToLatest } from '../db/migrate.js';
import { createTestDatabase, enginesUnderTest } from '../db/testing/databases.js';
import { allMigrations } from '../server/migrations.js';

const JOINS_MIGRATION = '2026_12_07_0020_fan_club_joins';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`fan club members counted per day, migrated on ${engine}`, { skip }, () => {
    it('keep their coins and days watched: the join found is the payment their counted days start from, and what they paid before it is kept', async () => {
      const { db, destroy } = await createTestDatabase(engine, { migrated: false });
      try {
        await migrateToLatest(db, (forEngine) => Object.fromEntries(Object.entries(allMigrations(forEngine)).filter(([name]) => name < JOINS_MIGRATION)));
        // The fan's payments to the creator in commit order: a rose the day before joining, one that morning, the
        // joining heart, a rose after it, and a galaxy the next day of which 40 coins were clawed back.
        const payments: [string, string, number, number][] = [
          ['tr_8', '2026-12-01T10:00:00.000Z', 10, 0],
          ['tr_9', '2026-12-02T09:00:00.000Z', 3, 0],
          ['tr_10', '2026-12-02T09:30:00.000Z', 5, 0],
          ['tr_11', '2026-12-02T11:00:00.000Z', 7, 0],
          ['tr_12', '2026-12-03T12:00:00.000Z', 100, 40],
        ];
        for (const [transferId, sentAt, coins, clawedBack] of payments) {
          await sql`INSERT INTO gift_events (transfer_id, kind, live_id, video_id, gift_id, sender_id, creator_id, quantity, coins, diamonds, combo_id, combo_count, sent_at, clawed_back_coins)
            VALUES (${transferId}, 'gift', NULL, NULL, 'gift_rose', 'usr_fan', 'usr_creator', 1, ${coins}, ${coins}, NULL, 1, ${sentAt}, ${clawedBack})`.execute(db.kysely);
        }
        await sql`INSERT INTO fan_club_members (creator_id, fan_id, join_gifts) VALUES ('usr_creator', 'usr_fan', 1), ('usr_creator', 'usr_lost', 1)`.execute(db.kysely);
        // Counted from the heart on: 5 + 7 on the day joined, 60 the next; a day watched without paying after.
        await sql`INSERT INTO fan_club_days (creator_id, fan_id, day, coins, watched) VALUES
          ('usr_creator', 'usr_fan', '2026-12-02', 12, 1), ('usr_creator', 'usr_fan', '2026-12-03', 60, 0), ('usr_creator', 'usr_fan', '2026-12-04', 0, 1),
          ('usr_creator', 'usr_lost', '2026-12-02', 30, 0)`.execute(db.kysely);

        await migrateToLatest(db, allMigrations);

        const joins = await db.kysely.selectFrom('fan_club_joins').selectAll().orderBy('fan_id').execute();
        assert.deepEqual(
          joins.map((join) => ({ ...join, coins_before_join: Number(join.coins_before_join) })),
          [
            { creator_id: 'usr_creator', fan_id: 'usr_fan', transfer_id: 'tr_10', joined_at: '2026-12-02T09:30:00.000Z', coins_before_join: 13 },
            // A member none of whose payments the days match: joined on their first day, what they paid less what was counted kept.
            { creator_id: 'usr_creator', fan_id: 'usr_lost', transfer_id: null, joined_at: '2026-12-02T00:00:00.000Z', coins_before_join: -30 },
          ],
        );
        const days = await db.kysely.selectFrom('fan_club_days').selectAll().orderBy(['fan_id', 'day']).execute();
        assert.deepEqual(days, [
          { creator_id: 'usr_creator', fan_id: 'usr_fan', day: '2026-12-02' },
          { creator_id: 'usr_creator', fan_id: 'usr_fan', day: '2026-12-04' },
        ]);
        for (const check of fanClubAuditChecks) {
          const found = await check.run(db);
          assert.deepEqual(
            found.filter((violation) => violation.includes('usr_fan')),
            [],
            check.name,
          );
        }
      } finally {
        await destroy();
      }
    });
  });
}
