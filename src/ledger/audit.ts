import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/index.js';

export interface AuditCheckResult {
  name: string;
  violations: string[];
}

export interface AssetTotal {
  asset: string;
  accounts: number;
  /** Sum of posted balances; zero when no value was lost or invented. */
  postedSum: bigint;
  pendingDebitsSum: bigint;
  pendingCreditsSum: bigint;
}

export interface AuditReport {
  ok: boolean;
  accounts: number;
  transfers: number;
  totals: AssetTotal[];
  checks: AuditCheckResult[];
  violations: string[];
}

/** A check other domains add (orders credited once, gifts have transfers, ...). Returns violations as sentences. */
export interface AuditCheck {
  name: string;
  run(db: Database): Promise<string[]>;
}

export interface AuditOptions {
  /** Called as each check starts, for progress output. */
  onProgress?: (checkName: string, index: number, count: number) => void;
  extraChecks?: AuditCheck[];
}

/** Violations listed per check at most; the count past it is still reported. */
const MAX_LISTED = 50;
const PAGE = 5000;

/** Transfer types whose entries move posted balances. */
const POSTING_TYPES = sql.raw(`('posted', 'post_pending', 'reversal')`);

/**
 * SUM over 64-bit amounts can pass 2^63 part-way on SQLite (an error there), so
 * amounts are summed as high and low 32-bit halves and joined exactly in JavaScript.
 */
const SPLIT_SUM = sql.raw('CAST(SUM(e.amount >> 32) AS TEXT) AS high, CAST(SUM(e.amount & 4294967295) AS TEXT) AS low');

function joinSplit(sums: { high: string; low: string }): bigint {
  return BigInt(sums.high) * 4294967296n + BigInt(sums.low);
}

async function rows<T>(db: Database, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db.kysely)).rows;
}

function listed(violations: string[]): string[] {
  return violations.length > MAX_LISTED ? [...violations.slice(0, MAX_LISTED), `... and ${violations.length - MAX_LISTED} more`] : violations;
}

const ledgerChecks: AuditCheck[] = [
  {
    name: 'every transfer balances per asset',
    async run(db) {
      const found = await rows(
        db,
        sql<{ transfer_seq: bigint; asset: string; high: string; low: string }>`
          SELECT e.transfer_seq, a.asset, ${SPLIT_SUM}
          FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
          GROUP BY e.transfer_seq, a.asset
          HAVING SUM(e.amount & 4294967295) % 4294967296 <> 0 OR SUM(e.amount >> 32) + SUM(e.amount & 4294967295) / 4294967296 <> 0`,
      );
      return found.map((r) => `transfer tr_${r.transfer_seq} is unbalanced in ${r.asset} by ${joinSplit(r)}`);
    },
  },
  {
    name: 'entries belong to known accounts and transfers',
    async run(db) {
      const found = await rows(
        db,
        sql<{ account_id: string; transfer_seq: bigint; account: string | null; transfer: bigint | null }>`
          SELECT e.account_id, e.transfer_seq, a.id AS account, t.seq AS transfer FROM ledger_entries e
          LEFT JOIN ledger_accounts a ON a.id = e.account_id
          LEFT JOIN ledger_transfers t ON t.seq = e.transfer_seq
          WHERE a.id IS NULL OR t.seq IS NULL`,
      );
      return found.map((r) => `entry of tr_${r.transfer_seq} in ${r.account_id} names a missing ${r.account === null ? 'account' : 'transfer'}`);
    },
  },
  {
    name: 'entries repeat their transfer legs',
    async run(db) {
      const legCount = db.engine === 'sqlite' ? sql`json_array_length(t.legs)` : sql`json_array_length(t.legs::json)`;
      const found = await rows(
        db,
        sql<{ seq: bigint; type: string; legs: bigint; entries: bigint }>`
          SELECT t.seq, t.type, ${legCount} AS legs, COALESCE(c.entries, 0) AS entries FROM ledger_transfers t
          LEFT JOIN (SELECT transfer_seq, COUNT(*) AS entries FROM ledger_entries GROUP BY transfer_seq) c ON c.transfer_seq = t.seq
          WHERE ${legCount} <> COALESCE(c.entries, 0) OR (t.type = 'void_pending') <> (${legCount} = 0)`,
      );
      return found.map((r) => `${r.type} transfer tr_${r.seq} records ${r.legs} legs but has ${r.entries} entries`);
    },
  },
  {
    name: 'posts, voids and reversals refer to a fitting transfer',
    async run(db) {
      const found = await rows(
        db,
        sql<{ seq: bigint; type: string; target: bigint | null; target_type: string | null }>`
          SELECT t.seq, t.type, COALESCE(t.pending_seq, t.reverses_seq) AS target, p.type AS target_type FROM ledger_transfers t
          LEFT JOIN ledger_transfers p ON p.seq = COALESCE(t.pending_seq, t.reverses_seq)
          WHERE (t.type IN ('post_pending', 'void_pending') AND (p.seq IS NULL OR p.type <> 'pending'))
             OR (t.type = 'reversal' AND (p.seq IS NULL OR p.type NOT IN ('posted', 'post_pending')))
             OR (t.type IN ('posted', 'pending') AND COALESCE(t.pending_seq, t.reverses_seq) IS NOT NULL)`,
      );
      return found.map((r) => `${r.type} transfer tr_${r.seq} refers to ${r.target_type ?? 'missing'} transfer tr_${r.target}`);
    },
  },
  {
    name: 'cached balances match the journal',
    async run(db) {
      const found = await rows(
        db,
        sql<{ id: string; posted: bigint; pending_debits: bigint; pending_credits: bigint; j_posted: string; j_debits: string; j_credits: string }>`
          SELECT a.id, a.posted, a.pending_debits, a.pending_credits,
                 CAST(COALESCE(j.posted, 0) AS TEXT) AS j_posted,
                 CAST(COALESCE(j.debits, 0) AS TEXT) AS j_debits,
                 CAST(COALESCE(j.credits, 0) AS TEXT) AS j_credits
          FROM ledger_accounts a LEFT JOIN (
            SELECT e.account_id,
                   SUM(CASE WHEN t.type IN ${POSTING_TYPES} THEN e.amount ELSE 0 END) AS posted,
                   SUM(CASE WHEN t.type = 'pending' AND r.seq IS NULL AND e.amount < 0 THEN -e.amount ELSE 0 END) AS debits,
                   SUM(CASE WHEN t.type = 'pending' AND r.seq IS NULL AND e.amount > 0 THEN e.amount ELSE 0 END) AS credits
            FROM ledger_entries e
            JOIN ledger_transfers t ON t.seq = e.transfer_seq
            LEFT JOIN ledger_transfers r ON r.pending_seq = t.seq
            GROUP BY e.account_id
          ) j ON j.account_id = a.id
          WHERE a.posted <> COALESCE(j.posted, 0) OR a.pending_debits <> COALESCE(j.debits, 0) OR a.pending_credits <> COALESCE(j.credits, 0)`,
      );
      return found.map(
        (r) =>
          `account ${r.id} caches posted ${r.posted}, pending debits ${r.pending_debits}, pending credits ${r.pending_credits}; ` + `the journal says ${r.j_posted}, ${r.j_debits}, ${r.j_credits}`,
      );
    },
  },
  {
    name: 'no wallet below zero without a forced clawback',
    async run(db) {
      const found = await rows(
        db,
        sql<{ id: string; posted: bigint; pending_debits: bigint }>`
          SELECT a.id, a.posted, a.pending_debits FROM ledger_accounts a
          WHERE a.may_go_negative = 0 AND a.posted - a.pending_debits < 0 AND NOT EXISTS (
            SELECT 1 FROM ledger_entries e JOIN ledger_transfers t ON t.seq = e.transfer_seq
            WHERE e.account_id = a.id AND t.force_negative = 1)`,
      );
      return found.map((r) => `account ${r.id} has ${r.posted - r.pending_debits} available and no forced transfer explains it`);
    },
  },
];

/**
 * Recomputes every balance from the journal and checks the ledger's
 * invariants: each asset sums to zero, cached balances match, transfers are
 * balanced and well-formed, and no wallet is negative without a clawback.
 */
export async function runAudit(db: Database, options: AuditOptions = {}): Promise<AuditReport> {
  const checks = [...ledgerChecks, ...(options.extraChecks ?? [])];
  const count = checks.length + 1;
  const results: AuditCheckResult[] = [];

  options.onProgress?.('each asset sums to zero', 1, count);
  const totals = await assetTotals(db);
  results.push({
    name: 'each asset sums to zero',
    violations: totals.flatMap((t) => [
      ...(t.postedSum !== 0n ? [`${t.asset} posted balances sum to ${t.postedSum}, not 0`] : []),
      ...(t.pendingDebitsSum !== t.pendingCreditsSum ? [`${t.asset} pending debits ${t.pendingDebitsSum} differ from pending credits ${t.pendingCreditsSum}`] : []),
    ]),
  });
  for (const [index, check] of checks.entries()) {
    options.onProgress?.(check.name, index + 2, count);
    results.push({ name: check.name, violations: listed(await check.run(db)) });
  }

  const [counts] = await rows(
    db,
    sql<{ accounts: bigint; transfers: bigint }>`
      SELECT (SELECT COUNT(*) FROM ledger_accounts) AS accounts, (SELECT COUNT(*) FROM ledger_transfers) AS transfers`,
  );
  const violations = results.flatMap((r) => r.violations);
  return {
    ok: violations.length === 0,
    accounts: Number(counts!.accounts),
    transfers: Number(counts!.transfers),
    totals,
    checks: results,
    violations,
  };
}

/** Sums in JavaScript: the sum across accounts may pass 2^63 on the way even when it ends at zero. */
async function assetTotals(db: Database): Promise<AssetTotal[]> {
  const totals = new Map<string, AssetTotal>();
  let after = '';
  for (;;) {
    const page = await db.kysely.selectFrom('ledger_accounts').select(['id', 'asset', 'posted', 'pending_debits', 'pending_credits']).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    for (const row of page) {
      let total = totals.get(row.asset);
      if (!total) {
        total = { asset: row.asset, accounts: 0, postedSum: 0n, pendingDebitsSum: 0n, pendingCreditsSum: 0n };
        totals.set(row.asset, total);
      }
      total.accounts += 1;
      total.postedSum += row.posted;
      total.pendingDebitsSum += row.pending_debits;
      total.pendingCreditsSum += row.pending_credits;
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  return [...totals.values()].sort((a, b) => (a.asset < b.asset ? -1 : 1));
}
