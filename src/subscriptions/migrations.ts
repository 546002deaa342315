import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../db/index.js';
import { authorizationVersionBump } from '../ledger/index.js';

/** Creators' subscription tiers, viewers' subscriptions and what paid for them. Runs on SQLite and PostgreSQL. */
export function subscriptionsMigrations(engine: Engine): Record<string, Migration> {
  return {
    '2026_12_06_0023_subscriptions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('subscription_tiers')
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('level', 'bigint', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('price_coins', 'bigint', (c) => c.notNull())
          .addColumn('perks', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('open', 'bigint', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('subscription_tiers_pk', ['creator_id', 'level'])
          .addCheckConstraint('subscription_tiers_level', sql`level between 1 and 3`)
          .addCheckConstraint('subscription_tiers_price', sql`price_coins > 0`)
          .addCheckConstraint('subscription_tiers_open', sql`open in (0, 1)`)
          .execute();

        await db.schema
          .createTable('subscriptions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('subscriber_id', 'text', (c) => c.notNull())
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('tier_level', 'bigint', (c) => c.notNull())
          .addColumn('price_coins', 'bigint', (c) => c.notNull())
          .addColumn('next_tier_level', 'bigint')
          .addColumn('cancel_at_period_end', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('period_index', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('current_period_start', 'text')
          .addColumn('current_period_end', 'text')
          .addColumn('anchor_at', 'text')
          .addColumn('streak_months', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('total_months', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('grace_ends_at', 'text')
          .addColumn('next_attempt_at', 'text')
          .addColumn('last_failure', 'text')
          .addColumn('ended_at', 'text')
          .addColumn('ended_reason', 'text')
          .addColumn('card_id', 'text')
          .addColumn('gift_claim', 'text')
          .addColumn('gift_claimed_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addCheckConstraint('subscriptions_status', sql`status in ('new', 'active', 'past_due', 'ended')`)
          .addCheckConstraint('subscriptions_cancel', sql`cancel_at_period_end in (0, 1)`)
          .execute();
        // One subscription per viewer and creator: concurrent subscribes meet here.
        await db.schema.createIndex('subscriptions_pair').unique().on('subscriptions').columns(['subscriber_id', 'creator_id']).execute();
        // The renewal job's scan: subscriptions whose period has ended.
        await db.schema.createIndex('subscriptions_due').on('subscriptions').columns(['status', 'current_period_end']).execute();
        await db.schema.createIndex('subscriptions_creator').on('subscriptions').columns(['creator_id', 'status']).execute();

        await db.schema
          .createTable('subscription_payments')
          .addColumn('transfer_id', 'text', (c) => c.notNull())
          .addColumn('subscription_id', 'text', (c) => c.notNull())
          .addColumn('subscriber_id', 'text', (c) => c.notNull())
          .addColumn('payer_id', 'text', (c) => c.notNull())
          .addColumn('gift_id', 'text')
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('period_index', 'bigint', (c) => c.notNull())
          .addColumn('tier_level', 'bigint', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('diamonds', 'bigint', (c) => c.notNull())
          .addColumn('price_coins', 'bigint', (c) => c.notNull())
          .addColumn('period_start', 'text', (c) => c.notNull())
          .addColumn('period_end', 'text', (c) => c.notNull())
          .addColumn('streak_months', 'bigint', (c) => c.notNull())
          .addColumn('total_months', 'bigint', (c) => c.notNull())
          .addColumn('request_key', 'text')
          .addColumn('paid_at', 'text', (c) => c.notNull())
          // A gift's one transfer pays a month of each of its recipients.
          .addPrimaryKeyConstraint('subscription_payments_pk', ['transfer_id', 'subscription_id', 'period_index'])
          .addCheckConstraint('subscription_payments_kind', sql`kind in ('period', 'upgrade')`)
          .execute();
        // A period is paid once, whatever the ledger's keys: the audit's rule, held by the database too.
        await sql`CREATE UNIQUE INDEX subscription_payments_period ON subscription_payments (subscription_id, period_index) WHERE kind = 'period'`.execute(db);
        await db.schema.createIndex('subscription_payments_creator').on('subscription_payments').columns(['creator_id', 'paid_at']).execute();
        await db.schema.createIndex('subscription_payments_request').on('subscription_payments').columns(['subscription_id', 'request_key']).execute();
        // The renewal job's look for payments whose subscription row missed them (a crash between the two).
        await db.schema.createIndex('subscription_payments_paid').on('subscription_payments').column('paid_at').execute();

        // Subscriptions one viewer bought for others in a live: the recipients are drawn and claimed before the one transfer pays them all.
        await db.schema
          .createTable('subscription_gifts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('gifter_id', 'text', (c) => c.notNull())
          .addColumn('creator_id', 'text', (c) => c.notNull())
          .addColumn('live_id', 'text', (c) => c.notNull())
          .addColumn('tier_level', 'bigint', (c) => c.notNull())
          .addColumn('months', 'bigint', (c) => c.notNull())
          .addColumn('coins', 'bigint', (c) => c.notNull())
          .addColumn('recipients', 'text', (c) => c.notNull())
          .addColumn('request_key', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('transfer_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addCheckConstraint('subscription_gifts_status', sql`status in ('claimed', 'paid', 'failed')`)
          .execute();
        await db.schema.createIndex('subscription_gifts_request').unique().on('subscription_gifts').columns(['gifter_id', 'request_key']).execute();
        await db.schema.createIndex('subscription_gifts_status').on('subscription_gifts').columns(['status', 'created_at']).execute();

        // What decides whether a month may be charged (ended, cancelled, a downgrade, a gift's claim on the row) moves the
        // subscriber's authorization version in the same transaction: a charge decided before the change is refused by the
        // ledger, never made.
        const bump = authorizationVersionBump('NEW.subscriber_id');
        const on = 'AFTER UPDATE OF status, cancel_at_period_end, next_tier_level, gift_claim ON subscriptions';
        if (engine === 'sqlite') {
          await sql.raw(`CREATE TRIGGER authorization_subscription_changed ${on} FOR EACH ROW BEGIN ${bump}; END`).execute(db);
        } else {
          await sql.raw(`CREATE FUNCTION authorization_subscription_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${bump}; RETURN NULL; END $$`).execute(db);
          await sql.raw(`CREATE TRIGGER authorization_subscription_changed ${on} FOR EACH ROW EXECUTE FUNCTION authorization_subscription_changed()`).execute(db);
        }
      },
    },
    '2026_12_06_0024_subscription_tier_emotes': {
      async up(db: Kysely<unknown>) {
        // Chat emotes of each tier, as JSON: a tier's subscribers use its emotes and those of lower levels.
        await db.schema
          .alterTable('subscription_tiers')
          .addColumn('emotes', 'text', (c) => c.notNull().defaultTo('[]'))
          .execute();
      },
    },
    '2026_12_06_0026_premium_plan': {
      async up(db: Kysely<unknown>) {
        // The premium plan's perks beside its tier (subscription_tiers, creator_id 'platform', level 1): one row.
        await db.schema
          .createTable('premium_plan')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('purchase_bonus_percent', 'bigint', (c) => c.notNull())
          .addColumn('ad_free', 'bigint', (c) => c.notNull())
          .addColumn('badge', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addCheckConstraint('premium_plan_bonus', sql`purchase_bonus_percent between 0 and 100`)
          .addCheckConstraint('premium_plan_ad_free', sql`ad_free in (0, 1)`)
          .execute();
      },
    },
  };
}
