import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Goodwill grants awaiting or given a second admin's decision. Runs on SQLite and PostgreSQL. */
export function financeMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_12_06_0150_goodwill_grants': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('goodwill_grants')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('proposed_by', 'text', (c) => c.notNull())
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('proposed_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('decided_by', 'text')
          .addColumn('decided_at', 'text')
          .addColumn('decision_note', 'text')
          .addColumn('transfer_id', 'text')
          .addUniqueConstraint('goodwill_grants_proposal_key', ['proposed_by', 'idempotency_key'])
          .execute();
        await db.schema.createIndex('goodwill_grants_status').on('goodwill_grants').columns(['status', 'proposed_at']).execute();
      },
    },
  };
}
