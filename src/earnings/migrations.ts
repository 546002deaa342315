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
    '2026_12_06_0060_diamond_values': {
      async up(db: Kysely<unknown>) {
        // Empty on existing databases: PAYOUT_DIAMOND_VALUE stays the value of everything earned before the first row.
        await db.schema
          .createTable('diamond_values')
          .addColumn('effective_from', 'text', (c) => c.primaryKey())
          .addColumn('numerator_minor', 'bigint', (c) => c.notNull())
          .addColumn('denominator', 'bigint', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('set_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '2026_12_06_0132_creator_tax_profiles': {
      async up(db: Kysely<unknown>) {
        // What each creator told the platform for its tax reporting: country, tax id and the form collected.
        await db.schema
          .createTable('creator_tax_profiles')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('country', 'text', (c) => c.notNull())
          .addColumn('tax_id', 'text')
          .addColumn('form_type', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}
