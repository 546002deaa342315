import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';
import { paymentsInCommitOrderSql } from '../gifts/index.js';

/** Fan clubs, their members and the members' days. Runs on SQLite and PostgreSQL. */
export function fanClubsMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_12_06_0042_fan_clubs': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('fan_clubs')
          .addColumn('creator_id', 'text', (c) => c.primaryKey())
          .addColumn('gift_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('fan_club_members')
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('fan_id', 'text', (c) => c.notNull())
          .addColumn('join_gifts', 'bigint', (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint('fan_club_members_pk', ['creator_id', 'fan_id'])
          .execute();
        await db.schema
          .createTable('fan_club_days')
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('fan_id', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('watched', 'bigint', (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint('fan_club_days_pk', ['creator_id', 'fan_id', 'day'])
          .execute();
      },
    },
    '2026_12_07_0020_fan_club_joins': {
      async up(db: Kysely<unknown>) {
        // A member's coins were counted per day from the joining payment on; they are now read from all they paid the creator less what they paid before joining.
        await db.schema
          .createTable('fan_club_joins')
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('fan_id', 'text', (c) => c.notNull())
          .addColumn('transfer_id', 'text')
          .addColumn('joined_at', 'text', (c) => c.notNull())
          .addColumn('coins_before_join', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('fan_club_joins_pk', ['creator_id', 'fan_id'])
          .execute();
        const { rows: members } = await sql<{ creator_id: string; fan_id: string; day: string | null; counted: bigint | number | string | null }>`
          SELECT m.creator_id, m.fan_id, MIN(d.day) AS day, SUM(d.coins) AS counted FROM fan_club_members m
          LEFT JOIN fan_club_days d ON d.creator_id = m.creator_id AND d.fan_id = m.fan_id GROUP BY m.creator_id, m.fan_id`.execute(db);
        for (const member of members) {
          const counted = BigInt(member.counted ?? 0);
          const { rows: payments } = await paymentsInCommitOrderSql(member.creator_id, member.fan_id).execute(db);
          // What each payment and those after it paid: the joining payment is the first on the day joined from which that equals what was counted.
          const paidFrom = new Array<bigint>(payments.length + 1).fill(0n);
          for (let index = payments.length - 1; index >= 0; index--) paidFrom[index] = paidFrom[index + 1]! + BigInt(payments[index]!.coins);
          const joining = payments.findIndex((payment, index) => payment.sent_at.slice(0, 10) === member.day && paidFrom[index] === counted);
          await sql`INSERT INTO fan_club_joins (creator_id, fan_id, transfer_id, joined_at, coins_before_join) VALUES (${member.creator_id}, ${member.fan_id},
            ${joining === -1 ? null : payments[joining]!.transfer_id}, ${joining === -1 ? `${member.day ?? '1970-01-01'}T00:00:00.000Z` : payments[joining]!.sent_at},
            ${joining === -1 ? paidFrom[0]! - counted : paidFrom[0]! - paidFrom[joining]!})`.execute(db);
        }
        // Days keep only whether the member watched.
        await sql`DELETE FROM fan_club_days WHERE watched = 0`.execute(db);
        await db.schema.alterTable('fan_club_days').dropColumn('coins').execute();
        await db.schema.alterTable('fan_club_days').dropColumn('watched').execute();
      },
    },
  };
}
