import type { Database } from '../db/index.js';
import { platformEntriesBetween, type PlatformEntry } from '../ledger/index.js';
import { csvOf } from '../shared/csv.js';
import { DomainError } from '../shared/errors.js';
import { instantOf } from '../wallet/index.js';

/** One currency's tax over a period: what sales booked to tax payable and what refunds and chargebacks took back. */
export interface CurrencyTax {
  currency: string;
  /** Credits to `platform:tax_payable:<currency>`: the tax legs of sales. */
  collected: bigint;
  /** Debits: the tax legs of sales reversed (refunds, chargebacks). */
  reversed: bigint;
  /** collected − reversed: what the period adds to the tax owed. */
  payable: bigint;
  sales: number;
  reversals: number;
}

export interface TaxReport {
  /** Inclusive. */
  from: string;
  /** Exclusive. */
  to: string;
  /** By currency, in its minor unit. */
  currencies: CurrencyTax[];
  /** Every tax leg of the period, oldest first. */
  entries: PlatformEntry[];
}

/** Where a tax report starts when `from` is left out: the beginning of the books. */
const BEGINNING = '1970-01-01T00:00:00.000Z';

/** The tax figure of the books, read from the tax payable accounts' journal (docs/finance.md#tax-on-sales). */
export async function taxReport(deps: { db: Database; now: () => Date }, query: { from?: string; to?: string }): Promise<TaxReport> {
  const from = query.from === undefined ? BEGINNING : instantOf(query.from, 'from');
  const to = query.to === undefined ? deps.now().toISOString() : instantOf(query.to, 'to');
  if (to <= from) throw DomainError.invalidField('to', 'invalid_date_range', '"to" must be later than "from".');
  const entries = await platformEntriesBetween(deps.db.kysely, 'tax_payable', { from, to });
  const byCurrency = new Map<string, CurrencyTax>();
  for (const entry of entries) {
    const row = byCurrency.get(entry.asset) ?? { currency: entry.asset, collected: 0n, reversed: 0n, payable: 0n, sales: 0, reversals: 0 };
    if (entry.amount > 0n) {
      row.collected += entry.amount;
      row.sales += 1;
    } else {
      row.reversed -= entry.amount;
      row.reversals += 1;
    }
    row.payable += entry.amount;
    byCurrency.set(entry.asset, row);
  }
  return { from, to, currencies: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)), entries };
}

/** The report as CSV: one row per tax leg (signed), then each currency's payable total. */
export function taxReportCsv(report: TaxReport): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return csvOf([
    ['at', 'transferId', 'kind', 'orderId', 'currency', 'tax'],
    ...report.entries.map((entry) => [entry.at, entry.transferId, text(entry.metadata.kind), text(entry.metadata.orderId), entry.asset, entry.amount.toString()]),
    ...report.currencies.map((row) => [report.to, '', 'payable', '', row.currency, row.payable.toString()]),
  ]);
}
