import { newestFirstPage } from '../db/index.js';
import type { PayerSession } from '../gifts/index.js';
import { LedgerError } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { monthsAfter, upgradeCoins } from './periods.js';
import { claimFresh, createSubscriptionGifts, type SubscriptionGifts } from './subscriptions-gifts.js';
import {
  cardRefusal,
  createSubscriptionRecords,
  creatorOf,
  hasAccess,
  MAX_ATTEMPTS,
  paymentView,
  requestKeyOf,
  type Subscriber,
  type Subscription,
  type SubscriptionPayment,
  type SubscriptionRow,
  type SubscriptionsDependencies,
} from './subscriptions-records.js';
import { createSubscriptionRenewals, type SubscriptionRenewals } from './subscriptions-renewals.js';

export { PLATFORM_PAYEE, SUBSCRIPTION_PAYMENT_KIND } from './subscriptions-records.js';
export type { Subscriber, Subscription, SubscriptionPayment } from './subscriptions-records.js';
export type { RenewalReport } from './subscriptions-renewals.js';

export interface SubscribeInput {
  subscriberId: string;
  creatorId: string;
  level: number;
  confirm: boolean;
  /** The subscriber's own key: a retry with it answers the first subscribe. */
  idempotencyKey: string;
  session?: PayerSession;
  /** A saved card of the subscriber's that buys each month's coins (charged without them present); left out, the coins held pay. */
  cardId?: string;
}

export interface ChangeTierInput {
  subscriberId: string;
  subscriptionId: string;
  level: number;
  confirm: boolean;
  idempotencyKey: string;
  session?: PayerSession;
}

/**
 * Creator subscriptions paid in coins. Each month is one ledger transfer from the subscriber's coins, with
 * the creator's diamonds at their share as for gifts, keyed by the subscription and the period's index:
 * whoever charges a month (the subscribe request, any process's renewal job, a retry after a crash) it is
 * charged once. The payment's row commits with its transfer; the subscription row follows it after.
 */
export interface Subscriptions extends SubscriptionGifts, SubscriptionRenewals {
  /** Subscribes (or subscribes again after an end) and pays the first month. */
  subscribe(input: SubscribeInput): Promise<{ subscription: Subscription; payment: SubscriptionPayment; replayed: boolean }>;
  /** Cancels at the period's end: access lasts until then and nothing more is charged. In grace, it ends at once. */
  cancel(subscriberId: string, subscriptionId: string): Promise<Subscription>;
  /** Takes back a cancel before the period ends. */
  resume(subscriberId: string, subscriptionId: string): Promise<Subscription>;
  /** Moves up at once (paying the prorated difference) or down at the next renewal. */
  changeTier(input: ChangeTierInput): Promise<{ subscription: Subscription; payment: SubscriptionPayment | null; replayed: boolean }>;
  /** Pays the next months with a saved card of the subscriber's, or (null) from the coins they hold; for a renewal that a card declined. */
  setPaymentMethod(subscriberId: string, subscriptionId: string, cardId: string | null): Promise<Subscription>;
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
}

export function createSubscriptions(deps: SubscriptionsDependencies): Subscriptions {
  const { accounts, tiers, now } = deps;
  const kysely = deps.db.kysely;
  const records = createSubscriptionRecords(deps);
  const { rowById, ownRow, rowFor, views, viewOf, apply, charge, paymentByRequest, insufficientCoins, assertConfirmed, changeRow, end, cancelAtPeriodEnd, buyCoinsFor } = records;

  /** Sets how a new run is paid, on a row that is not running (a running one changes through setPaymentMethod). */
  async function payWith(row: SubscriptionRow, cardId: string | null): Promise<SubscriptionRow> {
    if (row.card_id === cardId) return row;
    await kysely.updateTable('subscriptions').set({ card_id: cardId, updated_at: now().toISOString() }).where('id', '=', row.id).where('status', 'in', ['new', 'ended']).execute();
    return { ...row, card_id: cardId };
  }

  return {
    ...createSubscriptionGifts(records),
    ...createSubscriptionRenewals(records),

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
        // This run is paid the way this subscribe chose: a saved card buys each month's coins, or the coins held pay.
        const paying = await payWith(row, input.cardId ?? null);
        const start = now();
        const declined = await buyCoinsFor({ row: paying, kind: 'period', periodIndex: row.period_index + 1n, tierLevel: tier.level, coins: tier.priceCoins });
        if (declined) throw cardRefusal(declined);
        try {
          const { payment, created } = await charge({
            row: paying,
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

    async setPaymentMethod(subscriberId, subscriptionId, cardId) {
      const row = await ownRow(subscriberId, subscriptionId);
      if (row.status === 'ended') throw DomainError.conflict('subscription_ended', 'This subscription has ended; subscribe again instead.');
      const { row: after } = await changeRow(row.id, async (trx) => {
        const result = await trx
          .updateTable('subscriptions')
          .set({ card_id: cardId, updated_at: now().toISOString() })
          .where('id', '=', row.id)
          .where('status', 'in', ['active', 'past_due'])
          .executeTakeFirst();
        return result.numUpdatedRows > 0n && row.card_id !== cardId ? { event: 'subscription.updated' } : undefined;
      });
      return viewOf(after);
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
        const declined = await buyCoinsFor({ row: fresh, kind: 'upgrade', periodIndex: fresh.period_index, tierLevel: tier.level, coins });
        if (declined) throw cardRefusal(declined);
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
  };
}
