import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Accounts, User } from '../accounts/index.js';
import { writeTransaction, type Database, type Schema } from '../db/index.js';
import type { PayerQueries, PayerShare } from '../gifts/index.js';
import { DIAMOND, formatMoney, platformAccountId, type AccountSpec, type Ledger } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { safeNumber } from '../shared/integers.js';
import type { PayoutConfig } from './config.js';
import type { PayoutDestination, PayoutProvider } from './provider.js';
import { reviewReasons, RISK_LOOKBACK_MS, type RiskReason } from './risk.js';
import type { PayoutTable } from './schema.js';
import type { AdminPayout, Payout, VisiblePayoutStatus } from './views.js';

/** `reserving` is the moment between the request and its ledger hold; nobody sees it. */
export type PayoutStatus = VisiblePayoutStatus | 'reserving';

export type PayoutRow = Selectable<PayoutTable>;

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
  /** The diamonds' cash value at the value in force, rounded down to the minor unit: for minimums and the currency. */
  cashValue(diamonds: bigint): { amount: bigint; currency: string };
  /** What the next `diamonds` a creator's payout takes (their oldest not held) are worth, each at the value in force when earned. */
  earnedValue(userId: string, diamonds: bigint): Promise<{ amount: bigint; currency: string }>;
  payers: PayerQueries;
  /** Which of these users have had a purchase charged back. */
  disputedBuyers(userIds: readonly string[]): Promise<Set<string>>;
  provider: PayoutProvider;
  config: PayoutConfig;
  logger: Logger;
  now: () => Date;
}

export const DAY_MS = 86_400_000;

/** What review looks at for a creator now, and what it flags. */
export interface Assessment {
  user: User;
  payers: PayerShare[];
  disputedPayerIds: Set<string>;
  reasons: RiskReason[];
}

/** The payout rows and their timelines, as every part of payouts reads and writes them. */
export interface PayoutRecords {
  deps: PayoutsDependencies;
  /** Makes, once per process, the platform accounts a payout moves through: in the diamonds' cash currency, and through FX clearing into the received currency. */
  ensurePlatformAccounts(currency: string, receivedCurrency: string): Promise<void>;
  /** The payout's row, if there is one. */
  row(id: string): Promise<PayoutRow | undefined>;
  /** A payout anyone may see (of `userId`'s, when given); not found otherwise. */
  requireRow(id: string, userId?: string): Promise<PayoutRow>;
  /** Adds a step to the payout's timeline, inside `trx`. */
  addEvent(trx: Kysely<Schema>, payoutId: string, status: string, note: string | null, at: string): Promise<void>;
  /** Moves a payout from one of `from` to `to` with a timeline step; false when another request moved it first. */
  transition(id: string, from: readonly PayoutStatus[], to: PayoutStatus, note: string | null, extra?: Partial<PayoutRow>): Promise<boolean>;
  /** The timelines of these payouts, by payout id. */
  timelineOf(ids: readonly string[]): Promise<Map<string, Payout['timeline']>>;
  /** The payout as its creator sees it. */
  toPayout(payout: PayoutRow, timeline: Payout['timeline']): Payout;
  /** The payout and its timeline as its creator sees them. */
  view(id: string): Promise<Payout>;
  /** The payouts as admins review them. */
  adminViews(rows: readonly PayoutRow[]): Promise<AdminPayout[]>;
  /** What review looks at for this creator now, and what it would flag for a payout of `amountMinor`. */
  assess(userId: string, amountMinor: bigint, currency: string): Promise<Assessment>;
}

export function createPayoutRecords(deps: PayoutsDependencies): PayoutRecords {
  const { db, ledger, accounts, config, now } = deps;
  const kysely = db.kysely;

  /** Made once per process per pair of currencies. */
  const accountsReady = new Map<string, Promise<void>>();
  function ensurePlatformAccounts(currency: string, receivedCurrency: string): Promise<void> {
    const key = `${currency}:${receivedCurrency}`;
    const spec = (name: 'payout_clearing' | 'revenue' | 'fx_clearing', asset: string): AccountSpec => ({ id: platformAccountId(name, asset), asset, kind: 'platform', mayGoNegative: true });
    const specs = [spec('payout_clearing', DIAMOND), spec('payout_clearing', currency), spec('revenue', currency)];
    if (receivedCurrency !== currency) specs.push(spec('fx_clearing', currency), spec('fx_clearing', receivedCurrency), spec('payout_clearing', receivedCurrency));
    const ready =
      accountsReady.get(key) ??
      ledger.ensureAccounts(specs).catch((error: unknown) => {
        accountsReady.delete(key);
        throw error;
      });
    accountsReady.set(key, ready);
    return ready;
  }

  async function row(id: string): Promise<PayoutRow | undefined> {
    return kysely.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async function requireRow(id: string, userId?: string): Promise<PayoutRow> {
    const payout = await row(id);
    if (!payout || payout.status === 'reserving' || (userId !== undefined && payout.user_id !== userId)) throw DomainError.notFound('payout_not_found', `No payout ${id}.`);
    return payout;
  }

  async function addEvent(trx: Kysely<Schema>, payoutId: string, status: string, note: string | null, at: string): Promise<void> {
    const last = await trx
      .selectFrom('payout_events')
      .select((eb) => eb.fn.max<bigint | null>('position').as('position'))
      .where('payout_id', '=', payoutId)
      .executeTakeFirst();
    await trx
      .insertInto('payout_events')
      .values({ payout_id: payoutId, position: BigInt(last?.position ?? 0) + 1n, status, note, at })
      .execute();
  }

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
    const events = await kysely
      .selectFrom('payout_events')
      .selectAll()
      .where('payout_id', 'in', [...ids])
      .orderBy('payout_id')
      .orderBy('position')
      .execute();
    for (const event of events) {
      const timeline = timelines.get(event.payout_id) ?? [];
      timeline.push({ status: event.status, at: event.at, note: event.note });
      timelines.set(event.payout_id, timeline);
    }
    return timelines;
  }

  /** The payout as its creator reads it: an approval's note is the admins' record, not a message to them (a rejection's reason is). */
  function toPayout(payout: PayoutRow, timeline: Payout['timeline']): Payout {
    return {
      id: payout.id,
      status: payout.status as VisiblePayoutStatus,
      diamonds: safeNumber(payout.diamonds),
      amount: { amount: safeNumber(payout.amount_minor), currency: payout.currency },
      received: { amount: safeNumber(payout.received_minor ?? payout.amount_minor), currency: payout.received_currency ?? payout.currency },
      method: { id: payout.method_id, type: payout.method_type, label: payout.method_label },
      reason: payout.reason,
      timeline: timeline.map((step) => (step.status === 'approved' ? { ...step, note: null } : step)),
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
      ...toPayout(payout, []),
      timeline: timelines.get(payout.id) ?? [],
      creator: creators.get(payout.user_id)!,
      riskReasons: JSON.parse(payout.risk_reasons) as RiskReason[],
      reviewedBy: payout.reviewed_by,
      holdTransferId: payout.hold_transfer_id,
    }));
  }

  async function assess(userId: string, amountMinor: bigint, currency: string): Promise<Assessment> {
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

  return { deps, ensurePlatformAccounts, row, requireRow, addEvent, transition, timelineOf, toPayout, view, adminViews, assess };
}
