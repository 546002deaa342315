import type { Kysely } from 'kysely';
import { bigintSum, type Schema } from '../db/index.js';

// An account's journal as a query for other modules to narrow, select from and aggregate: entries `e`
// (transfer_seq, amount) with their transfers `t` (type, pending_seq, reverses_seq, metadata, created_at).

function entriesWithTransfers(kysely: Kysely<Schema>, accountId: string) {
  return kysely.selectFrom('ledger_entries as e').innerJoin('ledger_transfers as t', 't.seq', 'e.transfer_seq').where('e.account_id', '=', accountId);
}

/** The account's journal, with `r`, the transfer that posted or voided each hold (at most one, by a unique index). */
export function journalWithResolutions(kysely: Kysely<Schema>, accountId: string) {
  return entriesWithTransfers(kysely, accountId).leftJoin('ledger_transfers as r', 'r.pending_seq', 'e.transfer_seq');
}

/** The account's journal, with `h`, the hold that each post or void resolved. */
export function journalWithHolds(kysely: Kysely<Schema>, accountId: string) {
  return entriesWithTransfers(kysely, accountId).leftJoin('ledger_transfers as h', 'h.seq', 't.pending_seq');
}

/** Each account kind's and asset's total posted balance at the instant `at` (exclusive), from the journal: what holders owned then. */
export async function balancesByKindAt(kysely: Kysely<Schema>, at: string): Promise<{ kind: string; asset: string; posted: bigint }[]> {
  const rows = await kysely
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transfers as t', 't.seq', 'e.transfer_seq')
    .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
    .where('t.type', 'in', ['posted', 'post_pending', 'reversal'])
    .where('t.created_at', '<', at)
    .groupBy(['a.kind', 'a.asset'])
    .select(['a.kind', 'a.asset', bigintSum('e.amount').as('posted')])
    .orderBy('a.kind')
    .orderBy('a.asset')
    .execute();
  return rows.map((row) => ({ kind: row.kind, asset: row.asset, posted: BigInt(row.posted) }));
}
