import type pg from 'pg';
import type { Database } from '../db/index.js';
import { applyBatch } from './batch.js';
import { counterGroups, counterRowId, keyOf, recordGroups, TRANSFER_COLUMNS, type BalanceRow, type EntryRow, type LedgerStore, type LedgerTx, type OutboxRow, type TransferRow } from './store.js';

const TRANSFER_COLUMN_NAMES = TRANSFER_COLUMNS.split(', ');
const ENTRY_COLUMNS = ['account_id', 'transfer_seq', 'amount'];
const OUTBOX_COLUMNS = ['transfer_seq', 'position', 'topic', 'payload', 'created_at'];
const BALANCE_COLUMNS = ['id', 'posted', 'pending_debits', 'pending_credits'];

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
        const tx = transactionOn(client);
        const result = await applyBatch(tx, requests, clockMs);
        await tx.commit();
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

/**
 * Text as a dollar-quoted literal: nothing inside it is escaped, so JSON goes in as it is. The tag is one that first
 * occurs in the text followed by the tag where the literal is meant to end. PostgreSQL's text cannot hold NUL,
 * which would also end the message early: refused, as a parameter holding it is.
 */
function textLiteral(text: string): string {
  if (text.includes('\0')) throw new TypeError('text for PostgreSQL cannot hold the NUL character');
  let tag = '$j$';
  if (text.includes('$')) for (let n = 0; (text + tag).indexOf(tag) !== text.length; n++) tag = `$j${n}$`;
  // Spaced, so the tag is never read as part of a word before it.
  return ` ${tag}${text}${tag}`;
}

/** A parameter written as an SQL literal: text dollar-quoted, arrays as array literals of text, integers as they are. */
function literal(value: unknown): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return textLiteral(value);
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return String(value);
  if (Array.isArray(value)) return textLiteral(`{${value.map((element: unknown) => (element === null ? 'NULL' : `"${String(element).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`);
  throw new TypeError(`no SQL literal for a ${typeof value} parameter`);
}

/** A row's cell as a literal: text and integers as `literal` writes them, any finite number as a numeric constant, one that is not finite as NULL (as JSON writes it). */
function cellLiteral(value: string | number | bigint | null | undefined): string {
  if (typeof value !== 'number') return literal(value ?? null);
  return Number.isFinite(value) ? String(value) : 'NULL';
}

/** Rows as the VALUES list of an INSERT, their cells in the order of `columns`: nothing escaped but the tags' choice. */
export function valuesOf(rows: readonly object[], columns: readonly string[]): string {
  let values = '';
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Record<string, string | number | bigint | null>;
    let tuple = index === 0 ? '(' : ',(';
    for (let position = 0; position < columns.length; position++) tuple += (position === 0 ? '' : ',') + cellLiteral(row[columns[position]!]);
    values += `${tuple})`;
  }
  return values;
}

/** A statement with its parameters ($1, $2, …) written in place as literals, for a message of several statements. */
export function inlined(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_placeholder, position: string) => literal(values[Number(position) - 1]));
}

/**
 * A batch's transaction on one connection. Statements wait, their values written in, and travel in one message
 * when the batch needs an answer: those asked for in the same turn of the event loop (its keys, accounts and
 * sequence numbers together), every counter's totals at once, and the COMMIT. The server runs them in order as
 * before, in a few round trips per batch instead of one per statement.
 */
function transactionOn(client: pg.PoolClient): LedgerTx & { commit(): Promise<void> } {
  /** Statements not sent yet, in order; `answered` takes the result of one whose rows the batch reads. */
  const deferred: { text: string; answered?: (result: pg.QueryResult) => void }[] = [{ text: 'BEGIN' }];
  /** The next message, sent once the statements asked for in this turn are deferred. */
  let message: Promise<void> | undefined;
  const send = (): Promise<void> =>
    (message ??= Promise.resolve().then(async () => {
      message = undefined;
      const sent = deferred.splice(0);
      const answer = (await client.query(sent.map((statement) => statement.text).join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
      const results = Array.isArray(answer) ? answer : [answer];
      sent.forEach((statement, index) => statement.answered?.(results[index]!));
    }));
  /**
   * Defers this statement after the others and answers its result once its message was sent. A statement either
   * takes parameters or has its values written in already (VALUES lists), never both: placeholders are replaced
   * only in text that holds no literal, which could itself read like one.
   */
  const query = async (text: string, values: readonly unknown[]): Promise<pg.QueryResult> => {
    let result: pg.QueryResult | undefined;
    deferred.push({ text: values.length === 0 ? text : inlined(text, values), answered: (answer) => (result = answer) });
    await send();
    return result!;
  };
  const rows = async <T>(text: string, values: unknown[]): Promise<T[]> => (await query(text, values)).rows as T[];
  const column = async (text: string, values: unknown[]): Promise<bigint[]> => {
    const result = await query(text, values);
    const name = result.fields[0]!.name;
    return result.rows.map((row: Record<string, bigint>) => row[name]!);
  };
  const texts = (values: (bigint | null)[]) => values.map((v) => (v === null ? null : String(v)));
  return {
    async commit() {
      await query('COMMIT', []);
    },
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
      // Written as VALUES lists: the JSON of legs, metadata and messages goes in without being escaped again.
      deferred.push({ text: `INSERT INTO ledger_transfers (${TRANSFER_COLUMNS}) VALUES ${valuesOf(transfers, TRANSFER_COLUMN_NAMES)}` });
      if (entries.length > 0) deferred.push({ text: `INSERT INTO ledger_entries (${ENTRY_COLUMNS.join(', ')}) VALUES ${valuesOf(entries, ENTRY_COLUMNS)}` });
      if (outbox.length > 0) deferred.push({ text: `INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')}) VALUES ${valuesOf(outbox, OUTBOX_COLUMNS)}` });
    },
    async insertRecords(records) {
      for (const group of recordGroups(records)) {
        deferred.push({ text: `INSERT INTO ${group.table} (${group.columns.join(', ')}) VALUES ${valuesOf(group.rows, group.columns)} ON CONFLICT DO NOTHING` });
      }
    },
    async addToCounters(counters, clockOf) {
      const totals = new Map<string, Record<string, bigint>>();
      for (const { table, keyColumns, addColumns, window, totals: readBack, rows } of counterGroups(counters)) {
        const readTotals = (result: pg.QueryResult) => {
          for (const row of result.rows as Record<string, string>[]) {
            totals.set(counterRowId(table, keyOf(row, keyColumns)), Object.fromEntries(addColumns.map((column) => [column, BigInt(row[column]!)])));
          }
        };
        if (window) {
          // One statement per row, in key order, so batches lock shared rows in the same order. The window is
          // checked on the row as it stands once held: a batch that waited for a close finds the window closed.
          const windowClockMs = clockOf();
          const returning = [...keyColumns, ...addColumns].join(', ');
          for (const row of rows) {
            deferred.push({
              text:
                `UPDATE ${table} SET ${addColumns.map((column) => `${column} = ${column} + ${literal(row[column])}`).join(', ')} ` +
                `WHERE ${keyColumns.map((column) => `${column} = ${literal(row[column])}`).join(' AND ')} ` +
                `AND ${window.from} <= ${windowClockMs} AND ${windowClockMs} < ${window.until} RETURNING ${returning}`,
              answered: readTotals,
            });
          }
          continue;
        }
        const columns = [...keyColumns, ...addColumns];
        // Rows arrive in key order and are locked in it; each key once, as ON CONFLICT DO UPDATE requires.
        const upsert =
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesOf(rows, columns)} ` +
          `ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${addColumns.map((column) => `${column} = ${table}.${column} + excluded.${column}`).join(', ')}`;
        deferred.push(readBack ? { text: `${upsert} RETURNING ${columns.join(', ')}`, answered: readTotals } : { text: upsert });
      }
      // The rows read back are sent together: one round trip for every counter.
      if (deferred.some((statement) => statement.answered)) await send();
      return totals;
    },
    async updateBalances(accounts: BalanceRow[]) {
      // A batch of transfers that move nothing (a sweep of empty accounts) changes no balance.
      if (accounts.length === 0) return;
      deferred.push({
        text: `UPDATE ledger_accounts AS a SET posted = v.posted::bigint, pending_debits = v.pending_debits::bigint, pending_credits = v.pending_credits::bigint
         FROM (VALUES ${valuesOf(accounts, BALANCE_COLUMNS)}) AS v(${BALANCE_COLUMNS.join(', ')}) WHERE a.id = v.id`,
      });
    },
  };
}
