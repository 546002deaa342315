import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Rules every payment row keeps, whatever its kind: gifts name their gift; paid messages and cheers happen in a live. */
const PAYMENT_KINDS = sql`kind in ('gift', 'paid_message', 'cheer')`;
const PAYMENT_SHAPE = sql`(live_id is null or video_id is null) and (pinned_until is null or kind = 'paid_message') and ((kind = 'gift' and gift_id is not null) or (kind <> 'gift' and gift_id is null and live_id is not null))`;

/** The gift catalog, the projection of payments to creators, and creator tiers. Runs on SQLite and PostgreSQL. */
export function giftsMigrations(engine: Engine): Record<string, Migration> {
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
    '2026_11_22_0011_paid_messages': {
      async up(db: Kysely<unknown>) {
        // gift_events becomes the projection of every payment to a creator: paid messages and cheers
        // (no gift) count in a live's totals, and gifts to a profile or video (no live) in the creator's.
        if (engine === 'postgres') {
          await db.schema
            .alterTable('gift_events')
            .addColumn('kind', 'text', (c) => c.notNull().defaultTo('gift'))
            .addColumn('video_id', 'text')
            .addColumn('pinned_until', 'text')
            .alterColumn('live_id', (c) => c.dropNotNull())
            .alterColumn('gift_id', (c) => c.dropNotNull())
            .execute();
          // The default only labelled the rows already there; every new row says its kind.
          await db.schema
            .alterTable('gift_events')
            .alterColumn('kind', (c) => c.dropDefault())
            .execute();
          await db.schema.alterTable('gift_events').addCheckConstraint('gift_events_kind', PAYMENT_KINDS).execute();
          await db.schema.alterTable('gift_events').addCheckConstraint('gift_events_shape', PAYMENT_SHAPE).execute();
        } else {
          // SQLite cannot relax NOT NULL or add a constraint in place: the table is rebuilt.
          await db.schema
            .createTable('gift_events_next')
            .addColumn('transfer_id', 'text', (c) => c.primaryKey())
            .addColumn('kind', 'text', (c) => c.notNull())
            .addColumn('live_id', 'text')
            .addColumn('video_id', 'text')
            .addColumn('gift_id', 'text')
            .addColumn('sender_id', 'text', (c) => c.notNull())
            .addColumn('creator_id', 'text', (c) => c.notNull())
            .addColumn('quantity', 'bigint', (c) => c.notNull())
            .addColumn('coins', 'bigint', (c) => c.notNull())
            .addColumn('diamonds', 'bigint', (c) => c.notNull())
            .addColumn('combo_id', 'text')
            .addColumn('combo_count', 'bigint', (c) => c.notNull())
            .addColumn('pinned_until', 'text')
            .addColumn('sent_at', 'text', (c) => c.notNull())
            .addCheckConstraint('gift_events_kind', PAYMENT_KINDS)
            .addCheckConstraint('gift_events_shape', PAYMENT_SHAPE)
            .execute();
          await sql`insert into gift_events_next (transfer_id, kind, live_id, gift_id, sender_id, creator_id, quantity, coins, diamonds, combo_id, combo_count, sent_at)
            select transfer_id, 'gift', live_id, gift_id, sender_id, creator_id, quantity, coins, diamonds, combo_id, combo_count, sent_at from gift_events`.execute(db);
          await db.schema.dropTable('gift_events').execute();
          await db.schema.alterTable('gift_events_next').renameTo('gift_events').execute();
          await db.schema.createIndex('gift_events_live_sender').on('gift_events').columns(['live_id', 'sender_id', 'sent_at']).execute();
          await db.schema.createIndex('gift_events_creator_sender').on('gift_events').columns(['creator_id', 'sender_id']).execute();
        }
        // What a client joining a room asks for: the live's messages still pinned.
        await db.schema.createIndex('gift_events_pinned').on('gift_events').columns(['live_id', 'pinned_until']).where(sql.ref('pinned_until'), 'is not', null).execute();

        await db.schema
          .createTable('creator_tiers')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('tier', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '2026_12_06_0110_gift_events_clawed_back': {
      async up(db: Kysely<unknown>) {
        // A payment's coins whose purchase was charged back leave the top-gifter boards; what was paid stays recorded.
        await db.schema
          .alterTable('gift_events')
          .addColumn('clawed_back_coins', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '2026_12_07_0010_gift_events_creator_sender_sent_at': {
      async up(db: Kysely<unknown>) {
        // When a sender last paid a creator (a fan's last active day) is read from the end of this index.
        await db.schema.createIndex('gift_events_creator_sender_sent_at').on('gift_events').columns(['creator_id', 'sender_id', 'sent_at']).execute();
        await db.schema.dropIndex('gift_events_creator_sender').execute();
      },
    },
    '2026_12_06_0024_gift_subscribers_only': {
      async up(db: Kysely<unknown>) {
        // 1 for a gift only viewers with a subscription to the receiving creator may send.
        await db.schema
          .alterTable('gifts')
          .addColumn('subscribers_only', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
  };
}
