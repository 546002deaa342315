import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Stages (guests) and battles. Runs on SQLite and PostgreSQL. */
export function stageMigrations(engine: Engine): Record<string, Migration> {
  return {
    '2026_12_06_0040_stages_and_battles': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('live_guests')
          .addColumn('live_id', 'text', (c) => c.notNull())
          .addColumn('guest_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('invited_at', 'text', (c) => c.notNull())
          .addColumn('joined_at', 'text')
          .addColumn('left_at', 'text')
          .addPrimaryKeyConstraint('live_guests_pk', ['live_id', 'guest_id'])
          .addCheckConstraint('live_guests_status', sql`status in ('invited', 'on_stage', 'left')`)
          .execute();
        await db.schema
          .createTable('live_stages')
          .addColumn('live_id', 'text', (c) => c.primaryKey())
          .addColumn('guests', 'bigint', (c) => c.notNull().defaultTo(0))
          .addCheckConstraint('live_stages_guests', sql`guests >= 0 and guests <= 8`)
          .execute();
        await db.schema
          .createTable('battles')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('gift_id', 'text')
          .addColumn('duration_seconds', 'bigint', (c) => c.notNull())
          .addColumn('live_a', 'text', (c) => c.notNull())
          .addColumn('live_b', 'text', (c) => c.notNull())
          .addColumn('creator_a', 'text', (c) => c.notNull())
          .addColumn('creator_b', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('proposed_at', 'text', (c) => c.notNull())
          .addColumn('starts_at', 'text')
          .addColumn('boost_at', 'text')
          .addColumn('ends_at', 'text')
          .addColumn('boost_multiplier', 'bigint', (c) => c.notNull())
          .addColumn('winner', 'text')
          .addColumn('score_a', 'bigint')
          .addColumn('score_b', 'bigint')
          .addColumn('top_supporters', 'text')
          .addColumn('ended_at', 'text')
          .addCheckConstraint('battles_status', sql`status in ('proposed', 'running', 'ended', 'declined')`)
          .addCheckConstraint('battles_mode', sql`mode in ('solo', 'team')`)
          .addCheckConstraint('battles_duration', sql`duration_seconds between 60 and 600`)
          .execute();
        // The sweeper ends running battles whose time is up.
        await db.schema.createIndex('battles_running_ends').on('battles').columns(['status', 'ends_at']).execute();
        await db.schema
          .createTable('battle_lives')
          .addColumn('live_id', 'text', (c) => c.primaryKey())
          .addColumn('battle_id', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('battle_scores')
          .addColumn('battle_id', 'text', (c) => c.notNull())
          .addColumn('side', 'text', (c) => c.notNull())
          .addColumn('counts_from_ms', 'bigint', (c) => c.notNull())
          .addColumn('counts_until_ms', 'bigint', (c) => c.notNull())
          .addColumn('score', 'bigint', (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint('battle_scores_pk', ['battle_id', 'side'])
          .execute();
        await db.schema
          .createTable('battle_gifts')
          .addColumn('transfer_id', 'text', (c) => c.primaryKey())
          .addColumn('battle_id', 'text', (c) => c.notNull())
          .addColumn('side', 'text', (c) => c.notNull())
          .addColumn('sender_id', 'text', (c) => c.notNull())
          .addColumn('recipient_id', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('multiplier', 'bigint', (c) => c.notNull())
          .addColumn('score', 'bigint', (c) => c.notNull())
          .execute();
        // The result's top supporters of each side.
        await db.schema.createIndex('battle_gifts_supporters').on('battle_gifts').columns(['battle_id', 'side', 'sender_id']).execute();
      },
    },
    '2026_12_06_0160_battle_gifts_by_supporter': {
      // A tag is written with every gift in a battle, in the ledger's batch: keyed by supporter, it is one
      // B-tree insert on SQLite (without rowid) instead of three (rows, transfer id, supporters' index), and
      // on PostgreSQL one index beside the rows instead of two. Each transfer is tagged at most once, as before:
      // only the request that creates a transfer writes its records.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('battle_gifts_by_supporter')
          .addColumn('battle_id', 'text', (c) => c.notNull())
          .addColumn('side', 'text', (c) => c.notNull())
          .addColumn('sender_id', 'text', (c) => c.notNull())
          .addColumn('transfer_id', 'text', (c) => c.notNull())
          .addColumn('recipient_id', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('multiplier', 'bigint', (c) => c.notNull())
          .addColumn('score', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('battle_gifts_by_supporter_pk', ['battle_id', 'side', 'sender_id', 'transfer_id'])
          .modifyEnd(engine === 'sqlite' ? sql`without rowid` : sql``)
          .execute();
        await sql`INSERT INTO battle_gifts_by_supporter (battle_id, side, sender_id, transfer_id, recipient_id, coins, multiplier, score)
          SELECT battle_id, side, sender_id, transfer_id, recipient_id, coins, multiplier, score FROM battle_gifts`.execute(db);
        await db.schema.dropTable('battle_gifts').execute();
        await db.schema.alterTable('battle_gifts_by_supporter').renameTo('battle_gifts').execute();
      },
    },
    '2026_12_07_0030_battle_gifts_in_commit_order': {
      // Keyed by supporter, each tag landed on its supporter's own page: a batch of gifts from many supporters
      // wrote as many pages. In commit order (transfer ids grow), a batch's tags share the side's last page.
      // The result's top supporters, read once per battle, group the side's tags instead of reading them in order.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('battle_gifts_in_commit_order')
          .addColumn('battle_id', 'text', (c) => c.notNull())
          .addColumn('side', 'text', (c) => c.notNull())
          .addColumn('transfer_id', 'text', (c) => c.notNull())
          .addColumn('sender_id', 'text', (c) => c.notNull())
          .addColumn('recipient_id', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('multiplier', 'bigint', (c) => c.notNull())
          .addColumn('score', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('battle_gifts_in_commit_order_pk', ['battle_id', 'side', 'transfer_id'])
          .modifyEnd(engine === 'sqlite' ? sql`without rowid` : sql``)
          .execute();
        await sql`INSERT INTO battle_gifts_in_commit_order (battle_id, side, transfer_id, sender_id, recipient_id, coins, multiplier, score)
          SELECT battle_id, side, transfer_id, sender_id, recipient_id, coins, multiplier, score FROM battle_gifts`.execute(db);
        await db.schema.dropTable('battle_gifts').execute();
        await db.schema.alterTable('battle_gifts_in_commit_order').renameTo('battle_gifts').execute();
      },
    },
  };
}
