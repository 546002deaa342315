import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/index.js';
import { addCounter, type CounterRow } from './store.js';
import type { CounterInput } from './types.js';

/**
 * Takes back, in the caller's transaction, what counters added (a clawback uncounting payments that stay
 * recorded as paid): summed per row and written in the ledger's order (its batches lock counter rows by
 * id), so this and a batch of payments take shared rows in the same order on PostgreSQL and cannot deadlock.
 * Every module's counters the same payments moved go in one call, for one order across all their tables.
 */
export async function takeFromCounters(trx: Kysely<Schema>, counters: readonly CounterInput[]): Promise<void> {
  const rows = new Map<string, CounterRow>();
  for (const counter of counters) addCounter(rows, counter);
  for (const [, counter] of [...rows].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const set = sql.join(Object.entries(counter.add).map(([column, amount]) => sql`${sql.ref(column)} = ${sql.ref(column)} - ${amount}`));
    const where = sql.join(
      Object.entries(counter.key).map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
      sql` AND `,
    );
    await sql`UPDATE ${sql.table(counter.table)} SET ${set} WHERE ${where}`.execute(trx);
  }
}
