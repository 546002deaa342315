import type { Kysely } from 'kysely';
import { bigintSum, type Schema } from '../db/index.js';

/** What one tier's subscriptions brought a creator over a period: whole coins and diamonds. */
export interface TierIncome {
  tierLevel: number;
  /** The tier's name now; `Level <n>` for a tier the creator no longer has a row for. */
  name: string;
  coins: bigint;
  diamonds: bigint;
  /** Months paid (renewals, first months and gifted months). */
  months: bigint;
  /** Moves up paid (the prorated difference of a dearer tier). */
  upgrades: bigint;
  /** Different subscribers paid for. */
  subscribers: bigint;
}

/** Subscription income for earnings, from the payments committed with each transfer. */
export interface SubscriptionIncome {
  /** What `creatorId`'s subscriptions brought in [from, to), by tier level, lowest first; tiers without payments are left out. */
  byTier(creatorId: string, period: { from: string; to: string }): Promise<TierIncome[]>;
}

export function createSubscriptionIncome(kysely: Kysely<Schema>): SubscriptionIncome {
  return {
    async byTier(creatorId, period) {
      const [rows, tiers] = await Promise.all([
        kysely
          .selectFrom('subscription_payments')
          .select((eb) => [
            'tier_level',
            bigintSum('coins').as('coins'),
            bigintSum('diamonds').as('diamonds'),
            eb.fn.sum<bigint | string | number>(eb.case().when('kind', '=', 'period').then(1).else(0).end()).as('months'),
            eb.fn.sum<bigint | string | number>(eb.case().when('kind', '=', 'upgrade').then(1).else(0).end()).as('upgrades'),
            eb.fn.count<bigint | string | number>('subscriber_id').distinct().as('subscribers'),
          ])
          .where('creator_id', '=', creatorId)
          .where('paid_at', '>=', period.from)
          .where('paid_at', '<', period.to)
          .groupBy('tier_level')
          .orderBy('tier_level')
          .execute(),
        kysely.selectFrom('subscription_tiers').select(['level', 'name']).where('creator_id', '=', creatorId).execute(),
      ]);
      const names = new Map(tiers.map((tier) => [tier.level, tier.name]));
      return rows.map((row) => ({
        tierLevel: Number(row.tier_level),
        name: names.get(row.tier_level) ?? `Level ${row.tier_level}`,
        coins: row.coins,
        diamonds: row.diamonds,
        months: BigInt(row.months ?? 0),
        upgrades: BigInt(row.upgrades ?? 0),
        subscribers: BigInt(row.subscribers),
      }));
    },
  };
}
