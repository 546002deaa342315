import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../db/database.js';
import { addSequenceColumn } from '../db/columns.js';

export function ledgerMigrations(engine: Engine): Record<string, Migration> {
  return {
    '2026_11_21_0001_ledger': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('ledger_accounts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('asset', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text')
          .addColumn('may_go_negative', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('posted', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('pending_debits', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('pending_credits', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('ledger_accounts_owner').on('ledger_accounts').columns(['owner_id']).execute();

        await addSequenceColumn(db.schema.createTable('ledger_transfers'), engine, 'seq')
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          // Unique: a pending transfer is posted or voided at most once, a transfer reversed at most once,
          // even when several server processes race.
          .addColumn('pending_id', 'text', (c) => c.unique())
          .addColumn('reverses_id', 'text', (c) => c.unique())
          .addColumn('force_negative', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('metadata', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await addSequenceColumn(db.schema.createTable('ledger_entries'), engine, 'seq')
          .addColumn('transfer_id', 'text', (c) => c.notNull().references('ledger_transfers.id'))
          .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_accounts.id'))
          .addColumn('asset', 'text', (c) => c.notNull())
          .addColumn('amount', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('ledger_entries_account_seq').on('ledger_entries').columns(['account_id', 'seq']).execute();
        await db.schema.createIndex('ledger_entries_transfer').on('ledger_entries').columns(['transfer_id']).execute();
      },
    },
  };
}
