import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Accounts } from '../accounts/index.js';
import { lockKeyForTransaction, newId, writeTransaction, type Database, type Schema } from '../db/index.js';
import type { PayerQueries } from '../gifts/index.js';
import {
  DIAMOND,
  formatMoney,
  LedgerError,
  platformAccountId,
  userDiamondWalletId,
  type AccountSpec,
  type Ledger,
  type LegInput,
  type TransferRequest,
} from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { safeNumber } from '../shared/integers.js';
import type { PayoutConfig } from './config.js';
import type { PayoutDestination, PayoutProvider, PayoutProviderEvent, ProviderPayoutResult } from './provider.js';
import { reviewReasons, RISK_LOOKBACK_MS, type RiskReason } from './risk.js';
import type { PayoutTable } from './schema.js';

export const PAYOUT_STATUSES = ['in_review', 'approved', 'processing', 'paid', 'returned', 'failed', 'rejected'] as const;
export type VisiblePayoutStatus = (typeof PAYOUT_STATUSES)[number];
/** `reserving` is the moment between the request and its ledger hold; nobody sees it. */
export type PayoutStatus = VisiblePayoutStatus | 'reserving';

type PayoutRow = Selectable<PayoutTable>;

/** A payout as its creator sees it. */
export interface Payout {
  id: string;
  status: VisiblePayoutStatus;
  diamonds: number;
  amount: { amount: number; currency: string };
  method: { id: string; type: string; label: string };
  /** Why it was rejected, failed or returned; null otherwise. */
  reason: string | null;
  timeline: { status: string; at: string; note: string | null }[];
  createdAt: string;
  updatedAt: string;
}

/** A payout as admins review it. */
export interface AdminPayout extends Payout {
  creator: { id: string; handle: string; displayName: string };
  riskReasons: RiskReason[];
  reviewedBy: string | null;
  holdTransferId: string | null;
}

/** A payout method with what the provider needs to send money to it. */
export type PayoutMethod = PayoutDestination & { id: string; label: string };

/** What payouts need of identity checks: a verified person, and their methods. */
export interface PayoutIdentity {
  verifiedIdentity(userId: string): Promise<{ legalName: string; verifiedAt: string } | null>;
  payoutMethod(userId: string, methodId: string): Promise<PayoutMethod | null>;
}

export interface PayoutsDependencies {
  db: Database;
  ledger: Ledger;
  accounts: Pick<Accounts, 'assertCapability' | 'getUser' | 'recordActivity'>;
  identity: PayoutIdentity;
  /** The diamonds' cash value, rounded down to the minor unit. */
  cashValue(diamonds: bigint): { amount: bigint; currency: string };
  payers: PayerQueries;
  /** Which of these users have had a purchase charged back. */
  disputedBuyers(userIds: readonly string[]): Promise<Set<string>>;
  provider: PayoutProvider;
  config: PayoutConfig;
  logger: Logger;
  now: () => Date;
}

const DAY_MS = 86_400_000;
/** A payout this long in an in-between state was left there by a crash or a provider that did not answer. */
const STALE_MS = 60_000;
const ACTIVE_STATUSES: PayoutStatus[] = ['reserving', 'in_review', 'approved', 'processing', 'paid', 'returned'];


function requestFields(diamonds: bigint, methodId: string) {
  return { diamonds, methodId };
}

/**
 * Creators' payouts: rules, the ledger hold that reserves diamonds, risk review, the payout provider,
 * and settlement. Each step first records the payout's new status and then moves money with an
 * idempotency key of its own, so `repair` can finish any step a crash interrupted.
 */
export function createPayouts(deps: PayoutsDependencies) {
  const { db, ledger, accounts, identity, config, provider, now } = deps;
  const kysely = db.kysely;

  let accountsReady: Promise<void> | undefined;
  /** The platform accounts a payout moves through, in the diamonds' cash currency. */
  function ensurePlatformAccounts(currency: string): Promise<void> {
    const spec = (name: 'payout_clearing' | 'revenue', asset: string): AccountSpec => ({ id: platformAccountId(name, asset), asset, kind: 'platform', mayGoNegative: true });
    accountsReady ??= ledger.ensureAccounts([spec('payout_clearing', DIAMOND), spec('payout_clearing', currency), spec('revenue', currency)]).catch((error: unknown) => {
      accountsReady = undefined;
      throw error;
    });
    return accountsReady;
  }

  async function row(id: string): Promise<PayoutRow | undefined> {
    return kysely.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async function addEvent(trx: Kysely<Schema>, payoutId: string, status: string, note: string | null, at: string): Promise<void> {
    const last = await trx.selectFrom('payout_events').select((eb) => eb.fn.max<bigint | null>('position').as('position')).where('payout_id', '=', payoutId).executeTakeFirst();
    await trx.insertInto('payout_events').values({ payout_id: payoutId, position: BigInt(last?.position ?? 0) + 1n, status, note, at }).execute();
  }

  /** Moves a payout from one of `from` to `to` with a timeline step; false when another request moved it first. */
  async function transition(id: string, from: readonly PayoutStatus[], to: PayoutStatus, note: string | null, extra: Partial<PayoutRow> = {}): Promise<boolean> {
    return writeTransaction(db, async (trx) => {
      const at = now().toISOString();
      const moved = await trx
        .updateTable('payouts')
        .set({ ...extra, status: to, updated_at: at })
        .where('id', '=', id)
        .where('status', 'in', [...from])
        .executeTakeFirst();
      if (moved.numUpdatedRows !== 1n) return false;
      await addEvent(trx, id, to, note, at);
      return true;
    });
  }

  async function timelineOf(ids: readonly string[]): Promise<Map<string, Payout['timeline']>> {
    const timelines = new Map<string, Payout['timeline']>();
    if (ids.length === 0) return timelines;
    const events = await kysely.selectFrom('payout_events').selectAll().where('payout_id', 'in', [...ids]).orderBy('payout_id').orderBy('position').execute();
    for (const event of events) {
      const timeline = timelines.get(event.payout_id) ?? [];
      timeline.push({ status: event.status, at: event.at, note: event.note });
      timelines.set(event.payout_id, timeline);
    }
    return timelines;
  }

  function toPayout(payout: PayoutRow, timeline: Payout['timeline']): Payout {
    return {
      id: payout.id,
      status: payout.status as VisiblePayoutStatus,
      diamonds: safeNumber(payout.diamonds),
      amount: { amount: safeNumber(payout.amount_minor), currency: payout.currency },
      method: { id: payout.method_id, type: payout.method_type, label: payout.method_label },
      reason: payout.reason,
      timeline,
      createdAt: payout.created_at,
      updatedAt: payout.updated_at,
    };
  }

  async function view(id: string): Promise<Payout> {
    const payout = await row(id);
    if (!payout) throw new Error(`payout ${id} vanished`);
    return toPayout(payout, (await timelineOf([id])).get(id) ?? []);
  }

  async function adminViews(rows: readonly PayoutRow[]): Promise<AdminPayout[]> {
    const timelines = await timelineOf(rows.map((payout) => payout.id));
    const creators = new Map<string, AdminPayout['creator']>();
    for (const userId of new Set(rows.map((payout) => payout.user_id))) {
      const user = await accounts.getUser(userId);
      creators.set(userId, { id: user.id, handle: user.handle, displayName: user.displayName });
    }
    return rows.map((payout) => ({
      ...toPayout(payout, timelines.get(payout.id) ?? []),
      creator: creators.get(payout.user_id)!,
      riskReasons: JSON.parse(payout.risk_reasons) as RiskReason[],
      reviewedBy: payout.reviewed_by,
      holdTransferId: payout.hold_transfer_id,
    }));
  }

  /** The payout's webhook event, committed with the ledger transfer that settles it. */
  async function webhookOutbox(id: string, event: 'payout.paid' | 'payout.failed' | 'payout.rejected' | 'payout.returned') {
    const payout = await view(id);
    const { timeline: _timeline, ...data } = payout;
    const owner = await row(id);
    return [{ topic: 'webhook', payload: { event, data: { ...data, creatorId: owner!.user_id } } }];
  }

  /** Submits a settling transfer; a replay of one already committed answers it. */
  async function settleInLedger(request: TransferRequest): Promise<string> {
    return (await ledger.submit(request)).id;
  }

  /**
   * Finishes what a payout's status promises the ledger: a paid payout's hold posted, a failed or
   * rejected one's voided, a returned one's reversed. Idempotent; `repair` calls it for any left
   * unfinished.
   */
  async function settle(payout: PayoutRow): Promise<void> {
    if (payout.hold_transfer_id === null) return;
    const metadata = { payoutId: payout.id, userId: payout.user_id };
    if (payout.status === 'paid' || payout.status === 'returned') {
      if (payout.settle_transfer_id === null) {
        const id = await settleInLedger({
          type: 'post_pending',
          pendingId: payout.hold_transfer_id,
          idempotencyKey: `payout_paid:${payout.id}`,
          metadata: { kind: 'payout_paid', ...metadata },
          outbox: await webhookOutbox(payout.id, 'payout.paid'),
        });
        await kysely.updateTable('payouts').set({ settle_transfer_id: id }).where('id', '=', payout.id).execute();
        payout = { ...payout, settle_transfer_id: id };
      }
      if (payout.status === 'returned' && payout.return_transfer_id === null) {
        const id = await settleInLedger({
          type: 'reversal',
          transferId: payout.settle_transfer_id!,
          idempotencyKey: `payout_return:${payout.id}`,
          metadata: { kind: 'payout_return', ...metadata },
          outbox: await webhookOutbox(payout.id, 'payout.returned'),
        });
        await kysely.updateTable('payouts').set({ return_transfer_id: id }).where('id', '=', payout.id).execute();
      }
      return;
    }
    if ((payout.status === 'failed' || payout.status === 'rejected') && payout.settle_transfer_id === null) {
      const id = await settleInLedger({
        type: 'void_pending',
        pendingId: payout.hold_transfer_id,
        idempotencyKey: `payout_release:${payout.id}`,
        metadata: { kind: 'payout_released', ...metadata },
        outbox: await webhookOutbox(payout.id, payout.status === 'failed' ? 'payout.failed' : 'payout.rejected'),
      });
      await kysely.updateTable('payouts').set({ settle_transfer_id: id }).where('id', '=', payout.id).execute();
    }
  }

  /** Sends an approved payout to the provider and settles what it answers. */
  async function dispatch(id: string): Promise<void> {
    const payout = await row(id);
    if (!payout || !['approved', 'processing'].includes(payout.status)) return;
    const method = await identity.payoutMethod(payout.user_id, payout.method_id);
    if (payout.status === 'approved' && !(await transition(id, ['approved'], 'processing', `Sent to ${payout.method_label}.`))) return;
    if (!method) {
      if (await transition(id, ['processing'], 'failed', null, { reason: 'The payout method was removed before the money was sent.' })) await settle((await row(id))!);
      return;
    }
    let result: ProviderPayoutResult;
    try {
      result = await provider.send({ payoutId: id, amountMinor: payout.amount_minor, currency: payout.currency, destination: method });
    } catch (error) {
      // The provider did not answer (down, or out of reach): the payout stays processing and the repair sweep sends it again.
      deps.logger.warn({ err: error, payoutId: id }, 'payout provider did not answer; sending again later');
      return;
    }
    // The reference is recorded with the outcome, so a payout still processing with a reference is one the provider took on.
    const reference = { provider_reference: result.reference };
    if (result.status === 'processing') await kysely.updateTable('payouts').set(reference).where('id', '=', id).execute();
    if (result.status === 'paid') await finish(id, { payoutId: id, type: 'paid' }, reference);
    if (result.status === 'failed') await finish(id, { payoutId: id, type: 'failed', reason: result.reason }, reference);
  }

  /** Applies what the provider reported of a payout; `extra` is recorded with the new status. */
  async function finish(id: string, event: PayoutProviderEvent, extra: Partial<PayoutRow> = {}): Promise<void> {
    const returned = { ...extra, reason: event.reason ?? 'The receiving bank sent the money back.' };
    const moved =
      event.type === 'paid'
        ? await transition(id, ['processing'], 'paid', 'The money was sent.', extra)
        : event.type === 'failed'
          ? await transition(id, ['processing'], 'failed', null, { ...extra, reason: event.reason ?? 'The payout provider could not send the money.' })
          : // Money sent back before the provider reported the payout paid never arrived: that payout failed.
            (await transition(id, ['paid'], 'returned', null, returned)) || (await transition(id, ['processing'], 'failed', null, returned));
    if (moved) await settle((await row(id))!);
  }

  provider.onEvent((event) => finish(event.payoutId, event));

  /** Refusals of the rules that need no lock: identity, method, minimum and the first-payout hold. */
  async function checkRules(userId: string, diamonds: bigint, methodId: string): Promise<PayoutMethod> {
    await accounts.assertCapability(userId, 'cash_out');
    if (!(await identity.verifiedIdentity(userId))) {
      throw DomainError.forbidden('identity_not_verified', 'Verify your identity (POST /api/v1/creator/identity) before requesting a payout.');
    }
    const method = await identity.payoutMethod(userId, methodId);
    if (!method) throw DomainError.notFound('payout_method_not_found', `You have no payout method ${methodId}; add one first.`);
    if (diamonds < config.minimumDiamonds) {
      throw DomainError.invalidField('diamonds', 'below_minimum', `The smallest payout is ${config.minimumDiamonds.toLocaleString('en-US')} diamonds (${formatMoney(deps.cashValue(config.minimumDiamonds).amount, deps.cashValue(config.minimumDiamonds).currency)}).`);
    }
    const earlier = await kysely.selectFrom('payouts').select('id').where('user_id', '=', userId).where('status', 'in', ['paid', 'returned']).executeTakeFirst();
    if (!earlier && config.firstPayoutHoldDays > 0) {
      const [firstEarning] = (await ledger.listEntries(userDiamondWalletId(userId), { limit: 1 })).entries;
      const availableAt = firstEarning ? new Date(Date.parse(firstEarning.createdAt) + config.firstPayoutHoldDays * DAY_MS) : undefined;
      if (!availableAt || availableAt > now()) {
        throw DomainError.forbidden(
          'first_payout_hold',
          availableAt
            ? `A creator's first payout can be requested ${config.firstPayoutHoldDays} days after their first earning: from ${availableAt.toISOString()}.`
            : 'You have no earnings to pay out yet.',
        );
      }
    }
    return method;
  }

  /** Inserts the payout as `reserving`, refusing it if it would pass the daily maximum; one creator's requests are counted one at a time. */
  async function insertWithinDailyMaximum(payout: PayoutRow): Promise<void> {
    await writeTransaction(db, async (trx) => {
      await lockKeyForTransaction(db, trx, `payouts:${payout.user_id}`);
      const since = new Date(Date.parse(payout.created_at) - DAY_MS).toISOString();
      const recent = await trx
        .selectFrom('payouts')
        .select((eb) => eb.fn.sum<bigint | null>('amount_minor').as('amount'))
        .where('user_id', '=', payout.user_id)
        .where('created_at', '>', since)
        .where('status', 'in', ACTIVE_STATUSES)
        .executeTakeFirst();
      const used = BigInt(recent?.amount ?? 0);
      if (used + payout.amount_minor > config.dailyMaximumMinor) {
        const left = config.dailyMaximumMinor > used ? config.dailyMaximumMinor - used : 0n;
        throw DomainError.invalidField(
          'diamonds',
          'daily_limit_exceeded',
          `Payouts are limited to ${formatMoney(config.dailyMaximumMinor, payout.currency)} in 24 hours; ${formatMoney(left, payout.currency)} is left, and this payout is ${formatMoney(payout.amount_minor, payout.currency)}.`,
        );
      }
      await trx.insertInto('payouts').values(payout).execute();
      await addEvent(trx, payout.id, 'requested', `${payout.diamonds} diamonds to ${payout.method_label}.`, payout.created_at);
    });
  }

  /** What review looks at for this creator now, and what it would flag for a payout of `amountMinor`. */
  async function assess(userId: string, amountMinor: bigint, currency: string) {
    const at = now();
    const user = await accounts.getUser(userId);
    const payers = await deps.payers.payersOf(userId, new Date(at.getTime() - RISK_LOOKBACK_MS).toISOString());
    const disputedPayerIds = await deps.disputedBuyers(payers.map((payer) => payer.payerId));
    const dayAgo = new Date(at.getTime() - DAY_MS).toISOString();
    const reasons = reviewReasons(
      {
        amountMinor,
        amountText: formatMoney(amountMinor, currency),
        accountCreatedAt: user.createdAt,
        payers,
        disputedPayerIds,
        lastDayDiamonds: await deps.payers.diamondsEarned(userId, dayAgo, at.toISOString()),
        priorDiamonds: await deps.payers.diamondsEarned(userId, new Date(at.getTime() - DAY_MS - RISK_LOOKBACK_MS).toISOString(), dayAgo),
        minimumDiamonds: config.minimumDiamonds,
        now: at,
      },
      config.review,
    );
    const clawedBack = await kysely.selectFrom('gift_clawback_creators').select('order_id').where('creator_id', '=', userId).executeTakeFirst();
    if (clawedBack) reasons.push({ code: 'chargeback_clawback', message: 'Diamonds of this creator were clawed back after a chargeback.' });
    return { user, payers, disputedPayerIds, reasons };
  }

  /**
   * Reserves the payout's diamonds (and the money's fiat legs) with a pending transfer, then sends
   * it to review or approves it. A refused hold (the diamonds are not there, or another payout took
   * them first) removes the request: nothing changed.
   */
  async function reserve(payout: PayoutRow): Promise<void> {
    const legs: LegInput[] = [
      { accountId: userDiamondWalletId(payout.user_id), asset: DIAMOND, direction: 'debit', amount: payout.diamonds },
      { accountId: platformAccountId('payout_clearing', DIAMOND), asset: DIAMOND, direction: 'credit', amount: payout.diamonds },
      ...(payout.amount_minor > 0n
        ? [
            { accountId: platformAccountId('revenue', payout.currency), asset: payout.currency, direction: 'debit' as const, amount: payout.amount_minor },
            { accountId: platformAccountId('payout_clearing', payout.currency), asset: payout.currency, direction: 'credit' as const, amount: payout.amount_minor },
          ]
        : []),
    ];
    let holdId: string;
    try {
      await ensurePlatformAccounts(payout.currency);
      holdId = (await ledger.submit({ type: 'pending', legs, idempotencyKey: `payout_hold:${payout.id}`, metadata: { kind: 'payout_hold', payoutId: payout.id, userId: payout.user_id } })).id;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'insufficient_funds') {
        await writeTransaction(db, async (trx) => {
          await trx.deleteFrom('payout_events').where('payout_id', '=', payout.id).execute();
          await trx.deleteFrom('payouts').where('id', '=', payout.id).where('status', '=', 'reserving').execute();
        });
        const wallet = await ledger.getAccount(userDiamondWalletId(payout.user_id));
        throw DomainError.conflict(
          'insufficient_diamonds',
          `This payout needs ${payout.diamonds.toLocaleString('en-US')} diamonds and ${(wallet?.available ?? 0n).toLocaleString('en-US')} are available (diamonds in other payouts are reserved).`,
        );
      }
      throw error;
    }
    const { reasons } = await assess(payout.user_id, payout.amount_minor, payout.currency);
    const status = reasons.length > 0 ? 'in_review' : 'approved';
    await transition(payout.id, ['reserving'], status, status === 'in_review' ? 'Our team reviews payouts like this one before sending the money.' : 'Approved.', {
      hold_transfer_id: holdId,
      risk_reasons: JSON.stringify(reasons),
    });
    if (status === 'approved') await dispatch(payout.id);
  }

  async function requireRow(id: string, userId?: string): Promise<PayoutRow> {
    const payout = await row(id);
    if (!payout || payout.status === 'reserving' || (userId !== undefined && payout.user_id !== userId)) throw DomainError.notFound('payout_not_found', `No payout ${id}.`);
    return payout;
  }

  const keyReused = () => new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This Idempotency-Key was used for a different payout; use a new key for each payout.');

  return {
    /** Requests a payout; the same Idempotency-Key answers the payout first requested with it. */
    async request(userId: string, input: { diamonds: number; methodId: string }, idempotencyKey: string): Promise<{ payout: Payout; replayed: boolean }> {
      const diamonds = BigInt(input.diamonds);
      const asked = JSON.stringify(requestFields(diamonds, input.methodId), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
      const find = () => kysely.selectFrom('payouts').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
      const replay = async (earlier: PayoutRow) => {
        if (JSON.stringify(requestFields(earlier.diamonds, earlier.method_id), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) !== asked) throw keyReused();
        if (earlier.status === 'reserving') await reserve(earlier);
        return { payout: await view(earlier.id), replayed: true };
      };
      const earlier = await find();
      if (earlier) return replay(earlier);

      const method = await checkRules(userId, diamonds, input.methodId);
      const value = deps.cashValue(diamonds);
      const at = now().toISOString();
      const payout: PayoutRow = {
        id: newId('po'),
        user_id: userId,
        idempotency_key: idempotencyKey,
        diamonds,
        amount_minor: value.amount,
        currency: value.currency,
        method_id: method.id,
        method_type: method.type,
        method_label: method.label,
        status: 'reserving',
        hold_transfer_id: null,
        settle_transfer_id: null,
        return_transfer_id: null,
        risk_reasons: '[]',
        reason: null,
        provider: provider.name,
        provider_reference: null,
        reviewed_by: null,
        created_at: at,
        updated_at: at,
      };
      try {
        await insertWithinDailyMaximum(payout);
      } catch (error) {
        // The same key raced in from a concurrent retry: answer what that request made.
        const raced = error instanceof DomainError ? undefined : await find();
        if (raced) return replay(raced);
        throw error;
      }
      await reserve(payout);
      await accounts.recordActivity(userId, 'payout_requested', { payoutId: payout.id, diamonds: input.diamonds, method: method.label });
      return { payout: await view(payout.id), replayed: false };
    },

    async get(userId: string, id: string): Promise<Payout> {
      return view((await requireRow(id, userId)).id);
    },

    /** A creator's payouts, newest first. */
    async list(userId: string, page: { limit: number; cursor?: string }): Promise<{ payouts: Payout[]; nextCursor: string | null }> {
      let query = kysely.selectFrom('payouts').selectAll().where('user_id', '=', userId).where('status', '<>', 'reserving');
      if (page.cursor !== undefined) {
        const [createdAt, id] = Buffer.from(page.cursor, 'base64url').toString('utf8').split('|');
        if (!createdAt || !id) throw DomainError.invalidField('cursor', 'invalid_cursor', 'This cursor is not one a payouts page answered.');
        query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
      const shown = rows.slice(0, page.limit);
      const timelines = await timelineOf(shown.map((payout) => payout.id));
      const last = shown.at(-1);
      return {
        payouts: shown.map((payout) => toPayout(payout, timelines.get(payout.id) ?? [])),
        nextCursor: rows.length > page.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null,
      };
    },

    /** Every payout of a creator's, newest first, for their data export. */
    async listAll(userId: string): Promise<Payout[]> {
      const all: Payout[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.list(userId, { limit: 500, cursor });
        all.push(...page.payouts);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return all;
    },

    /** The rules a creator's payout must meet, for forms to show. */
    rules() {
      const minimum = deps.cashValue(config.minimumDiamonds);
      return {
        minimumDiamonds: safeNumber(config.minimumDiamonds),
        minimumAmount: { amount: safeNumber(minimum.amount), currency: minimum.currency },
        dailyMaximum: { amount: safeNumber(config.dailyMaximumMinor), currency: minimum.currency },
        firstPayoutHoldDays: config.firstPayoutHoldDays,
      };
    },

    /** Payouts for admins, oldest first, by status (in_review is the review queue) and creator. */
    async listForAdmin(filter: { status?: PayoutStatus; userId?: string; limit: number }): Promise<AdminPayout[]> {
      let query = kysely.selectFrom('payouts').selectAll().where('status', '<>', 'reserving');
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      return adminViews(await query.orderBy('created_at').orderBy('id').limit(filter.limit).execute());
    },

    async getForAdmin(id: string): Promise<AdminPayout> {
      const [payout] = await adminViews([await requireRow(id)]);
      return payout!;
    },

    /** An admin lets a payout in review go to the provider. Refused while clawed-back diamonds leave the creator's wallet short. */
    async approve(id: string, adminId: string, note: string): Promise<AdminPayout> {
      const payout = await requireRow(id);
      if (payout.status !== 'in_review') throw DomainError.conflict('payout_not_in_review', `This payout is ${payout.status}; only payouts in review can be approved.`);
      const wallet = await ledger.getAccount(userDiamondWalletId(payout.user_id));
      if (wallet && wallet.available < 0n) {
        throw DomainError.conflict(
          'clawback_shortfall',
          `Chargebacks took back diamonds this payout holds: the creator's wallet is ${-wallet.available} diamonds short. Reject this payout; the creator can request one for what remains.`,
        );
      }
      if (!(await transition(id, ['in_review'], 'approved', note.trim(), { reviewed_by: adminId }))) {
        throw DomainError.conflict('payout_not_in_review', 'This payout was decided by someone else just now.');
      }
      await dispatch(id);
      return this.getForAdmin(id);
    },

    /** An admin refuses a payout in review; its diamonds go back to the creator, who sees the reason. */
    async reject(id: string, adminId: string, reason: string): Promise<AdminPayout> {
      const payout = await requireRow(id);
      if (!(await transition(id, ['in_review'], 'rejected', null, { reviewed_by: adminId, reason }))) {
        throw DomainError.conflict('payout_not_in_review', `This payout is ${payout.status}; only payouts in review can be rejected.`);
      }
      await settle((await row(id))!);
      return this.getForAdmin(id);
    },

    /** Sends a creator's payouts that have not reached the provider back to review, with the reason. */
    async holdForReview(userId: string, reason: RiskReason): Promise<string[]> {
      const open = await kysely.selectFrom('payouts').selectAll().where('user_id', '=', userId).where('status', 'in', ['in_review', 'approved']).execute();
      const held: string[] = [];
      for (const payout of open) {
        const reasons = [...(JSON.parse(payout.risk_reasons) as RiskReason[]).filter((each) => each.code !== reason.code), reason];
        if (await transition(payout.id, ['in_review', 'approved'], 'in_review', 'On hold while our team reviews a payment behind these diamonds.', { risk_reasons: JSON.stringify(reasons) })) {
          held.push(payout.id);
        }
      }
      return held;
    },

    /** Diamonds reserved by a creator's payouts that can still be held (not yet at the provider). */
    async holdableDiamonds(userId: string): Promise<bigint> {
      const found = await kysely.selectFrom('payouts').select((eb) => eb.fn.sum<bigint | null>('diamonds').as('diamonds')).where('user_id', '=', userId).where('status', 'in', ['in_review', 'approved']).executeTakeFirst();
      return BigInt(found?.diamonds ?? 0);
    },

    /** A creator's risk picture for admins: who pays them, and what review would flag for a payout of the minimum now. */
    async riskPicture(userId: string) {
      const minimum = deps.cashValue(config.minimumDiamonds);
      const { user, payers, disputedPayerIds, reasons } = await assess(userId, minimum.amount, minimum.currency);
      return {
        creator: { id: user.id, handle: user.handle, displayName: user.displayName, createdAt: user.createdAt },
        reasons: reasons.filter((reason) => reason.code !== 'large_amount'),
        payers: payers.map((payer) => ({ ...payer, diamonds: safeNumber(payer.diamonds), disputed: disputedPayerIds.has(payer.payerId) })),
      };
    },

    /** A provider's report of a payout, such as a return days after it was paid. */
    handleProviderEvent: (event: PayoutProviderEvent) => finish(event.payoutId, event),

    /** The payout a provider's reference names, for providers whose events name only their own reference. */
    async payoutIdByReference(providerName: string, reference: string): Promise<string | undefined> {
      const found = await kysely.selectFrom('payouts').select('id').where('provider', '=', providerName).where('provider_reference', '=', reference).executeTakeFirst();
      return found?.id;
    },

    /**
     * Drives on payouts a crash or an unanswered provider left part-way: reserves or drops requests
     * left reserving, settles decided ones, and sends approved ones, and processing ones the provider
     * has not taken on, again (the provider pays a payout id once). A payout the provider took on
     * waits for its events. Answers how many payouts it touched.
     */
    async repair(): Promise<number> {
      const staleBefore = new Date(now().getTime() - STALE_MS).toISOString();
      const stale = await kysely
        .selectFrom('payouts')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('status', 'in', ['reserving', 'approved']), eb('updated_at', '<', staleBefore)]),
            eb.and([eb('status', '=', 'processing'), eb('provider_reference', 'is', null), eb('updated_at', '<', staleBefore)]),
            eb.and([eb('status', 'in', ['paid', 'failed', 'rejected', 'returned']), eb('settle_transfer_id', 'is', null), eb('hold_transfer_id', 'is not', null)]),
            eb.and([eb('status', '=', 'returned'), eb('return_transfer_id', 'is', null)]),
          ]),
        )
        .limit(100)
        .execute();
      for (const payout of stale) {
        try {
          if (payout.status === 'reserving') await reserve(payout);
          else if (payout.status === 'approved' || payout.status === 'processing') await dispatch(payout.id);
          else await settle(payout);
        } catch (error) {
          // A refused hold has already removed the request; anything else is tried again next time.
          if (!(error instanceof DomainError)) deps.logger.warn({ err: error, payoutId: payout.id }, 'payout repair failed; retrying later');
        }
      }
      return stale.length;
    },
  };
}

export type Payouts = ReturnType<typeof createPayouts>;
