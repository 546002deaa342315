import { sql, type Kysely, type Migration } from 'kysely';
import { addSequenceColumn, type Engine } from '../db/index.js';

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
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('pending_seq', 'bigint')
          .addColumn('reverses_seq', 'bigint')
          .addColumn('force_negative', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('legs', 'text', (c) => c.notNull())
          .addColumn('metadata', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        // A pending transfer is posted or voided at most once, a transfer reversed at most once, even when
        // several server processes race. Partial: most transfers have neither, and stay out of these indexes.
        await db.schema.createIndex('ledger_transfers_pending_once').on('ledger_transfers').column('pending_seq').unique().where('pending_seq', 'is not', null).execute();
        await db.schema.createIndex('ledger_transfers_reversed_once').on('ledger_transfers').column('reverses_seq').unique().where('reverses_seq', 'is not', null).execute();

        // Clustered by account: one B-tree per entry on SQLite (WITHOUT ROWID), the history order for free.
        // No foreign keys: the writer checks every account inside the batch's transaction, and the audit
        // checks that every entry names a known account and transfer.
        await db.schema
          .createTable('ledger_entries')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('transfer_seq', 'bigint', (c) => c.notNull())
          .addColumn('amount', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('ledger_entries_pk', ['account_id', 'transfer_seq'])
          .modifyEnd(engine === 'sqlite' ? sql`without rowid` : sql``)
          .execute();
      },
    },
    '2026_11_22_0007_ledger_outbox': {
      async up(db: Kysely<unknown>) {
        // Messages committed with their transfer, delivered after commit. Keyed by the transfer, not by a
        // sequence of its own: on PostgreSQL transfers commit out of seq order, so readers look for
        // unpublished rows rather than tail a cursor.
        await db.schema
          .createTable('outbox')
          .addColumn('transfer_seq', 'bigint', (c) => c.notNull())
          .addColumn('position', 'bigint', (c) => c.notNull())
          .addColumn('topic', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('published_at', 'text')
          .addPrimaryKeyConstraint('outbox_pk', ['transfer_seq', 'position'])
          .execute();
        await db.schema.createIndex('outbox_unpublished').on('outbox').columns(['created_at']).where(sql.ref('published_at'), 'is', null).execute();
      },
    },
    '2026_12_06_0021_ledger_authorization_version': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('ledger_accounts')
          .addColumn('authorization_version', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
  };
}
