import type BetterSqlite3 from 'better-sqlite3';
import { withSqliteConnection, type Database } from '../db/index.js';
import { applyBatch } from './batch.js';
import { counterGroups, counterRowId, keyOf, recordGroups, TRANSFER_COLUMNS, type BalanceRow, type LedgerStore, type LedgerTx, type TransferRow } from './store.js';

/** Accounts the writer keeps between batches; past this, it starts over. */
const MAX_CACHED_ACCOUNTS = 100_000;

/**
 * SQLite, on the connection of the ledger's writer thread (sqlite-writer.ts): one connection, so one
 * write transaction at a time. A batch holds
 * the write lock from its first statement (BEGIN IMMEDIATE); other processes
 * on the same file wait on busy_timeout. Holding the lock also makes
 * MAX(seq) + 1 the next free transfer number.
 */
export function sqliteLedgerStore(db: Database, clockMs: () => number = Date.now): LedgerStore {
  let statements: ReturnType<typeof prepare> | undefined;
  let handle: BetterSqlite3.Database | undefined;
  const run = () => statements!;
  const handleOf = () => handle!;
  /** Statements of counters read back, by SQL text: a handful of shapes, each prepared once. */
  const counterStatements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string) => {
    let statement = counterStatements.get(sql);
    if (!statement) counterStatements.set(sql, (statement = handleOf().prepare(sql)));
    return statement;
  };
  /**
   * Accounts as this connection last committed them, so a batch reads only the accounts it has not met.
   * They hold while no other connection commits: every other change to an account (its balances from
   * another process, its authorization version from a trigger on the accounts tables, the account itself)
   * is another connection's commit, which moves PRAGMA data_version; the batch reads it once it holds the
   * write lock. Rows are changed in place as the batch applies, so a batch that does not commit drops them,
   * and so does one that wrote a table with triggers of its own (they might change an account).
   */
  const accounts = new Map<string, BalanceRow>();
  let accountsAtDataVersion: bigint | undefined;
  /** Whether each table the batches write has triggers: asked once per table while the schema holds (data_version). */
  const tablesWithTriggers = new Map<string, boolean>();
  let wroteTableWithTriggers = false;
  const noteWritten = (table: string) => {
    let triggers = tablesWithTriggers.get(table);
    if (triggers === undefined) tablesWithTriggers.set(table, (triggers = run().hasTriggers.get(table) === 1n));
    if (triggers) wroteTableWithTriggers = true;
  };
  /** Statements over many rows, each prepared once per row count. */
  const rowStatements = new Map<RowsStatement, BetterSqlite3.Statement[]>();
  /** The inserts of other tables' records and counters, by table, columns and conflict clause: a handful of shapes. */
  const shapedInserts = new Map<string, RowsStatement>();
  const shapedInsert = (table: string, columns: readonly string[], onConflict: string) => {
    const shape = `${table} ${columns.join(',')}${onConflict}`;
    let insert = shapedInserts.get(shape);
    if (!insert) shapedInserts.set(shape, (insert = rowsInsert(table, columns, onConflict)));
    return insert;
  };
  /**
   * Runs a statement over many rows at once: each statement run crosses into the driver and steps once,
   * which costs more than a row's own B-tree write. Rows go in chunks of CHUNK_ROWS and a last chunk of the rest.
   */
  function runInChunks<T>(rows: readonly T[], statement: RowsStatement, bind: (row: T, values: unknown[]) => void): void {
    let byRowCount = rowStatements.get(statement);
    if (!byRowCount) rowStatements.set(statement, (byRowCount = []));
    for (let first = 0; first < rows.length; first += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows.length - first);
      const values: unknown[] = [];
      for (let i = first; i < first + count; i++) bind(rows[i]!, values);
      (byRowCount[count] ??= handleOf().prepare(statement.sql(count))).run(values);
    }
  }
  const tx: LedgerTx = {
    async transfersByKeys(keys) {
      return run().transfersByKeys.all(JSON.stringify(keys)) as TransferRow[];
    },
    async transfersBySeqs(seqs) {
      return run().transfersBySeqs.all(seqList(seqs)) as TransferRow[];
    },
    async resolvedPendingSeqs(seqs) {
      return run().resolvedPendingSeqs.all(seqList(seqs)) as bigint[];
    },
    async reversedSeqs(seqs) {
      return run().reversedSeqs.all(seqList(seqs)) as bigint[];
    },
    async lockAccounts(ids) {
      const unknown = ids.filter((id) => !accounts.has(id));
      if (unknown.length > 0) for (const row of run().accounts.all(JSON.stringify(unknown)) as BalanceRow[]) accounts.set(row.id, row);
      const rows: BalanceRow[] = [];
      for (const id of ids) {
        const row = accounts.get(id);
        if (row) rows.push(row);
      }
      return rows;
    },
    async reserveSeqs(count) {
      const last = run().lastSeq.get() as bigint;
      return Array.from({ length: count }, (_, i) => last + BigInt(i + 1));
    },
    async insert(transfers, entries, outbox) {
      runInChunks(transfers, TRANSFER_INSERT, (t, values) =>
        values.push(t.seq, t.idempotency_key, t.request_hash, t.type, t.pending_seq, t.reverses_seq, t.force_negative, t.legs, t.metadata, t.created_at),
      );
      runInChunks(entries, ENTRY_INSERT, (e, values) => values.push(e.account_id, e.transfer_seq, e.amount));
      runInChunks(outbox, OUTBOX_INSERT, (m, values) => values.push(m.transfer_seq, m.position, m.topic, m.payload, m.created_at));
    },
    async insertRecords(records) {
      for (const { table, columns, rows } of recordGroups(records)) {
        noteWritten(table);
        runInChunks(rows, shapedInsert(table, columns, ' ON CONFLICT DO NOTHING'), valuesOf(columns));
      }
    },
    async addToCounters(counters, clockOf) {
      const totals = new Map<string, Record<string, bigint>>();
      for (const { table, keyColumns, addColumns, window, totals: readBack, rows } of counterGroups(counters)) {
        noteWritten(table);
        const columns = [...keyColumns, ...addColumns];
        if (window) {
          // The batch holds the database's write lock: the clock read here is read while the row is held.
          const update = prepared(
            `UPDATE ${table} SET ${addColumns.map((column) => `${column} = ${column} + @${column}`).join(', ')} ` +
              `WHERE ${keyColumns.map((column) => `${column} = @${column}`).join(' AND ')} AND ${window.from} <= @window_clock_ms AND @window_clock_ms < ${window.until} ` +
              `RETURNING ${addColumns.join(', ')}`,
          );
          const windowClockMs = clockOf();
          for (const row of rows) {
            const after = update.get(Object.assign({}, row, { window_clock_ms: windowClockMs })) as Record<string, number | bigint> | undefined;
            if (after) totals.set(counterRowId(table, keyOf(row, keyColumns)), Object.fromEntries(addColumns.map((column) => [column, BigInt(after[column]!)])));
          }
          continue;
        }
        const onConflict = ` ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${addColumns.map((column) => `${column} = ${table}.${column} + excluded.${column}`).join(', ')}`;
        if (!readBack) {
          runInChunks(rows, shapedInsert(table, columns, onConflict), valuesOf(columns));
          continue;
        }
        const upsert = prepared(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})${onConflict} RETURNING ${addColumns.join(', ')}`);
        for (const row of rows) {
          const after = upsert.get(row) as Record<string, number | bigint>;
          totals.set(counterRowId(table, keyOf(row, keyColumns)), Object.fromEntries(addColumns.map((column) => [column, BigInt(after[column]!)])));
        }
      }
      return totals;
    },
    async updateBalances(accounts) {
      runInChunks(accounts, BALANCE_UPDATE, (a, values) => values.push(a.id, a.posted, a.pending_debits, a.pending_credits));
    },
  };
  return {
    maxConcurrentTransactions: 1,
    runBatch(requests) {
      return withSqliteConnection(db, async (connection) => {
        handle = connection;
        statements ??= prepare(connection);
        connection.exec('BEGIN IMMEDIATE');
        try {
          const dataVersion = statements.dataVersion.get() as bigint;
          if (dataVersion !== accountsAtDataVersion || accounts.size > MAX_CACHED_ACCOUNTS) {
            accounts.clear();
            tablesWithTriggers.clear();
            accountsAtDataVersion = dataVersion;
          }
          wroteTableWithTriggers = false;
          const result = await applyBatch(tx, requests, clockMs);
          connection.exec('COMMIT');
          if (wroteTableWithTriggers) accounts.clear();
          return result;
        } catch (error) {
          accounts.clear();
          if (connection.inTransaction) connection.exec('ROLLBACK');
          throw error;
        }
      });
    },
    isRetryable(error) {
      return (error as { code?: unknown }).code === 'SQLITE_BUSY';
    },
  };
}

/** Rows per statement over many rows: past a few dozen, longer statements save little more. */
const CHUNK_ROWS = 64;
/**
 * A statement over many rows, as SQL for a number of rows. OR ROLLBACK: a batch is all or nothing anyway,
 * and a statement of many rows that could fail halfway (the default, ABORT) makes SQLite copy every page
 * it touches to a statement journal first.
 */
interface RowsStatement {
  sql(rows: number): string;
}

/** `rows` rows of `width` parameters, for a VALUES list. */
function placeholders(width: number, rows: number): string {
  return Array<string>(rows)
    .fill(`(${Array<string>(width).fill('?').join(', ')})`)
    .join(', ');
}

/** Inserts into `table`, with what it does with a row whose key is taken. */
function rowsInsert(table: string, columns: readonly string[], onConflict = ''): RowsStatement {
  return { sql: (rows) => `INSERT OR ROLLBACK INTO ${table} (${columns.join(', ')}) VALUES ${placeholders(columns.length, rows)}${onConflict}` };
}

const TRANSFER_INSERT = rowsInsert('ledger_transfers', TRANSFER_COLUMNS.split(', '));
const ENTRY_INSERT = rowsInsert('ledger_entries', ['account_id', 'transfer_seq', 'amount']);
const OUTBOX_INSERT = rowsInsert('outbox', ['transfer_seq', 'position', 'topic', 'payload', 'created_at']);
/** An account's balances, by its id (each account once in a batch's list). */
const BALANCE_UPDATE: RowsStatement = {
  sql: (rows) =>
    `UPDATE OR ROLLBACK ledger_accounts SET posted = v.column2, pending_debits = v.column3, pending_credits = v.column4 FROM (VALUES ${placeholders(4, rows)}) AS v WHERE ledger_accounts.id = v.column1`,
};

/** Binds a row's values in the order of `columns`. */
function valuesOf(columns: readonly string[]): (row: Record<string, unknown>, values: unknown[]) => void {
  return (row, values) => {
    for (const column of columns) values.push(row[column]);
  };
}

/** A JSON array of integers; JSON.stringify cannot write bigints. */
function seqList(seqs: bigint[]): string {
  return `[${seqs.join(',')}]`;
}

function prepare(handle: BetterSqlite3.Database) {
  // json_each binds a whole list as one parameter, so each statement is prepared once whatever the batch size.
  const inList = 'IN (SELECT value FROM json_each(?))';
  return {
    transfersByKeys: handle.prepare(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE idempotency_key ${inList}`),
    transfersBySeqs: handle.prepare(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE seq ${inList}`),
    resolvedPendingSeqs: handle.prepare(`SELECT pending_seq FROM ledger_transfers WHERE pending_seq ${inList}`).pluck(),
    reversedSeqs: handle.prepare(`SELECT reverses_seq FROM ledger_transfers WHERE reverses_seq ${inList}`).pluck(),
    accounts: handle.prepare(`SELECT id, asset, may_go_negative, posted, pending_debits, pending_credits, authorization_version FROM ledger_accounts WHERE id ${inList}`),
    lastSeq: handle.prepare('SELECT COALESCE(MAX(seq), 0) FROM ledger_transfers').pluck(),
    dataVersion: handle.prepare('PRAGMA data_version').pluck(),
    hasTriggers: handle.prepare("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?)").pluck(),
  };
}
