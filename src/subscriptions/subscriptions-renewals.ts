import { repairEach, type RepairResult } from '../db/index.js';
import { LedgerError, type AuthorizedVersion } from '../ledger/index.js';
import { isDomainErrorCodeOf } from '../shared/error-codes.js';
import { DomainError } from '../shared/errors.js';
import { periodOfRun } from './periods.js';
import { settleClaimedGifts } from './subscriptions-gifts.js';
import { cardRefusal, creatorOf, MAX_ATTEMPTS, type Subscription, type SubscriptionRecords, type SubscriptionRow } from './subscriptions-records.js';

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

/** Subscriptions renewing month after month: the renewal job, a past-due renewal paid now, and the repair at start. */
export interface SubscriptionRenewals {
  /** Pays a past-due renewal now rather than at the next retry. */
  renewNow(subscriberId: string, subscriptionId: string): Promise<Subscription>;
  /** Charges the months that came due, ends those cancelled or out of grace, retries failed ones. */
  renewDue(signal?: AbortSignal): Promise<RenewalReport>;
  /** Brings every subscription row up to the payments committed for it (at start: a crash between the two). */
  repair(): Promise<RepairResult>;
}

/** Subscriptions the renewal job takes per run; the rest wait for the next. */
const RENEWALS_PER_RUN = 500;
/** How far back each renewal run looks for payments their subscription row missed; older ones are repaired at start. */
const RECENT_REPAIR_MS = 86_400_000;

export function createSubscriptionRenewals(records: SubscriptionRecords): SubscriptionRenewals {
  const { db, accounts, tiers, config, now } = records.deps;
  const kysely = db.kysely;
  const { rowById, ownRow, viewOf, apply, charge, insufficientCoins, changeRow, end, buyCoinsFor } = records;

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
      // Paid by card: the month's coins are bought first (once per period), then spent on it like any month.
      const declined = await buyCoinsFor({ row, kind: 'period', periodIndex: row.period_index + 1n, tierLevel: renewal.level, coins: renewal.priceCoins });
      if (declined) {
        await fail(row, declined.code);
        return 'failed';
      }
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

  return {
    async renewNow(subscriberId, subscriptionId) {
      const row = await ownRow(subscriberId, subscriptionId);
      if (row.status !== 'past_due') throw DomainError.conflict('nothing_to_renew', 'This subscription has no unpaid renewal.');
      await renewOne(row.id, { dueAt: now(), force: true });
      const after = (await rowById(row.id))!;
      if (after.status === 'past_due') {
        const renewal = await renewalOf(after);
        if (after.last_failure === 'insufficient_coins') throw await insufficientCoins(subscriberId, 'The renewal', renewal.priceCoins);
        if (after.card_id !== null) {
          throw cardRefusal({
            code: after.last_failure ?? 'card_declined',
            message: `The renewal could not be paid with your card (${(after.last_failure ?? 'card_declined').replace(/_/g, ' ')}). Choose another card for this subscription, or pay from your coins, and renew.`,
          });
        }
        const refusal = after.last_failure !== null && isDomainErrorCodeOf(after.last_failure, 'forbidden') ? after.last_failure : 'renewal_refused';
        throw DomainError.forbidden(refusal, 'The renewal was refused; see the subscription’s lastFailure.');
      }
      return viewOf(after);
    },

    async renewDue(signal) {
      await settleClaimedGifts(records);
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
      await settleClaimedGifts(records);
      return repairSince(undefined);
    },
  };
}
