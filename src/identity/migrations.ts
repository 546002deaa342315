import { sql, type Kysely, type Migration } from 'kysely';
import { addSequenceColumn, type Engine } from '../db/index.js';

/** Identity checks and payout methods. Runs on SQLite and PostgreSQL. */
export function identityMigrations(engine: Engine): Record<string, Migration> {
  return {
    '2026_11_22_0015_identity': {
      async up(db: Kysely<unknown>) {
        await addSequenceColumn(db.schema.createTable('identity_checks'), engine, 'seq')
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('legal_name', 'text', (c) => c.notNull())
          .addColumn('country', 'text', (c) => c.notNull())
          .addColumn('document_type', 'text', (c) => c.notNull())
          .addColumn('document_last4', 'text', (c) => c.notNull())
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('provider_reference', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('submitted_at', 'text', (c) => c.notNull())
          .addColumn('decided_at', 'text')
          .addCheckConstraint('identity_checks_status', sql`status in ('verified', 'rejected', 'needs_more_info', 'pending')`)
          .addCheckConstraint('identity_checks_document_type', sql`document_type in ('passport', 'national_id', 'driving_licence')`)
          .execute();
        await db.schema.createIndex('identity_checks_user').on('identity_checks').columns(['user_id', 'seq']).execute();
        // One verified identity per creator, even when two submissions race.
        await db.schema.createIndex('identity_checks_verified_once').on('identity_checks').column('user_id').unique().where(sql.ref('status'), '=', 'verified').execute();

        await db.schema
          .createTable('payout_methods')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('holder_name', 'text', (c) => c.notNull())
          .addColumn('country', 'text', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('account_number', 'text')
          .addColumn('routing_code', 'text')
          .addColumn('email', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('removed_at', 'text')
          .addCheckConstraint(
            'payout_methods_shape',
            sql`(type = 'bank_account' and account_number is not null and email is null) or (type = 'wallet' and email is not null and account_number is null and routing_code is null)`,
          )
          .execute();
        await db.schema.createIndex('payout_methods_user').on('payout_methods').columns(['user_id', 'created_at']).execute();
      },
    },
  };
}
