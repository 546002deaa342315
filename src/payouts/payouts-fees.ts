import type { PayoutRecords } from './payouts-records.js';

/** The provider's fees on payouts, for reports: the ledger books what a payout takes from revenue, the fee inside it only in its quote. */
export interface PayoutFees {
  /** The fee each of these payouts was quoted with, in its cash currency; payouts without a quote (no conversion) are left out. */
  quotedFeesOf(payoutIds: readonly string[]): Promise<Map<string, { amountMinor: bigint; currency: string }>>;
}

/** Payouts are looked up this many at a time, well under either engine's limit on bound parameters. */
const LOOKUP_CHUNK = 500;

export function createPayoutFees(records: PayoutRecords): PayoutFees {
  const kysely = records.deps.db.kysely;
  return {
    async quotedFeesOf(payoutIds) {
      const fees = new Map<string, { amountMinor: bigint; currency: string }>();
      const ids = [...new Set(payoutIds)];
      for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
        const rows = await kysely
          .selectFrom('payouts as p')
          .innerJoin('payout_quotes as q', 'q.id', 'p.quote_id')
          .select(['p.id', 'q.fee_minor', 'q.source_currency'])
          .where('p.id', 'in', ids.slice(start, start + LOOKUP_CHUNK))
          .execute();
        for (const row of rows) fees.set(row.id, { amountMinor: row.fee_minor, currency: row.source_currency });
      }
      return fees;
    },
  };
}
