import { sql } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import type { Database } from '../db/index.js';
import type { GiftCatalog, PaymentKind } from '../gifts/index.js';
import { userDiamondWalletId, type Ledger } from '../ledger/index.js';
import type { Lives } from '../live/index.js';
import { DomainError } from '../shared/errors.js';
import { instantOf } from '../wallet/index.js';
import { diamondCashValue, type EarningsConfig } from './config.js';
import { createStatements } from './statements.js';

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
}

export interface EarningsDependencies {
  db: Database;
  ledger: Pick<Ledger, 'getAccount'>;
  accounts: Pick<Accounts, 'getUser'>;
  lives: Pick<Lives, 'get'>;
  gifts: Pick<GiftCatalog, 'listAll'>;
  config: EarningsConfig;
  now: () => Date;
}

/** A column's sum as a bigint on both engines (PostgreSQL sums bigints as numeric), 0 over no rows. */
function total(column: string) {
  return sql<bigint>`cast(coalesce(sum(${sql.ref(column)}), 0) as bigint)`;
}

/** The period asked for: by default the 30 days up to now; at most 366 days. */
export function periodOf(query: { from?: string; to?: string }, now: Date): EarningsPeriod {
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
 * (gift_events) with names from the catalog, lives and accounts; and
 * monthly statements from the ledger journal.
 */
export function createEarnings(deps: EarningsDependencies) {
  const { db, ledger, accounts, lives, gifts, config, now } = deps;
  const kysely = db.kysely;
  const statements = createStatements(db);

  return {
    /** Statements of the months with movements, newest first. */
    statements: statements.list,
    /** One month's statement and ledger entries. */
    statement: statements.month,

    async summary(creatorId: string, query: { from?: string; to?: string }): Promise<EarningsSummary> {
      const period = periodOf(query, now());
      const inPeriod = kysely.selectFrom('gift_events').where('creator_id', '=', creatorId).where('sent_at', '>=', period.from).where('sent_at', '<', period.to);
      const day = sql<string>`substr(${sql.ref('sent_at')}, 1, 10)`;
      const [account, totals, clawedBack, days, byLive, byGift, supporters, catalog] = await Promise.all([
        ledger.getAccount(userDiamondWalletId(creatorId)),
        inPeriod
          .select((eb) => [total('diamonds').as('diamonds'), total('coins').as('coins'), total('quantity').as('gifts'), eb.fn.count<bigint>('sender_id').distinct().as('supporters')])
          .executeTakeFirstOrThrow(),
        kysely
          .selectFrom('gift_clawback_creators as c')
          .innerJoin('gift_clawbacks as g', 'g.order_id', 'c.order_id')
          .select(total('c.reversed_diamonds').as('diamonds'))
          .where('c.creator_id', '=', creatorId)
          .where('g.traced_at', '>=', period.from)
          .where('g.traced_at', '<', period.to)
          .executeTakeFirstOrThrow(),
        inPeriod.select([day.as('date'), total('diamonds').as('diamonds'), total('coins').as('coins'), total('quantity').as('gifts')]).groupBy(day).execute(),
        inPeriod
          .select(['live_id', total('diamonds').as('diamonds'), total('quantity').as('gifts')])
          .where('live_id', 'is not', null)
          .groupBy('live_id')
          .orderBy('diamonds', 'desc')
          .orderBy('live_id')
          .limit(BY_LIVE_MAX)
          .execute(),
        inPeriod.select(['kind', 'gift_id', total('diamonds').as('diamonds'), total('quantity').as('quantity')]).groupBy(['kind', 'gift_id']).orderBy('diamonds', 'desc').orderBy('gift_id').execute(),
        inPeriod.select(['sender_id', total('diamonds').as('diamonds')]).groupBy('sender_id').orderBy('diamonds', 'desc').orderBy('sender_id').limit(TOP_SUPPORTERS_MAX).execute(),
        gifts.listAll(),
      ]);

      const posted = account?.posted ?? 0n;
      const held = account?.pendingDebits ?? 0n;
      const byDate = new Map(days.map((row) => [row.date, row]));
      const giftNames = new Map(catalog.map((gift) => [gift.id, gift.name]));
      return {
        diamonds: posted,
        cashValue: diamondCashValue(config, posted),
        availableDiamonds: posted - held,
        heldDiamonds: held,
        period,
        totals: { diamonds: totals.diamonds, coins: totals.coins, gifts: totals.gifts, supporters: totals.supporters, clawedBackDiamonds: clawedBack.diamonds },
        byDay: daysOf(period).map((date) => {
          const row = byDate.get(date);
          return { date, diamonds: row?.diamonds ?? 0n, coins: row?.coins ?? 0n, gifts: row?.gifts ?? 0n };
        }),
        byLive: await Promise.all(
          byLive.map(async (row) => {
            const live = await lives.get(row.live_id!);
            return { liveId: live.id, title: live.title, startedAt: live.startedAt, diamonds: row.diamonds, gifts: row.gifts };
          }),
        ),
        byGift: byGift.map((row) => {
          const kind = row.kind as PaymentKind;
          const name = kind === 'gift' ? (giftNames.get(row.gift_id!) ?? row.gift_id!) : KIND_NAMES[kind];
          return { kind, giftId: row.gift_id, name, diamonds: row.diamonds, quantity: row.quantity };
        }),
        topSupporters: await Promise.all(
          supporters.map(async (row) => {
            const user = await accounts.getUser(row.sender_id);
            return { userId: user.id, handle: user.handle, displayName: user.displayName, diamonds: row.diamonds };
          }),
        ),
      };
    },
  };
}

export type Earnings = ReturnType<typeof createEarnings>;
