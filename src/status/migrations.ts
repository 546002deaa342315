import { sql, type Kysely, type Migration } from 'kysely';
import { paidCoinsSql } from '../gifts/index.js';
import type { Engine } from '../db/index.js';

/** Gifter levels' and rankings' running totals. Runs on SQLite and PostgreSQL. */
export function statusMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_12_06_0031_status_totals': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('gifter_totals')
          .addColumn('sender_id', 'text', (c) => c.primaryKey())
          .addColumn('coins', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('creator_gifter_totals')
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('period', 'text', (c) => c.notNull())
          .addColumn('period_start', 'text', (c) => c.notNull())
          .addColumn('sender_id', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint('creator_gifter_totals_pk', ['creator_id', 'period', 'period_start', 'sender_id'])
          .execute();
        await db.schema
          .createTable('creator_totals')
          .addColumn('period', 'text', (c) => c.notNull())
          .addColumn('period_start', 'text', (c) => c.notNull())
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('diamonds', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('coins', 'bigint', (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint('creator_totals_pk', ['period', 'period_start', 'creator_id'])
          .execute();
        // Payments made before: lifetime totals and all-time boards count them; hours, days, weeks and months count from now on.
        await sql`INSERT INTO gifter_totals (sender_id, coins) SELECT sender_id, coins FROM (${paidCoinsSql('sender')}) paid`.execute(db);
        await sql`INSERT INTO creator_gifter_totals (creator_id, period, period_start, sender_id, coins)
          SELECT creator_id, 'all', '', sender_id, coins FROM (${paidCoinsSql('creator and sender')}) paid`.execute(db);
        await db.schema
          .createTable('gifter_levels')
          .addColumn('sender_id', 'text', (c) => c.primaryKey())
          .addColumn('level', 'bigint', (c) => c.notNull())
          .addColumn('reached_at', 'text', (c) => c.notNull())
          .execute();
        // Levels reached before they existed are taken as they stand, not announced (level 0: set at start, silently).
        await sql`INSERT INTO gifter_levels (sender_id, level, reached_at) SELECT sender_id, 0, '' FROM gifter_totals`.execute(db);
      },
    },
  };
}
