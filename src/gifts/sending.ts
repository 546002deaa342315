import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import type { Accounts } from '../accounts/index.js';
import { declareSettings, settingsIn, wholeNumber, type Env } from '../config/index.js';
import type { Schema } from '../db/index.js';
import type { GiftEvent } from '../live/index.js';
import { DomainError } from '../shared/errors.js';
import type { GiftCatalog, GiftTier } from './catalog.js';
import { creatorTierShares, STANDARD_TIER } from './creator-tiers.js';
import type { CreatorPayment, CreatorPaymentConfig, CreatorPayments, PayerSession, PaymentTarget } from './payments.js';
import type { TopGifterSchema } from './views.js';
import { loadedEntries } from '../shared/loaded-entries.js';

export interface GiftSendingConfig extends CreatorPaymentConfig {
  /** Creator's share of a payment's coin value, in percent, by creator tier; `standard` is always there. */
  readonly creatorTierShares: ReadonlyMap<string, number>;
  /** Repeats of a streakable gift within this long continue its combo. */
  readonly comboWindowMs: number;
}

/** The variables of payments to creators (gifts, paid messages and cheers) and of combos. */
export const GIFT_SETTINGS = declareSettings({
  GIFT_DIAMONDS_PER_COIN: {
    module: 'gifts',
    default: '2',
    ...wholeNumber(1, 1000),
    description: "A coin's value in diamonds when it pays a creator (gifts, paid messages and cheers). See [gifts.md](gifts.md#paying-creators).",
  },
  GIFT_DIAMOND_SHARE_PERCENT: {
    module: 'gifts',
    default: '50',
    ...wholeNumber(0, 100),
    description:
      "The share of a payment's diamond value a creator on the `standard` tier earns, so a payment of `c` coins credits `floor(c × GIFT_DIAMONDS_PER_COIN × GIFT_DIAMOND_SHARE_PERCENT / 100)` diamonds (`floor(c × 2 × 50 / 100)` by default). See [gifts.md](gifts.md#paying-creators).",
  },
  GIFT_CREATOR_TIER_SHARES: {
    module: 'gifts',
    ...creatorTierShares(),
    description:
      'Creator tiers besides `standard`, with the share each pays, such as `partner:60,star:70`. Unset: only `standard`. A tier name is 1 to 32 lower-case letters, digits and underscores starting with a letter. `standard` cannot be listed — it always pays `GIFT_DIAMOND_SHARE_PERCENT` — nor a tier twice. Admins put creators on a tier with `PUT /api/v1/admin/creators/:id/tier`; a creator on a tier later removed from this list is paid the standard share. See [gifts.md](gifts.md#creator-tiers).',
  },
  GIFT_CONFIRM_COINS: {
    module: 'gifts',
    default: '5000',
    ...wholeNumber(1, 1_000_000_000),
    description: "The payment size (a gift's price × quantity, or a paid message's or cheer's coins) from which it needs `\"confirm\": true`.",
  },
  GIFT_COMBO_WINDOW_MS: {
    module: 'gifts',
    default: '5000',
    ...wholeNumber(0, 60_000),
    description: 'How soon, in milliseconds, a repeat of a streakable gift must follow to continue its combo.',
  },
});

/** Reads GIFT_SETTINGS. Throws a ConfigError naming an invalid variable. */
export function loadGiftSendingConfig(env: Env): GiftSendingConfig {
  const read = settingsIn(env);
  const tiers = read(GIFT_SETTINGS.GIFT_CREATOR_TIER_SHARES) ?? new Map<string, number>();
  return {
    creatorTierShares: new Map([[STANDARD_TIER, read(GIFT_SETTINGS.GIFT_DIAMOND_SHARE_PERCENT)], ...tiers]),
    diamondsPerCoin: read(GIFT_SETTINGS.GIFT_DIAMONDS_PER_COIN),
    confirmCoins: read(GIFT_SETTINGS.GIFT_CONFIRM_COINS),
    comboWindowMs: read(GIFT_SETTINGS.GIFT_COMBO_WINDOW_MS),
  };
}

/** Most gifts of one kind in one send. */
export const MAX_GIFT_QUANTITY = 999;
/** An opaque id from the operator's own video system. */
const VIDEO_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Where a gift went: into the live named by `liveId`, or to the creator's profile or one of their videos. */
export type GiftTarget = { type: 'live' } | { type: 'profile' } | { type: 'video'; videoId: string };

export interface SentGift extends CreatorPayment {
  /** The ledger transfer that moved the coins and diamonds; also `transferId`. */
  id: string;
  transferId: string;
  target: GiftTarget;
  giftId: string;
  name: string;
  tier: GiftTier;
  icon: string;
  quantity: number;
  senderName: string;
  /** The streak this gift belongs to: `count` is the running total of gifts in it. Null outside lives and for gifts that do not streak. */
  combo: { id: string; count: number } | null;
}

type GiftPaid = Omit<SentGift, 'id' | 'transferId'>;

/** A sender's latest streak in a live, once loaded: null when their last gift there did not streak (or none). */
interface StreakEntry {
  latest: { id: string; giftId: string; count: number; atMs: number } | null;
}

export type TopGifter = Static<typeof TopGifterSchema>;

interface GiftChoice {
  senderId: string;
  giftId: string;
  quantity: number;
  confirm: boolean;
  /** The sender's own key: the same key answers the gift first sent with it. */
  idempotencyKey: string;
  session?: PayerSession;
}

export interface SendGiftInput extends GiftChoice {
  liveId: string;
  /** A guest on the live's stage the gift pays; its host when left out. */
  recipientId?: string;
}

export interface SendProfileGiftInput extends GiftChoice {
  creatorHandle: string;
  /** A video of the creator's, from the operator's own video system: 1 to 64 of A-Z a-z 0-9 _ -. */
  videoId?: string;
}

export interface GiftSendingDependencies {
  kysely: Kysely<Schema>;
  payments: Pick<CreatorPayments, 'pay'>;
  accounts: Pick<Accounts, 'profile' | 'namesOf'>;
  catalog: Pick<GiftCatalog, 'requireOffered'>;
  config: Pick<GiftSendingConfig, 'comboWindowMs'>;
  /**
   * Whether the sender's subscription to the creator gives access now, asked only for subscriber-only gifts.
   * Passed in, since subscriptions depend on gifts; without it, subscriber-only gifts are refused.
   */
  subscriberAccess?: (senderId: string, creatorId: string) => Promise<boolean>;
}

function checkQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_GIFT_QUANTITY) {
    throw DomainError.invalidField('quantity', 'invalid_quantity', `quantity must be a whole number from 1 to ${MAX_GIFT_QUANTITY}, not ${quantity}.`);
  }
}

/** A live's gift totals for its summary. */
export interface GiftTotals {
  giftCount: number;
  coins: number;
  diamonds: number;
  topGifters: TopGifter[];
}

/**
 * Sends gifts, into a live or to a creator's profile or video, through the
 * one payment path (payments.ts); keeps combos, and answers the boards and
 * totals, which count gifts, paid messages and cheers alike.
 */
export interface GiftSending {
  /** Biggest gifters by coins, in one live or to one creator across lives, profile and videos; a combo counts once, as the gifts it holds. */
  topGifters(scope: { liveId: string } | { creatorId: string }, limit: number): Promise<TopGifter[]>;
  /** A live's totals for its summary: gifts sent, and the coins and diamonds of every payment in it (gifts, paid messages, cheers). */
  giftTotals(liveId: string): Promise<GiftTotals>;
  /** Sends a gift into a live that is on. */
  send(input: SendGiftInput): Promise<{ gift: SentGift; replayed: boolean }>;
  /** Sends a gift to a creator's profile, or to one of their videos; 404 creator_not_found for a user who is not a creator. */
  sendToProfile(input: SendProfileGiftInput): Promise<{ gift: SentGift; replayed: boolean }>;
}

export function createGiftSending(deps: GiftSendingDependencies): GiftSending {
  const { kysely, payments, accounts, catalog, config } = deps;

  /**
   * Each sender's latest streak in each live, kept in memory from the gifts this process sent (the
   * projection is read once per sender and live, on first use). A sender whose gifts land on two
   * server processes may see a streak restart; the coins and the boards never depend on it.
   */
  const latestCombos = loadedEntries<StreakEntry>(100_000, async (key) => {
    const [liveId, senderId] = key.split('\u0000') as [string, string];
    const row = await kysely
      .selectFrom('gift_events')
      .select(['combo_id', 'combo_count', 'sent_at'])
      .where('live_id', '=', liveId)
      .where('sender_id', '=', senderId)
      // A paid message or a cheer in between leaves a streak going.
      .where('kind', '=', 'gift')
      .orderBy('sent_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return { latest: row?.combo_id ? { id: row.combo_id, giftId: row.combo_id.split(':')[1]!, count: Number(row.combo_count), atMs: Date.parse(row.sent_at) } : null };
  });

  /** The sender's streak entry in the live, loaded from the projection on first use. */
  const streakOf = (liveId: string, senderId: string): Promise<StreakEntry> => latestCombos.get(`${liveId}\u0000${senderId}`);

  /**
   * Claims this gift's place in its sender's streak in the live: it continues the combo of the same
   * streakable gift sent recently, else starts one (or, not streakable, ends the streak). Claimed at
   * once, before the payment is submitted, so concurrent gifts of one sender count on one after the
   * other; `release` gives the claim back when the gift is not sent after all.
   */
  async function claimCombo(liveId: string, senderId: string, giftId: string, streakable: boolean, quantity: number, at: Date) {
    const entry = await streakOf(liveId, senderId);
    // Read after the wait, with no other wait before the claim: what earlier claims left.
    const previous = entry.latest;
    let combo: { id: string; count: number } | null = null;
    if (streakable) {
      const continues = previous !== null && at.getTime() - previous.atMs <= config.comboWindowMs && previous.giftId === giftId;
      combo = continues ? { id: previous.id, count: previous.count + quantity } : { id: `${senderId}:${giftId}:${at.getTime()}`, count: quantity };
    }
    const claimed = combo && { id: combo.id, count: combo.count, giftId, atMs: at.getTime() };
    entry.latest = claimed;
    return {
      combo,
      release() {
        if (entry.latest === claimed) entry.latest = previous;
      },
    };
  }

  async function sendGift(input: GiftChoice, target: PaymentTarget): Promise<{ gift: SentGift; replayed: boolean }> {
    const giftTarget: GiftTarget = target.type === 'video' ? { type: 'video', videoId: target.videoId } : { type: target.type };
    /** The streak places this request claimed: one per attempt, given back unless the gift is sent. */
    const claims: { release(): void }[] = [];
    const paid = await payments
      .pay<GiftPaid>({
        kind: 'gift',
        senderId: input.senderId,
        target,
        request: { giftId: input.giftId, quantity: input.quantity },
        confirm: input.confirm,
        idempotencyKey: input.idempotencyKey,
        session: input.session,
        async price(sender) {
          const gift = await catalog.requireOffered(input.giftId, sender.region);
          return {
            coins: gift.coins * input.quantity,
            label: `${input.quantity} × ${gift.name}`,
            describe: async ({ creatorId, liveId, coins, diamonds, at, senderLevel }) => {
              // Read after the sender's authorization version: a subscription ending meanwhile moves it, and the ledger then refuses the gift.
              if (gift.subscribersOnly && !(await deps.subscriberAccess?.(sender.id, creatorId))) {
                throw DomainError.forbidden('subscribers_only_gift', `${gift.name} is for subscribers: subscribe to this creator to send it.`);
              }
              const claim = liveId === null ? null : await claimCombo(liveId, sender.id, gift.id, gift.streakable, input.quantity, at);
              if (claim) claims.push(claim);
              return {
                liveId,
                target: giftTarget,
                giftId: gift.id,
                name: gift.name,
                tier: gift.tier,
                icon: gift.icon,
                quantity: input.quantity,
                coins,
                diamonds,
                senderId: sender.id,
                senderName: sender.displayName,
                senderLevel,
                creatorId,
                combo: claim?.combo ?? null,
                sentAt: at.toISOString(),
              };
            },
          };
        },
        roomEvent: (gift, liveId) =>
          ({
            type: 'gift',
            liveId,
            giftId: gift.giftId,
            name: gift.name,
            tier: gift.tier,
            icon: gift.icon,
            quantity: gift.quantity,
            coins: gift.coins,
            diamonds: gift.diamonds,
            senderId: gift.senderId,
            senderName: gift.senderName,
            senderLevel: gift.senderLevel,
            creatorId: gift.creatorId,
            combo: gift.combo,
            sentAt: gift.sentAt,
          }) satisfies Omit<GiftEvent, 'eventId'>,
        columns: (gift) => ({ giftId: gift.giftId, quantity: gift.quantity, combo: gift.combo, pinnedUntil: null }),
      })
      .catch((error: unknown) => {
        for (const claim of claims) claim.release();
        throw error;
      });
    // Only the attempt that was sent keeps its claim: a replay answers an earlier gift.
    const kept = paid.replayed ? undefined : claims.at(-1);
    for (const claim of claims) if (claim !== kept) claim.release();
    return { gift: Object.assign({}, paid.result, { id: paid.id, transferId: paid.id }), replayed: paid.replayed };
  }

  async function topGifters(scope: { liveId: string } | { creatorId: string }, limit: number): Promise<TopGifter[]> {
    const rows = await kysely
      .selectFrom('gift_events')
      // Coins whose purchase was charged back do not count: a stolen card buys no place on a board.
      .select((eb) => ['sender_id', eb.fn.sum<bigint>(eb('coins', '-', eb.ref('clawed_back_coins'))).as('coins'), eb.fn.max('sent_at').as('last_sent_at')])
      .where('liveId' in scope ? 'live_id' : 'creator_id', '=', 'liveId' in scope ? scope.liveId : scope.creatorId)
      .groupBy('sender_id')
      .having((eb) => eb.fn.sum(eb('coins', '-', eb.ref('clawed_back_coins'))), '>', 0n)
      // Ties go to whoever reached the total first.
      .orderBy('coins', 'desc')
      .orderBy('last_sent_at', 'asc')
      .limit(limit)
      .execute();
    const names = await accounts.namesOf(rows.map((row) => row.sender_id));
    return rows.flatMap((row) => {
      const name = names.get(row.sender_id);
      return name ? [{ userId: row.sender_id, handle: name.handle, displayName: name.displayName, coins: Number(row.coins) }] : [];
    });
  }

  return {
    topGifters,

    async giftTotals(liveId) {
      const totals = await kysely
        .selectFrom('gift_events')
        .select((eb) => [
          eb.fn.sum<bigint>(eb.case().when('kind', '=', 'gift').then(eb.ref('quantity')).else(0n).end()).as('gifts'),
          eb.fn.sum<bigint>('coins').as('coins'),
          eb.fn.sum<bigint>('diamonds').as('diamonds'),
        ])
        .where('live_id', '=', liveId)
        .executeTakeFirstOrThrow();
      return {
        giftCount: Number(totals.gifts ?? 0),
        coins: Number(totals.coins ?? 0),
        diamonds: Number(totals.diamonds ?? 0),
        topGifters: await topGifters({ liveId }, 10),
      };
    },

    async send(input) {
      checkQuantity(input.quantity);
      return sendGift(input, { type: 'live', liveId: input.liveId, recipientId: input.recipientId });
    },

    async sendToProfile(input) {
      checkQuantity(input.quantity);
      if (input.videoId !== undefined && !VIDEO_ID_PATTERN.test(input.videoId)) {
        throw DomainError.invalidField('videoId', 'invalid_video_id', `A videoId is 1 to 64 letters, digits, underscores and hyphens; not ${JSON.stringify(input.videoId.slice(0, 80))}.`);
      }
      const creator = await accounts.profile(input.creatorHandle, undefined);
      if (!creator.isCreator) throw DomainError.notFound('creator_not_found', `@${creator.handle} is not a creator, so they cannot receive gifts.`);
      return sendGift(input, input.videoId === undefined ? { type: 'profile', creatorId: creator.id } : { type: 'video', creatorId: creator.id, videoId: input.videoId });
    },
  };
}
