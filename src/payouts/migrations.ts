import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../db/index.js';

/** Payouts, their timelines, and the gift clawbacks of charged-back purchases. Runs on SQLite and PostgreSQL. */
export function payoutsMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_11_22_0016_payouts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('payouts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('diamonds', 'bigint', (c) => c.notNull())
          .addColumn('amount_minor', 'bigint', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('method_id', 'text', (c) => c.notNull())
          .addColumn('method_type', 'text', (c) => c.notNull())
          .addColumn('method_label', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('hold_transfer_id', 'text')
          .addColumn('settle_transfer_id', 'text')
          .addColumn('return_transfer_id', 'text')
          .addColumn('risk_reasons', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('provider_reference', 'text')
          .addColumn('reviewed_by', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('payouts_user_key').on('payouts').columns(['user_id', 'idempotency_key']).unique().execute();
        await db.schema.createIndex('payouts_user_created').on('payouts').columns(['user_id', 'created_at']).execute();
        await db.schema.createIndex('payouts_status').on('payouts').columns(['status', 'created_at']).execute();

        await db.schema
          .createTable('payout_events')
          .addColumn('payout_id', 'text', (c) => c.notNull())
          .addColumn('position', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('note', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('payout_events_pk', ['payout_id', 'position'])
          .execute();

        await db.schema
          .createTable('gift_clawbacks')
          .addColumn('order_id', 'text', (c) => c.primaryKey())
          .addColumn('buyer_id', 'text', (c) => c.notNull())
          .addColumn('traced_coins', 'bigint', (c) => c.notNull())
          .addColumn('traced_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('gift_clawback_creators')
          .addColumn('order_id', 'text', (c) => c.notNull())
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('payments', 'text', (c) => c.notNull())
          .addColumn('traced_diamonds', 'bigint', (c) => c.notNull())
          .addColumn('reversed_diamonds', 'bigint', (c) => c.notNull())
          .addColumn('transfer_id', 'text')
          .addPrimaryKeyConstraint('gift_clawback_creators_pk', ['order_id', 'creator_id'])
          .execute();
        await db.schema.createIndex('gift_clawback_creators_creator').on('gift_clawback_creators').column('creator_id').execute();
      },
    },
    // Wise's webhooks name the transfer, which is the payout's provider reference.
    '2026_11_22_0018_payouts_provider_reference': {
      async up(db: Kysely<unknown>) {
        await db.schema.createIndex('payouts_provider_reference').on('payouts').columns(['provider', 'provider_reference']).execute();
      },
    },
    // Payouts in the payout method's currency: quoted before they are confirmed, each quote confirmed once.
    '2026_12_06_0101_payout_quotes': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('payout_quotes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('diamonds', 'bigint', (c) => c.notNull())
          .addColumn('method_id', 'text', (c) => c.notNull())
          .addColumn('source_minor', 'bigint', (c) => c.notNull())
          .addColumn('source_currency', 'text', (c) => c.notNull())
          .addColumn('fee_minor', 'bigint', (c) => c.notNull())
          .addColumn('rate', 'text', (c) => c.notNull())
          .addColumn('target_minor', 'bigint', (c) => c.notNull())
          .addColumn('target_currency', 'text', (c) => c.notNull())
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('provider_quote_id', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('payout_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('payout_quotes_user').on('payout_quotes').columns(['user_id', 'created_at']).execute();
        await db.schema.alterTable('payouts').addColumn('quote_id', 'text').execute();
        await db.schema.alterTable('payouts').addColumn('received_minor', 'bigint').execute();
        await db.schema.alterTable('payouts').addColumn('received_currency', 'text').execute();
        // A quote pays one payout, however many requests confirm it at once.
        await db.schema.createIndex('payouts_quote').on('payouts').column('quote_id').unique().execute();
      },
    },
  };
}
