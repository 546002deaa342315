import type { MigrationSet } from '../db/migrate.js';
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
import { subscriptionsMigrations } from '../subscriptions/index.js';
import { contentMigrations } from '../content/index.js';
import { statusMigrations } from '../status/index.js';
import { stageMigrations } from '../stage/index.js';
import { goalsMigrations } from '../goals/index.js';
import { fanClubsMigrations } from '../fan-clubs/index.js';
import { financeMigrations } from '../finance/index.js';

/** Every module's migrations, one ordered set that runs on both engines: the database layer knows no module. */
export const allMigrations: MigrationSet = (engine) => ({
  ...ledgerMigrations(engine),
  ...accountsMigrations(engine),
  ...storeMigrations(engine),
  ...paymentsMigrations(engine),
  ...giftsMigrations(engine),
  ...liveMigrations(engine),
  ...overlayMigrations(engine),
  ...outboxMigrations(engine),
  ...webhooksMigrations(engine),
  ...payoutsMigrations(engine),
  ...identityMigrations(engine),
  ...earningsMigrations(engine),
  ...subscriptionsMigrations(engine),
  ...contentMigrations(engine),
  ...statusMigrations(engine),
  ...stageMigrations(engine),
  ...goalsMigrations(engine),
  ...fanClubsMigrations(engine),
  ...financeMigrations(engine),
});
