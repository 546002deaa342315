import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../db/index.js';

export function paymentsMigrations(_engine: Engine): Record<string, Migration> {
  return {
    '2026_11_21_0004_payments': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('orders')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          // What the request asked for, so a retry with other parameters is recognised.
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('package_id', 'text')
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('region', 'text', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('bonus_coins', 'bigint', (c) => c.notNull())
          // JSON array of the promotions that gave the bonus.
          .addColumn('promotions', 'text', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('amount_minor', 'bigint', (c) => c.notNull())
          .addColumn('fee_minor', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('provider_payment_id', 'text')
          .addColumn('failure_code', 'text')
          .addColumn('failure_message', 'text')
          .addColumn('credit_transfer_id', 'text')
          .addColumn('clawback_transfer_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('credited_at', 'text')
          .addUniqueConstraint('orders_user_key', ['user_id', 'idempotency_key'])
          .execute();
        await db.schema.createIndex('orders_user_created').on('orders').columns(['user_id', 'created_at']).execute();
        await db.schema.createIndex('orders_status_updated').on('orders').columns(['status', 'updated_at']).execute();
        await db.schema.createIndex('orders_provider_payment').on('orders').columns(['provider', 'provider_payment_id']).execute();

        // Webhook events already handled, by the provider's event id: a redelivery changes nothing.
        await db.schema
          .createTable('payment_events')
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('order_id', 'text')
          .addColumn('received_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('payment_events_pk', ['provider', 'event_id'])
          .execute();

        // The sandbox provider's own records, as a real provider keeps them on its side.
        await db.schema
          .createTable('sandbox_payments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('order_id', 'text', (c) => c.notNull().unique())
          .addColumn('amount_minor', 'bigint', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull())
          // requires_payment_method | requires_action | succeeded | failed | disputed
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('card_last4', 'text')
          .addColumn('failure_code', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '2026_11_22_0005_spending_refunds_receipts': {
      async up(db: Kysely<unknown>) {
        // An admin's exceptional refund: the reversal of the credit, then the provider's refund.
        await db.schema.alterTable('orders').addColumn('refund_transfer_id', 'text').execute();
        await db.schema.alterTable('orders').addColumn('refund_reason', 'text').execute();
        // One order per provider payment: an app-store transaction (or any payment) is credited at most once.
        await db.schema.dropIndex('orders_provider_payment').execute();
        await db.schema.createIndex('orders_provider_payment').unique().on('orders').columns(['provider', 'provider_payment_id']).execute();

        // Limits a user set on their own purchases, in coins per calendar period (UTC). A raise waits out a cooling-off period.
        await db.schema
          .createTable('spending_budgets')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('daily_coins', 'bigint')
          .addColumn('weekly_coins', 'bigint')
          .addColumn('monthly_coins', 'bigint')
          // JSON {daily, weekly, monthly} of a raise not yet in force, and when it takes effect.
          .addColumn('pending_limits', 'text')
          .addColumn('pending_effective_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();

        // Each use of a promotion with a per-user limit, claimed when the order is credited: the key
        // lets one order take each allowed use, however many orders were priced with the bonus.
        await db.schema
          .createTable('promotion_redemptions')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('promotion_id', 'text', (c) => c.notNull())
          .addColumn('use_number', 'bigint', (c) => c.notNull())
          .addColumn('order_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('promotion_redemptions_pk', ['user_id', 'promotion_id', 'use_number'])
          .execute();
        await db.schema.createIndex('promotion_redemptions_order').on('promotion_redemptions').columns(['order_id', 'promotion_id']).execute();
      },
    },
    '2026_12_05_0019_order_checkout_claim': {
      async up(db: Kysely<unknown>) {
        // Set, with the buyer's limits checked, when a checkout starts paying an order: the order counts from then on.
        await db.schema.alterTable('orders').addColumn('checkout_claim', 'text').execute();
      },
    },
    '2026_12_06_0027_saved_cards': {
      async up(db: Kysely<unknown>) {
        // Cards users saved for purchases made without them present; the provider keeps the card, we keep its references.
        await db.schema
          .createTable('saved_cards')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('customer_ref', 'text', (c) => c.notNull())
          .addColumn('method_ref', 'text', (c) => c.notNull())
          .addColumn('last4', 'text', (c) => c.notNull())
          .addColumn('brand', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('removed_at', 'text')
          .execute();
        await db.schema.createIndex('saved_cards_user').on('saved_cards').columns(['user_id', 'created_at']).execute();
        // The card an off-session purchase was charged to.
        await db.schema.alterTable('orders').addColumn('saved_card_id', 'text').execute();

        // The sandbox provider's saved payment methods, as a real provider keeps them on its side.
        await db.schema
          .createTable('sandbox_payment_methods')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('customer_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('card', 'text', (c) => c.notNull())
          .addColumn('charges', 'bigint', (c) => c.notNull())
          .addColumn('detached', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '2026_12_06_0131_order_tax': {
      async up(db: Kysely<unknown>) {
        // The tax of each order as it was priced; orders made before tax rates existed were untaxed.
        await db.schema
          .alterTable('orders')
          .addColumn('tax_minor', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable('orders')
          .addColumn('tax_rate_ppm', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable('orders')
          .addColumn('tax_pricing', 'text', (c) => c.notNull().defaultTo('inclusive'))
          .execute();
      },
    },
  };
}
