import type { Database } from '../db/index.js';
import { balancesByKindAt } from '../ledger/index.js';
import { csvOf } from '../shared/csv.js';
import { instantOf } from '../wallet/index.js';

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

export interface FinanceReports {
  balances(query: { at?: string }): Promise<BalancesReport>;
}

export function createFinanceReports(deps: { db: Database; now: () => Date }): FinanceReports {
  return {
    async balances(query) {
      const at = query.at === undefined ? deps.now().toISOString() : instantOf(query.at, 'at');
      const byKind = await balancesByKindAt(deps.db.kysely, at);
      const total = (kind: string) => byKind.filter((row) => row.kind === kind).reduce((sum, row) => sum + row.posted, 0n);
      return { at, coinsOutstanding: total('user_coin'), diamondsOutstanding: total('user_diamond'), byKind };
    },
  };
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
