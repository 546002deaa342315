import { sql, type Kysely } from 'kysely';
import { bigintSum, type Database, type Schema } from '../db/index.js';
import { transferMetadataField } from './sql.js';

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

/** What one kind of transfer, naming one order or payout, moved in one account (or kind of wallet) and asset over a period. */
export interface PeriodMovement {
  /** The transfer's metadata `kind`; `reversal` or `transfer` for a transfer without one. */
  kind: string;
  /** The order (`orderId`) or payout (`payoutId`) the transfer's metadata names; null when it names neither. */
  reference: string | null;
  /** A platform account's id (`platform:revenue:USD`); users' wallets are summed by kind (`user_coin`, `user_diamond`). */
  account: string;
  asset: string;
  /** Net: credits less debits, in the asset's smallest unit. */
  amount: bigint;
  /** The transfers that moved it. */
  transfers: number;
}

/**
 * Every posted movement of the transfers committed from `from` (inclusive) to `to` (exclusive), from the
 * journal: a pending transfer counts when it is posted (its post's entries repeat the hold's), never while held.
 */
export async function movementsBetween(db: Database, period: { from: string; to: string }): Promise<PeriodMovement[]> {
  const kind = sql<string>`coalesce(${transferMetadataField(db, 't', 'kind')}, case when t.type = 'reversal' then 'reversal' else 'transfer' end)`;
  const reference = sql<string | null>`coalesce(${transferMetadataField(db, 't', 'orderId')}, ${transferMetadataField(db, 't', 'payoutId')})`;
  const account = sql<string>`case when a.kind = 'platform' then a.id else a.kind end`;
  const rows = await db.kysely
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transfers as t', 't.seq', 'e.transfer_seq')
    .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
    .where('t.type', 'in', ['posted', 'post_pending', 'reversal'])
    .where('t.created_at', '>=', period.from)
    .where('t.created_at', '<', period.to)
    // By position: PostgreSQL numbers each expression's bound parameters anew, so repeated expressions would not match.
    .groupBy([sql`1`, sql`2`, sql`3`, sql`4`])
    .select([kind.as('kind'), reference.as('reference'), account.as('account'), 'a.asset', bigintSum('e.amount').as('amount'), sql<string | number>`count(distinct e.transfer_seq)`.as('transfers')])
    .execute();
  return rows.map((row) => ({ kind: row.kind, reference: row.reference, account: row.account, asset: row.asset, amount: BigInt(row.amount), transfers: Number(row.transfers) }));
}

/**
 * Each wallet of `kind` with a posted balance before `at` (exclusive): what it was credited in each of the
 * periods `boundaries` (ascending instants) cut time into (`credits[0]` before the first, the last from
 * the last), and all it was debited. For valuing balances whose units are worth what they were when credited.
 */
export async function walletCreditsByPeriod(
  kysely: Kysely<Schema>,
  kind: 'user_coin' | 'user_diamond',
  at: string,
  boundaries: readonly string[],
): Promise<{ accountId: string; credits: bigint[]; debits: bigint }[]> {
  const edges = [null, ...boundaries, null];
  const credits = edges.slice(0, -1).map((start, index) => {
    const end = edges[index + 1];
    const inPeriod = [start === null ? sql`1 = 1` : sql`t.created_at >= ${start}`, end === null ? sql`1 = 1` : sql`t.created_at < ${end}`];
    return sql<bigint>`cast(coalesce(sum(case when e.amount > 0 and ${sql.join(inPeriod, sql` and `)} then e.amount else 0 end), 0) as bigint)`.as(`credits_${index}`);
  });
  const rows = (await kysely
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_transfers as t', 't.seq', 'e.transfer_seq')
    .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
    .where('a.kind', '=', kind)
    .where('t.type', 'in', ['posted', 'post_pending', 'reversal'])
    .where('t.created_at', '<', at)
    .groupBy('e.account_id')
    .having(sql<boolean>`sum(e.amount) <> 0`)
    .select(['e.account_id', ...credits, sql<bigint>`cast(coalesce(sum(case when e.amount < 0 then -e.amount else 0 end), 0) as bigint)`.as('debits')])
    .execute()) as unknown as Record<string, string | bigint>[];
  return rows.map((row) => ({ accountId: String(row.account_id), credits: edges.slice(0, -1).map((_, index) => BigInt(row[`credits_${index}`]!)), debits: BigInt(row.debits!) }));
}
