import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../db/index.js';

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
  };
}
