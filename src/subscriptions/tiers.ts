import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import { writeTransaction, type Database } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { SubscriptionTierTable } from './schema.js';
import type { SubscriptionChange } from './perks.js';
import type { SubscriptionEmoteSchema, SubscriptionTierInputSchema, SubscriptionTierSchema } from './views.js';

export type SubscriptionTier = Static<typeof SubscriptionTierSchema>;
export type SubscriptionTierInput = Static<typeof SubscriptionTierInputSchema>;
export type SubscriptionEmote = Static<typeof SubscriptionEmoteSchema>;

/** A creator offers at most this many tiers, levels 1 to 3. */
const MAX_TIERS = 3;
const MAX_TIER_PRICE_COINS = 1_000_000;
const MAX_NAME_CHARS = 40;
const MAX_PERKS = 10;
const MAX_PERK_CHARS = 120;
const MAX_EMOTES = 20;
const EMOTE_CODE = /^[A-Za-z0-9]{2,20}$/;
/** An emoji is a few code points (flags, skin tones, joined families); longer text is not an emote. */
const MAX_EMOJI_CHARS = 8;
const MAX_EMOTE_URL_CHARS = 300;
/** Spaces, control characters and what could break out of an attribute or a tag where clients show it. */
const UNSAFE_IN_IMAGE = /[\s\p{Cc}"'<>`\\]/u;

type TierRow = Selectable<SubscriptionTierTable>;

function toTier(row: TierRow): SubscriptionTier {
  return {
    creatorId: row.creator_id,
    level: Number(row.level),
    name: row.name,
    priceCoins: Number(row.price_coins),
    perks: JSON.parse(row.perks) as string[],
    emotes: JSON.parse(row.emotes) as SubscriptionEmote[],
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
  const emotes = input.emotes?.map((emote, at) => checkEmote(emote, `${field('emotes')}[${at}]`));
  if (emotes && emotes.length > MAX_EMOTES) throw DomainError.invalidField(field('emotes'), 'too_many_emotes', `A tier has at most ${MAX_EMOTES} emotes.`);
  return { level: input.level, name, priceCoins: input.priceCoins, perks, ...(emotes ? { emotes } : {}) };
}

/**
 * An emote's code (letters and digits, so `:code:` is found in text as it is) and its image: an emoji, or a URL path
 * on this server. Not another host's URL: every viewer's browser would fetch it, telling that host who watches, and the
 * web app's content security policy loads images from its own origin only.
 */
function checkEmote(emote: SubscriptionEmote, field: string): SubscriptionEmote {
  if (!EMOTE_CODE.test(emote.code))
    throw DomainError.invalidField(`${field}.code`, 'invalid_emote_code', `An emote's code is 2 to 20 letters and digits, such as hype; not ${JSON.stringify(emote.code.slice(0, 40))}.`);
  const image = emote.image.trim();
  const refuse = () =>
    DomainError.invalidField(
      `${field}.image`,
      'invalid_emote_image',
      `An emote's image is an emoji of 1 to ${MAX_EMOJI_CHARS} characters, or a URL path on this server such as /emotes/hype.png of at most ${MAX_EMOTE_URL_CHARS} characters, without spaces or quotes.`,
    );
  if (image.length === 0 || UNSAFE_IN_IMAGE.test(image)) throw refuse();
  if (image.startsWith('/')) {
    if (image.length > MAX_EMOTE_URL_CHARS || image.startsWith('//') || !URL.canParse(image, 'https://example.com')) throw refuse();
  } else if ([...image].length > MAX_EMOJI_CHARS || /^[a-z][a-z0-9+.-]*:/i.test(image)) {
    // Any scheme (https:, javascript:, data:) is not an image a client should load.
    throw refuse();
  }
  return { code: emote.code, image };
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

export function createSubscriptionTiers(deps: {
  db: Database;
  now: () => Date;
  /** Told once a change committed, so live rooms show the tiers' new names and emotes. */
  changed?: (change: SubscriptionChange) => void;
}): SubscriptionTiers {
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
      const codes = new Set<string>();
      for (const emote of tiers.flatMap((tier) => tier.emotes ?? [])) {
        // Unique whatever the case, so no two emotes look alike in a message.
        const code = emote.code.toLowerCase();
        if (codes.has(code)) throw DomainError.invalidField('tiers', 'duplicate_emote_code', `The emote :${emote.code}: is listed twice; each code names one emote.`);
        codes.add(code);
      }
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
          const values = {
            name: tier.name,
            price_coins: BigInt(tier.priceCoins),
            perks: JSON.stringify(tier.perks),
            // Left out, a tier keeps its emotes: a client that knows nothing of emotes does not wipe them.
            ...(tier.emotes ? { emotes: JSON.stringify(tier.emotes) } : {}),
            open: 1n,
            updated_at: at,
          };
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
      deps.changed?.({ creatorId });
      return tiersOf(creatorId);
    },
  };
}
