import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Live goals and their progress. Runs on SQLite and PostgreSQL. */
export function goalsMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_12_06_0041_live_goals': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('live_goals')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('live_id', 'text', (c) => c.notNull())
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('gift_id', 'text')
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('target', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('completed_at', 'text')
          .addColumn('cleared_at', 'text')
          .execute();
        // One goal shown per live, whatever the number of processes setting one at once.
        await sql`CREATE UNIQUE INDEX live_goals_shown ON live_goals (live_id) WHERE cleared_at IS NULL`.execute(db);
        await db.schema
          .createTable('goal_progress')
          .addColumn('goal_id', 'text', (c) => c.primaryKey())
          .addColumn('amount', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
  };
}
