import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Indexes for creators' earnings. Runs on SQLite and PostgreSQL. */
export function earningsMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_11_22_0017_earnings': {
      async up(db: Kysely<unknown>) {
        // A creator's payments in a period, for their earnings by day, live, gift and supporter.
        await db.schema.createIndex('gift_events_creator_sent').on('gift_events').columns(['creator_id', 'sent_at']).execute();
      },
    },
  };
}
