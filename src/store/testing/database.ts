import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { createTestDatabase, type TestDatabase } from '../../db/testing/databases.js';
import type { Engine } from '../../db/database.js';
import { storeMigrations } from '../migrations.js';

/**
 * Creates the store's tables when the global migrations did not (they do once storeMigrations is
 * wired into src/db/migrate.ts; this then does nothing and can go).
 */
export async function ensureStoreTables(db: Database): Promise<void> {
  const tables = await db.kysely.introspection.getTables();
  if (tables.some((table) => table.name === 'coin_packages')) return;
  for (const migration of Object.values(storeMigrations(db.engine))) await migration.up(db.kysely as unknown as Kysely<unknown>);
}

/** A new, migrated test database with the store's tables. */
export async function createStoreTestDatabase(engine: Engine): Promise<TestDatabase> {
  const testDb = await createTestDatabase(engine);
  try {
    await ensureStoreTables(testDb.db);
  } catch (error) {
    await testDb.destroy();
    throw error;
  }
  return testDb;
}
