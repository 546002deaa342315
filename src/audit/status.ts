import { sql, type RawBuilder } from 'kysely';
import type { AuditCheck } from '../ledger/index.js';
import { rowsOf } from '../db/index.js';

/** Running totals that differ from the payments recorded for the boards, as `who, counted, paid`. */
function mismatches(totals: RawBuilder<unknown>, paid: RawBuilder<unknown>, keys: string[]) {
  const on = sql.raw(keys.map((key) => `t.${key} = p.${key}`).join(' AND '));
  const columns = sql.raw(keys.map((key) => `COALESCE(t.${key}, p.${key}) AS ${key}`).join(', '));
  return sql<Record<string, string> & { counted: bigint | null; paid: bigint | null }>`
    SELECT ${columns}, t.coins AS counted, p.coins AS paid FROM (${totals}) t LEFT JOIN (${paid}) p ON ${on} WHERE p.coins IS NULL OR t.coins <> p.coins
    UNION ALL
    SELECT ${columns}, t.coins AS counted, p.coins AS paid FROM (${paid}) p LEFT JOIN (${totals}) t ON ${on} WHERE t.coins IS NULL AND p.coins <> 0`;
}

/** The audit's checks of gifter levels and all-time boards: each running total equals the payments it counts. */
export const statusAuditChecks: AuditCheck[] = [
  {
    name: "every gifter's lifetime coins equal their payments",
    async run(db) {
      const found = await rowsOf(
        db,
        mismatches(
          sql`SELECT sender_id, coins FROM gifter_totals`,
          // Coins whose purchase was charged back left the total (and the level) with the clawback.
          sql`SELECT sender_id, SUM(coins - clawed_back_coins) AS coins FROM gift_events GROUP BY sender_id`,
          ['sender_id'],
        ),
      );
      return found.map((row) => `gifter ${row.sender_id} has ${row.counted ?? 0} lifetime coins counted but paid ${row.paid ?? 0} not clawed back`);
    },
  },
  {
    name: "every creator's all-time gifter board equals the payments",
    async run(db) {
      const found = await rowsOf(
        db,
        mismatches(
          sql`SELECT creator_id, sender_id, coins FROM creator_gifter_totals WHERE period = 'all'`,
          // Coins whose purchase was charged back left the board with the clawback.
          sql`SELECT creator_id, sender_id, SUM(coins - clawed_back_coins) AS coins FROM gift_events GROUP BY creator_id, sender_id`,
          ['creator_id', 'sender_id'],
        ),
      );
      return found.map((row) => `gifter ${row.sender_id} of creator ${row.creator_id} has ${row.counted ?? 0} coins on the board but paid ${row.paid ?? 0}`);
    },
  },
];
