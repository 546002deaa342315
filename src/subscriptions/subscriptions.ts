import { createHash, randomInt } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { Accounts } from '../accounts/index.js';
import { newestFirstPage, newId, repairEach, writeTransaction, type Database, type RepairResult, type Schema } from '../db/index.js';
import { creatorPaymentLegs, diamondsFor, type CreatorTiers, type LiveLookup, type PayerSession } from '../gifts/index.js';
import { LedgerError, userCoinWalletId, type AuthorizedVersion, type Ledger } from '../ledger/index.js';
import type { OutboxRelay } from '../outbox/index.js';
import { DomainError } from '../shared/errors.js';
import type { SubscriptionsConfig } from './config.js';
import { monthsAfter, periodOfRun, upgradeCoins } from './periods.js';
import type { SubscriptionGiftTable, SubscriptionPaymentTable, SubscriptionTable } from './schema.js';
import type { SubscriptionTier, SubscriptionTiers } from './tiers.js';
import type { SubscriberSchema, SubscriptionGiftSchema, SubscriptionPaymentSchema, SubscriptionSchema } from './views.js';

export type Subscription = Static<typeof SubscriptionSchema>;
export type SubscriptionPayment = Static<typeof SubscriptionPaymentSchema>;
export type Subscriber = Static<typeof SubscriberSchema>;
export type SubscriptionGift = Static<typeof SubscriptionGiftSchema>;

/** The ledger metadata `kind` of every subscription payment: clawbacks trace it as they trace gifts. */
export const SUBSCRIPTION_PAYMENT_KIND = 'subscription';
/** Idempotency keys of subscription payments start with this (the audit reads them by it): `sub:<subscription>:<period>` for a month. */
const SUBSCRIPTION_KEY_PREFIX = 'sub:';

type SubscriptionRow = Selectable<SubscriptionTable>;
type PaymentRow = Selectable<SubscriptionPaymentTable>;
type GiftRow = Selectable<SubscriptionGiftTable>;
type EndReason = 'canceled' | 'payment_failed' | 'closed_by_admin';

/** The `creator_id` of subscriptions to the platform's own premium plan: the coins go to the platform, no creator earns diamonds. */
export const PLATFORM_PAYEE = 'platform';
/** The creator a payment authorizes against: null for the platform, which only the payer's account decides. */
const creatorOf = (payeeId: string): string | null => (payeeId === PLATFORM_PAYEE ? null : payeeId);

/** Subscriptions the renewal job takes per run; the rest wait for the next. */
const RENEWALS_PER_RUN = 500;
/** Tries at a payment whose authorization moved while it was decided (a concurrent change of the subscriber). */
const MAX_ATTEMPTS = 3;
/** How far back each renewal run looks for payments their subscription row missed; older ones are repaired at start. */
const RECENT_REPAIR_MS = 86_400_000;
/** A gift's claim on its recipients lapses after this long unpaid (its process died): they may be paid for again. */
const GIFT_CLAIM_TTL_MS = 300_000;

export interface SubscriptionsDependencies {
  db: Database;
  ledger: Ledger;
  accounts: Pick<Accounts, 'authorizePayment' | 'namesOf' | 'getUser'>;
  /** Whose live it is, when it is on: gifts of subscriptions are made in a live. */
  lives: LiveLookup;
  /** The signed-in viewers in a live's room, from whom a gift of subscriptions draws its recipients. */
  viewersIn: (liveId: string) => Promise<string[]>;
  tiers: SubscriptionTiers;
  /** The creator's share of what viewers pay them, as for gifts. */
  shares: Pick<CreatorTiers, 'sharePercentOf'>;
  /** Webhook events of changes that move no coins, written with the change and relayed after commit. */
  events: Pick<OutboxRelay, 'append' | 'committed'>;
  config: SubscriptionsConfig & { diamondsPerCoin: number; confirmCoins: number };
  now: () => Date;
  /** Told once a change to a subscription committed, so live rooms in every process follow its badge. */
  changed?: (change: { subscriberId: string; creatorId: string }) => void;
}

export interface SubscribeInput {
  subscriberId: string;
  creatorId: string;
  level: number;
  confirm: boolean;
  /** The subscriber's own key: a retry with it answers the first subscribe. */
  idempotencyKey: string;
  session?: PayerSession;
}

export interface ChangeTierInput {
  subscriberId: string;
  subscriptionId: string;
  level: number;
  confirm: boolean;
  idempotencyKey: string;
  session?: PayerSession;
}

export interface GiftSubscriptionsInput {
  gifterId: string;
  liveId: string;
  level: number;
  /** One named viewer (for 1 to 12 months), or `count` viewers drawn from the room who have no subscription (a month each). */
  recipient: { type: 'viewer'; userId: string; months: number } | { type: 'random'; count: number };
  confirm: boolean;
  idempotencyKey: string;
  session?: PayerSession;
}

/** Most viewers one gift draws from the room, and most months one named viewer is given. */
const MAX_GIFTED_SUBSCRIPTIONS = 50;
const MAX_GIFTED_MONTHS = 12;

/** What one run of the renewal job did. */
export interface RenewalReport {
  renewed: number;
  /** Renewals refused (too few coins, a restriction): the subscription is past due, in grace. */
  failed: number;
  /** Cancelled at their period's end, or out of grace. */
  ended: number;
  /** Subscription rows brought up to payments that committed without them. */
  repaired: number;
}

/**
 * Creator subscriptions paid in coins. Each month is one ledger transfer from the subscriber's coins, with
 * the creator's diamonds at their share as for gifts, keyed by the subscription and the period's index:
 * whoever charges a month (the subscribe request, any process's renewal job, a retry after a crash) it is
 * charged once. The payment's row commits with its transfer; the subscription row follows it after.
 */
export interface Subscriptions {
  /** Subscribes (or subscribes again after an end) and pays the first month. */
  subscribe(input: SubscribeInput): Promise<{ subscription: Subscription; payment: SubscriptionPayment; replayed: boolean }>;
  /** Cancels at the period's end: access lasts until then and nothing more is charged. In grace, it ends at once. */
  cancel(subscriberId: string, subscriptionId: string): Promise<Subscription>;
  /** Takes back a cancel before the period ends. */
  resume(subscriberId: string, subscriptionId: string): Promise<Subscription>;
  /** Moves up at once (paying the prorated difference) or down at the next renewal. */
  changeTier(input: ChangeTierInput): Promise<{ subscription: Subscription; payment: SubscriptionPayment | null; replayed: boolean }>;
  /** Buys subscriptions for others in a live, paid in one transfer by the gifter; announced in the room. */
  giftSubscriptions(input: GiftSubscriptionsInput): Promise<{ gift: SubscriptionGift; replayed: boolean }>;
  /** Pays a past-due renewal now rather than at the next retry. */
  renewNow(subscriberId: string, subscriptionId: string): Promise<Subscription>;
  /** The subscriber's subscriptions that were ever paid, newest first. */
  mine(subscriberId: string): Promise<Subscription[]>;
  /** One of the subscriber's subscriptions with its payments, newest first. */
  get(subscriberId: string, subscriptionId: string): Promise<{ subscription: Subscription; payments: SubscriptionPayment[] }>;
  /** A creator's subscribers with access now, longest-standing first. */
  subscribersOf(creatorId: string, limit: number): Promise<Subscriber[]>;
  /** The viewer's subscription to the creator when it gives access now (for badges and perks); undefined otherwise. */
  accessOf(subscriberId: string, creatorId: string): Promise<{ tierLevel: number; totalMonths: number; streakMonths: number } | undefined>;
  /** For admins: subscriptions newest first, by subscriber, creator and status. */
  list(filter: { subscriberId?: string; creatorId?: string; status?: string; after?: string; limit: number }): Promise<{ subscriptions: Subscription[]; nextCursor: string | null }>;
  /** For admins: cancels at the period's end, or ends access at once (`now`); coins already paid are not refunded. */
  adminCancel(subscriptionId: string, input: { now: boolean }): Promise<Subscription>;
  /** Charges the months that came due, ends those cancelled or out of grace, retries failed ones. */
  renewDue(signal?: AbortSignal): Promise<RenewalReport>;
  /** Brings every subscription row up to the payments committed for it (at start: a crash between the two). */
  repair(): Promise<RepairResult>;
}

export function createSubscriptions(deps: SubscriptionsDependencies): Subscriptions {
  const { db, ledger, accounts, lives, tiers, shares, events, config, now } = deps;
  const kysely = db.kysely;

  const requestKeyOf = (subscriberId: string, key: string) => createHash('sha256').update(`${subscriberId}\u0000${key}`).digest('base64url');
  const notFound = () => DomainError.notFound('subscription_not_found', 'No such subscription of yours.');

  async function rowById(id: string, executor: Kysely<Schema> = kysely): Promise<SubscriptionRow | undefined> {
    return executor.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async function ownRow(subscriberId: string, id: string): Promise<SubscriptionRow> {
    const row = await rowById(id);
    if (!row || row.subscriber_id !== subscriberId || row.status === 'new') throw notFound();
    return row;
  }

  /** The pair's row, made (status new) when the viewer never subscribed to the creator; concurrent subscribes meet on its key. */
  async function rowFor(subscriberId: string, creatorId: string, level: number, priceCoins: number): Promise<SubscriptionRow> {
    await kysely
      .insertInto('subscriptions')
      .values(newRow(subscriberId, creatorId, level, priceCoins, now().toISOString()))
      .onConflict((oc) => oc.columns(['subscriber_id', 'creator_id']).doNothing())
      .execute();
    return kysely.selectFrom('subscriptions').selectAll().where('subscriber_id', '=', subscriberId).where('creator_id', '=', creatorId).executeTakeFirstOrThrow();
  }

  function newRow(subscriberId: string, creatorId: string, level: number, priceCoins: number, at: string): SubscriptionRow {
    return {
      id: newId('sub'),
      subscriber_id: subscriberId,
      creator_id: creatorId,
      status: 'new',
      tier_level: BigInt(level),
      price_coins: BigInt(priceCoins),
      next_tier_level: null,
      cancel_at_period_end: 0n,
      period_index: 0n,
      current_period_start: null,
      current_period_end: null,
      anchor_at: null,
      streak_months: 0n,
      total_months: 0n,
      grace_ends_at: null,
      next_attempt_at: null,
      last_failure: null,
      ended_at: null,
      ended_reason: null,
      gift_claim: null,
      gift_claimed_at: null,
      created_at: at,
      updated_at: at,
    };
  }

  function hasAccess(row: SubscriptionRow, at: Date): boolean {
    if (row.status === 'active') return true;
    return row.status === 'past_due' && row.grace_ends_at !== null && row.grace_ends_at > at.toISOString();
  }

  /** Rows as the API answers them, with the names of both users and of the tiers. */
  async function views(rows: readonly SubscriptionRow[]): Promise<Subscription[]> {
    if (rows.length === 0) return [];
    const names = await accounts.namesOf(rows.flatMap((row) => [row.subscriber_id, row.creator_id]));
    const tierRows = await kysely
      .selectFrom('subscription_tiers')
      .select(['creator_id', 'level', 'name', 'price_coins'])
      .where('creator_id', 'in', [...new Set(rows.map((row) => row.creator_id))])
      .execute();
    const tierOf = (creatorId: string, level: bigint) => tierRows.find((tier) => tier.creator_id === creatorId && tier.level === level);
    const at = now();
    return rows.map((row) => {
      const current = tierOf(row.creator_id, row.tier_level);
      const next = row.next_tier_level === null ? undefined : tierOf(row.creator_id, row.next_tier_level);
      const renews = (row.status === 'active' || row.status === 'past_due') && row.cancel_at_period_end === 0n;
      return {
        id: row.id,
        subscriberId: row.subscriber_id,
        subscriberName: names.get(row.subscriber_id)?.displayName ?? '',
        creatorId: row.creator_id,
        creatorHandle: names.get(row.creator_id)?.handle ?? '',
        // The premium plan is named by its tier.
        creatorName: names.get(row.creator_id)?.displayName ?? current?.name ?? '',
        status: row.status as Subscription['status'],
        tier: { level: Number(row.tier_level), name: current?.name ?? `Level ${row.tier_level}` },
        priceCoins: Number(row.price_coins),
        nextTier: next ? { level: Number(next.level), name: next.name, priceCoins: Number(next.price_coins) } : null,
        cancelAtPeriodEnd: row.cancel_at_period_end === 1n,
        currentPeriodStart: row.current_period_start,
        currentPeriodEnd: row.current_period_end,
        renewsAt: renews ? (row.status === 'past_due' ? row.next_attempt_at : row.current_period_end) : null,
        graceEndsAt: row.status === 'past_due' ? row.grace_ends_at : null,
        hasAccess: hasAccess(row, at),
        streakMonths: Number(row.streak_months),
        totalMonths: Number(row.total_months),
        lastFailure: row.last_failure,
        endedAt: row.ended_at,
        endedReason: row.ended_reason as EndReason | null,
        createdAt: row.created_at,
      };
    });
  }

  async function viewOf(row: SubscriptionRow): Promise<Subscription> {
    return (await views([row]))[0]!;
  }

  function paymentView(row: PaymentRow): SubscriptionPayment {
    return {
      transferId: row.transfer_id,
      subscriptionId: row.subscription_id,
      kind: row.kind as SubscriptionPayment['kind'],
      periodIndex: Number(row.period_index),
      tierLevel: Number(row.tier_level),
      coins: Number(row.coins),
      diamonds: Number(row.diamonds),
      periodStart: row.period_start,
      periodEnd: row.period_end,
      streakMonths: Number(row.streak_months),
      paidAt: row.paid_at,
    };
  }

  /**
   * Brings the row up to a payment committed for it, in one conditional update: a month moves the period
   * on (and starts a run when it is the run's first), an upgrade raises the tier. A row already there, or
   * changed in a way the payment no longer applies to, is left as it is.
   */
  async function apply(payment: PaymentRow): Promise<boolean> {
    const at = now().toISOString();
    if (payment.kind === 'upgrade') {
      const result = await kysely
        .updateTable('subscriptions')
        .set({ tier_level: payment.tier_level, price_coins: payment.price_coins, next_tier_level: null, updated_at: at })
        .where('id', '=', payment.subscription_id)
        .where('period_index', '=', payment.period_index)
        .where('tier_level', '<', payment.tier_level)
        .executeTakeFirst();
      return notified(payment, result.numUpdatedRows > 0n);
    }
    const startsRun = payment.streak_months === 1n;
    const result = await kysely
      .updateTable('subscriptions')
      .set((eb) => ({
        status: 'active',
        period_index: payment.period_index,
        tier_level: payment.tier_level,
        price_coins: payment.price_coins,
        current_period_start: payment.period_start,
        current_period_end: payment.period_end,
        streak_months: payment.streak_months,
        total_months: payment.total_months,
        grace_ends_at: null,
        next_attempt_at: null,
        last_failure: null,
        ended_at: null,
        ended_reason: null,
        // A downgrade this month paid is done; one asked for after the payment waits for the next.
        next_tier_level: eb.case().when('next_tier_level', '=', payment.tier_level).then(null).else(eb.ref('next_tier_level')).end(),
        ...(startsRun ? { anchor_at: payment.period_start, cancel_at_period_end: 0n } : {}),
        // A gifted month never charges its recipient after it: it ends unless they resume it themselves.
        ...(payment.gift_id !== null ? { cancel_at_period_end: 1n, gift_claim: null, gift_claimed_at: null } : {}),
        updated_at: at,
      }))
      .where('id', '=', payment.subscription_id)
      .where('period_index', '<', payment.period_index)
      // A renewal applies to a subscription still running, a new run to one that is not.
      .where('status', 'in', startsRun ? ['new', 'ended'] : ['active', 'past_due'])
      .executeTakeFirst();
    return notified(payment, result.numUpdatedRows > 0n);
  }

  /** Tells live rooms that the subscription changed (after its commit), when it did. */
  function notified(row: { subscriber_id: string; creator_id: string }, changed: boolean): boolean {
    if (changed) deps.changed?.({ subscriberId: row.subscriber_id, creatorId: row.creator_id });
    return changed;
  }

  interface Charge {
    row: SubscriptionRow;
    kind: 'period' | 'upgrade';
    periodIndex: bigint;
    tierLevel: number;
    coins: number;
    /** The monthly price from this payment on. */
    priceCoins: number;
    period: { start: Date; end: Date };
    streakMonths: bigint;
    totalMonths: bigint;
    event: 'subscription.started' | 'subscription.renewed' | 'subscription.upgraded';
    requestKey: string | null;
    authorizedVersions: AuthorizedVersion[];
  }

  const keyOf = (charge: Pick<Charge, 'row' | 'kind' | 'periodIndex' | 'tierLevel'>) =>
    `${SUBSCRIPTION_KEY_PREFIX}${charge.row.id}:${charge.periodIndex}${charge.kind === 'upgrade' ? `:up${charge.tierLevel}` : ''}`;

  /**
   * Submits the payment's transfer with its row and webhook event. Answers the payment row committed under
   * the key, this request's or an earlier one's; throws the ledger's refusal otherwise.
   */
  async function charge(charge: Charge): Promise<{ payment: PaymentRow; created: boolean }> {
    const { row } = charge;
    const creatorId = creatorOf(row.creator_id);
    const diamonds = creatorId === null ? 0 : diamondsFor(charge.coins, config.diamondsPerCoin, await shares.sharePercentOf(creatorId));
    const payment: PaymentRow = {
      transfer_id: '',
      subscription_id: row.id,
      subscriber_id: row.subscriber_id,
      payer_id: row.subscriber_id,
      gift_id: null,
      creator_id: row.creator_id,
      kind: charge.kind,
      period_index: charge.periodIndex,
      tier_level: BigInt(charge.tierLevel),
      coins: BigInt(charge.coins),
      diamonds: BigInt(diamonds),
      price_coins: BigInt(charge.priceCoins),
      period_start: charge.period.start.toISOString(),
      period_end: charge.period.end.toISOString(),
      streak_months: charge.streakMonths,
      total_months: charge.totalMonths,
      request_key: charge.requestKey,
      paid_at: now().toISOString(),
    };
    // The transfer's id is known only once the batch applies it: the record gets it there, the webhook does without.
    const { transfer_id: _unknownYet, ...record } = payment;
    const { transferId: _none, ...paid } = paymentView(payment);
    const idempotencyKey = keyOf(charge);
    try {
      const transfer = await ledger.submit({
        type: 'posted',
        idempotencyKey,
        legs: creatorPaymentLegs(row.subscriber_id, row.creator_id, charge.coins, diamonds),
        authorizedVersions: charge.authorizedVersions,
        // Only what decides the charge: any process charging this period sends the same, so it replays rather than conflicts.
        metadata: {
          kind: SUBSCRIPTION_PAYMENT_KIND,
          payment: charge.kind,
          subscriptionId: row.id,
          periodIndex: Number(charge.periodIndex),
          tierLevel: charge.tierLevel,
          coins: charge.coins,
          senderId: row.subscriber_id,
          // Clawbacks take diamonds back from `creatorId`; a month of the premium plan paid none.
          ...(creatorId === null ? { payee: PLATFORM_PAYEE } : { creatorId }),
        },
        outbox: [{ topic: 'webhook', payload: { event: charge.event, data: { ...paid, subscriberId: row.subscriber_id, creatorId: row.creator_id } } }],
        records: [{ table: 'subscription_payments', transferIdColumn: 'transfer_id', row: record }],
      });
      return { payment: await paymentOf(transfer.id, row.id), created: !transfer.replayed };
    } catch (error) {
      if (!(error instanceof LedgerError && error.code === 'idempotency_conflict')) throw error;
      // Another process charged the period with another share or price: its payment stands.
      const earlier = await ledger.getTransferByKey(idempotencyKey);
      if (!earlier) throw error;
      return { payment: await paymentOf(earlier.id, row.id), created: false };
    }
  }

  /** The subscription's payment made by a transfer (the last, for a gift of several months). */
  async function paymentOf(transferId: string, subscriptionId: string): Promise<PaymentRow> {
    return kysely
      .selectFrom('subscription_payments')
      .selectAll()
      .where('transfer_id', '=', transferId)
      .where('subscription_id', '=', subscriptionId)
      .orderBy('period_index', 'desc')
      .executeTakeFirstOrThrow();
  }

  async function paymentByRequest(subscriptionId: string, requestKey: string): Promise<PaymentRow | undefined> {
    return kysely.selectFrom('subscription_payments').selectAll().where('subscription_id', '=', subscriptionId).where('request_key', '=', requestKey).executeTakeFirst();
  }

  /** The refusal a subscriber sees when their coins fall short. */
  async function insufficientCoins(subscriberId: string, what: string, coins: number): Promise<DomainError> {
    const wallet = await ledger.getAccount(userCoinWalletId(subscriberId));
    return new DomainError(
      'insufficient_funds',
      'insufficient_coins',
      `${what} costs ${coins.toLocaleString('en-US')} coins and you have ${(wallet?.available ?? 0n).toLocaleString('en-US')}. Recharge to pay it.`,
    );
  }

  function assertConfirmed(coins: number, confirm: boolean, what: string): void {
    if (coins >= config.confirmCoins && !confirm) {
      throw DomainError.invalidField('confirm', 'confirmation_required', `${what} costs ${coins.toLocaleString('en-US')} coins. Send "confirm": true to pay it.`);
    }
  }

  /** A webhook event's `data` for a change that moves no coins: the subscription as it now stands, read from its row alone (inside the change's transaction). */
  function eventData(row: SubscriptionRow) {
    return {
      id: row.id,
      subscriberId: row.subscriber_id,
      creatorId: row.creator_id,
      status: row.status,
      tierLevel: Number(row.tier_level),
      nextTierLevel: row.next_tier_level === null ? null : Number(row.next_tier_level),
      priceCoins: Number(row.price_coins),
      cancelAtPeriodEnd: row.cancel_at_period_end === 1n,
      currentPeriodEnd: row.current_period_end,
      graceEndsAt: row.grace_ends_at,
      lastFailure: row.last_failure,
      endedAt: row.ended_at,
      endedReason: row.ended_reason,
    };
  }

  /** A change that moves no coins, with its webhook event, in one transaction; answers the row after it, or undefined when `change` found nothing to do. */
  async function changeRow(id: string, change: (trx: Kysely<Schema>, row: SubscriptionRow) => Promise<{ event: string } | undefined>): Promise<{ row: SubscriptionRow; changed: boolean }> {
    const { row, messages } = await writeTransaction(db, async (trx) => {
      const before = await rowById(id, trx);
      if (!before) throw notFound();
      const done = await change(trx, before);
      const after = (await rowById(id, trx))!;
      if (!done) return { row: after, messages: [] };
      return { row: after, messages: await events.append(trx, [{ topic: 'webhook', payload: { event: done.event, data: eventData(after) } }]) };
    });
    events.committed(messages);
    return { row, changed: notified(row, messages.length > 0) };
  }

  /** Ends the subscription as it was read (a row changed since is left alone). */
  async function end(row: SubscriptionRow, reason: EndReason, endedAt: string): Promise<boolean> {
    const { changed } = await changeRow(row.id, async (trx) => {
      const result = await trx
        .updateTable('subscriptions')
        .set({ status: 'ended', ended_at: endedAt, ended_reason: reason, cancel_at_period_end: 0n, next_tier_level: null, grace_ends_at: null, next_attempt_at: null, updated_at: now().toISOString() })
        .where('id', '=', row.id)
        .where('status', '=', row.status)
        .where('period_index', '=', row.period_index)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? { event: 'subscription.ended' } : undefined;
    });
    return changed;
  }

  /** Sets the cancel of an active subscription: access lasts to the period's end, and the renewal job ends it then. */
  async function cancelAtPeriodEnd(id: string): Promise<SubscriptionRow> {
    const { row } = await changeRow(id, async (trx) => {
      const result = await trx
        .updateTable('subscriptions')
        .set({ cancel_at_period_end: 1n, updated_at: now().toISOString() })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .where('cancel_at_period_end', '=', 0n)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? { event: 'subscription.canceled' } : undefined;
    });
    return row;
  }

  /** A renewal was refused: the subscription is past due until its grace ends, and tried again meanwhile. */
  async function fail(row: SubscriptionRow, code: string): Promise<void> {
    const at = now();
    const graceEndsAt = row.grace_ends_at ?? new Date(Date.parse(row.current_period_end!) + config.graceMs).toISOString();
    const nextAttempt = new Date(Math.min(at.getTime() + config.retryIntervalMs, Date.parse(graceEndsAt))).toISOString();
    await changeRow(row.id, async (trx) => {
      const result = await trx
        .updateTable('subscriptions')
        .set({ status: 'past_due', grace_ends_at: graceEndsAt, next_attempt_at: nextAttempt, last_failure: code, updated_at: at.toISOString() })
        .where('id', '=', row.id)
        .where('status', '=', row.status)
        .where('period_index', '=', row.period_index)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n && row.status === 'active' ? { event: 'subscription.past_due' } : undefined;
    });
  }

  /** The month after the row's period, at its renewal price, in the run it continues. */
  async function renewalOf(row: SubscriptionRow): Promise<{ level: number; priceCoins: number }> {
    if (row.next_tier_level === null) return { level: Number(row.tier_level), priceCoins: Number(row.price_coins) };
    const next = await tiers.tier(row.creator_id, Number(row.next_tier_level));
    return { level: next.level, priceCoins: next.priceCoins };
  }

  type RenewalOutcome = 'renewed' | 'failed' | 'ended' | 'repaired' | 'skipped';

  /**
   * Renews one subscription whose period ended. The authorization versions are read before the row, so a
   * cancel, downgrade or end committed after the row was read refuses the charge in the ledger, and the
   * renewal is decided again on the row as it now is.
   */
  async function renewOne(id: string, options: { dueAt: Date; force: boolean }): Promise<RenewalOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const first = await rowById(id);
      if (!first) return 'skipped';
      let authorizedVersions: AuthorizedVersion[] = [];
      let refusal: DomainError | undefined;
      try {
        ({ authorizedVersions } = await accounts.authorizePayment({ senderId: first.subscriber_id, creatorId: creatorOf(first.creator_id), session: undefined, fresh: true }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refusal = error;
      }
      const row = (await rowById(id))!;
      const due = (row.status === 'active' || row.status === 'past_due') && row.current_period_end !== null && row.current_period_end <= options.dueAt.toISOString();
      if (!due) return 'skipped';
      if (!options.force && row.next_attempt_at !== null && row.next_attempt_at > options.dueAt.toISOString()) return 'skipped';
      const ahead = await kysely
        .selectFrom('subscription_payments')
        .selectAll()
        .where('subscription_id', '=', id)
        .where('kind', '=', 'period')
        .where('period_index', '>', row.period_index)
        .orderBy('period_index', 'desc')
        .executeTakeFirst();
      if (ahead) return (await apply(ahead)) ? 'repaired' : 'skipped';
      if (row.cancel_at_period_end === 1n) return (await end(row, 'canceled', row.current_period_end!)) ? 'ended' : 'skipped';
      if (row.status === 'past_due' && row.grace_ends_at !== null && row.grace_ends_at <= options.dueAt.toISOString()) {
        return (await end(row, 'payment_failed', row.grace_ends_at)) ? 'ended' : 'skipped';
      }
      if (refusal) {
        await fail(row, refusal.code);
        return 'failed';
      }
      const renewal = await renewalOf(row);
      const streakMonths = row.streak_months + 1n;
      try {
        const { payment } = await charge({
          row,
          kind: 'period',
          periodIndex: row.period_index + 1n,
          tierLevel: renewal.level,
          coins: renewal.priceCoins,
          priceCoins: renewal.priceCoins,
          period: periodOfRun(new Date(row.anchor_at!), Number(streakMonths)),
          streakMonths,
          totalMonths: row.total_months + 1n,
          event: 'subscription.renewed',
          requestKey: null,
          authorizedVersions,
        });
        await apply(payment);
        return 'renewed';
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'authorization_changed') continue;
        if (error instanceof LedgerError && error.code === 'insufficient_funds') {
          await fail(row, 'insufficient_coins');
          return 'failed';
        }
        throw error;
      }
    }
    return 'skipped';
  }

  /** Applies payments whose subscription row missed them, paid since `since` (or ever), one at a time: one that fails is reported, not fatal. */
  async function repairSince(since: string | undefined): Promise<RepairResult> {
    let query = kysely
      .selectFrom('subscription_payments as p')
      .innerJoin('subscriptions as s', 's.id', 'p.subscription_id')
      .selectAll('p')
      .where((eb) =>
        eb.or([
          eb('p.period_index', '>', eb.ref('s.period_index')),
          eb.and([eb('p.kind', '=', 'upgrade'), eb('p.period_index', '=', eb.ref('s.period_index')), eb('p.tier_level', '>', eb.ref('s.tier_level'))]),
        ]),
      );
    if (since !== undefined) query = query.where('p.paid_at', '>=', since);
    const missed = await query.orderBy('p.period_index').execute();
    return repairEach(missed, (payment) => payment.transfer_id, apply);
  }

  const claimFresh = (row: Pick<SubscriptionRow, 'gift_claim' | 'gift_claimed_at'>, at: Date) =>
    row.gift_claim !== null && row.gift_claimed_at !== null && Date.parse(row.gift_claimed_at) > at.getTime() - GIFT_CLAIM_TTL_MS;

  /** The gift as its gifter sees it, with the recipients' names. */
  async function giftView(gift: GiftRow): Promise<SubscriptionGift> {
    const recipientIds = JSON.parse(gift.recipients) as string[];
    const names = await accounts.namesOf([gift.gifter_id, ...recipientIds]);
    const tier = await tiers.tier(gift.creator_id, Number(gift.tier_level)).catch(() => undefined);
    return {
      id: gift.id,
      liveId: gift.live_id,
      gifterId: gift.gifter_id,
      gifterName: names.get(gift.gifter_id)?.displayName ?? '',
      creatorId: gift.creator_id,
      tier: { level: Number(gift.tier_level), name: tier?.name ?? `Level ${gift.tier_level}` },
      months: Number(gift.months),
      coins: Number(gift.coins),
      recipients: recipientIds.map((userId) => ({ userId, handle: names.get(userId)?.handle ?? '', displayName: names.get(userId)?.displayName ?? '' })),
      transferId: gift.transfer_id,
      createdAt: gift.created_at,
    };
  }

  /** Viewers who may be given a subscription to the creator: adults with an open account and no subscription giving access. */
  async function mayReceive(userId: string, creatorId: string, gifterId: string): Promise<boolean> {
    if (userId === creatorId || userId === gifterId) return false;
    const user = await accounts.getUser(userId).catch(() => undefined);
    if (!user || user.closed || !user.isAdult) return false;
    const row = await kysely.selectFrom('subscriptions').selectAll().where('subscriber_id', '=', userId).where('creator_id', '=', creatorId).executeTakeFirst();
    return !row || ((row.status === 'new' || row.status === 'ended') && !claimFresh(row, now()));
  }

  /**
   * Holds the recipients' subscription rows for the gift, in one transaction with the gift's row: a row is
   * taken only when nothing gives it access, no other gift holds it, and no payment of its own is waiting
   * to be applied. Taking it moves the recipient's authorization version, so a payment of their own decided
   * before the claim is refused by the ledger. Answers false, holding nothing, when any was taken meanwhile.
   */
  async function claim(gift: Omit<GiftRow, 'status' | 'transfer_id'>, recipientIds: readonly string[], tier: SubscriptionTier): Promise<boolean> {
    const at = now().toISOString();
    const stale = new Date(now().getTime() - GIFT_CLAIM_TTL_MS).toISOString();
    return writeTransaction(db, async (trx) => {
      // In one order for every gift: two gifts claiming the same viewers then wait for each other rather than deadlock.
      for (const userId of [...recipientIds].sort()) {
        await trx
          .insertInto('subscriptions')
          .values(newRow(userId, gift.creator_id, tier.level, tier.priceCoins, at))
          .onConflict((oc) => oc.columns(['subscriber_id', 'creator_id']).doNothing())
          .execute();
        const taken = await trx
          .updateTable('subscriptions')
          .set({ gift_claim: gift.id, gift_claimed_at: at })
          .where('subscriber_id', '=', userId)
          .where('creator_id', '=', gift.creator_id)
          .where('status', 'in', ['new', 'ended'])
          .where((eb) => eb.or([eb('gift_claim', 'is', null), eb('gift_claimed_at', '<', stale)]))
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('subscription_payments as p')
                  .select('p.transfer_id')
                  .whereRef('p.subscription_id', '=', 'subscriptions.id')
                  .whereRef('p.period_index', '>', 'subscriptions.period_index'),
              ),
            ),
          )
          .executeTakeFirst();
        if (taken.numUpdatedRows === 0n) throw new GiftClaimLost();
      }
      await trx
        .insertInto('subscription_gifts')
        .values({ ...gift, status: 'claimed', transfer_id: null })
        .execute();
      return true;
    }).catch((error: unknown) => {
      if (error instanceof GiftClaimLost) return false;
      throw error;
    });
  }

  /** Lets a gift's recipients go (the gift was refused, or its process died before paying). */
  async function release(giftId: string): Promise<void> {
    await writeTransaction(db, async (trx) => {
      await trx.updateTable('subscription_gifts').set({ status: 'failed' }).where('id', '=', giftId).where('status', '=', 'claimed').execute();
      await trx.updateTable('subscriptions').set({ gift_claim: null, gift_claimed_at: null }).where('gift_claim', '=', giftId).execute();
    });
  }

  /** Records the gift's transfer and brings its recipients' rows up to the months it paid. */
  async function settleGift(giftId: string, transferId: string): Promise<void> {
    await kysely.updateTable('subscription_gifts').set({ status: 'paid', transfer_id: transferId }).where('id', '=', giftId).execute();
    const paid = await kysely.selectFrom('subscription_payments').selectAll().where('transfer_id', '=', transferId).orderBy('period_index').execute();
    for (const payment of paid) await apply(payment);
  }

  /**
   * Pays a claimed gift: one transfer from the gifter for every recipient's months, carrying the versions
   * of the gifter and of each recipient (read after the claim), so a claim let go meanwhile refuses it.
   */
  async function payGift(gift: GiftRow, session: PayerSession | undefined): Promise<GiftRow> {
    const recipientIds = JSON.parse(gift.recipients) as string[];
    const tier = await tiers.tier(gift.creator_id, Number(gift.tier_level));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { authorizedVersions } = await accounts.authorizePayment({ senderId: gift.gifter_id, creatorId: gift.creator_id, session, fresh: attempt > 0 });
      const recipientVersions = await ledger.authorizationVersions(recipientIds.map(userCoinWalletId));
      const rows = await kysely.selectFrom('subscriptions').selectAll().where('gift_claim', '=', gift.id).execute();
      if (rows.length !== recipientIds.length) break;
      const coins = Number(gift.coins);
      const diamonds = diamondsFor(coins, config.diamondsPerCoin, await shares.sharePercentOf(gift.creator_id));
      const months = Number(gift.months);
      const at = now();
      // Each recipient's diamonds are their share of the whole, the last taking what rounding leaves.
      const perMonthDiamonds = Math.floor(diamonds / (rows.length * months));
      const records = rows.flatMap((row, rowIndex) =>
        Array.from({ length: months }, (_, month) => {
          const last = rowIndex === rows.length - 1 && month === months - 1;
          const period = periodOfRun(at, month + 1);
          const record: Omit<PaymentRow, 'transfer_id'> = {
            subscription_id: row.id,
            subscriber_id: row.subscriber_id,
            payer_id: gift.gifter_id,
            gift_id: gift.id,
            creator_id: gift.creator_id,
            kind: 'period',
            period_index: row.period_index + BigInt(month + 1),
            tier_level: gift.tier_level,
            coins: BigInt(tier.priceCoins),
            diamonds: BigInt(last ? diamonds - perMonthDiamonds * (rows.length * months - 1) : perMonthDiamonds),
            price_coins: BigInt(tier.priceCoins),
            period_start: period.start.toISOString(),
            period_end: period.end.toISOString(),
            streak_months: BigInt(month + 1),
            total_months: row.total_months + BigInt(month + 1),
            request_key: null,
            paid_at: at.toISOString(),
          };
          return { table: 'subscription_payments', transferIdColumn: 'transfer_id', row: record };
        }),
      );
      const names = await accounts.namesOf([gift.gifter_id, ...recipientIds]);
      const recipients = recipientIds.map((userId) => ({ userId, handle: names.get(userId)?.handle ?? '', displayName: names.get(userId)?.displayName ?? '' }));
      const announced = {
        giftId: gift.id,
        liveId: gift.live_id,
        gifterId: gift.gifter_id,
        gifterName: names.get(gift.gifter_id)?.displayName ?? '',
        creatorId: gift.creator_id,
        tier: { level: tier.level, name: tier.name },
        months,
        recipients,
        sentAt: at.toISOString(),
      };
      try {
        const transfer = await ledger.submit({
          type: 'posted',
          idempotencyKey: `${SUBSCRIPTION_KEY_PREFIX}gift:${gift.id}`,
          legs: creatorPaymentLegs(gift.gifter_id, gift.creator_id, coins, diamonds),
          authorizedVersions: [
            ...authorizedVersions,
            ...recipientIds.flatMap((userId) => {
              const version = recipientVersions.get(userCoinWalletId(userId));
              return version === undefined ? [] : [{ accountId: userCoinWalletId(userId), version }];
            }),
          ],
          metadata: {
            kind: SUBSCRIPTION_PAYMENT_KIND,
            payment: 'gift',
            giftId: gift.id,
            tierLevel: tier.level,
            months,
            recipients: recipientIds.length,
            coins,
            senderId: gift.gifter_id,
            creatorId: gift.creator_id,
          },
          outbox: [
            { topic: `live:${gift.live_id}`, payload: { type: 'subscription_gift', ...announced } },
            { topic: 'webhook', payload: { event: 'subscription.gifted', data: { ...announced, coins } } },
          ],
          records,
        });
        await settleGift(gift.id, transfer.id);
        return await kysely.selectFrom('subscription_gifts').selectAll().where('id', '=', gift.id).executeTakeFirstOrThrow();
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'authorization_changed') continue;
        if (error instanceof LedgerError && error.code === 'insufficient_funds') {
          await release(gift.id);
          throw await insufficientCoins(gift.gifter_id, `${recipientIds.length === 1 ? 'This gift' : `${recipientIds.length} gifted subscriptions`}`, coins);
        }
        throw error;
      }
    }
    await release(gift.id);
    throw DomainError.conflict('recipient_unavailable', 'A viewer this gift was for subscribed, or their account changed, at the same moment; nothing was charged. Try again.');
  }

  /** Gifts a crash left claimed: paid ones are settled, unpaid ones past their claim are let go. */
  async function settleClaimedGifts(): Promise<number> {
    const stale = new Date(now().getTime() - GIFT_CLAIM_TTL_MS).toISOString();
    const claimed = await kysely.selectFrom('subscription_gifts').selectAll().where('status', '=', 'claimed').where('created_at', '<', stale).execute();
    for (const gift of claimed) {
      const transfer = await ledger.getTransferByKey(`${SUBSCRIPTION_KEY_PREFIX}gift:${gift.id}`);
      if (transfer) await settleGift(gift.id, transfer.id);
      else await release(gift.id);
    }
    return claimed.length;
  }

  return {
    async giftSubscriptions(input) {
      const live = await lives.requireLive(input.liveId);
      const tier = await tiers.tier(live.creatorId, input.level);
      const requestKey = requestKeyOf(input.gifterId, input.idempotencyKey);
      const earlier = await kysely.selectFrom('subscription_gifts').selectAll().where('gifter_id', '=', input.gifterId).where('request_key', '=', requestKey).executeTakeFirst();
      if (earlier?.status === 'paid') return { gift: await giftView(earlier), replayed: true };
      if (earlier?.status === 'claimed') return { gift: await giftView(await payGift(earlier, input.session)), replayed: true };
      if (input.gifterId === live.creatorId) throw DomainError.invalidRequest('cannot_gift_yourself', 'You cannot gift subscriptions in your own live.');
      if (!tier.open) throw DomainError.conflict('tier_closed', `The tier "${tier.name}" takes no new subscribers; choose another.`);
      const { recipient } = input;
      let recipientIds: string[];
      let months: number;
      if (recipient.type === 'viewer') {
        if (!Number.isSafeInteger(recipient.months) || recipient.months < 1 || recipient.months > MAX_GIFTED_MONTHS) {
          throw DomainError.invalidField('months', 'invalid_months', `A gift gives 1 to ${MAX_GIFTED_MONTHS} months.`);
        }
        if (!(await mayReceive(recipient.userId, live.creatorId, input.gifterId))) {
          throw DomainError.conflict('recipient_not_eligible', 'This viewer cannot be given a subscription to this creator: they already have one, or their account cannot receive it.');
        }
        recipientIds = [recipient.userId];
        months = recipient.months;
      } else {
        if (!Number.isSafeInteger(recipient.count) || recipient.count < 1 || recipient.count > MAX_GIFTED_SUBSCRIPTIONS) {
          throw DomainError.invalidField('count', 'invalid_count', `A gift is for 1 to ${MAX_GIFTED_SUBSCRIPTIONS} viewers.`);
        }
        const candidates = await deps.viewersIn(live.id);
        const eligible: string[] = [];
        for (const userId of shuffled(candidates)) {
          if (eligible.length === recipient.count) break;
          if (await mayReceive(userId, live.creatorId, input.gifterId)) eligible.push(userId);
        }
        if (eligible.length < recipient.count) {
          throw DomainError.conflict(
            'not_enough_viewers',
            eligible.length === 0
              ? 'Nobody in the room can be given a subscription right now: everyone here already has one.'
              : `Only ${eligible.length} viewer${eligible.length === 1 ? '' : 's'} in the room can be given a subscription right now; gift that many.`,
          );
        }
        recipientIds = eligible;
        months = 1;
      }
      const coins = tier.priceCoins * months * recipientIds.length;
      assertConfirmed(
        coins,
        input.confirm,
        recipientIds.length === 1 ? `Gifting ${months === 1 ? 'a month' : `${months} months`} of "${tier.name}"` : `Gifting ${recipientIds.length} subscriptions to "${tier.name}"`,
      );
      // Checked now for a clear answer; the ledger checks it again when it pays.
      await accounts.authorizePayment({ senderId: input.gifterId, creatorId: live.creatorId, session: input.session, fresh: false });
      const gift = {
        id: newId('sgift'),
        gifter_id: input.gifterId,
        creator_id: live.creatorId,
        live_id: live.id,
        tier_level: BigInt(tier.level),
        months: BigInt(months),
        coins: BigInt(coins),
        recipients: JSON.stringify(recipientIds),
        request_key: requestKey,
        created_at: now().toISOString(),
      };
      if (!(await claim(gift, recipientIds, tier))) {
        const again = await kysely.selectFrom('subscription_gifts').selectAll().where('gifter_id', '=', input.gifterId).where('request_key', '=', requestKey).executeTakeFirst();
        if (again) return { gift: await giftView(again.status === 'claimed' ? await payGift(again, input.session) : again), replayed: true };
        throw DomainError.conflict('recipient_unavailable', 'A viewer this gift was for was given a subscription by someone else at the same moment; nothing was charged. Try again.');
      }
      const paid = await payGift({ ...gift, status: 'claimed', transfer_id: null }, input.session);
      return { gift: await giftView(paid), replayed: false };
    },

    async subscribe(input) {
      if (input.subscriberId === input.creatorId) throw DomainError.invalidRequest('cannot_subscribe_to_yourself', 'You cannot subscribe to yourself.');
      const tier = await tiers.tier(input.creatorId, input.level);
      const requestKey = requestKeyOf(input.subscriberId, input.idempotencyKey);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        // Versions first (inside authorizePayment), then the row: a change committed after the row was read refuses the charge.
        const { authorizedVersions } = await accounts.authorizePayment({ senderId: input.subscriberId, creatorId: creatorOf(input.creatorId), session: input.session, fresh: attempt > 0 });
        const row = await rowFor(input.subscriberId, input.creatorId, tier.level, tier.priceCoins);
        const earlier = await paymentByRequest(row.id, requestKey);
        if (earlier) return { subscription: await viewOf((await rowById(row.id))!), payment: paymentView(earlier), replayed: true };
        if (row.status === 'active' || row.status === 'past_due') {
          throw DomainError.conflict('already_subscribed', `You already subscribe to this creator (${row.id}); change its tier instead (POST /api/v1/subscriptions/${row.id}/tier).`);
        }
        if (claimFresh(row, now())) throw DomainError.conflict('subscription_being_gifted', 'Someone is gifting you a subscription to this creator right now; look again in a moment.');
        if (!tier.open) throw DomainError.conflict('tier_closed', `The tier "${tier.name}" takes no new subscribers; choose another.`);
        assertConfirmed(tier.priceCoins, input.confirm, `A month of "${tier.name}"`);
        const start = now();
        try {
          const { payment, created } = await charge({
            row,
            kind: 'period',
            periodIndex: row.period_index + 1n,
            tierLevel: tier.level,
            coins: tier.priceCoins,
            priceCoins: tier.priceCoins,
            period: { start, end: monthsAfter(start, 1) },
            streakMonths: 1n,
            totalMonths: row.total_months + 1n,
            event: 'subscription.started',
            requestKey,
            authorizedVersions,
          });
          await apply(payment);
          if (!created && payment.request_key !== requestKey) {
            throw DomainError.conflict('already_subscribed', `You already subscribe to this creator (${row.id}): another request subscribed at the same moment.`);
          }
          return { subscription: await viewOf((await rowById(row.id))!), payment: paymentView(payment), replayed: !created };
        } catch (error) {
          if (error instanceof LedgerError && error.code === 'authorization_changed') continue;
          if (error instanceof LedgerError && error.code === 'insufficient_funds') throw await insufficientCoins(input.subscriberId, `A month of "${tier.name}"`, tier.priceCoins);
          throw error;
        }
      }
      throw DomainError.conflict('subscription_changed', 'Your account changed while subscribing; try again.');
    },

    async cancel(subscriberId, subscriptionId) {
      const row = await ownRow(subscriberId, subscriptionId);
      if (row.status === 'ended') throw DomainError.conflict('subscription_ended', 'This subscription has already ended.');
      if (row.status === 'past_due') {
        // Nothing paid is left to run: the grace ends with the cancel.
        await end(row, 'canceled', now().toISOString());
        return viewOf((await rowById(row.id))!);
      }
      return viewOf(await cancelAtPeriodEnd(row.id));
    },

    async resume(subscriberId, subscriptionId) {
      const row = await ownRow(subscriberId, subscriptionId);
      if (row.status !== 'active') throw DomainError.conflict('subscription_ended', 'This subscription has ended; subscribe again instead.');
      const { row: after } = await changeRow(row.id, async (trx) => {
        const result = await trx
          .updateTable('subscriptions')
          .set({ cancel_at_period_end: 0n, updated_at: now().toISOString() })
          .where('id', '=', row.id)
          .where('status', '=', 'active')
          .where('cancel_at_period_end', '=', 1n)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n ? { event: 'subscription.resumed' } : undefined;
      });
      return viewOf(after);
    },

    async changeTier(input) {
      const row = await ownRow(input.subscriberId, input.subscriptionId);
      const requestKey = requestKeyOf(input.subscriberId, input.idempotencyKey);
      const earlier = await paymentByRequest(row.id, requestKey);
      if (earlier) return { subscription: await viewOf(row), payment: paymentView(earlier), replayed: true };
      if (row.status === 'ended') throw DomainError.conflict('subscription_ended', 'This subscription has ended; subscribe again instead.');
      if (row.status === 'past_due') throw DomainError.conflict('subscription_past_due', 'This subscription’s renewal is unpaid; renew it before changing its tier.');
      const tier = await tiers.tier(row.creator_id, input.level);
      const current = BigInt(tier.level);
      if (current <= row.tier_level) {
        // Down (or back to the current tier): at the next renewal, as coins paid are never refunded.
        const next = current === row.tier_level ? null : current;
        if (next !== null && !tier.open) throw DomainError.conflict('tier_closed', `The tier "${tier.name}" takes no new subscribers; choose another.`);
        const { row: after } = await changeRow(row.id, async (trx) => {
          const result = await trx
            .updateTable('subscriptions')
            .set({ next_tier_level: next, updated_at: now().toISOString() })
            .where('id', '=', row.id)
            .where('status', '=', 'active')
            .where((eb) => (row.next_tier_level === null ? eb('next_tier_level', 'is', null) : eb('next_tier_level', '=', row.next_tier_level)))
            .executeTakeFirst();
          return result.numUpdatedRows > 0n && row.next_tier_level !== next ? { event: 'subscription.updated' } : undefined;
        });
        return { subscription: await viewOf(after), payment: null, replayed: false };
      }
      if (!tier.open) throw DomainError.conflict('tier_closed', `The tier "${tier.name}" takes no new subscribers; choose another.`);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { authorizedVersions } = await accounts.authorizePayment({ senderId: input.subscriberId, creatorId: creatorOf(row.creator_id), session: input.session, fresh: attempt > 0 });
        const fresh = (await rowById(row.id))!;
        const at = now();
        if (fresh.status !== 'active' || fresh.current_period_end === null || fresh.current_period_end <= at.toISOString()) {
          throw DomainError.conflict('renewal_due', 'This subscription is renewing now; change its tier once the renewal is done.');
        }
        if (fresh.tier_level >= current) return { subscription: await viewOf(fresh), payment: null, replayed: false };
        const period = { start: new Date(fresh.current_period_start!), end: new Date(fresh.current_period_end) };
        const coins = upgradeCoins({ fromPriceCoins: Number(fresh.price_coins), toPriceCoins: tier.priceCoins, periodStart: period.start, periodEnd: period.end, at });
        assertConfirmed(coins, input.confirm, `Moving up to "${tier.name}" for the rest of this month`);
        try {
          const { payment, created } = await charge({
            row: fresh,
            kind: 'upgrade',
            periodIndex: fresh.period_index,
            tierLevel: tier.level,
            coins,
            priceCoins: tier.priceCoins,
            period,
            streakMonths: fresh.streak_months,
            totalMonths: fresh.total_months,
            event: 'subscription.upgraded',
            requestKey,
            authorizedVersions,
          });
          await apply(payment);
          return { subscription: await viewOf((await rowById(row.id))!), payment: paymentView(payment), replayed: !created };
        } catch (error) {
          if (error instanceof LedgerError && error.code === 'authorization_changed') continue;
          if (error instanceof LedgerError && error.code === 'insufficient_funds') throw await insufficientCoins(input.subscriberId, `Moving up to "${tier.name}"`, coins);
          throw error;
        }
      }
      throw DomainError.conflict('subscription_changed', 'Your account changed while changing the tier; try again.');
    },

    async renewNow(subscriberId, subscriptionId) {
      const row = await ownRow(subscriberId, subscriptionId);
      if (row.status !== 'past_due') throw DomainError.conflict('nothing_to_renew', 'This subscription has no unpaid renewal.');
      await renewOne(row.id, { dueAt: now(), force: true });
      const after = (await rowById(row.id))!;
      if (after.status === 'past_due') {
        const renewal = await renewalOf(after);
        if (after.last_failure === 'insufficient_coins') throw await insufficientCoins(subscriberId, 'The renewal', renewal.priceCoins);
        throw DomainError.forbidden(after.last_failure ?? 'renewal_refused', 'The renewal was refused; see the subscription’s lastFailure.');
      }
      return viewOf(after);
    },

    async mine(subscriberId) {
      const rows = await kysely.selectFrom('subscriptions').selectAll().where('subscriber_id', '=', subscriberId).where('status', '!=', 'new').orderBy('created_at', 'desc').execute();
      return views(rows);
    },

    async get(subscriberId, subscriptionId) {
      const row = await ownRow(subscriberId, subscriptionId);
      const payments = await kysely.selectFrom('subscription_payments').selectAll().where('subscription_id', '=', row.id).orderBy('paid_at', 'desc').orderBy('period_index', 'desc').execute();
      return { subscription: await viewOf(row), payments: payments.map(paymentView) };
    },

    async subscribersOf(creatorId, limit) {
      const at = now().toISOString();
      const rows = await kysely
        .selectFrom('subscriptions')
        .selectAll()
        .where('creator_id', '=', creatorId)
        .where((eb) => eb.or([eb('status', '=', 'active'), eb.and([eb('status', '=', 'past_due'), eb('grace_ends_at', '>', at)])]))
        .orderBy('total_months', 'desc')
        .orderBy('created_at')
        .limit(limit)
        .execute();
      const names = await accounts.namesOf(rows.map((row) => row.subscriber_id));
      return rows.map((row) => ({
        subscriptionId: row.id,
        userId: row.subscriber_id,
        handle: names.get(row.subscriber_id)?.handle ?? '',
        displayName: names.get(row.subscriber_id)?.displayName ?? '',
        tierLevel: Number(row.tier_level),
        status: row.status as Subscriber['status'],
        streakMonths: Number(row.streak_months),
        totalMonths: Number(row.total_months),
        currentPeriodEnd: row.current_period_end,
        cancelAtPeriodEnd: row.cancel_at_period_end === 1n,
      }));
    },

    async accessOf(subscriberId, creatorId) {
      const row = await kysely.selectFrom('subscriptions').selectAll().where('subscriber_id', '=', subscriberId).where('creator_id', '=', creatorId).executeTakeFirst();
      if (!row || !hasAccess(row, now())) return undefined;
      return { tierLevel: Number(row.tier_level), totalMonths: Number(row.total_months), streakMonths: Number(row.streak_months) };
    },

    async list(filter) {
      let query = kysely.selectFrom('subscriptions').selectAll().where('status', '!=', 'new');
      if (filter.subscriberId) query = query.where('subscriber_id', '=', filter.subscriberId);
      if (filter.creatorId) query = query.where('creator_id', '=', filter.creatorId);
      if (filter.status) query = query.where('status', '=', filter.status);
      const cursorRow = filter.after === undefined ? undefined : await rowById(filter.after);
      const page = await newestFirstPage(query, 'created_at', cursorRow && { time: cursorRow.created_at, id: cursorRow.id }, filter.limit);
      return { subscriptions: await views(page.rows), nextCursor: page.more ? page.rows.at(-1)!.id : null };
    },

    async adminCancel(subscriptionId, input) {
      const row = await rowById(subscriptionId);
      if (!row || row.status === 'new') throw DomainError.notFound('subscription_not_found', 'No such subscription.');
      if (row.status === 'ended') throw DomainError.conflict('subscription_ended', 'This subscription has already ended.');
      if (input.now || row.status === 'past_due') {
        await end(row, input.now ? 'closed_by_admin' : 'canceled', now().toISOString());
        return viewOf((await rowById(row.id))!);
      }
      return viewOf(await cancelAtPeriodEnd(row.id));
    },

    async renewDue(signal) {
      await settleClaimedGifts();
      const report: RenewalReport = { renewed: 0, failed: 0, ended: 0, repaired: (await repairSince(new Date(now().getTime() - RECENT_REPAIR_MS).toISOString())).finished };
      const dueAt = now();
      const due = await kysely
        .selectFrom('subscriptions')
        .select('id')
        .where('status', 'in', ['active', 'past_due'])
        .where('current_period_end', '<=', dueAt.toISOString())
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', dueAt.toISOString())]))
        .orderBy('current_period_end')
        .limit(RENEWALS_PER_RUN)
        .execute();
      for (const { id } of due) {
        if (signal?.aborted) break;
        const outcome = await renewOne(id, { dueAt, force: false });
        if (outcome !== 'skipped') report[outcome]++;
      }
      return report;
    },

    async repair() {
      await settleClaimedGifts();
      return repairSince(undefined);
    },
  };
}

/** Thrown inside the claim's transaction to roll it back when a recipient was taken meanwhile. */
class GiftClaimLost extends Error {}

/** The items in a random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
