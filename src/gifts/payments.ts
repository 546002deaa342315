import { hash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Accounts, User } from '../accounts/index.js';
import { repairEach, type RepairResult, type Schema } from '../db/index.js';
import {
  COIN,
  DIAMOND,
  LedgerError,
  messagesOfTransfers,
  platformAccountId,
  transfersMissingRecord,
  userCoinWalletId,
  userDiamondWalletId,
  type CounterInput,
  type LegInput,
  type Ledger,
  type RecordInput,
} from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import type { CreatorTiers } from './creator-tiers.js';
import type { GiftEventTable } from './schema.js';

/** What a viewer pays a creator for; `<kind>.sent` is its webhook event, and the transfer's metadata `kind`. */
export const PAYMENT_KINDS = ['gift', 'paid_message', 'cheer'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/** Where a payment goes: into a live, or to a creator's profile or one of their videos. */
export type PaymentTarget =
  /** `recipientId`: a guest on the live's stage to pay instead of its host. */
  { type: 'live'; liveId: string; recipientId?: string } | { type: 'profile'; creatorId: string } | { type: 'video'; creatorId: string; videoId: string };

/** What paying into a live needs to know of it: that it is on, whose it is, and who is on its stage. */
export interface LiveLookup {
  requireLive(liveId: string): Promise<{ id: string; creatorId: string }>;
  /** Refuses unless the user is a guest on the live's stage now; without it, a live pays its host only. */
  requireOnStage?(liveId: string, userId: string): Promise<void>;
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
  /** The sender's gifter level with this payment; absent on payments made before levels existed. */
  senderLevel?: number;
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
  session?: PayerSession;
}

/**
 * The session a payment is made in. A room socket names its session; a request names it with the
 * authorization version it was checked under, when it came from memory. Without one, the payment is
 * made for the sender as their account stands.
 */
export interface PayerSession {
  sessionId: string;
  authorizationVersion?: bigint;
}

/** The answer fields a paid message and a cheer share. */
export function coinMessageFields(input: CoinMessageInput, text: string, settled: Settlement) {
  return {
    liveId: input.liveId,
    senderId: settled.sender.id,
    senderName: settled.sender.displayName,
    senderLevel: settled.senderLevel,
    creatorId: settled.creatorId,
    text,
    coins: settled.coins,
    diamonds: settled.diamonds,
  };
}

/** The room event fields a paid message and a cheer share. */
export function coinMessageEvent(message: { senderId: string; senderName: string; senderLevel?: number; text: string; coins: number; sentAt: string }, liveId: string) {
  return { liveId, senderId: message.senderId, senderName: message.senderName, senderLevel: message.senderLevel, text: message.text, coins: message.coins, sentAt: message.sentAt };
}

/** What the payment path settled, for the kind to describe its answer. */
export interface Settlement {
  sender: Payer;
  creatorId: string;
  liveId: string | null;
  coins: number;
  diamonds: number;
  at: Date;
  /** The sender's gifter level with this payment (1 when levels are not kept). */
  senderLevel: number;
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
  session?: PayerSession;
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
  accounts: Pick<Accounts, 'authorizePayment'>;
  lives: LiveLookup;
  tiers: Pick<CreatorTiers, 'sharePercentOf'>;
  config: CreatorPaymentConfig;
  now: () => Date;
  /**
   * Running totals of other modules (gifter levels, rankings): the counters each payment moves in its own transfer,
   * and what follows once it committed, told what the totals became.
   */
  totals?: {
    counters(payment: CountedPayment): CounterInput[];
    /** The sender's level with this payment, claimed before its transfer is submitted. */
    claimLevel(senderId: string, coins: number): Promise<LevelClaim>;
    committed(payment: CountedPayment & { liveId: string | null }, counterTotals: (Record<string, bigint> | null)[], level: LevelClaim): Promise<void>;
  };
  /** Other modules' tallies of a live's or a creator's payments (goals, battles, fan clubs), moved in the payment's transfer too. */
  tallies?: readonly PaymentTally[];
}

/** A payment as a tally sees it: what it paid, to whom, where, and for which gift. */
export interface TalliedPayment extends CountedPayment {
  kind: PaymentKind;
  liveId: string | null;
  /** The gift sent, null for a paid message or a cheer. */
  giftId: string | null;
  quantity: number;
}

/**
 * Running totals another module keeps of payments, written by the ledger in each payment's own transfer.
 * `records` and `committed` are handed back the counters `counters` gave, so a tally can carry what it
 * decided on them (its own fields beside the ledger's, which the ledger ignores) rather than look the
 * payment up in a map of its own: a WeakMap entry per payment costs microseconds of garbage collection.
 */
export interface PaymentTally<C extends CounterInput = CounterInput> {
  /** The counters this payment moves here: none when it does not count. May wait for what it keeps in memory to load (never per payment). */
  counters(payment: TalliedPayment): C[] | Promise<C[]>;
  /**
   * Rows written with the payment's transfer, asked only when it moves counters here; `ifCounted` and `addTotal` name one of this
   * tally's own counters, by its place in `counters`. Made for this payment: the payment path moves those places in place.
   */
  records?(payment: TalliedPayment, counters: C[]): RecordInput[];
  /** Once the transfer committed, when it moved counters here: what their rows held right after it, in their order (null for one that did not ask for its totals, or a windowed one that did not count). */
  committed?(payment: TalliedPayment, counterTotals: (Record<string, bigint> | null)[], counters: C[]): Promise<void> | void;
}

/** Each tally's counters for a payment, as they answered: lists, or a promise from one still loading. */
function countersOf(tallies: readonly PaymentTally[], payment: TalliedPayment): (CounterInput[] | Promise<CounterInput[]>)[] {
  const answers = new Array<CounterInput[] | Promise<CounterInput[]>>(tallies.length);
  for (let index = 0; index < tallies.length; index++) answers[index] = tallies[index]!.counters(payment);
  return answers;
}

const isPending = (answer: CounterInput[] | Promise<CounterInput[]>): answer is Promise<CounterInput[]> => !Array.isArray(answer);

/** A payment's place in its sender's gifter level. */
interface LevelClaim {
  level: number;
  committed(lifetimeCoinsAfter: bigint): void;
  released(): void;
}

/** A payment as other modules' running totals count it. */
interface CountedPayment {
  senderId: string;
  creatorId: string;
  coins: number;
  diamonds: number;
  at: Date;
}

/**
 * Coins paid to creators so far, per sender or per creator and sender (`sender_id`, `creator_id`, `coins`), as SQL:
 * where another module's running totals start from when it is added (its migration's backfill).
 */
export function paidCoinsSql(by: 'sender' | 'creator and sender'): RawBuilder<unknown> {
  return by === 'sender'
    ? sql`SELECT sender_id, SUM(coins) AS coins FROM gift_events GROUP BY sender_id`
    : sql`SELECT creator_id, sender_id, SUM(coins) AS coins FROM gift_events GROUP BY creator_id, sender_id`;
}

const NOUNS: Record<PaymentKind, string> = { gift: 'gifts', paid_message: 'paid messages', cheer: 'cheers' };

/** The target as the transfer's metadata records it, so a retry can be matched against it. */
function targetFields(target: PaymentTarget): Record<string, string> {
  if (target.type === 'live') return { target: 'live', liveId: target.liveId, ...(target.recipientId === undefined ? {} : { recipientId: target.recipientId }) };
  if (target.type === 'profile') return { target: 'profile', creatorId: target.creatorId };
  return { target: 'video', creatorId: target.creatorId, videoId: target.videoId };
}

/** Diamonds a creator earns for `coins`: their share of the coins' diamond value, rounded down. */
export function diamondsFor(coins: number, diamondsPerCoin: number, sharePercent: number): number {
  return Number((BigInt(coins) * BigInt(diamondsPerCoin) * BigInt(sharePercent)) / 100n);
}

/**
 * The one way coins reach a creator, for gifts, paid messages and cheers
 * alike. It checks who may pay whom, then submits one ledger transfer: the
 * sender's coins to the gift sink, and diamonds from issuance to the
 * creator at their tier's share. The room event (in a live) and the
 * operators' webhook event are outbox messages of that same transfer, so an
 * event exists if and only if the payment happened, and so does the projection
 * row for totals and boards, committed in the same batch.
 */
/**
 * The legs of a payment to a creator, whatever it buys: the payer's coins to the gift sink, and the
 * creator's diamonds from issuance (none when their share rounds to nothing).
 */
export function creatorPaymentLegs(payerId: string, creatorId: string, coins: number, diamonds: number): LegInput[] {
  return [
    { accountId: userCoinWalletId(payerId), asset: COIN, direction: 'debit', amount: coins },
    { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit', amount: coins },
    ...(diamonds > 0
      ? [
          { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit' as const, amount: diamonds },
          { accountId: userDiamondWalletId(creatorId), asset: DIAMOND, direction: 'credit' as const, amount: diamonds },
        ]
      : []),
  ];
}

export interface CreatorPayments {
  /** The messages committed with these transfers on one topic, by transfer and position. */
  committedMessages(transferIds: readonly string[], topic: string): Promise<CommittedMessage[]>;
  /** Writes the projection rows that payments made by earlier versions are missing; one that fails is reported, not fatal. */
  repairRecords(): Promise<RepairResult>;
  /** Pays a creator; the same key answers the payment first made with it. */
  pay<R extends CreatorPayment>(request: PaymentRequest<R>): Promise<Paid<R>>;
}

export function createCreatorPayments(deps: CreatorPaymentsDependencies): CreatorPayments {
  const { kysely, ledger, accounts, lives, tiers, config, now } = deps;
  const tallies = deps.tallies ?? [];

  const keyReused = () =>
    new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key for each gift, paid message or cheer.');

  async function coinsAvailable(userId: string): Promise<bigint> {
    return (await ledger.getAccount(userCoinWalletId(userId)))?.available ?? 0n;
  }

  const notEnoughCoins = (label: string, coins: number, available: bigint) =>
    new DomainError('insufficient_funds', 'insufficient_coins', `${label} costs ${coins.toLocaleString('en-US')} coins and you have ${available.toLocaleString('en-US')}. Recharge to send it.`);

  async function recipientOf(target: PaymentTarget): Promise<{ creatorId: string; liveId: string | null }> {
    if (target.type !== 'live') return { creatorId: target.creatorId, liveId: null };
    const live = await lives.requireLive(target.liveId);
    if (target.recipientId === undefined || target.recipientId === live.creatorId) return { creatorId: live.creatorId, liveId: live.id };
    if (!lives.requireOnStage) throw DomainError.notFound('not_on_stage', `${target.recipientId} is not on the stage of ${live.id}.`);
    await lives.requireOnStage(live.id, target.recipientId);
    return { creatorId: target.recipientId, liveId: live.id };
  }

  /** The tallies' rows for a payment, each `ifCounted` and `addTotal` moved from the tally's own counters to the transfer's, which start at `firstCounter`. */
  function tallyRecords(tallied: TalliedPayment | undefined, firstCounter: number, tallyCounters: CounterInput[][]): RecordInput[] {
    const records: RecordInput[] = [];
    if (!tallied) return records;
    let offset = firstCounter;
    for (let index = 0; index < tallies.length; index++) {
      const counters = tallyCounters[index]!;
      if (counters.length > 0 && tallies[index]!.records) {
        for (const record of tallies[index]!.records!(tallied, counters)) {
          if (record.ifCounted === undefined && record.addTotal === undefined) records.push(record);
          else {
            // The tally's records are its own, made for this payment: their positions are moved in place.
            if (record.ifCounted !== undefined) record.ifCounted += offset;
            if (record.addTotal !== undefined) record.addTotal.counter += offset;
            records.push(record);
          }
        }
      }
      offset += counters.length;
    }
    return records;
  }

  /**
   * The messages committed with these transfers on one topic. Read from the ledger's outbox: it is
   * what was committed with each payment, and what the room and the operators were sent.
   */
  async function committedMessages(transferIds: readonly string[], topic: string): Promise<CommittedMessage[]> {
    const messages = await messagesOfTransfers(kysely, transferIds, topic);
    return messages.map((message) => ({ transferId: message.transferId, eventId: message.id, payload: JSON.parse(message.payloadJson) as Record<string, unknown> }));
  }

  /** The projection row of a payment (for totals and boards), but for its transfer id. */
  function projectionRow<R extends CreatorPayment>(request: Pick<PaymentRequest<R>, 'kind' | 'target' | 'columns'>, result: R): Omit<GiftEventTable, 'transfer_id' | 'clawed_back_coins'> {
    const columns = request.columns(result);
    return {
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
    };
  }

  /** Writes a payment's projection row if it is missing (payments made before rows were committed with their transfer). */
  async function record<R extends CreatorPayment>(request: Pick<PaymentRequest<R>, 'kind' | 'target' | 'columns'>, transferId: string, result: R): Promise<void> {
    await kysely
      .insertInto('gift_events')
      .values({ transfer_id: transferId, ...projectionRow(request, result) })
      .onConflict((oc) => oc.column('transfer_id').doNothing())
      .execute();
  }

  /** The first answer of a payment already made, from its webhook event's data. */
  async function replay<R extends CreatorPayment>(transferId: string): Promise<Paid<R>> {
    const [message] = await committedMessages([transferId], 'webhook');
    if (!message) throw new Error(`transfer ${transferId} has no webhook message in the outbox`);
    return { id: transferId, result: message.payload.data as R, replayed: true };
  }

  return {
    committedMessages,

    /**
     * Writes the projection rows missing from payments made by earlier versions, which wrote each row
     * after its payment's commit (a process killed in between left it out). Rebuilt from the transfer's
     * metadata and its webhook event. Run at start, one payment at a time: one that cannot be written is
     * reported and skipped, never stopping the others.
     */
    async repairRecords(): Promise<RepairResult> {
      const rows = await transfersMissingRecord(kysely, { keyPrefix: 'gift:', topic: 'webhook', records: { table: 'gift_events', transferIdColumn: 'transfer_id' } });
      return repairEach(
        rows,
        (row) => row.transferId,
        async (row) => {
          const metadata = JSON.parse(row.metadataJson) as Record<string, string>;
          const kind = metadata.kind as PaymentKind;
          const target: PaymentTarget =
            metadata.target === 'live'
              ? { type: 'live', liveId: metadata.liveId! }
              : metadata.target === 'video'
                ? { type: 'video', creatorId: metadata.creatorId!, videoId: metadata.videoId! }
                : { type: 'profile', creatorId: metadata.creatorId! };
          const result = (JSON.parse(row.payloadJson) as { data: CreatorPayment & Partial<KindColumns> }).data;
          const columns = (): KindColumns => ({ giftId: result.giftId ?? null, quantity: result.quantity ?? 1, combo: result.combo ?? null, pinnedUntil: result.pinnedUntil ?? null });
          await record({ kind, target, columns }, row.transferId, result);
        },
      );
    },

    /**
     * Pays a creator; the same key answers the payment first made with it. Who may pay whom comes from
     * memory (accounts' authorization cache); the ledger checks inside its write that nothing changed
     * since it was read, and when something did, the payment is decided again from the database.
     */
    async pay<R extends CreatorPayment>(request: PaymentRequest<R>): Promise<Paid<R>> {
      const idempotencyKey = `gift:${hash('sha256', `${request.senderId}\u0000${request.idempotencyKey}`, 'base64url')}`;
      const asked: Record<string, string | number> = Object.assign({ kind: request.kind }, targetFields(request.target), request.request);
      try {
        return await attempt(request, idempotencyKey, asked, false).catch((error: unknown) => {
          if (error instanceof LedgerError && error.code === 'authorization_changed') return attempt(request, idempotencyKey, asked, true);
          throw error;
        });
      } catch (error) {
        // A retry whose first attempt was paid answers that payment, even when the checks now refuse it
        // (the live ended, the price or tier changed): looked up only when something refused.
        if (error instanceof DomainError && error.kind === 'unauthenticated') throw error;
        const earlier = await ledger.getTransferByKey(idempotencyKey);
        if (!earlier) throw error;
        if (!Object.entries(asked).every(([field, value]) => earlier.metadata[field] === value)) throw keyReused();
        return replay(earlier.id);
      }
    },
  };

  /** Tells the level and each tally what their counters' rows held after the payment: the level's rows come first, then each tally's. */
  async function committedTotals(
    counterTotals: (Record<string, bigint> | null)[],
    payment: CountedPayment & { liveId: string | null },
    level: LevelClaim | undefined,
    tallied: TalliedPayment | undefined,
    tallyCounters: CounterInput[][],
  ): Promise<void> {
    let offset = counterTotals.length - tallyCounters.reduce((count, counters) => count + counters.length, 0);
    // The level's totals come first (only the lifetime total is asked for), then each tally's.
    if (deps.totals && level) await deps.totals.committed(payment, counterTotals.slice(0, offset), level);
    for (let index = 0; index < tallies.length; index++) {
      const tally = tallies[index]!;
      const count = tallyCounters[index]!.length;
      if (tally.committed && count > 0) {
        // Most tallies finish at once: a wait only for one that answers a promise.
        const done = tally.committed(tallied!, counterTotals.slice(offset, offset + count), tallyCounters[index]!);
        if (done) await done;
      }
      offset += count;
    }
  }

  async function attempt<R extends CreatorPayment>(request: PaymentRequest<R>, idempotencyKey: string, asked: Record<string, string | number>, fresh: boolean): Promise<Paid<R>> {
    const { creatorId, liveId } = await recipientOf(request.target);
    if (creatorId === request.senderId) {
      throw DomainError.invalidRequest('cannot_gift_yourself', `You cannot send ${NOUNS[request.kind]} to ${liveId === null ? 'yourself' : 'your own live'}.`);
    }
    const { sender, authorizedVersions } = await accounts.authorizePayment({ senderId: request.senderId, creatorId, session: request.session, fresh });
    const priced = await request.price(sender);
    const coins = priced.coins;
    if (coins >= config.confirmCoins && !request.confirm) {
      // A payment the wallet cannot cover is refused before the payer is asked to confirm it; the ledger still decides.
      const available = await coinsAvailable(request.senderId);
      if (available < BigInt(coins)) throw notEnoughCoins(priced.label, coins, available);
      throw DomainError.invalidField('confirm', 'confirmation_required', `${priced.label} costs ${coins.toLocaleString('en-US')} coins. Confirm to send it.`);
    }
    const diamonds = diamondsFor(coins, config.diamondsPerCoin, await tiers.sharePercentOf(creatorId));
    const at = now();
    const counted: CountedPayment = { senderId: request.senderId, creatorId, coins, diamonds, at };
    // The payment's place in its sender's level, given back unless its transfer is made.
    const level = await deps.totals?.claimLevel(request.senderId, coins);
    let transfer;
    let result: R;
    let tallied: TalliedPayment | undefined;
    let tallyCounters: CounterInput[][] = [];
    try {
      result = await priced.describe({ sender, creatorId, liveId, coins, diamonds, at, senderLevel: level?.level ?? 1 });
      const projection = projectionRow(request, result);
      if (tallies.length > 0) {
        // Written out, not spread from `counted`: a spread into a wider object costs microseconds per payment.
        tallied = { senderId: request.senderId, creatorId, coins, diamonds, at, kind: request.kind, liveId, giftId: projection.gift_id, quantity: Number(projection.quantity) };
        const answers = countersOf(tallies, tallied);
        // Only a tally still loading what it keeps in memory answers with a promise (rarely): no wait when none does.
        tallyCounters = answers.some(isPending) ? await Promise.all(answers) : (answers as CounterInput[][]);
      }
      const levelCounters = deps.totals?.counters(counted) ?? [];
      transfer = await ledger.submit({
        type: 'posted',
        idempotencyKey,
        legs: creatorPaymentLegs(request.senderId, creatorId, coins, diamonds),
        authorizedVersions,
        metadata: Object.assign({}, asked, { coins, senderId: request.senderId, creatorId }),
        outbox: [...(liveId === null ? [] : [{ topic: `live:${liveId}`, payload: request.roomEvent(result, liveId) }]), { topic: 'webhook', payload: { event: `${request.kind}.sent`, data: result } }],
        // Committed with the transfer: the boards and totals count a payment as soon as it exists.
        records: [{ table: 'gift_events', transferIdColumn: 'transfer_id', row: projection }, ...tallyRecords(tallied, levelCounters.length, tallyCounters)],
        // So are other modules' running totals (levels and rankings first, then the tallies in their order).
        counters: tallyCounters.length === 0 ? levelCounters : levelCounters.concat(...tallyCounters),
      });
    } catch (error) {
      level?.released();
      if (error instanceof LedgerError && error.code === 'insufficient_funds') throw notEnoughCoins(priced.label, coins, await coinsAvailable(request.senderId));
      throw error;
    }
    // A request with the same key committed first (concurrently, or before a retry): answer what it committed.
    if (transfer.replayed) {
      level?.released();
      return replay(transfer.id);
    }
    if (transfer.counterTotals) await committedTotals(transfer.counterTotals, { senderId: request.senderId, creatorId, coins, diamonds, at, liveId }, level, tallied, tallyCounters);
    return { id: transfer.id, result, replayed: false };
  }
}
