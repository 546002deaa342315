import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Database, Engine } from './database.js';
import { ledgerMigrations } from '../ledger/migrations.js';
import { accountsMigrations } from '../accounts/migrations.js';
import { storeMigrations } from '../store/migrations.js';
import { paymentsMigrations } from '../payments/migrations.js';
import { giftsMigrations } from '../gifts/migrations.js';
import { liveMigrations } from '../live/migrations.js';
import { overlayMigrations } from '../overlay/migrations.js';
import { outboxMigrations } from '../outbox/migrations.js';
import { webhooksMigrations } from '../webhooks/migrations.js';
import { payoutsMigrations } from '../payouts/migrations.js';
import { identityMigrations } from '../identity/migrations.js';
import { earningsMigrations } from '../earnings/migrations.js';

/**
 * Every domain's migrations, one ordered set that runs on both engines.
 * Names start with a date so they sort in the order they were written.
 */
function allMigrations(engine: Engine): Record<string, Migration> {
  return { ...ledgerMigrations(engine), ...accountsMigrations(engine), ...storeMigrations(engine), ...paymentsMigrations(engine), ...giftsMigrations(engine), ...liveMigrations(engine), ...overlayMigrations(engine), ...outboxMigrations(engine), ...webhooksMigrations(engine), ...payoutsMigrations(engine), ...identityMigrations(engine), ...earningsMigrations(engine) };
}

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema up to date. Refuses a database that has migrations this build does not know. */
export async function migrateToLatest(db: Database): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => allMigrations(db.engine) },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(failed ? `migration ${failed.migrationName} failed: ${cause}` : `migration failed: ${cause}`);
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
