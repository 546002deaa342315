import { lockKeyForTransaction, newestFirstPage, newId, writeTransaction } from '../db/index.js';
import { DIAMOND, formatMoney, LedgerError, platformAccountId, userDiamondWalletId, type LegInput } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { safeNumber } from '../shared/integers.js';
import { DAY_MS, type PayoutMethod, type PayoutRecords, type PayoutRow, type PayoutStatus } from './payouts-records.js';
import type { Payout, PayoutRules } from './views.js';
import { dispatch } from './payouts-sending.js';

/** Creators' payout requests, which reserve their diamonds, and their payouts as they see them. */
export interface PayoutRequests {
  /** Requests a payout; the same Idempotency-Key answers the payout first requested with it. */
  request(userId: string, input: { diamonds: number; methodId: string }, idempotencyKey: string): Promise<{ payout: Payout; replayed: boolean }>;
  /** The creator's own payout. */
  get(userId: string, id: string): Promise<Payout>;
  /** A creator's payouts, newest first. */
  list(userId: string, page: { limit: number; cursor?: string }): Promise<{ payouts: Payout[]; nextCursor: string | null }>;
  /** Every payout of a creator's, newest first, for their data export. */
  listAll(userId: string): Promise<Payout[]>;
  /** The rules a creator's payout must meet, for forms to show. */
  rules(): PayoutRules;
}

const ACTIVE_STATUSES: PayoutStatus[] = ['reserving', 'in_review', 'approved', 'processing', 'paid', 'returned'];

function requestFields(diamonds: bigint, methodId: string) {
  return { diamonds, methodId };
}

const keyReused = () => new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This Idempotency-Key was used for a different payout; use a new key for each payout.');

/**
 * Reserves the payout's diamonds (and the money's fiat legs) with a pending transfer, then sends
 * it to review or approves it. A refused hold (the diamonds are not there, or another payout took
 * them first) removes the request: nothing changed.
 */
export async function reserve(records: PayoutRecords, payout: PayoutRow): Promise<void> {
  const { db, ledger } = records.deps;
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
    await records.ensurePlatformAccounts(payout.currency);
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
  const { reasons } = await records.assess(payout.user_id, payout.amount_minor, payout.currency);
  const status = reasons.length > 0 ? 'in_review' : 'approved';
  await records.transition(payout.id, ['reserving'], status, status === 'in_review' ? 'Our team reviews payouts like this one before sending the money.' : 'Approved.', {
    hold_transfer_id: holdId,
    risk_reasons: JSON.stringify(reasons),
  });
  if (status === 'approved') await dispatch(records, payout.id);
}

export function createPayoutRequests(records: PayoutRecords): PayoutRequests {
  const { db, ledger, accounts, identity, config, provider, now } = records.deps;
  const kysely = db.kysely;

  /** Refusals of the rules that need no lock: identity, method, minimum and the first-payout hold. */
  async function checkRules(userId: string, diamonds: bigint, methodId: string): Promise<PayoutMethod> {
    await accounts.assertCapability(userId, 'cash_out');
    if (!(await identity.verifiedIdentity(userId))) {
      throw DomainError.forbidden('identity_not_verified', 'Verify your identity (POST /api/v1/creator/identity) before requesting a payout.');
    }
    const method = await identity.payoutMethod(userId, methodId);
    if (!method) throw DomainError.notFound('payout_method_not_found', `You have no payout method ${methodId}; add one first.`);
    if (diamonds < config.minimumDiamonds) {
      throw DomainError.invalidField(
        'diamonds',
        'below_minimum',
        `The smallest payout is ${config.minimumDiamonds.toLocaleString('en-US')} diamonds (${formatMoney(records.deps.cashValue(config.minimumDiamonds).amount, records.deps.cashValue(config.minimumDiamonds).currency)}).`,
      );
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
      await records.addEvent(trx, payout.id, 'requested', `${payout.diamonds} diamonds to ${payout.method_label}.`, payout.created_at);
    });
  }

  async function list(userId: string, page: { limit: number; cursor?: string }): Promise<{ payouts: Payout[]; nextCursor: string | null }> {
    const query = kysely.selectFrom('payouts').selectAll().where('user_id', '=', userId).where('status', '<>', 'reserving');
    let cursor: { time: string; id: string } | undefined;
    if (page.cursor !== undefined) {
      const [time, id] = Buffer.from(page.cursor, 'base64url').toString('utf8').split('|');
      if (!time || !id) throw DomainError.invalidField('cursor', 'invalid_cursor', 'This cursor is not one a payouts page answered.');
      cursor = { time, id };
    }
    const { rows: shown, more } = await newestFirstPage(query, 'created_at', cursor, page.limit);
    const timelines = await records.timelineOf(shown.map((payout) => payout.id));
    const last = shown.at(-1);
    return {
      payouts: shown.map((payout) => records.toPayout(payout, timelines.get(payout.id) ?? [])),
      nextCursor: more && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null,
    };
  }

  return {
    async request(userId, input, idempotencyKey) {
      const diamonds = BigInt(input.diamonds);
      const asked = JSON.stringify(requestFields(diamonds, input.methodId), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
      const find = () => kysely.selectFrom('payouts').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
      const replay = async (earlier: PayoutRow) => {
        if (JSON.stringify(requestFields(earlier.diamonds, earlier.method_id), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) !== asked) throw keyReused();
        if (earlier.status === 'reserving') await reserve(records, earlier);
        return { payout: await records.view(earlier.id), replayed: true };
      };
      const earlier = await find();
      if (earlier) return replay(earlier);

      const method = await checkRules(userId, diamonds, input.methodId);
      const value = records.deps.cashValue(diamonds);
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
      await reserve(records, payout);
      await accounts.recordActivity(userId, 'payout_requested', { payoutId: payout.id, diamonds: input.diamonds, method: method.label });
      return { payout: await records.view(payout.id), replayed: false };
    },

    async get(userId, id) {
      return records.view((await records.requireRow(id, userId)).id);
    },

    list,

    async listAll(userId) {
      const all: Payout[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(userId, { limit: 500, cursor });
        all.push(...page.payouts);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return all;
    },

    rules() {
      const minimum = records.deps.cashValue(config.minimumDiamonds);
      return {
        minimumDiamonds: safeNumber(config.minimumDiamonds),
        minimumAmount: { amount: safeNumber(minimum.amount), currency: minimum.currency },
        dailyMaximum: { amount: safeNumber(config.dailyMaximumMinor), currency: minimum.currency },
        firstPayoutHoldDays: config.firstPayoutHoldDays,
      };
    },
  };
}
