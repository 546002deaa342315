import type { Accounts } from '../accounts/index.js';
import type { Database } from '../db/index.js';
import type { CreatorTiers, GiftCatalog, PayerQueries, PaymentKind } from '../gifts/index.js';
import { userDiamondWalletId, type Ledger } from '../ledger/index.js';
import type { Lives } from '../live/index.js';
import { clawedBackDiamonds } from '../payouts/index.js';
import type { PaidContent } from '../content/index.js';
import type { SubscriptionIncome } from '../subscriptions/index.js';
import { DomainError } from '../shared/errors.js';
import { instantOf } from '../wallet/index.js';
import { rateInForce, type DiamondRate, type DiamondValues } from './diamond-values.js';
import { createStatements, type Statements } from './statements.js';
import { createTaxYears, type TaxYears } from './tax-years.js';

const DAY_MS = 86_400_000;
export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;
/** The lives that earned most; each costs a look-up of its title. */
export const BY_LIVE_MAX = 50;
export const TOP_SUPPORTERS_MAX = 10;

/** Names of the payments that are not gifts, which byGift groups by kind. */
const KIND_NAMES: Record<Exclude<PaymentKind, 'gift'>, string> = { paid_message: 'Paid messages', cheer: 'Cheers' };

export interface EarningsPeriod {
  /** Inclusive, ISO 8601 UTC. */
  from: string;
  /** Exclusive. */
  to: string;
}

/** Amounts are whole diamonds and coins; money is in the currency's minor unit. */
export interface EarningsSummary {
  /** The diamond wallet's posted balance, holds included. */
  diamonds: bigint;
  cashValue: { amount: bigint; currency: string };
  /** What a payout may take now: the balance less holds. */
  availableDiamonds: bigint;
  /** Reserved by payouts not yet paid. */
  heldDiamonds: bigint;
  period: EarningsPeriod;
  /** `clawedBackDiamonds`: taken back in the period because the coins behind them were charged back; `diamonds` still counts those payments. */
  totals: { diamonds: bigint; coins: bigint; gifts: bigint; supporters: bigint; clawedBackDiamonds: bigint };
  /** Every UTC day of the period, oldest first. */
  byDay: { date: string; diamonds: bigint; coins: bigint; gifts: bigint }[];
  byLive: { liveId: string; title: string; startedAt: string; diamonds: bigint; gifts: bigint }[];
  /** Gifts by gift; paid messages and cheers each as one row with a null giftId. */
  byGift: { kind: PaymentKind; giftId: string | null; name: string; diamonds: bigint; quantity: bigint }[];
  topSupporters: { userId: string; handle: string; displayName: string; diamonds: bigint }[];
  /** What subscriptions brought in the period, beside the gifts of `totals`; by tier level, lowest first. */
  subscriptions: {
    diamonds: bigint;
    coins: bigint;
    months: bigint;
    byTier: { tierLevel: number; name: string; diamonds: bigint; coins: bigint; months: bigint; upgrades: bigint; subscribers: bigint }[];
  };
  /** What viewers' unlocks of locked posts and videos brought in the period. */
  paidContent: { diamonds: bigint; coins: bigint; unlocks: bigint };
}

export interface EarningsDependencies {
  db: Database;
  ledger: Pick<Ledger, 'getAccount'>;
  accounts: Pick<Accounts, 'getUser'>;
  lives: Pick<Lives, 'get'>;
  gifts: Pick<GiftCatalog, 'listAll'>;
  payers: Pick<PayerQueries, 'periodPayments'>;
  /** Subscription income by tier, from the subscriptions module. */
  subscriptionIncome: Pick<SubscriptionIncome, 'byTier'>;
  /** Paid-content income, from the content module. */
  contentIncome: Pick<PaidContent, 'income'>;
  /** The diamond's value over time, which values the balance. */
  values: DiamondValues;
  /** The creator's share of what viewers pay, by their tier. */
  shares: Pick<CreatorTiers, 'sharePercentOf'>;
  /** GIFT_DIAMONDS_PER_COIN: diamonds per coin paid before the creator's share. */
  diamondsPerCoin: number;
  now: () => Date;
}

/** What a creator is paid: their share, diamonds per coin, and the diamond's value with its dates. */
export interface RateCard {
  sharePercent: number;
  diamondsPerCoin: number;
  /** Oldest first; the one in force now is `current`. */
  diamondValues: DiamondRate[];
  current: DiamondRate;
}

/** The period asked for: by default the 30 days up to now; at most 366 days. */
function periodOf(query: { from?: string; to?: string }, now: Date): EarningsPeriod {
  const to = query.to === undefined ? now.toISOString() : instantOf(query.to, 'to');
  const from = query.from === undefined ? new Date(Date.parse(to) - DEFAULT_PERIOD_DAYS * DAY_MS).toISOString() : instantOf(query.from, 'from');
  if (to <= from) throw DomainError.invalidField('to', 'invalid_date_range', '"to" must be later than "from".');
  if (Date.parse(to) - Date.parse(from) > MAX_PERIOD_DAYS * DAY_MS) {
    throw DomainError.invalidField('from', 'period_too_long', `A period is at most ${MAX_PERIOD_DAYS} days; narrow "from" and "to".`);
  }
  return { from, to };
}

/** The UTC dates from `from` to the last instant before `to`. */
function daysOf(period: EarningsPeriod): string[] {
  const days: string[] = [];
  const last = new Date(Date.parse(period.to) - 1).toISOString().slice(0, 10);
  for (let day = period.from.slice(0, 10); day <= last; day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10)) days.push(day);
  return days;
}

/**
 * A creator's earnings: the diamond balance and its cash value from the
 * ledger; what a period's payments brought, from the payments projection
 * (gift_events) with names from the catalog, lives and accounts, and from
 * the subscriptions' and paid content's own records; and monthly statements
 * from the ledger journal.
 */
export interface Earnings {
  /** Statements of the months with movements, newest first. */
  statements: Statements['list'];
  /** One month's statement and ledger entries. */
  statement: Statements['month'];
  /** The balance and its cash value, and what the period's payments brought (30 days up to now by default, at most 366). */
  summary(creatorId: string, query: { from?: string; to?: string }): Promise<EarningsSummary>;
  rateCard(creatorId: string): Promise<RateCard>;
  /** The creator's tax profile and yearly earnings reports. */
  taxYears: TaxYears;
}

export function createEarnings(deps: EarningsDependencies): Earnings {
  const { db, ledger, accounts, lives, gifts, payers, subscriptionIncome, contentIncome, values, shares, diamondsPerCoin, now } = deps;
  const kysely = db.kysely;
  const statements = createStatements(db);

  return {
    /** Statements of the months with movements, newest first. */
    statements: statements.list,
    /** One month's statement and ledger entries. */
    statement: statements.month,
    taxYears: createTaxYears({ db, statements, values, now }),

    async summary(creatorId: string, query: { from?: string; to?: string }): Promise<EarningsSummary> {
      const period = periodOf(query, now());
      const [account, cashValue, payments, clawedBack, catalog, tiers, unlocks] = await Promise.all([
        ledger.getAccount(userDiamondWalletId(creatorId)),
        values.balanceValue(creatorId),
        payers.periodPayments(creatorId, period, { lives: BY_LIVE_MAX, supporters: TOP_SUPPORTERS_MAX }),
        clawedBackDiamonds(kysely, creatorId, period),
        gifts.listAll(),
        subscriptionIncome.byTier(creatorId, period),
        contentIncome.income(creatorId, period),
      ]);

      const posted = account?.posted ?? 0n;
      const held = account?.pendingDebits ?? 0n;
      const byDate = new Map(payments.byDay.map((row) => [row.date, row]));
      const giftNames = new Map(catalog.map((gift) => [gift.id, gift.name]));
      return {
        diamonds: posted,
        cashValue,
        availableDiamonds: posted - held,
        heldDiamonds: held,
        period,
        totals: { ...payments.totals, clawedBackDiamonds: clawedBack },
        byDay: daysOf(period).map((date) => {
          const row = byDate.get(date);
          return { date, diamonds: row?.diamonds ?? 0n, coins: row?.coins ?? 0n, gifts: row?.gifts ?? 0n };
        }),
        byLive: await Promise.all(
          payments.byLive.map(async (row) => {
            const live = await lives.get(row.liveId);
            return { liveId: live.id, title: live.title, startedAt: live.startedAt, diamonds: row.diamonds, gifts: row.gifts };
          }),
        ),
        byGift: payments.byGift.map((row) => {
          const kind = row.kind as PaymentKind;
          const name = kind === 'gift' ? (giftNames.get(row.giftId!) ?? row.giftId!) : KIND_NAMES[kind];
          return { kind, giftId: row.giftId, name, diamonds: row.diamonds, quantity: row.quantity };
        }),
        topSupporters: await Promise.all(
          payments.topSupporters.map(async (row) => {
            const user = await accounts.getUser(row.senderId);
            return { userId: user.id, handle: user.handle, displayName: user.displayName, diamonds: row.diamonds };
          }),
        ),
        subscriptions: {
          diamonds: tiers.reduce((sum, tier) => sum + tier.diamonds, 0n),
          coins: tiers.reduce((sum, tier) => sum + tier.coins, 0n),
          months: tiers.reduce((sum, tier) => sum + tier.months, 0n),
          byTier: tiers,
        },
        paidContent: unlocks,
      };
    },

    async rateCard(creatorId) {
      const [sharePercent, diamondValues] = await Promise.all([shares.sharePercentOf(creatorId), values.schedule()]);
      return { sharePercent, diamondsPerCoin, diamondValues, current: rateInForce(diamondValues, now().toISOString()) };
    },
  };
}
