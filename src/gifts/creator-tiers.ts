import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Static } from 'typebox';
import { createSharedCache, type Bus } from '../bus/index.js';
import type { Accounts } from '../accounts/index.js';
import { InvalidValue, wholeNumber, type ValueKind } from '../config/index.js';
import type { Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { CreatorTierSchema } from './views.js';

/** Every creator is on this tier until an admin moves them; it pays GIFT_DIAMOND_SHARE_PERCENT. */
export const STANDARD_TIER = 'standard';

const TIER_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * GIFT_CREATOR_TIER_SHARES, such as `partner:60,star:70`: the creator's share, in percent, on each tier besides
 * `standard`, which always pays GIFT_DIAMOND_SHARE_PERCENT. Refuses a malformed entry, a repeated tier or `standard`.
 */
export function creatorTierShares(): ValueKind<ReadonlyMap<string, number>> {
  const percent = wholeNumber(0, 100);
  return {
    type: 'list',
    allowed: 'comma-separated `tier:percent` entries, percents from 0 to 100',
    parse: (raw) => {
      const shares = new Map<string, number>();
      for (const entry of raw.split(',').map((part) => part.trim())) {
        const [tier, share, extra] = entry.split(':').map((part) => part.trim());
        if (tier === undefined || share === undefined || extra !== undefined || !TIER_NAME.test(tier)) {
          throw new InvalidValue(
            `expected tier:percent entries separated by commas, such as partner:60,star:70, where a tier is 1 to 32 lower-case letters, digits and underscores starting with a letter; got ${JSON.stringify(entry)}`,
          );
        }
        if (tier === STANDARD_TIER) throw new InvalidValue('the standard tier always pays GIFT_DIAMOND_SHARE_PERCENT; leave it out of GIFT_CREATOR_TIER_SHARES');
        if (shares.has(tier)) throw new InvalidValue(`the tier ${tier} is listed twice`);
        shares.set(tier, percent.parse(share));
      }
      return shares;
    },
  };
}

/** A creator's tier and the share of a payment's coin value it pays them. */
export type CreatorTier = Static<typeof CreatorTierSchema>;

export interface CreatorTiersDependencies {
  kysely: Kysely<Schema>;
  accounts: Pick<Accounts, 'getUser'>;
  /** From loadGiftSendingConfig: every configured tier, standard included. */
  sharePercentByTier: ReadonlyMap<string, number>;
  now: () => Date;
  /** Carries tier changes to every process's copy in memory. */
  bus: Bus;
  logger: Logger;
}

/** Which tier each creator is on, and so what share of the coins paid to them becomes their diamonds. */
export interface CreatorTiers {
  /** The creator's tier and share; the standard tier for a creator never moved. */
  tierOf(userId: string): Promise<CreatorTier>;
  /** The creator's share of a payment's coin value, in percent. */
  sharePercentOf(creatorId: string): Promise<number>;
  /** Stops listening for other processes' tier changes. */
  close(): Promise<void>;
  /** Moves a user to a configured tier: 404 user_not_found, 400 unknown_tier naming the configured ones. */
  setTier(userId: string, tier: string): Promise<CreatorTier>;
}

export function createCreatorTiers(deps: CreatorTiersDependencies): CreatorTiers {
  const { kysely, accounts, sharePercentByTier, now } = deps;
  const standardSharePercent = sharePercentByTier.get(STANDARD_TIER)!;

  function describeTiers(): string {
    const names = [...sharePercentByTier].map(([tier, percent]) => `${tier} (${percent}%)`);
    return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  }

  async function tierOf(userId: string): Promise<CreatorTier> {
    const row = await kysely.selectFrom('creator_tiers').select(['tier', 'updated_at']).where('user_id', '=', userId).executeTakeFirst();
    const tier = row?.tier ?? STANDARD_TIER;
    return { userId, tier, diamondSharePercent: sharePercentByTier.get(tier) ?? standardSharePercent, updatedAt: row?.updated_at ?? null };
  }

  // Every payment prices the creator's share: from memory, dropped in every process when an admin moves them.
  const shares = createSharedCache({
    bus: deps.bus,
    topic: 'gifts:creator_tier_changed',
    load: async (creatorId) => (await tierOf(creatorId)).diamondSharePercent,
    ttlMs: 60_000,
    maxEntries: 100_000,
    logger: deps.logger,
  });

  return {
    tierOf,

    sharePercentOf: (creatorId) => shares.get(creatorId),

    close: () => shares.close(),

    async setTier(userId, tier) {
      if (!sharePercentByTier.has(tier)) {
        throw DomainError.invalidField('tier', 'unknown_tier', `${JSON.stringify(tier)} is not a creator tier; the configured tiers are ${describeTiers()}.`);
      }
      await accounts.getUser(userId);
      const at = now().toISOString();
      await kysely
        .insertInto('creator_tiers')
        .values({ user_id: userId, tier, updated_at: at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ tier, updated_at: at }))
        .execute();
      await shares.invalidate(userId);
      return tierOf(userId);
    },
  };
}
