import type { Kysely } from 'kysely';
import type { Schema } from '../db/index.js';
import { platformAccountId, type PlatformAccountName } from './accounts.js';
import { transferIdOf } from './requests.js';

/** One posted entry of a platform account: what one transfer moved in it. */
export interface PlatformEntry {
  transferId: string;
  /** When the transfer committed, ISO 8601 UTC. */
  at: string;
  /** The account's asset (its currency). */
  asset: string;
  /** Signed: credits positive, debits negative, in the asset's smallest unit. */
  amount: bigint;
  /** The transfer's metadata, as its maker wrote it. */
  metadata: Record<string, unknown>;
}

/**
 * Every posted entry of the platform account `name`, in every asset, of the transfers committed from
 * `from` (inclusive) to `to` (exclusive), oldest first: the journal lines a report of that account sums.
 */
export async function platformEntriesBetween(kysely: Kysely<Schema>, name: PlatformAccountName, period: { from: string; to: string }): Promise<PlatformEntry[]> {
  const prefix = platformAccountId(name, '');
  const rows = await kysely
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transfers as t', 't.seq', 'e.transfer_seq')
    .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
    // The account's ids in every asset first, so the entries are read through their (account, transfer) key.
    .where('e.account_id', 'in', kysely.selectFrom('ledger_accounts').select('id').where('kind', '=', 'platform').where('id', 'like', `${prefix}%`))
    .where('t.type', 'in', ['posted', 'post_pending', 'reversal'])
    .where('t.created_at', '>=', period.from)
    .where('t.created_at', '<', period.to)
    .select(['t.seq', 't.created_at', 't.metadata', 'a.asset', 'e.amount'])
    .orderBy('t.seq')
    .execute();
  return rows.map((row) => ({ transferId: transferIdOf(row.seq), at: row.created_at, asset: row.asset, amount: BigInt(row.amount), metadata: JSON.parse(row.metadata) as Record<string, unknown> }));
}
