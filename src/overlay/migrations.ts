import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Stream overlay keys. Runs on SQLite and PostgreSQL. */
export function overlayMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_11_22_0013_overlay_keys': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('overlay_keys')
          .addColumn('creator_id', 'text', (c) => c.primaryKey())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}
