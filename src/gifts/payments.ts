import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Accounts, User } from '../accounts/index.js';
import { batchedWrites } from '../db/batched-writes.js';
import { repairEach, type RepairResult } from '../db/repairs.js';
import type { Schema } from '../db/schema.js';
import { COIN, DIAMOND, LedgerError, outboxMessageId, platformAccountId, userCoinWalletId, userDiamondWalletId, type Ledger } from '../ledger/index.js';
import { ApiError } from '../server/errors.js';
import type { CreatorTiers } from './creator-tiers.js';
import type { GiftEventTable } from './schema.js';

/** What a viewer pays a creator for; `<kind>.sent` is its webhook event, and the transfer's metadata `kind`. */
export const PAYMENT_KINDS = ['gift', 'paid_message', 'cheer'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/** Where a payment goes: into a live, or to a creator's profile or one of their videos. */
export type PaymentTarget = { type: 'live'; liveId: string } | { type: 'profile'; creatorId: string } | { type: 'video'; creatorId: string; videoId: string };

/** What paying into a live needs to know of it: that it is on, and whose it is. */
export interface LiveLookup {
  requireLive(liveId: string): Promise<{ id: string; creatorId: string }>;
}

export interface CreatorPaymentConfig {
  /** A coin's value in diamonds before the creator's share. */
  readonly diamondsPerCoin: number;
  /** Payments of at least this many coins need `confirm: true`. */
  readonly confirmCoins: number;
}

/** The fields every kind's answer shares: who paid whom, where, how much. */
export interface CreatorPayment {
  /** Null for a gift to a profile or a video. */
  liveId: string | null;
  senderId: string;
  creatorId: string;
  /** Coins the sender paid. */
  coins: number;
  /** Diamonds the creator earned: their tier's share of the coins' value. */
  diamonds: number;
  sentAt: string;
}

export type Payer = Pick<User, 'id' | 'displayName' | 'region'>;

/** A paid message or a cheer: coins carried by a line of text into a live. */
export interface CoinMessageInput {
  senderId: string;
  liveId: string;
  coins: number;
  /** Trimmed; 1 to the kind's limit of characters, one line. */
  text: string;
  confirm: boolean;
  /** The sender's own key: the same key answers the message first sent with it. */
  idempotencyKey: string;
}

/** The answer fields a paid message and a cheer share. */
export function coinMessageFields(input: CoinMessageInput, text: string, settled: Settlement) {
  return {
    liveId: input.liveId,
    senderId: settled.sender.id,
    senderName: settled.sender.displayName,
    creatorId: settled.creatorId,
    text,
    coins: settled.coins,
    diamonds: settled.diamonds,
  };
}

/** The room event fields a paid message and a cheer share. */
export function coinMessageEvent(message: { senderId: string; senderName: string; text: string; coins: number; sentAt: string }, liveId: string) {
  return { liveId, senderId: message.senderId, senderName: message.senderName, text: message.text, coins: message.coins, sentAt: message.sentAt };
}

/** What the payment path settled, for the kind to describe its answer. */
export interface Settlement {
  sender: Payer;
  creatorId: string;
  liveId: string | null;
  coins: number;
  diamonds: number;
  at: Date;
}

/** A payment priced for its sender. */
export interface Priced<R> {
  coins: number;
  /** Names what is bought in refusals, such as "3 × Perfume" or "This paid message". */
  label: string;
  /** The answer, which is also the webhook event's `data`. */
  describe(settled: Settlement): R | Promise<R>;
}

/** The projection's columns that depend on the kind. */
export interface KindColumns {
  giftId: string | null;
  quantity: number;
  combo: { id: string; count: number } | null;
  pinnedUntil: string | null;
}

export interface PaymentRequest<R extends CreatorPayment> {
  kind: PaymentKind;
  senderId: string;
  target: PaymentTarget;
  /** What was asked besides kind and target (a gift and quantity; coins and a text digest): a retry with the same key must ask the same. */
  request: Readonly<Record<string, string | number>>;
  confirm: boolean;
  /** The sender's own key: two senders may pick the same one. */
  idempotencyKey: string;
  /** Prices the payment once the sender may pay the creator; throws to refuse, such as a gift not offered in the sender's region. */
  price(sender: Payer): Promise<Priced<R>> | Priced<R>;
  /** The room event of a payment in a live: its src/live/protocol.ts type without `eventId`, which the relay adds. */
  roomEvent(result: R, liveId: string): Record<string, unknown>;
  columns(result: R): KindColumns;
}

export interface Paid<R> {
  /** The ledger transfer that moved the coins and diamonds. */
  id: string;
  result: R;
  /** True when the key had already paid: `result` is the first answer. */
  replayed: boolean;
}

/** An outbox message committed with a transfer, with the id the relay delivers it under (a room event's `eventId`). */
export interface CommittedMessage {
  transferId: string;
  eventId: string;
  payload: Record<string, unknown>;
}

export interface CreatorPaymentsDependencies {
  kysely: Kysely<Schema>;
  ledger: Ledger;
  accounts: Pick<Accounts, 'assertCapability'>;
  lives: LiveLookup;
  tiers: Pick<CreatorTiers, 'sharePercentOf'>;
  config: CreatorPaymentConfig;
  now: () => Date;
}

/** Projection rows one insert writes at most: 14 parameters each, well within both engines' limits. */
const RECORD_BATCH_ROWS = 500;

const NOUNS: Record<PaymentKind, string> = { gift: 'gifts', paid_message: 'paid messages', cheer: 'cheers' };

function seqOf(transferId: string): bigint {
  return BigInt(transferId.slice('tr_'.length));
}

/** The target as the transfer's metadata records it, so a retry can be matched against it. */
function targetFields(target: PaymentTarget): Record<string, string> {
  if (target.type === 'live') return { target: 'live', liveId: target.liveId };
  if (target.type === 'profile') return { target: 'profile', creatorId: target.creatorId };
  return { target: 'video', creatorId: target.creatorId, videoId: target.videoId };
}

/** Diamonds a creator earns for `coins`: their share of the coins' diamond value, rounded down. */
function diamondsFor(coins: number, diamondsPerCoin: number, sharePercent: number): number {
  return Number((BigInt(coins) * BigInt(diamondsPerCoin) * BigInt(sharePercent)) / 100n);
}

/**
 * The one way coins reach a creator, for gifts, paid messages and cheers
 * alike. It checks who may pay whom, then submits one ledger transfer: the
 * sender's coins to the gift sink, and diamonds from issuance to the
 * creator at their tier's share. The room event (in a live) and the
 * operators' webhook event are outbox messages of that same transfer, so an
 * event exists if and only if the payment happened. The projection row for
 * totals and boards is written after the commit, idempotently by transfer id.
 */
export function createCreatorPayments(deps: CreatorPaymentsDependencies) {
  const { kysely, ledger, accounts, lives, tiers, config, now } = deps;

  const keyReused = () =>
    new ApiError(409, 'idempotency_error', 'idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key for each gift, paid message or cheer.');

  async function recipientOf(target: PaymentTarget): Promise<{ creatorId: string; liveId: string | null }> {
    if (target.type !== 'live') return { creatorId: target.creatorId, liveId: null };
    const live = await lives.requireLive(target.liveId);
    return { creatorId: live.creatorId, liveId: live.id };
  }

  /**
   * The messages committed with these transfers on one topic. Read from the ledger's outbox: it is
   * what was committed with each payment, and what the room and the operators were sent.
   */
  async function committedMessages(transferIds: readonly string[], topic: string): Promise<CommittedMessage[]> {
    if (transferIds.length === 0) return [];
    const rows = await kysely
      .selectFrom('outbox')
      .select(['transfer_seq', 'position', 'payload'])
      .where('transfer_seq', 'in', transferIds.map(seqOf))
      .where('topic', '=', topic)
      .orderBy('transfer_seq')
      .orderBy('position')
      .execute();
    return rows.map((row) => ({
      transferId: `tr_${row.transfer_seq}`,
      eventId: outboxMessageId(row.transfer_seq, row.position),
      payload: JSON.parse(row.payload) as Record<string, unknown>,
    }));
  }

  const insertGiftEvents = batchedWrites<GiftEventTable>(async (rows) => {
    await kysely
      .insertInto('gift_events')
      .values(rows)
      .onConflict((oc) => oc.column('transfer_id').doNothing())
      .execute();
  }, RECORD_BATCH_ROWS);

  async function record<R extends CreatorPayment>(request: Pick<PaymentRequest<R>, 'kind' | 'target' | 'columns'>, transferId: string, result: R): Promise<void> {
    const columns = request.columns(result);
    await insertGiftEvents({
      transfer_id: transferId,
      kind: request.kind,
      live_id: result.liveId,
      video_id: request.target.type === 'video' ? request.target.videoId : null,
      gift_id: columns.giftId,
      sender_id: result.senderId,
      creator_id: result.creatorId,
      quantity: BigInt(columns.quantity),
      coins: BigInt(result.coins),
      diamonds: BigInt(result.diamonds),
      combo_id: columns.combo?.id ?? null,
      combo_count: BigInt(columns.combo?.count ?? columns.quantity),
      pinned_until: columns.pinnedUntil,
      sent_at: result.sentAt,
    });
  }

  /** The first answer of a payment already made, from its webhook event's data. */
  async function replay<R extends CreatorPayment>(request: PaymentRequest<R>, transferId: string): Promise<Paid<R>> {
    const [message] = await committedMessages([transferId], 'webhook');
    if (!message) throw new Error(`transfer ${transferId} has no webhook message in the outbox`);
    const result = message.payload.data as R;
    // Also repairs a projection row lost between the first commit and its write.
    await record(request, transferId, result);
    return { id: transferId, result, replayed: true };
  }

  return {
    committedMessages,

    /**
     * Writes the projection rows a crash left out: a process killed between a payment's commit and its
     * row's write leaves the payment without it, and only a retry with its key would write it. Rebuilt
     * from the transfer's metadata and its webhook event, as a replay does. Run at start, one payment at
     * a time: one that cannot be written is reported and skipped, never stopping the others.
     */
    async repairRecords(): Promise<RepairResult> {
      const rows = await kysely
        .selectFrom('ledger_transfers as t')
        .innerJoin('outbox as o', (join) => join.onRef('o.transfer_seq', '=', 't.seq').on('o.topic', '=', 'webhook'))
        .select(['t.seq', 't.metadata', 'o.payload'])
        // Every payment's key starts with `gift:`: a range on the key's unique index.
        .where('t.idempotency_key', '>=', 'gift:')
        .where('t.idempotency_key', '<', 'gift;')
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('gift_events as g').select('g.transfer_id').where('g.transfer_id', '=', sql<string>`'tr_' || t.seq`))))
        .execute();
      return repairEach(
        rows,
        (row) => `tr_${row.seq}`,
        async (row) => {
          const metadata = JSON.parse(row.metadata) as Record<string, string>;
          const kind = metadata.kind as PaymentKind;
          const target: PaymentTarget =
            metadata.target === 'live'
              ? { type: 'live', liveId: metadata.liveId! }
              : metadata.target === 'video'
                ? { type: 'video', creatorId: metadata.creatorId!, videoId: metadata.videoId! }
                : { type: 'profile', creatorId: metadata.creatorId! };
          const result = (JSON.parse(row.payload) as { data: CreatorPayment & Partial<KindColumns> }).data;
          const columns = (): KindColumns => ({ giftId: result.giftId ?? null, quantity: result.quantity ?? 1, combo: result.combo ?? null, pinnedUntil: result.pinnedUntil ?? null });
          await record({ kind, target, columns }, `tr_${row.seq}`, result);
        },
      );
    },

    /** Pays a creator; the same key answers the payment first made with it. */
    async pay<R extends CreatorPayment>(request: PaymentRequest<R>): Promise<Paid<R>> {
      const idempotencyKey = `gift:${createHash('sha256').update(`${request.senderId}\u0000${request.idempotencyKey}`).digest('base64url')}`;
      const asked = { kind: request.kind, ...targetFields(request.target), ...request.request };
      // Matched before the checks, so a retry after the live ended (or the price or tier changed) still answers the payment made.
      const earlier = await ledger.getTransferByKey(idempotencyKey);
      if (earlier) {
        if (!Object.entries(asked).every(([field, value]) => earlier.metadata[field] === value)) throw keyReused();
        return replay(request, earlier.id);
      }

      const { creatorId, liveId } = await recipientOf(request.target);
      if (creatorId === request.senderId) {
        throw ApiError.invalidRequest('cannot_gift_yourself', `You cannot send ${NOUNS[request.kind]} to ${liveId === null ? 'yourself' : 'your own live'}.`);
      }
      const sender = await accounts.assertCapability(request.senderId, 'send_gifts');
      await accounts.assertCapability(creatorId, 'receive_gifts');
      const priced = await request.price(sender);
      const coins = priced.coins;
      if (coins >= config.confirmCoins && !request.confirm) {
        throw ApiError.invalidField('confirm', 'confirmation_required', `${priced.label} costs ${coins.toLocaleString('en-US')} coins. Send "confirm": true to send it.`);
      }
      const diamonds = diamondsFor(coins, config.diamondsPerCoin, await tiers.sharePercentOf(creatorId));
      const result = await priced.describe({ sender, creatorId, liveId, coins, diamonds, at: now() });

      const legs = [
        { accountId: userCoinWalletId(request.senderId), asset: COIN, direction: 'debit' as const, amount: coins },
        { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit' as const, amount: coins },
        ...(diamonds > 0
          ? [
              { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit' as const, amount: diamonds },
              { accountId: userDiamondWalletId(creatorId), asset: DIAMOND, direction: 'credit' as const, amount: diamonds },
            ]
          : []),
      ];
      let transfer;
      try {
        transfer = await ledger.submit({
          type: 'posted',
          idempotencyKey,
          legs,
          metadata: { ...asked, coins, senderId: request.senderId, creatorId },
          outbox: [
            ...(liveId === null ? [] : [{ topic: `live:${liveId}`, payload: request.roomEvent(result, liveId) }]),
            { topic: 'webhook', payload: { event: `${request.kind}.sent`, data: result } },
          ],
        });
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'insufficient_funds') {
          const wallet = await ledger.getAccount(userCoinWalletId(request.senderId));
          throw new ApiError(
            402,
            'invalid_request_error',
            'insufficient_coins',
            `${priced.label} costs ${coins.toLocaleString('en-US')} coins and you have ${(wallet?.available ?? 0n).toLocaleString('en-US')}. Recharge to send it.`,
          );
        }
        if (error instanceof LedgerError && error.code === 'idempotency_conflict') throw keyReused();
        throw error;
      }
      // A concurrent request with the same key committed first: answer what it committed.
      if (transfer.replayed) return replay(request, transfer.id);
      await record(request, transfer.id, result);
      return { id: transfer.id, result, replayed: false };
    },
  };
}

export type CreatorPayments = ReturnType<typeof createCreatorPayments>;
