import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Database, Engine } from './database.js';
import { withAdvisoryLock } from './locks.js';

/** Every module's migrations for an engine, by name; names start with a date so they sort in the order they were written. */
export type MigrationSet = (engine: Engine) => Record<string, Migration>;

export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the schema up to date. Refuses a database that has migrations this build does not know. On PostgreSQL
 * several processes may start at once: the first to take the lock applies the migrations, the others then find none to apply.
 */
export async function migrateToLatest(db: Database, migrations: MigrationSet): Promise<MigrationReport> {
  return withAdvisoryLock(db, 'migrations', () => migrate(db, migrations));
}

async function migrate(db: Database, migrations: MigrationSet): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations(db.engine) },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(failed ? `migration ${failed.migrationName} failed: ${cause}` : `migration failed: ${cause}`);
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
