import type { Selectable } from 'kysely';
import { lockKeyForTransaction, newestFirstPage, newId, writeTransaction } from '../db/index.js';
import { DIAMOND, formatMoney, LedgerError, platformAccountId, userDiamondWalletId, type LegInput } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { safeNumber } from '../shared/integers.js';
import { DAY_MS, type PayoutMethod, type PayoutRecords, type PayoutRow, type PayoutStatus } from './payouts-records.js';
import type { Payout, PayoutQuote, PayoutRules } from './views.js';
import { dispatch } from './payouts-sending.js';
import { QuoteRefused } from './provider.js';
import type { PayoutQuoteTable } from './schema.js';

/** Creators' payout requests, which reserve their diamonds, and their payouts as they see them. */
export interface PayoutRequests {
  /** The provider's conversion of a payout to a method in another currency than the diamonds', to show before it is confirmed. */
  quote(userId: string, input: { diamonds: number; methodId: string }): Promise<PayoutQuote>;
  /** Requests a payout (with the quote it confirms, for a method in another currency); the same Idempotency-Key answers the payout first requested with it. */
  request(userId: string, input: { diamonds: number; methodId: string; quoteId?: string }, idempotencyKey: string): Promise<{ payout: Payout; replayed: boolean }>;
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

function requestFields(diamonds: bigint, methodId: string, quoteId: string | null) {
  return { diamonds, methodId, quoteId };
}

type QuoteRow = Selectable<PayoutQuoteTable>;

function toQuote(quote: QuoteRow): PayoutQuote {
  return {
    id: quote.id,
    diamonds: safeNumber(quote.diamonds),
    methodId: quote.method_id,
    amount: { amount: safeNumber(quote.source_minor), currency: quote.source_currency },
    fee: { amount: safeNumber(quote.fee_minor), currency: quote.source_currency },
    rate: quote.rate,
    received: { amount: safeNumber(quote.target_minor), currency: quote.target_currency },
    provider: quote.provider,
    expiresAt: quote.expires_at,
  };
}

const keyReused = () => new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This Idempotency-Key was used for a different payout; use a new key for each payout.');

/**
 * Reserves the payout's diamonds (and the money's fiat legs) with a pending transfer, then sends
 * it to review or approves it. A refused hold (the diamonds are not there, or another payout took
 * them first) removes the request: nothing changed.
 */
export async function reserve(records: PayoutRecords, payout: PayoutRow): Promise<void> {
  const { db, ledger } = records.deps;
  const leg = (name: 'revenue' | 'payout_clearing' | 'fx_clearing', asset: string, direction: 'debit' | 'credit', amount: bigint): LegInput => ({
    accountId: platformAccountId(name, asset),
    asset,
    direction,
    amount,
  });
  const received = payout.received_currency ?? payout.currency;
  // A payout in another currency buys it through FX clearing, so each asset's legs balance: the cash value leaves revenue into
  // fx_clearing:<cash currency>, and the quoted amount leaves fx_clearing:<received currency> into payout clearing.
  const money: LegInput[] =
    received === payout.currency
      ? [leg('revenue', payout.currency, 'debit', payout.amount_minor), leg('payout_clearing', payout.currency, 'credit', payout.amount_minor)]
      : [
          leg('revenue', payout.currency, 'debit', payout.amount_minor),
          leg('fx_clearing', payout.currency, 'credit', payout.amount_minor),
          leg('fx_clearing', received, 'debit', payout.received_minor!),
          leg('payout_clearing', received, 'credit', payout.received_minor!),
        ];
  const legs: LegInput[] = [
    { accountId: userDiamondWalletId(payout.user_id), asset: DIAMOND, direction: 'debit', amount: payout.diamonds },
    { accountId: platformAccountId('payout_clearing', DIAMOND), asset: DIAMOND, direction: 'credit', amount: payout.diamonds },
    ...(payout.amount_minor > 0n ? money : []),
  ];
  let holdId: string;
  try {
    await records.ensurePlatformAccounts(payout.currency, received);
    holdId = (await ledger.submit({ type: 'pending', legs, idempotencyKey: `payout_hold:${payout.id}`, metadata: { kind: 'payout_hold', payoutId: payout.id, userId: payout.user_id } })).id;
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'insufficient_funds') {
      await writeTransaction(db, async (trx) => {
        await trx.deleteFrom('payout_events').where('payout_id', '=', payout.id).execute();
        await trx.deleteFrom('payouts').where('id', '=', payout.id).where('status', '=', 'reserving').execute();
        // The quote may be confirmed again once diamonds are there.
        if (payout.quote_id !== null) await trx.updateTable('payout_quotes').set({ payout_id: null }).where('id', '=', payout.quote_id).where('payout_id', '=', payout.id).execute();
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
      if (payout.quote_id !== null) {
        // Under the creator's lock: of concurrent confirmations of one quote, the first claims it and the others find it used.
        const quote = await trx.selectFrom('payout_quotes').select(['payout_id', 'expires_at']).where('id', '=', payout.quote_id).executeTakeFirstOrThrow();
        if (quote.payout_id !== null) throw DomainError.conflict('quote_used', 'This quote was already confirmed; ask for a new quote to pay out again.');
        if (Date.parse(quote.expires_at) <= Date.parse(payout.created_at)) {
          throw DomainError.invalidField('quoteId', 'quote_expired', `This quote expired at ${quote.expires_at}; ask for a new quote.`);
        }
        await trx.updateTable('payout_quotes').set({ payout_id: payout.id }).where('id', '=', payout.quote_id).execute();
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

  /** The quote a payout to `method` confirms: needed, and matching, when the method is paid in another currency than the diamonds' value. */
  async function confirmedQuote(userId: string, diamonds: bigint, method: PayoutMethod, quoteId: string | undefined): Promise<QuoteRow | undefined> {
    const cashCurrency = records.deps.cashValue(diamonds).currency;
    if (method.currency === cashCurrency && quoteId === undefined) return undefined;
    if (quoteId === undefined) {
      throw DomainError.invalidField('quoteId', 'quote_required', `This payout method is paid in ${method.currency}: ask for a quote (POST /api/v1/payouts/quotes) and confirm it with its quoteId.`);
    }
    const quote = await kysely.selectFrom('payout_quotes').selectAll().where('id', '=', quoteId).where('user_id', '=', userId).executeTakeFirst();
    if (!quote) throw DomainError.notFound('quote_not_found', `You have no payout quote ${quoteId}.`);
    if (quote.diamonds !== diamonds || quote.method_id !== method.id) {
      throw DomainError.invalidField(
        'quoteId',
        'quote_mismatch',
        `Quote ${quoteId} is for ${quote.diamonds.toLocaleString('en-US')} diamonds to payout method ${quote.method_id}; ask for a quote for this payout.`,
      );
    }
    return quote;
  }

  return {
    async quote(userId, input) {
      const diamonds = BigInt(input.diamonds);
      const method = await checkRules(userId, diamonds, input.methodId);
      const value = await records.deps.earnedValue(userId, diamonds);
      if (method.currency === value.currency) {
        throw DomainError.invalidField('methodId', 'quote_not_needed', `This payout method is paid in ${value.currency}, the diamonds' own currency: request the payout without a quote.`);
      }
      let quoted;
      try {
        quoted = await provider.quote({ sourceMinor: value.amount, sourceCurrency: value.currency, targetCurrency: method.currency });
      } catch (error) {
        if (error instanceof QuoteRefused) throw DomainError.invalidField('methodId', 'currency_not_supported', `${provider.name} cannot pay out in ${method.currency}: ${error.message}`);
        throw error;
      }
      const row: QuoteRow = {
        id: newId('pq'),
        user_id: userId,
        diamonds,
        method_id: method.id,
        source_minor: value.amount,
        source_currency: value.currency,
        fee_minor: quoted.feeMinor,
        rate: quoted.rate,
        target_minor: quoted.targetMinor,
        target_currency: method.currency,
        provider: provider.name,
        provider_quote_id: quoted.reference,
        expires_at: quoted.expiresAt.toISOString(),
        payout_id: null,
        created_at: now().toISOString(),
      };
      await kysely.insertInto('payout_quotes').values(row).execute();
      return toQuote(row);
    },

    async request(userId, input, idempotencyKey) {
      const diamonds = BigInt(input.diamonds);
      const fields = (payoutDiamonds: bigint, methodId: string, quoteId: string | null) =>
        JSON.stringify(requestFields(payoutDiamonds, methodId, quoteId), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
      const asked = fields(diamonds, input.methodId, input.quoteId ?? null);
      const find = () => kysely.selectFrom('payouts').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
      const replay = async (earlier: PayoutRow) => {
        if (fields(earlier.diamonds, earlier.method_id, earlier.quote_id) !== asked) throw keyReused();
        if (earlier.status === 'reserving') await reserve(records, earlier);
        return { payout: await records.view(earlier.id), replayed: true };
      };
      const earlier = await find();
      if (earlier) return replay(earlier);

      const method = await checkRules(userId, diamonds, input.methodId);
      const quote = await confirmedQuote(userId, diamonds, method, input.quoteId);
      const value = await records.deps.earnedValue(userId, diamonds);
      const at = now().toISOString();
      const payout: PayoutRow = {
        id: newId('po'),
        user_id: userId,
        idempotency_key: idempotencyKey,
        diamonds,
        // A quote fixed the cash value the creator saw converted.
        amount_minor: quote?.source_minor ?? value.amount,
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
        quote_id: quote?.id ?? null,
        received_minor: quote ? quote.target_minor : value.amount,
        received_currency: quote?.target_currency ?? value.currency,
        created_at: at,
        updated_at: at,
      };
      try {
        await insertWithinDailyMaximum(payout);
      } catch (error) {
        // The same key raced in from a concurrent retry (which also claimed its quote first): answer what that request made.
        const raced = await find();
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
