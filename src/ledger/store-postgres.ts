import type pg from 'pg';
import type { Database } from '../db/database.js';
import type { BalanceRow, EntryRow, LedgerStore, LedgerTx, TransferRow } from './store.js';

const TRANSFER_COLUMNS = 'id, idempotency_key, request_hash, type, pending_id, reverses_id, force_negative, metadata, created_at';
const UNIQUE_VIOLATION = '23505';
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';

/**
 * PostgreSQL: each batch locks its accounts in id order (so concurrent batches,
 * in this process or another, never deadlock) and writes every row of the
 * batch with one statement per table through array parameters.
 */
export function postgresLedgerStore(db: Database, maxConcurrentTransactions: number): LedgerStore {
  const pool = db.pgPool;
  if (!pool) throw new Error('postgresLedgerStore needs a PostgreSQL database');
  return {
    maxConcurrentTransactions,
    async inWriteTransaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(transactionOn(client));
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

function transactionOn(client: pg.PoolClient): LedgerTx {
  const rows = async <T>(text: string, values: unknown[]): Promise<T[]> => (await client.query(text, values)).rows as T[];
  const column = async (text: string, values: unknown[]): Promise<string[]> =>
    (await client.query({ text, values, rowMode: 'array' })).rows.map((row: unknown[]) => row[0] as string);
  const bigints = (values: bigint[]) => values.map(String);
  return {
    transfersByKeys: (keys) => rows(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE idempotency_key = ANY($1::text[])`, [keys]),
    transfersByIds: (ids) => rows(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = ANY($1::text[])`, [ids]),
    entriesOf: (ids) =>
      rows('SELECT transfer_id, account_id, asset, amount FROM ledger_entries WHERE transfer_id = ANY($1::text[]) ORDER BY seq', [ids]),
    resolvedPendingIds: (ids) => column('SELECT pending_id FROM ledger_transfers WHERE pending_id = ANY($1::text[])', [ids]),
    reversedIds: (ids) => column('SELECT reverses_id FROM ledger_transfers WHERE reverses_id = ANY($1::text[])', [ids]),
    lockAccounts: (ids) =>
      rows(
        `SELECT id, asset, may_go_negative, posted, pending_debits, pending_credits FROM ledger_accounts
         WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE`,
        [ids],
      ),
    async insert(transfers: TransferRow[], entries: EntryRow[]) {
      await client.query(
        `INSERT INTO ledger_transfers (${TRANSFER_COLUMNS})
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[])`,
        [
          transfers.map((t) => t.id),
          transfers.map((t) => t.idempotency_key),
          transfers.map((t) => t.request_hash),
          transfers.map((t) => t.type),
          transfers.map((t) => t.pending_id),
          transfers.map((t) => t.reverses_id),
          bigints(transfers.map((t) => t.force_negative)),
          transfers.map((t) => t.metadata),
          transfers.map((t) => t.created_at),
        ],
      );
      if (entries.length === 0) return;
      await client.query(
        `INSERT INTO ledger_entries (transfer_id, account_id, asset, amount)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`,
        [entries.map((e) => e.transfer_id), entries.map((e) => e.account_id), entries.map((e) => e.asset), bigints(entries.map((e) => e.amount))],
      );
    },
    async updateBalances(accounts: BalanceRow[]) {
      await client.query(
        `UPDATE ledger_accounts AS a SET posted = v.posted, pending_debits = v.pending_debits, pending_credits = v.pending_credits
         FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS v(id, posted, pending_debits, pending_credits)
         WHERE a.id = v.id`,
        [accounts.map((a) => a.id), bigints(accounts.map((a) => a.posted)), bigints(accounts.map((a) => a.pending_debits)), bigints(accounts.map((a) => a.pending_credits))],
      );
    },
  };
}
