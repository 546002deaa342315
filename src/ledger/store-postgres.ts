import type pg from 'pg';
import type { Database } from '../db/index.js';
import { applyBatch } from './batch.js';
import { counterGroups, counterRowId, keyOf, recordGroups, TRANSFER_COLUMNS, type BalanceRow, type EntryRow, type LedgerStore, type LedgerTx, type OutboxRow, type TransferRow } from './store.js';

const UNIQUE_VIOLATION = '23505';
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';

/**
 * PostgreSQL: each batch locks its accounts in id order (so concurrent batches,
 * in this process or another, never deadlock) and writes every row of the
 * batch with one statement per table through array parameters.
 */
export function postgresLedgerStore(db: Database, maxConcurrentTransactions: number, clockMs: () => number = Date.now): LedgerStore {
  const pool = db.pgPool;
  if (!pool) throw new Error('postgresLedgerStore needs a PostgreSQL database');
  return {
    maxConcurrentTransactions,
    async runBatch(requests) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await applyBatch(transactionOn(client), requests, clockMs);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    isRetryable(error) {
      const code = (error as { code?: unknown }).code;
      return code === UNIQUE_VIOLATION || code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED;
    },
  };
}

/** Rows as one JSON array parameter, bigints as text. */
function jsonOf(rows: readonly object[]): string {
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

function transactionOn(client: pg.PoolClient): LedgerTx {
  const rows = async <T>(text: string, values: unknown[]): Promise<T[]> => (await client.query(text, values)).rows as T[];
  const column = async (text: string, values: unknown[]): Promise<bigint[]> => (await client.query({ text, values, rowMode: 'array' })).rows.map((row: unknown[]) => row[0] as bigint);
  const texts = (values: (bigint | null)[]) => values.map((v) => (v === null ? null : String(v)));
  return {
    transfersByKeys: (keys) => rows(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE idempotency_key = ANY($1::text[])`, [keys]),
    transfersBySeqs: (seqs) => rows(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE seq = ANY($1::bigint[])`, [texts(seqs)]),
    resolvedPendingSeqs: (seqs) => column('SELECT pending_seq FROM ledger_transfers WHERE pending_seq = ANY($1::bigint[])', [texts(seqs)]),
    reversedSeqs: (seqs) => column('SELECT reverses_seq FROM ledger_transfers WHERE reverses_seq = ANY($1::bigint[])', [texts(seqs)]),
    lockAccounts: (ids) =>
      rows(
        `SELECT id, asset, may_go_negative, posted, pending_debits, pending_credits, authorization_version FROM ledger_accounts
         WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE`,
        [ids],
      ),
    reserveSeqs: (count) => column(`SELECT nextval(pg_get_serial_sequence('ledger_transfers', 'seq')) FROM generate_series(1, $1::int) ORDER BY 1`, [count]),
    async insert(transfers: TransferRow[], entries: EntryRow[], outbox: OutboxRow[]) {
      await client.query(
        `INSERT INTO ledger_transfers (${TRANSFER_COLUMNS})
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[])`,
        [
          texts(transfers.map((t) => t.seq)),
          transfers.map((t) => t.idempotency_key),
          transfers.map((t) => t.request_hash),
          transfers.map((t) => t.type),
          texts(transfers.map((t) => t.pending_seq)),
          texts(transfers.map((t) => t.reverses_seq)),
          texts(transfers.map((t) => t.force_negative)),
          transfers.map((t) => t.legs),
          transfers.map((t) => t.metadata),
          transfers.map((t) => t.created_at),
        ],
      );
      if (entries.length > 0) {
        await client.query(`INSERT INTO ledger_entries (account_id, transfer_seq, amount) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])`, [
          entries.map((e) => e.account_id),
          texts(entries.map((e) => e.transfer_seq)),
          texts(entries.map((e) => e.amount)),
        ]);
      }
      if (outbox.length > 0) {
        await client.query(`INSERT INTO outbox (transfer_seq, position, topic, payload, created_at) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])`, [
          texts(outbox.map((m) => m.transfer_seq)),
          texts(outbox.map((m) => m.position)),
          outbox.map((m) => m.topic),
          outbox.map((m) => m.payload),
          outbox.map((m) => m.created_at),
        ]);
      }
    },
    async insertRecords(records) {
      for (const group of recordGroups(records)) {
        const columns = group.columns.join(', ');
        // One statement per table whatever the number of rows: the rows travel as one JSON array.
        await client.query(`INSERT INTO ${group.table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${group.table}, $1::json) ON CONFLICT DO NOTHING`, [jsonOf(group.rows)]);
      }
    },
    async addToCounters(counters, clockOf) {
      const totals = new Map<string, Record<string, bigint>>();
      for (const { table, keyColumns, addColumns, window, totals: readBack, rows } of counterGroups(counters)) {
        const json = jsonOf(rows);
        if (window) {
          const keys = keyColumns.join(', ');
          // Held first, in key order; the clock is read once they are held, and a row whose window was closed meanwhile is read as closed.
          const { rows: held } = await client.query<Record<string, string>>(
            `SELECT ${keys}, ${window.from} AS window_from, ${window.until} AS window_until FROM ${table} ` +
              `WHERE (${keys}) IN (SELECT ${keys} FROM json_populate_recordset(NULL::${table}, $1::json)) ORDER BY ${keys} FOR NO KEY UPDATE`,
            [json],
          );
          const windowClockMs = BigInt(clockOf());
          const open = new Set(held.filter((row) => BigInt(row.window_from!) <= windowClockMs && windowClockMs < BigInt(row.window_until!)).map((row) => counterRowId(table, keyOf(row, keyColumns))));
          const moving = rows.filter((row) => open.has(counterRowId(table, keyOf(row, keyColumns))));
          if (moving.length === 0) continue;
          const { rows: after } = await client.query<Record<string, string>>(
            `UPDATE ${table} AS t SET ${addColumns.map((column) => `${column} = t.${column} + v.${column}`).join(', ')} ` +
              `FROM json_populate_recordset(NULL::${table}, $1::json) AS v WHERE ${keyColumns.map((column) => `t.${column} = v.${column}`).join(' AND ')} ` +
              `RETURNING ${[...keyColumns, ...addColumns].map((column) => `t.${column}`).join(', ')}`,
            [jsonOf(moving)],
          );
          for (const row of after) {
            totals.set(counterRowId(table, keyOf(row, keyColumns)), Object.fromEntries(addColumns.map((column) => [column, BigInt(row[column]!)])));
          }
          continue;
        }
        const columns = [...keyColumns, ...addColumns].join(', ');
        // Rows arrive in key order and are locked in it; each key once, as ON CONFLICT DO UPDATE requires.
        const { rows: after } = await client.query<Record<string, string>>(
          `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json) ` +
            `ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${addColumns.map((column) => `${column} = ${table}.${column} + excluded.${column}`).join(', ')}` +
            (readBack ? ` RETURNING ${columns}` : ''),
          [json],
        );
        for (const row of after) {
          totals.set(counterRowId(table, keyOf(row, keyColumns)), Object.fromEntries(addColumns.map((column) => [column, BigInt(row[column]!)])));
        }
      }
      return totals;
    },
    async updateBalances(accounts: BalanceRow[]) {
      await client.query(
        `UPDATE ledger_accounts AS a SET posted = v.posted, pending_debits = v.pending_debits, pending_credits = v.pending_credits
         FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS v(id, posted, pending_debits, pending_credits)
         WHERE a.id = v.id`,
        [accounts.map((a) => a.id), texts(accounts.map((a) => a.posted)), texts(accounts.map((a) => a.pending_debits)), texts(accounts.map((a) => a.pending_credits))],
      );
    },
  };
}
