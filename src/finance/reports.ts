import type { Database } from '../db/index.js';
import { lotsCashValue, type DiamondValues } from '../earnings/index.js';
import { balancesByKindAt, COIN, DIAMOND, movementsBetween, type PeriodMovement } from '../ledger/index.js';
import { csvOf } from '../shared/csv.js';
import { DomainError } from '../shared/errors.js';
import { instantOf } from '../wallet/index.js';
import { GOODWILL_KIND } from './goodwill.js';

/** What the platform owes its users at an instant: the coins viewers hold (the liability for coins sold) and the diamonds creators hold. */
export interface BalancesReport {
  /** Exclusive: the journal's transfers committed before it. */
  at: string;
  /** The sum of every viewer's coin wallet. */
  coinsOutstanding: bigint;
  /** The sum of every creator's diamond wallet, diamonds held by payouts included. */
  diamondsOutstanding: bigint;
  /** Every account kind's balance per asset, platform accounts included; each asset sums to zero. */
  byKind: { kind: string; asset: string; posted: bigint }[];
}

/** One figure of the period report: an amount of one asset, for one sales source when it has one, and how it is read from the ledger. */
export interface ReportFigure {
  section: 'sales' | 'refunds' | 'chargebacks' | 'revenue' | 'fees' | 'payouts' | 'coins' | 'diamonds' | 'take' | 'outstanding';
  /** Such as `gross`, `fees`, `revenue`, `sent`; with the section, names the figure (docs/finance.md#the-period-report). */
  name: string;
  /** web or app, for figures by sales source; null for totals. */
  channel: string | null;
  /** The payment provider or app store (sandbox, stripe, apple, google), for figures by sales source. */
  provider: string | null;
  /** A currency (amounts in its minor unit), COIN or DIAMOND. */
  asset: string;
  amount: bigint;
  /** How many orders, payouts or grants the figure sums, where that means something. */
  count: number | null;
  /** How the figure ties to the ledger: which accounts' movements, of which transfers. */
  ledger: string;
}

export interface PeriodReport {
  /** Inclusive. */
  from: string;
  /** Exclusive; the outstanding balances are those before it. */
  to: string;
  figures: ReportFigure[];
}

export interface FinanceReports {
  balances(query: { at?: string }): Promise<BalancesReport>;
  period(query: { from?: string; to?: string }): Promise<PeriodReport>;
}

export interface FinanceDependencies {
  db: Database;
  /** Where each order was paid (channel and provider), from payments. */
  orderSources: (orderIds: readonly string[]) => Promise<Map<string, { channel: string; provider: string }>>;
  /** The provider's fee each payout was quoted with, from payouts. */
  payoutFees: (payoutIds: readonly string[]) => Promise<Map<string, { amountMinor: bigint; currency: string }>>;
  diamondValues: Pick<DiamondValues, 'schedule' | 'outstandingValue'>;
  now: () => Date;
}

const ORDER_SECTIONS = { coin_purchase: 'sales', coin_refund: 'refunds', chargeback_clawback: 'chargebacks' } as const;
type OrderKind = keyof typeof ORDER_SECTIONS;
const isOrderKind = (kind: string): kind is OrderKind => Object.hasOwn(ORDER_SECTIONS, kind);

const platform = (name: string, asset: string) => `platform:${name}:${asset}`;
const TRANSFERS_OF = {
  sales: 'coin_purchase transfers (order credits)',
  refunds: 'coin_refund reversals (admin refunds, refunds at the provider or the app store)',
  chargebacks: 'chargeback_clawback reversals',
} as const;

/** The first instant of the month `at` falls in, UTC: the period a report covers by default. */
function startOfMonth(at: Date): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)).toISOString();
}

export function createFinanceReports(deps: FinanceDependencies): FinanceReports {
  const { db, now } = deps;

  async function balances(query: { at?: string }): Promise<BalancesReport> {
    const at = query.at === undefined ? now().toISOString() : instantOf(query.at, 'at');
    const byKind = await balancesByKindAt(db.kysely, at);
    const total = (kind: string) => byKind.filter((row) => row.kind === kind).reduce((sum, row) => sum + row.posted, 0n);
    return { at, coinsOutstanding: total('user_coin'), diamondsOutstanding: total('user_diamond'), byKind };
  }

  /** The diamonds creators earned over the period (issued less clawed back), each at the value in force when earned. */
  async function earnedDiamondsValue(from: string, to: string, earnedTotal: bigint): Promise<{ amount: bigint; currency: string }> {
    const rates = await deps.diamondValues.schedule();
    const inPeriod = rates.filter((rate) => (rate.effectiveFrom === null || rate.effectiveFrom < to) && (rate.effectiveUntil === null || rate.effectiveUntil > from));
    if (inPeriod.length === 1) return lotsCashValue([{ diamonds: earnedTotal, value: inPeriod[0]!.value }]);
    const lots = [];
    for (const rate of inPeriod) {
      const start = rate.effectiveFrom !== null && rate.effectiveFrom > from ? rate.effectiveFrom : from;
      const end = rate.effectiveUntil !== null && rate.effectiveUntil < to ? rate.effectiveUntil : to;
      const issued = (await movementsBetween(db, { from: start, to: end })).filter((row) => row.account === platform('diamond_issuance', DIAMOND));
      lots.push({ diamonds: -issued.reduce((sum, row) => sum + row.amount, 0n), value: rate.value });
    }
    return lotsCashValue(lots);
  }

  async function period(query: { from?: string; to?: string }): Promise<PeriodReport> {
    const to = query.to === undefined ? now().toISOString() : instantOf(query.to, 'to');
    const from = query.from === undefined ? startOfMonth(new Date(to)) : instantOf(query.from, 'from');
    if (to <= from) throw DomainError.invalidField('to', 'invalid_date_range', '"to" must be later than "from".');
    const movements = await movementsBetween(db, { from, to });
    const sources = await deps.orderSources(movements.filter((row) => isOrderKind(row.kind) && row.reference !== null).map((row) => row.reference!));
    const figures: ReportFigure[] = [];
    const add = (figure: Omit<ReportFigure, 'channel' | 'provider' | 'count'> & Partial<Pick<ReportFigure, 'channel' | 'provider' | 'count'>>) =>
      figures.push({ channel: null, provider: null, count: null, ...figure });
    /** The net movement of `account` by the transfers `rows`. */
    const moved = (rows: readonly PeriodMovement[], account: string) => rows.filter((row) => row.account === account).reduce((sum, row) => sum + row.amount, 0n);
    const references = (rows: readonly PeriodMovement[]) => new Set(rows.flatMap((row) => (row.reference === null ? [] : [row.reference]))).size;

    // Sales, refunds and chargebacks by source and currency: the fiat legs of each order's transfers.
    const currencies = [...new Set(movements.filter((row) => row.asset !== COIN && row.asset !== DIAMOND).map((row) => row.asset))].sort();
    const orderRows = movements.filter((row) => isOrderKind(row.kind));
    const sourceKey = (row: PeriodMovement) => {
      const source = row.reference === null ? undefined : sources.get(row.reference);
      return source ? `${source.channel}|${source.provider}` : 'unknown|unknown';
    };
    const sourceKeys = [...new Set(orderRows.map(sourceKey))].sort();
    for (const kind of Object.keys(ORDER_SECTIONS) as OrderKind[]) {
      const section = ORDER_SECTIONS[kind];
      // A sale moves value one way, its refund or chargeback back: each section's figures are positive.
      const sign = kind === 'coin_purchase' ? 1n : -1n;
      for (const key of sourceKeys) {
        const [channel, provider] = key.split('|') as [string, string];
        for (const currency of currencies) {
          const rows = orderRows.filter((row) => row.kind === kind && sourceKey(row) === key && row.asset === currency);
          if (rows.length === 0) continue;
          const base = { section, channel, provider, asset: currency, count: references(rows) } as const;
          add({
            ...base,
            name: 'gross',
            amount: -sign * moved(rows, platform('payment_clearing', currency)),
            ledger: `${platform('payment_clearing', currency)}, ${TRANSFERS_OF[section]}: what buyers paid`,
          });
          add({
            ...base,
            name: 'fees',
            amount: sign * moved(rows, platform('store_fees', currency)),
            ledger: `${platform('store_fees', currency)}, ${TRANSFERS_OF[section]}: the provider's fee or the store's commission`,
          });
          add({
            ...base,
            name: 'revenue',
            amount: sign * moved(rows, platform('revenue', currency)),
            ledger: `${platform('revenue', currency)}, ${TRANSFERS_OF[section]}: gross less fees and any tax_payable leg`,
          });
        }
        const coinRows = orderRows.filter((row) => row.kind === kind && sourceKey(row) === key && row.asset === COIN);
        if (coinRows.length > 0) {
          add({
            section,
            name: 'coins',
            channel,
            provider,
            asset: COIN,
            count: references(coinRows),
            amount: sign * moved(coinRows, 'user_coin'),
            ledger: `users' coin wallets, ${TRANSFERS_OF[section]}: coins (bonus included) credited or taken back`,
          });
        }
      }
    }

    // Revenue and fees per currency, over sales, refunds and chargebacks.
    for (const currency of currencies) {
      const rows = orderRows.filter((row) => row.asset === currency);
      if (rows.length === 0) continue;
      add({
        section: 'revenue',
        name: 'net',
        asset: currency,
        amount: moved(rows, platform('revenue', currency)),
        ledger: `${platform('revenue', currency)}, moved by sales less refunds and chargebacks: net of fees and tax`,
      });
      for (const channel of ['web', 'app']) {
        const fees = moved(
          rows.filter((row) => sourceKey(row).startsWith(`${channel}|`)),
          platform('store_fees', currency),
        );
        if (fees !== 0n) {
          add({
            section: 'fees',
            name: channel === 'web' ? 'provider' : 'store',
            channel,
            asset: currency,
            amount: fees,
            ledger: `${platform('store_fees', currency)}, moved by ${channel} orders' sales less refunds and chargebacks: ${channel === 'web' ? 'payment providers’ fees' : 'app stores’ commissions'}`,
          });
        }
      }
    }

    // Payouts: the cash value leaving revenue when a payout is paid (its hold posted), and coming back when one is returned.
    const paid = movements.filter((row) => row.kind === 'payout_paid');
    const returned = movements.filter((row) => row.kind === 'payout_return');
    const quotedFees = await deps.payoutFees([...new Set(paid.flatMap((row) => (row.reference === null ? [] : [row.reference])))]);
    for (const currency of currencies) {
      const sentRows = paid.filter((row) => row.account === platform('revenue', currency));
      if (sentRows.length > 0)
        add({
          section: 'payouts',
          name: 'sent',
          asset: currency,
          count: references(sentRows),
          amount: -moved(sentRows, platform('revenue', currency)),
          ledger: `${platform('revenue', currency)}, payout_paid transfers: the paid payouts' cash value`,
        });
      const backRows = returned.filter((row) => row.account === platform('revenue', currency));
      if (backRows.length > 0)
        add({
          section: 'payouts',
          name: 'returned',
          asset: currency,
          count: references(backRows),
          amount: moved(backRows, platform('revenue', currency)),
          ledger: `${platform('revenue', currency)}, payout_return reversals: payouts the bank sent back`,
        });
      const receivedRows = paid.filter((row) => row.account === platform('payout_clearing', currency));
      if (receivedRows.length > 0)
        add({
          section: 'payouts',
          name: 'received',
          asset: currency,
          count: references(receivedRows),
          amount: moved(receivedRows, platform('payout_clearing', currency)),
          ledger: `${platform('payout_clearing', currency)}, payout_paid transfers: what creators were sent, in the currency they receive`,
        });
      const fees = [...quotedFees.values()].filter((fee) => fee.currency === currency);
      if (fees.length > 0)
        add({
          section: 'payouts',
          name: 'fees',
          asset: currency,
          count: fees.length,
          amount: fees.reduce((sum, fee) => sum + fee.amountMinor, 0n),
          ledger: `Inside payouts.sent: the provider's fee of each paid payout's quote (not a ledger leg of its own)`,
        });
    }
    if (paid.length > 0)
      add({
        section: 'payouts',
        name: 'diamonds',
        asset: DIAMOND,
        count: references(paid),
        amount: moved(paid, platform('payout_clearing', DIAMOND)),
        ledger: `${platform('payout_clearing', DIAMOND)}, payout_paid transfers: diamonds cashed out`,
      });

    // Coins issued and given: the issuance and promotions accounts' debits.
    const coinSales = movements.filter((row) => row.kind === 'coin_purchase');
    const goodwill = movements.filter((row) => row.kind === GOODWILL_KIND);
    add({
      section: 'coins',
      name: 'sold',
      asset: COIN,
      amount: -moved(coinSales, platform('coin_issuance', COIN)),
      ledger: `${platform('coin_issuance', COIN)}, coin_purchase transfers: coins paid for`,
    });
    add({
      section: 'coins',
      name: 'bonus',
      asset: COIN,
      amount: -moved(coinSales, platform('promotions', COIN)),
      ledger: `${platform('promotions', COIN)}, coin_purchase transfers: bonus coins of purchases`,
    });
    add({
      section: 'coins',
      name: 'goodwill',
      asset: COIN,
      count: goodwill.filter((row) => row.account === 'user_coin').reduce((sum, row) => sum + row.transfers, 0),
      amount: -moved(goodwill, platform('promotions', COIN)),
      ledger: `${platform('promotions', COIN)}, goodwill transfers: coins support gave, each approved by a second admin`,
    });

    // Diamonds earned, at their value, and the platform's take: what sales brought in less what creators earned.
    const earned = -moved(movements, platform('diamond_issuance', DIAMOND));
    const earnedValue = await earnedDiamondsValue(from, to, earned);
    add({ section: 'diamonds', name: 'earned', asset: DIAMOND, amount: earned, ledger: `${platform('diamond_issuance', DIAMOND)}, every transfer: diamonds creators earned less those clawed back` });
    add({
      section: 'diamonds',
      name: 'earned_value',
      asset: earnedValue.currency,
      amount: earnedValue.amount,
      ledger: `diamonds.earned, each at the diamond value in force when its transfer committed`,
    });
    const revenueInCash = moved(orderRows, platform('revenue', earnedValue.currency));
    add({
      section: 'take',
      name: 'platform',
      asset: earnedValue.currency,
      amount: revenueInCash - earnedValue.amount,
      ledger: `revenue.net in ${earnedValue.currency} less diamonds.earned_value; revenue in other currencies is not converted`,
    });

    // What is owed at the end of the period.
    const [atEnd, diamondsValue] = await Promise.all([balances({ at: to }), deps.diamondValues.outstandingValue(to)]);
    add({ section: 'outstanding', name: 'coins', asset: COIN, amount: atEnd.coinsOutstanding, ledger: 'Users’ coin wallets (user_coin), every transfer before "to": the liability for coins' });
    add({ section: 'outstanding', name: 'diamonds', asset: DIAMOND, amount: atEnd.diamondsOutstanding, ledger: 'Creators’ diamond wallets (user_diamond), every transfer before "to"' });
    add({
      section: 'outstanding',
      name: 'diamonds_value',
      asset: diamondsValue.currency,
      amount: diamondsValue.amount,
      ledger: 'outstanding.diamonds, each wallet valued as its balance: oldest diamonds leave first, each at the value in force when earned',
    });
    return { from, to, figures };
  }

  return { balances, period };
}

/** The report as CSV: one line per account kind and asset, then the two totals. */
export function balancesCsv(report: BalancesReport): string {
  return csvOf([
    ['at', 'kind', 'asset', 'balance'],
    ...report.byKind.map((row) => [report.at, row.kind, row.asset, row.posted.toString()]),
    [report.at, 'coins_outstanding', 'COIN', report.coinsOutstanding.toString()],
    [report.at, 'diamonds_outstanding', 'DIAMOND', report.diamondsOutstanding.toString()],
  ]);
}

/** The period report as CSV: one line per figure, in the JSON's order and with its fields. */
export function periodCsv(report: PeriodReport): string {
  return csvOf([
    ['from', 'to', 'section', 'name', 'channel', 'provider', 'asset', 'amount', 'count', 'ledger'],
    ...report.figures.map((figure) => [
      report.from,
      report.to,
      figure.section,
      figure.name,
      figure.channel ?? '',
      figure.provider ?? '',
      figure.asset,
      figure.amount.toString(),
      figure.count === null ? '' : String(figure.count),
      figure.ledger,
    ]),
  ]);
}
