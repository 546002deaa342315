import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/database.js';

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
const TOTALS_PAGE = 5000;

/** Transfer types whose entries move posted balances. */
const POSTING_TYPES = sql.raw(`('posted', 'post_pending', 'reversal')`);

async function rows<T>(db: Database, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db.kysely)).rows;
}

function listed(violations: string[]): string[] {
  return violations.length > MAX_LISTED
    ? [...violations.slice(0, MAX_LISTED), `... and ${violations.length - MAX_LISTED} more`]
    : violations;
}

const ledgerChecks: AuditCheck[] = [
  {
    name: 'every transfer balances per asset',
    async run(db) {
      const found = await rows(
        db,
        sql<{ transfer_id: string; asset: string; net: string }>`
          SELECT transfer_id, asset, CAST(SUM(amount) AS TEXT) AS net FROM ledger_entries
          GROUP BY transfer_id, asset HAVING SUM(amount) <> 0`,
      );
      return found.map((r) => `transfer ${r.transfer_id} is unbalanced in ${r.asset} by ${r.net}`);
    },
  },
  {
    name: 'entries match their account asset',
    async run(db) {
      const found = await rows(
        db,
        sql<{ seq: bigint; account_id: string; asset: string; account_asset: string }>`
          SELECT e.seq, e.account_id, e.asset, a.asset AS account_asset FROM ledger_entries e
          JOIN ledger_accounts a ON a.id = e.account_id WHERE e.asset <> a.asset`,
      );
      return found.map((r) => `entry ${r.seq} moves ${r.asset} in ${r.account_id}, which holds ${r.account_asset}`);
    },
  },
  {
    name: 'transfers have the entries their type needs',
    async run(db) {
      const found = await rows(
        db,
        sql<{ id: string; type: string; entries: bigint }>`
          SELECT t.id, t.type, COUNT(e.seq) AS entries FROM ledger_transfers t
          LEFT JOIN ledger_entries e ON e.transfer_id = t.id GROUP BY t.id, t.type
          HAVING (t.type = 'void_pending' AND COUNT(e.seq) > 0) OR (t.type <> 'void_pending' AND COUNT(e.seq) = 0)`,
      );
      return found.map((r) => `${r.type} transfer ${r.id} has ${r.entries} entries`);
    },
  },
  {
    name: 'posts, voids and reversals refer to a fitting transfer',
    async run(db) {
      const found = await rows(
        db,
        sql<{ id: string; type: string; target: string; target_type: string | null }>`
          SELECT t.id, t.type, COALESCE(t.pending_id, t.reverses_id) AS target, p.type AS target_type FROM ledger_transfers t
          LEFT JOIN ledger_transfers p ON p.id = COALESCE(t.pending_id, t.reverses_id)
          WHERE (t.type IN ('post_pending', 'void_pending') AND (p.id IS NULL OR p.type <> 'pending'))
             OR (t.type = 'reversal' AND (p.id IS NULL OR p.type NOT IN ('posted', 'post_pending')))
             OR (t.type IN ('posted', 'pending') AND COALESCE(t.pending_id, t.reverses_id) IS NOT NULL)`,
      );
      return found.map((r) => `${r.type} transfer ${r.id} refers to ${r.target_type ?? 'missing'} transfer ${r.target}`);
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
                   SUM(CASE WHEN t.type = 'pending' AND r.id IS NULL AND e.amount < 0 THEN -e.amount ELSE 0 END) AS debits,
                   SUM(CASE WHEN t.type = 'pending' AND r.id IS NULL AND e.amount > 0 THEN e.amount ELSE 0 END) AS credits
            FROM ledger_entries e
            JOIN ledger_transfers t ON t.id = e.transfer_id
            LEFT JOIN ledger_transfers r ON r.pending_id = t.id
            GROUP BY e.account_id
          ) j ON j.account_id = a.id
          WHERE a.posted <> COALESCE(j.posted, 0) OR a.pending_debits <> COALESCE(j.debits, 0) OR a.pending_credits <> COALESCE(j.credits, 0)`,
      );
      return found.map(
        (r) =>
          `account ${r.id} caches posted ${r.posted}, pending debits ${r.pending_debits}, pending credits ${r.pending_credits}; ` +
          `the journal says ${r.j_posted}, ${r.j_debits}, ${r.j_credits}`,
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
            SELECT 1 FROM ledger_entries e JOIN ledger_transfers t ON t.id = e.transfer_id
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
    const page = await db.kysely
      .selectFrom('ledger_accounts')
      .select(['id', 'asset', 'posted', 'pending_debits', 'pending_credits'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(TOTALS_PAGE)
      .execute();
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
    if (page.length < TOTALS_PAGE) break;
    after = page[page.length - 1]!.id;
  }
  return [...totals.values()].sort((a, b) => (a.asset < b.asset ? -1 : 1));
}
