import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Creators' content locks and viewers' unlocks. Runs on SQLite and PostgreSQL. */
export function contentMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_12_06_0025_content': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('content_locks')
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('content_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('price_coins', 'bigint')
          .addColumn('min_tier_level', 'bigint')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('content_locks_pk', ['creator_id', 'content_id'])
          .addCheckConstraint('content_locks_kind', sql`kind in ('post', 'video')`)
          .addCheckConstraint('content_locks_price', sql`price_coins is null or price_coins between 1 and 1000000`)
          .addCheckConstraint('content_locks_tier', sql`min_tier_level is null or min_tier_level between 1 and 3`)
          .addCheckConstraint('content_locks_something', sql`price_coins is not null or min_tier_level is not null`)
          .execute();

        await db.schema
          .createTable('content_unlocks')
          .addColumn('transfer_id', 'text', (c) => c.primaryKey())
          .addColumn('viewer_id', 'text', (c) => c.notNull())
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('content_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('diamonds', 'bigint', (c) => c.notNull())
          .addColumn('request_key', 'text', (c) => c.notNull())
          .addColumn('unlocked_at', 'text', (c) => c.notNull())
          .execute();
        // A viewer pays once for an item: the ledger's key says so, and the database holds it too.
        await db.schema.createIndex('content_unlocks_item').unique().on('content_unlocks').columns(['viewer_id', 'creator_id', 'content_id']).execute();
        await db.schema.createIndex('content_unlocks_request').on('content_unlocks').columns(['viewer_id', 'request_key']).execute();
        // Earnings: a creator's unlocks in a period.
        await db.schema.createIndex('content_unlocks_creator').on('content_unlocks').columns(['creator_id', 'unlocked_at']).execute();
      },
    },
  };
}
