import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import { writeTransaction, type Database } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { SubscriptionTierTable } from './schema.js';
import type { SubscriptionTierInputSchema, SubscriptionTierSchema } from './views.js';

export type SubscriptionTier = Static<typeof SubscriptionTierSchema>;
export type SubscriptionTierInput = Static<typeof SubscriptionTierInputSchema>;

/** A creator offers at most this many tiers, levels 1 to 3. */
const MAX_TIERS = 3;
const MAX_TIER_PRICE_COINS = 1_000_000;
const MAX_NAME_CHARS = 40;
const MAX_PERKS = 10;
const MAX_PERK_CHARS = 120;

type TierRow = Selectable<SubscriptionTierTable>;

function toTier(row: TierRow): SubscriptionTier {
  return {
    creatorId: row.creator_id,
    level: Number(row.level),
    name: row.name,
    priceCoins: Number(row.price_coins),
    perks: JSON.parse(row.perks) as string[],
    open: row.open === 1n,
    updatedAt: row.updated_at,
  };
}

/** The tier's text, trimmed, or the refusal naming what is wrong. */
function checkTier(input: SubscriptionTierInput, index: number): SubscriptionTierInput & { perks: string[] } {
  const field = (name: string) => `tiers[${index}].${name}`;
  const name = input.name.trim();
  if (name.length === 0 || [...name].length > MAX_NAME_CHARS) throw DomainError.invalidField(field('name'), 'invalid_tier_name', `A tier's name has 1 to ${MAX_NAME_CHARS} characters.`);
  if (!Number.isSafeInteger(input.priceCoins) || input.priceCoins < 1 || input.priceCoins > MAX_TIER_PRICE_COINS) {
    throw DomainError.invalidField(field('priceCoins'), 'invalid_tier_price', `A tier's monthly price is a whole number of coins from 1 to ${MAX_TIER_PRICE_COINS.toLocaleString('en-US')}.`);
  }
  const perks = (input.perks ?? []).map((perk) => perk.trim());
  if (perks.length > MAX_PERKS) throw DomainError.invalidField(field('perks'), 'invalid_tier_perks', `A tier lists at most ${MAX_PERKS} perks.`);
  if (perks.some((perk) => perk.length === 0 || [...perk].length > MAX_PERK_CHARS)) {
    throw DomainError.invalidField(field('perks'), 'invalid_tier_perks', `Each perk has 1 to ${MAX_PERK_CHARS} characters.`);
  }
  return { level: input.level, name, priceCoins: input.priceCoins, perks };
}

/** A creator's subscription tiers: what viewers may subscribe on, and the editor the creator keeps them with. */
export interface SubscriptionTiers {
  /** The creator's tiers by level; with `openOnly`, those viewers may choose now. */
  tiersOf(creatorId: string, options?: { openOnly?: boolean }): Promise<SubscriptionTier[]>;
  /** One tier; 404 tier_not_found when the creator never had it. */
  tier(creatorId: string, level: number): Promise<SubscriptionTier>;
  /**
   * Sets the tiers offered: each listed level is created or changed, and a level left out is closed (its
   * subscribers renew at their price; nobody new may choose it). Prices rise with the level.
   */
  setTiers(creatorId: string, tiers: readonly SubscriptionTierInput[]): Promise<SubscriptionTier[]>;
}

export function createSubscriptionTiers(deps: { db: Database; now: () => Date }): SubscriptionTiers {
  const { db, now } = deps;
  const kysely = db.kysely;

  async function tiersOf(creatorId: string, options: { openOnly?: boolean } = {}): Promise<SubscriptionTier[]> {
    let query = kysely.selectFrom('subscription_tiers').selectAll().where('creator_id', '=', creatorId);
    if (options.openOnly) query = query.where('open', '=', 1n);
    return (await query.orderBy('level').execute()).map(toTier);
  }

  return {
    tiersOf,

    async tier(creatorId, level) {
      const row = await kysely.selectFrom('subscription_tiers').selectAll().where('creator_id', '=', creatorId).where('level', '=', BigInt(level)).executeTakeFirst();
      if (!row) throw DomainError.notFound('tier_not_found', `This creator has no subscription tier of level ${level}.`);
      return toTier(row);
    },

    async setTiers(creatorId, inputs) {
      if (inputs.length > MAX_TIERS) throw DomainError.invalidField('tiers', 'too_many_tiers', `A creator offers at most ${MAX_TIERS} tiers.`);
      const tiers = inputs.map(checkTier).sort((a, b) => a.level - b.level);
      for (const [index, tier] of tiers.entries()) {
        const lower = tiers[index - 1];
        if (lower?.level === tier.level) throw DomainError.invalidField('tiers', 'duplicate_tier_level', `Level ${tier.level} is listed twice.`);
        if (lower && lower.priceCoins >= tier.priceCoins) {
          throw DomainError.invalidField('tiers', 'tier_prices_out_of_order', `Level ${tier.level} must cost more than level ${lower.level} (${lower.priceCoins.toLocaleString('en-US')} coins).`);
        }
      }
      const at = now().toISOString();
      await writeTransaction(db, async (trx) => {
        for (const tier of tiers) {
          const values = { name: tier.name, price_coins: BigInt(tier.priceCoins), perks: JSON.stringify(tier.perks), open: 1n, updated_at: at };
          await trx
            .insertInto('subscription_tiers')
            .values({ creator_id: creatorId, level: BigInt(tier.level), ...values, created_at: at })
            .onConflict((oc) => oc.columns(['creator_id', 'level']).doUpdateSet(values))
            .execute();
        }
        let closing = trx.updateTable('subscription_tiers').set({ open: 0n, updated_at: at }).where('creator_id', '=', creatorId).where('open', '=', 1n);
        if (tiers.length > 0)
          closing = closing.where(
            'level',
            'not in',
            tiers.map((tier) => BigInt(tier.level)),
          );
        await closing.execute();
      });
      return tiersOf(creatorId);
    },
  };
}
