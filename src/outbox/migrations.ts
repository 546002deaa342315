import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Events that move no value (a live started or ended), kept until relayed like the ledger's outbox. Runs on SQLite and PostgreSQL. */
export function outboxMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_11_22_0010_event_outbox': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('event_outbox')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('topic', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('published_at', 'text')
          .execute();
        await db.schema.createIndex('event_outbox_unpublished').on('event_outbox').columns(['created_at']).where(sql.ref('published_at'), 'is', null).execute();
      },
    },
  };
}
