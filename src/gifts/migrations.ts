import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/database.js';

/** The gift catalog. Runs on SQLite and PostgreSQL. */
export function giftsMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_11_22_0006_gifts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('gifts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('icon', 'text', (c) => c.notNull())
          .addColumn('tier', 'text', (c) => c.notNull())
          .addColumn('streakable', 'bigint', (c) => c.notNull().defaultTo(0))
          // JSON array of region codes; '[]' means every region.
          .addColumn('regions', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('enabled'))
          .addColumn('sort_order', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addCheckConstraint('gifts_coins', sql`coins > 0`)
          .addCheckConstraint('gifts_tier', sql`tier in ('small', 'medium', 'large', 'fullscreen')`)
          .addCheckConstraint('gifts_streakable', sql`streakable in (0, 1)`)
          .addCheckConstraint('gifts_status', sql`status in ('enabled', 'disabled', 'retired')`)
          .execute();
      },
    },
    '2026_11_22_0009_gift_events': {
      async up(db: Kysely<unknown>) {
        // Sent gifts, for totals, combos and leaderboards: written after the ledger commits, keyed by
        // its transfer, so a retry or a replay writes the row once. The ledger stays the record of money.
        await db.schema
          .createTable('gift_events')
          .addColumn('transfer_id', 'text', (c) => c.primaryKey())
          .addColumn('live_id', 'text', (c) => c.notNull())
          .addColumn('gift_id', 'text', (c) => c.notNull())
          .addColumn('sender_id', 'text', (c) => c.notNull())
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('quantity', 'bigint', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('diamonds', 'bigint', (c) => c.notNull())
          // `<sender>:<gift>:<first send ms>` for streakable gifts; null otherwise.
          .addColumn('combo_id', 'text')
          .addColumn('combo_count', 'bigint', (c) => c.notNull())
          .addColumn('sent_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('gift_events_live_sender').on('gift_events').columns(['live_id', 'sender_id', 'sent_at']).execute();
        await db.schema.createIndex('gift_events_creator_sender').on('gift_events').columns(['creator_id', 'sender_id']).execute();
      },
    },
  };
}
