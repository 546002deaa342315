import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import { parseInteger } from '../config/config.js';
import type { Schema } from '../db/schema.js';
import { COIN, DIAMOND, LedgerError, platformAccountId, userCoinWalletId, userDiamondWalletId, type Ledger } from '../ledger/index.js';
import { ApiError } from '../server/errors.js';
import type { GiftCatalog, GiftTier } from './catalog.js';

/** What sending needs to know of a live: that it is on, and whose it is. */
export interface LiveLookup {
  requireLive(liveId: string): Promise<{ id: string; creatorId: string }>;
}

export interface GiftSendingConfig {
  /** Creator's share of a gift's coin value, in percent. */
  readonly diamondSharePercent: number;
  /** A coin's value in diamonds before the share: 2 when a coin is worth about 0.01 USD and a diamond 0.005 USD. */
  readonly diamondsPerCoin: number;
  /** Gifts of at least this many coins (price × quantity) need `confirm: true`. */
  readonly confirmCoins: number;
  /** Repeats of a streakable gift within this long continue its combo. */
  readonly comboWindowMs: number;
}

/**
 * Reads GIFT_DIAMOND_SHARE_PERCENT (default 50), GIFT_DIAMONDS_PER_COIN (2), GIFT_CONFIRM_COINS (5000)
 * and GIFT_COMBO_WINDOW_MS (5000). Throws a ConfigError naming an invalid variable.
 */
export function loadGiftSendingConfig(env: Readonly<Record<string, string | undefined>>): GiftSendingConfig {
  const read = (name: string, fallback: string, min: number, max: number) => parseInteger(name, env[name]?.trim() || fallback, min, max);
  return {
    diamondSharePercent: read('GIFT_DIAMOND_SHARE_PERCENT', '50', 0, 100),
    diamondsPerCoin: read('GIFT_DIAMONDS_PER_COIN', '2', 1, 1000),
    confirmCoins: read('GIFT_CONFIRM_COINS', '5000', 1, 1_000_000_000),
    comboWindowMs: read('GIFT_COMBO_WINDOW_MS', '5000', 0, 60_000),
  };
}

export interface SentGift {
  id: string;
  liveId: string;
  giftId: string;
  name: string;
  tier: GiftTier;
  quantity: number;
  /** Coins the sender paid: price × quantity. */
  coins: number;
  /** Diamonds the creator earned. */
  diamonds: number;
  senderId: string;
  creatorId: string;
  /** The streak this gift belongs to: `count` is the running total of gifts in it. */
  combo: { id: string; count: number } | null;
  transferId: string;
  sentAt: string;
}

export interface TopGifter {
  userId: string;
  handle: string;
  displayName: string;
  coins: number;
}

export interface SendGiftInput {
  senderId: string;
  liveId: string;
  giftId: string;
  quantity: number;
  confirm: boolean;
  idempotencyKey: string;
}

export interface GiftSendingDependencies {
  kysely: Kysely<Schema>;
  ledger: Ledger;
  accounts: Pick<Accounts, 'assertCapability' | 'getUser'>;
  catalog: Pick<GiftCatalog, 'requireOffered'>;
  lives: LiveLookup;
  config: GiftSendingConfig;
  now: () => Date;
}

/**
 * Sends gifts. One ledger transfer takes the coins to the gift sink and
 * credits the creator's diamonds; the room event and the operators' webhook
 * event are outbox messages of that same transfer, so an event exists if and
 * only if the gift happened. The gift's row for totals and leaderboards is
 * written after the commit, idempotently by the transfer id.
 */
export function createGiftSending(deps: GiftSendingDependencies) {
  const { kysely, ledger, accounts, catalog, lives, config, now } = deps;

  /** The combo this gift continues: the same streakable gift from the same sender in the same live, recently. */
  async function comboFor(input: SendGiftInput, streakable: boolean, at: Date): Promise<{ id: string; count: number } | null> {
    if (!streakable) return null;
    const previous = await kysely
      .selectFrom('gift_events')
      .select(['combo_id', 'combo_count', 'sent_at'])
      .where('live_id', '=', input.liveId)
      .where('sender_id', '=', input.senderId)
      .orderBy('sent_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const comboId = previous?.combo_id ?? null;
    const recent = previous !== undefined && at.getTime() - Date.parse(previous.sent_at) <= config.comboWindowMs;
    if (comboId !== null && recent && comboId.split(':')[1] === input.giftId) return { id: comboId, count: Number(previous!.combo_count) + input.quantity };
    return { id: `${input.senderId}:${input.giftId}:${at.getTime()}`, count: input.quantity };
  }

  async function record(gift: SentGift): Promise<void> {
    await kysely
      .insertInto('gift_events')
      .values({
        transfer_id: gift.transferId,
        live_id: gift.liveId,
        gift_id: gift.giftId,
        sender_id: gift.senderId,
        creator_id: gift.creatorId,
        quantity: BigInt(gift.quantity),
        coins: BigInt(gift.coins),
        diamonds: BigInt(gift.diamonds),
        combo_id: gift.combo?.id ?? null,
        combo_count: BigInt(gift.combo?.count ?? gift.quantity),
        sent_at: gift.sentAt,
      })
      .onConflict((oc) => oc.column('transfer_id').doNothing())
      .execute();
  }

  /** A gift by its transfer, from the room event committed with it. */
  async function byTransfer(transferId: string): Promise<SentGift | undefined> {
    const message = await kysely
      .selectFrom('outbox')
      .select('payload')
      .where('transfer_seq', '=', BigInt(transferId.slice(3)))
      .where('position', '=', 0n)
      .executeTakeFirst();
    if (!message) return undefined;
    const event = JSON.parse(message.payload) as Omit<SentGift, 'id' | 'transferId'>;
    return { ...event, id: transferId, transferId };
  }

  /** Biggest gifters by coins, in one live or to one creator across all lives; a combo counts once, as the gifts it holds. */
  async function topGifters(scope: { liveId: string } | { creatorId: string }, limit: number): Promise<TopGifter[]> {
    const rows = await kysely
      .selectFrom('gift_events as g')
      .innerJoin('users as u', 'u.id', 'g.sender_id')
      .select((eb) => ['g.sender_id', 'u.handle', 'u.display_name', eb.fn.sum<bigint>('g.coins').as('coins'), eb.fn.max('g.sent_at').as('last_sent_at')])
      .where('liveId' in scope ? 'g.live_id' : 'g.creator_id', '=', 'liveId' in scope ? scope.liveId : scope.creatorId)
      .groupBy(['g.sender_id', 'u.handle', 'u.display_name'])
      // Ties go to whoever reached the total first.
      .orderBy('coins', 'desc')
      .orderBy('last_sent_at', 'asc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ userId: row.sender_id, handle: row.handle, displayName: row.display_name, coins: Number(row.coins) }));
  }

  return {
    topGifters,

    /** A live's gift totals and top gifters, for its summary. */
    async giftTotals(liveId: string) {
      const totals = await kysely
        .selectFrom('gift_events')
        .select((eb) => [eb.fn.sum<bigint>('quantity').as('gifts'), eb.fn.sum<bigint>('coins').as('coins'), eb.fn.sum<bigint>('diamonds').as('diamonds')])
        .where('live_id', '=', liveId)
        .executeTakeFirstOrThrow();
      return {
        giftCount: Number(totals.gifts ?? 0),
        coins: Number(totals.coins ?? 0),
        diamonds: Number(totals.diamonds ?? 0),
        topGifters: await topGifters({ liveId }, 10),
      };
    },

    /** Sends a gift; the same key answers the gift first sent with it. */
    async send(input: SendGiftInput): Promise<{ gift: SentGift; replayed: boolean }> {
      const live = await lives.requireLive(input.liveId);
      if (live.creatorId === input.senderId) throw ApiError.invalidRequest('cannot_gift_yourself', 'You cannot send gifts to your own live.');
      await accounts.assertCapability(input.senderId, 'send_gifts');
      await accounts.assertCapability(live.creatorId, 'receive_gifts');
      const sender = await accounts.getUser(input.senderId);
      const gift = await catalog.requireOffered(input.giftId, sender.region);
      const coins = gift.coins * input.quantity;
      if (coins >= config.confirmCoins && !input.confirm) {
        throw ApiError.invalidField(
          'confirm',
          'confirmation_required',
          `${input.quantity} × ${gift.name} costs ${coins.toLocaleString('en-US')} coins. Send "confirm": true to send it.`,
        );
      }
      const diamonds = Math.floor((coins * config.diamondsPerCoin * config.diamondSharePercent) / 100);
      const at = now();
      const combo = await comboFor(input, gift.streakable, at);
      // The sender's key is theirs alone: two viewers may pick the same key.
      const idempotencyKey = `gift:${createHash('sha256').update(`${input.senderId}\u0000${input.idempotencyKey}`).digest('base64url')}`;
      const event = {
        type: 'gift',
        liveId: live.id,
        giftId: gift.id,
        name: gift.name,
        tier: gift.tier,
        icon: gift.icon,
        quantity: input.quantity,
        coins,
        diamonds,
        senderId: input.senderId,
        senderName: sender.displayName,
        creatorId: live.creatorId,
        combo,
        sentAt: at.toISOString(),
      };
      const legs = [
        { accountId: userCoinWalletId(input.senderId), asset: COIN, direction: 'debit' as const, amount: coins },
        { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit' as const, amount: coins },
        ...(diamonds > 0
          ? [
              { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit' as const, amount: diamonds },
              { accountId: userDiamondWalletId(live.creatorId), asset: DIAMOND, direction: 'credit' as const, amount: diamonds },
            ]
          : []),
      ];
      let transfer;
      try {
        transfer = await ledger.submit({
          type: 'posted',
          idempotencyKey,
          legs,
          metadata: { kind: 'gift', liveId: live.id, giftId: gift.id, quantity: input.quantity, senderId: input.senderId, creatorId: live.creatorId },
          outbox: [
            { topic: `live:${live.id}`, payload: event },
            { topic: 'webhook', payload: { event: 'gift.sent', data: event } },
          ],
        });
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'insufficient_funds') {
          const wallet = await ledger.getAccount(userCoinWalletId(input.senderId));
          throw new ApiError(
            402,
            'invalid_request_error',
            'insufficient_coins',
            `${input.quantity} × ${gift.name} costs ${coins.toLocaleString('en-US')} coins and you have ${(wallet?.available ?? 0n).toLocaleString('en-US')}. Recharge to send it.`,
          );
        }
        if (error instanceof LedgerError && error.code === 'idempotency_conflict') {
          throw new ApiError(409, 'idempotency_error', 'idempotency_key_reused', 'This Idempotency-Key was used for a different gift; use a new key for a new gift.');
        }
        throw error;
      }
      // A replay answers the gift as first sent: its event is in the transfer's outbox message.
      const sent = transfer.replayed ? await byTransfer(transfer.id) : undefined;
      const result: SentGift = sent ?? { ...event, id: transfer.id, transferId: transfer.id, name: gift.name };
      await record(result);
      return { gift: result, replayed: transfer.replayed };
    },

    byTransfer,
  };
}

export type GiftSending = ReturnType<typeof createGiftSending>;
