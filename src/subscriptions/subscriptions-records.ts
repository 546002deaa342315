import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { Accounts } from '../accounts/index.js';
import { newId, writeTransaction, type Database, type Schema } from '../db/index.js';
import { creatorPaymentLegs, diamondsFor, type CreatorTiers, type LiveLookup } from '../gifts/index.js';
import { LedgerError, userCoinWalletId, type AuthorizedVersion, type CounterInput, type Ledger } from '../ledger/index.js';
import type { OutboxRelay } from '../outbox/index.js';
import { DomainError } from '../shared/errors.js';
import type { SubscriptionsConfig } from './config.js';
import type { SubscriptionPaymentTable, SubscriptionTable } from './schema.js';
import type { SubscriptionTiers } from './tiers.js';
import type { SubscriberSchema, SubscriptionPaymentSchema, SubscriptionSchema } from './views.js';

export type Subscription = Static<typeof SubscriptionSchema>;
export type SubscriptionPayment = Static<typeof SubscriptionPaymentSchema>;
export type Subscriber = Static<typeof SubscriberSchema>;

/** The ledger metadata `kind` of every subscription payment: clawbacks trace it as they trace gifts. */
export const SUBSCRIPTION_PAYMENT_KIND = 'subscription';
/** Idempotency keys of subscription payments start with this (the audit reads them by it): `sub:<subscription>:<period>` for a month. */
export const SUBSCRIPTION_KEY_PREFIX = 'sub:';

export type SubscriptionRow = Selectable<SubscriptionTable>;
export type PaymentRow = Selectable<SubscriptionPaymentTable>;
type EndReason = 'canceled' | 'payment_failed' | 'closed_by_admin';

/** The `creator_id` of subscriptions to the platform's own premium plan: the coins go to the platform, no creator earns diamonds. */
export const PLATFORM_PAYEE = 'platform';
/** The creator a payment authorizes against: null for the platform, which only the payer's account decides. */
export const creatorOf = (payeeId: string): string | null => (payeeId === PLATFORM_PAYEE ? null : payeeId);

/** Tries at a payment whose authorization moved while it was decided (a concurrent change of the subscriber). */
export const MAX_ATTEMPTS = 3;

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
  /**
   * Buys coins with the user's saved card, charged without them present (a merchant-initiated payment), as an
   * order counted against their budget and limits; the same key charges the card at most once successfully.
   * Without it, subscriptions are paid from the coins held only.
   */
  cardPurchase?: CardPurchase;
  /** Told once a change to a subscription committed, so live rooms in every process follow its badge. */
  changed?: (change: { subscriberId: string; creatorId: string }) => void;
  /** A live's goal of new subscribers (docs/levels.md#goals): a new subscription, taken or gifted in the live, moves it in its own transfer. */
  goals?: SubscriberGoals;
}

/** What a goal of new subscribers counts: a counter the payment's transfer moves, then what follows its commit. */
export interface SubscriberGoals {
  countSubscribers(
    creatorId: string,
    liveId: string | null,
    subscribers: number,
  ): Promise<{ counter: CounterInput; committed(totals: Record<string, bigint> | null | undefined, at: Date): Promise<void> } | null>;
}

export type CardPurchase = (input: {
  userId: string;
  cardId: string;
  coins: number;
  idempotencyKey: string;
}) => Promise<{ status: 'succeeded'; orderId: string } | { status: 'failed'; orderId: string | null; code: string; message: string }>;

/** A card purchase's refusal as the subscriber hears it: the limit or rule that stopped it, or the card's decline (402). */
export function cardRefusal(failure: { code: string; message: string }): DomainError {
  const { code, message } = failure;
  if (code === 'age_restricted' || code === 'account_restricted' || code === 'account_closed' || code === 'budget_exceeded') return DomainError.forbidden(code, message);
  if (code === 'purchase_limit_reached') return new DomainError('limited', code, message);
  if (code === 'card_not_found') return DomainError.notFound(code, message);
  return DomainError.declined(code, message);
}

/** The digest a request's idempotency key is kept as: the requester's id with their own key. */
export const requestKeyOf = (subscriberId: string, key: string) => createHash('sha256').update(`${subscriberId}\u0000${key}`).digest('base64url');

/** A row for a pair that never subscribed (status new), at the tier it is made for. */
export function newRow(subscriberId: string, creatorId: string, level: number, priceCoins: number, at: string): SubscriptionRow {
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
    card_id: null,
    gift_claim: null,
    gift_claimed_at: null,
    created_at: at,
    updated_at: at,
  };
}

export function hasAccess(row: SubscriptionRow, at: Date): boolean {
  if (row.status === 'active') return true;
  return row.status === 'past_due' && row.grace_ends_at !== null && row.grace_ends_at > at.toISOString();
}

export function paymentView(row: PaymentRow): SubscriptionPayment {
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

/** The subscription rows and their payments, as every part of subscriptions reads and writes them. */
export interface SubscriptionRecords {
  deps: SubscriptionsDependencies;
  /** Any subscription's row, read through `executor` (a transaction) when given. */
  rowById(id: string, executor?: Kysely<Schema>): Promise<SubscriptionRow | undefined>;
  /** The subscriber's own subscription's row; someone else's, or one never paid, is not found. */
  ownRow(subscriberId: string, id: string): Promise<SubscriptionRow>;
  /** The pair's row, made (status new) when the viewer never subscribed to the creator; concurrent subscribes meet on its key. */
  rowFor(subscriberId: string, creatorId: string, level: number, priceCoins: number): Promise<SubscriptionRow>;
  /** Rows as the API answers them, with the names of both users and of the tiers. */
  views(rows: readonly SubscriptionRow[]): Promise<Subscription[]>;
  /** One row as the API answers it. */
  viewOf(row: SubscriptionRow): Promise<Subscription>;
  /**
   * Brings the row up to a payment committed for it, in one conditional update: a month moves the period
   * on (and starts a run when it is the run's first), an upgrade raises the tier. A row already there, or
   * changed in a way the payment no longer applies to, is left as it is.
   */
  apply(payment: PaymentRow): Promise<boolean>;
  /**
   * Submits the payment's transfer with its row and webhook event. Answers the payment row committed under
   * the key, this request's or an earlier one's; throws the ledger's refusal otherwise.
   */
  charge(charge: Charge): Promise<{ payment: PaymentRow; created: boolean }>;
  /** The subscription's payment made by the request with this key (see `requestKeyOf`), if there is one. */
  paymentByRequest(subscriptionId: string, requestKey: string): Promise<PaymentRow | undefined>;
  /** The refusal a subscriber sees when their coins fall short. */
  insufficientCoins(subscriberId: string, what: string, coins: number): Promise<DomainError>;
  /** Refuses a payment of at least the configured coins unless the request confirms it. */
  assertConfirmed(coins: number, confirm: boolean, what: string): void;
  /** A change that moves no coins, with its webhook event, in one transaction; answers the row after it, or undefined when `change` found nothing to do. */
  changeRow(id: string, change: (trx: Kysely<Schema>, row: SubscriptionRow) => Promise<{ event: string } | undefined>): Promise<{ row: SubscriptionRow; changed: boolean }>;
  /** Ends the subscription as it was read (a row changed since is left alone). */
  end(row: SubscriptionRow, reason: EndReason, endedAt: string): Promise<boolean>;
  /** Sets the cancel of an active subscription: access lasts to the period's end, and the renewal job ends it then. */
  cancelAtPeriodEnd(id: string): Promise<SubscriptionRow>;
  /**
   * For a subscription paid by card: buys the coins of a charge (a month, or a move up) with its saved card
   * before they are spent on it, keyed as the charge's transfer is, so the card pays once for it whoever asks
   * again (after a crash, or when the coin charge is retried). Answers the refusal, or undefined when the coins
   * are in the wallet (or the subscription is paid from the coins held).
   */
  buyCoinsFor(charge: Pick<Charge, 'row' | 'kind' | 'periodIndex' | 'tierLevel' | 'coins'>): Promise<{ code: string; message: string } | undefined>;
}

export function createSubscriptionRecords(deps: SubscriptionsDependencies): SubscriptionRecords {
  const { db, ledger, accounts, shares, events, config, now } = deps;
  const kysely = db.kysely;

  const notFound = () => DomainError.notFound('subscription_not_found', 'No such subscription of yours.');

  async function rowById(id: string, executor: Kysely<Schema> = kysely): Promise<SubscriptionRow | undefined> {
    return executor.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async function ownRow(subscriberId: string, id: string): Promise<SubscriptionRow> {
    const row = await rowById(id);
    if (!row || row.subscriber_id !== subscriberId || row.status === 'new') throw notFound();
    return row;
  }

  async function rowFor(subscriberId: string, creatorId: string, level: number, priceCoins: number): Promise<SubscriptionRow> {
    await kysely
      .insertInto('subscriptions')
      .values(newRow(subscriberId, creatorId, level, priceCoins, now().toISOString()))
      .onConflict((oc) => oc.columns(['subscriber_id', 'creator_id']).doNothing())
      .execute();
    return kysely.selectFrom('subscriptions').selectAll().where('subscriber_id', '=', subscriberId).where('creator_id', '=', creatorId).executeTakeFirstOrThrow();
  }

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
        cardId: row.card_id,
        createdAt: row.created_at,
      };
    });
  }

  async function viewOf(row: SubscriptionRow): Promise<Subscription> {
    return (await views([row]))[0]!;
  }

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
    // A subscription started (not renewed or upgraded) while the creator is live counts toward the live's goal of new subscribers.
    const goal = charge.event === 'subscription.started' ? await deps.goals?.countSubscribers(row.creator_id, null, 1) : null;
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
        ...(goal ? { counters: [goal.counter] } : {}),
      });
      await goal?.committed(transfer.counterTotals?.[0], new Date(payment.paid_at));
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
      throw DomainError.invalidField('confirm', 'confirmation_required', `${what} costs ${coins.toLocaleString('en-US')} coins. Confirm to pay it.`);
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

  async function buyCoinsFor(charge: Pick<Charge, 'row' | 'kind' | 'periodIndex' | 'tierLevel' | 'coins'>): Promise<{ code: string; message: string } | undefined> {
    const { row } = charge;
    if (row.card_id === null) return undefined;
    if (!deps.cardPurchase) return { code: 'card_payments_unavailable', message: 'This server takes no card payments for subscriptions; pay from your coins.' };
    const bought = await deps.cardPurchase({ userId: row.subscriber_id, cardId: row.card_id, coins: charge.coins, idempotencyKey: keyOf(charge) });
    return bought.status === 'succeeded' ? undefined : { code: bought.code, message: bought.message };
  }

  return { deps, rowById, ownRow, rowFor, views, viewOf, apply, charge, paymentByRequest, insufficientCoins, assertConfirmed, changeRow, end, cancelAtPeriodEnd, buyCoinsFor };
}
