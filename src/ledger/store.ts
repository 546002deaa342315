import type { Applied } from './batch.js';
import type { NormalizedRequest } from './requests.js';
import type { LedgerAccountTable, LedgerEntryTable, LedgerTransferTable, OutboxTable } from './schema.js';
import type { CounterInput } from './types.js';

/**
 * What the batching writer needs from a database, one implementation per
 * engine. These are the ledger's hot path, so they use the drivers directly
 * (prepared statements on SQLite, array parameters on PostgreSQL) rather than
 * building a query per row.
 */
export type TransferRow = LedgerTransferTable;
export type EntryRow = LedgerEntryTable;
export type OutboxRow = OutboxTable;
/** A row of another table as a batch writes it. */
export interface RecordRow {
  table: string;
  row: Record<string, string | number | bigint | null>;
}

/** A shape of columns: their names in sorted order, and those names joined, to group rows by. */
interface ColumnShape {
  sorted: readonly string[];
  signature: string;
}

/** Shapes seen, by their first column name as given; each with its names in the order they were given. */
const shapesByFirstColumn = new Map<string, { given: readonly string[]; shape: ColumnShape }[]>();
const MAX_SHAPES = 1_000;
let shapeCount = 0;

/**
 * The column names of a row (or a key, or amounts) in sorted order. Every payment names the same few shapes
 * in the same order, so each shape is sorted once and then recognised by comparing its names in place: no
 * array, sort or string per row on the batch's path.
 */
function columnShape(row: object): ColumnShape {
  let first: string | undefined;
  for (const column in row) {
    first = column;
    break;
  }
  const known = first === undefined ? undefined : shapesByFirstColumn.get(first);
  if (known) for (const { given, shape } of known) if (hasColumnsInOrder(row, given)) return shape;
  const given = Object.keys(row);
  const sorted = [...given].sort();
  const shape = { sorted, signature: sorted.join(',') };
  if (first !== undefined && shapeCount < MAX_SHAPES) {
    shapeCount++;
    if (known) known.push({ given, shape });
    else shapesByFirstColumn.set(first, [{ given, shape }]);
  }
  return shape;
}

function hasColumnsInOrder(row: object, given: readonly string[]): boolean {
  let index = 0;
  for (const column in row) if (given[index++] !== column) return false;
  return index === given.length;
}

/** Records of one table with the same columns, which one statement writes. */
export function recordGroups(records: RecordRow[]): { table: string; columns: readonly string[]; rows: RecordRow['row'][] }[] {
  const groups = new Map<string, { table: string; columns: readonly string[]; rows: RecordRow['row'][] }>();
  for (const { table, row } of records) {
    const shape = columnShape(row);
    const key = `${table} ${shape.signature}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { table, columns: shape.sorted, rows: [] }));
    group.rows.push(row);
  }
  return [...groups.values()];
}

/** What a batch adds to one row of another table: the sum of its transfers' counters with that key. */
export interface CounterRow {
  table: string;
  key: Record<string, string>;
  add: Record<string, bigint>;
  /** The row's window columns, for a windowed counter (see CounterInput). */
  window?: { from: string; until: string };
  /** Whether a counter of the row asked for its totals: a row none asked about is written without reading it back. */
  totals: boolean;
}

/** The identity of a counter's row: its table and key, whatever order the key's columns were given in. */
export function counterRowId(table: string, key: Record<string, string>): string {
  let id = table;
  for (const column of columnShape(key).sorted) id += `\u0000${column}\u0000${key[column]}`;
  return id;
}

/** Adds a counter to its row among `counters` (made on first use); answers the row's id. */
export function addCounter(counters: Map<string, CounterRow>, counter: CounterInput): string {
  const id = counterRowId(counter.table, counter.key);
  let row = counters.get(id);
  if (!row) counters.set(id, (row = { table: counter.table, key: counter.key, add: {}, window: counter.window, totals: false }));
  if (counter.totals) row.totals = true;
  for (const column in counter.add) row.add[column] = (row.add[column] ?? 0n) + BigInt(counter.add[column]!);
  return id;
}

/** The key columns of a counter's row, as text. */
export function keyOf(row: Record<string, unknown>, keyColumns: readonly string[]): Record<string, string> {
  return Object.fromEntries(keyColumns.map((column) => [column, String(row[column])]));
}

/** Counters of one table with the same key, amount and window columns, which one statement writes. */
export interface CounterGroup {
  table: string;
  keyColumns: readonly string[];
  addColumns: readonly string[];
  window: { from: string; until: string } | undefined;
  /** Whether the group's rows are read back after: windowed rows always are (whether they moved), others when a counter of one asked. */
  totals: boolean;
  rows: Record<string, string | bigint>[];
}

/** Counters grouped by shape, in the order of their first rows; plain counters before windowed ones. */
export function counterGroups(counters: CounterRow[]): CounterGroup[] {
  const groups = new Map<string, CounterGroup>();
  for (const { table, key, add, window, totals: asked } of counters) {
    const keyShape = columnShape(key);
    const addShape = columnShape(add);
    const shape = `${table} ${keyShape.signature} ${addShape.signature} ${window ? `${window.from},${window.until}` : ''}`;
    let group = groups.get(shape);
    if (!group) groups.set(shape, (group = { table, keyColumns: keyShape.sorted, addColumns: addShape.sorted, window, totals: window !== undefined, rows: [] }));
    // One statement per shape whatever was asked (on PostgreSQL its rows are locked in key order): read back if any asked.
    if (asked) group.totals = true;
    group.rows.push(Object.assign({}, key, add));
  }
  return [...groups.values()].sort((a, b) => Number(a.window !== undefined) - Number(b.window !== undefined));
}

/** The balance state of an account, loaded (and on PostgreSQL locked) for one batch. */
export type BalanceRow = Pick<LedgerAccountTable, 'id' | 'asset' | 'may_go_negative' | 'posted' | 'pending_debits' | 'pending_credits' | 'authorization_version'>;

export interface LedgerTx {
  transfersByKeys(keys: string[]): Promise<TransferRow[]>;
  transfersBySeqs(seqs: bigint[]): Promise<TransferRow[]>;
  /** Of the given pending transfers, those already posted or voided. */
  resolvedPendingSeqs(pendingSeqs: bigint[]): Promise<bigint[]>;
  /** Of the given transfers, those already reversed. */
  reversedSeqs(seqs: bigint[]): Promise<bigint[]>;
  /** Loads the accounts and holds them against concurrent writers until the transaction ends. */
  lockAccounts(ids: string[]): Promise<BalanceRow[]>;
  /** `count` unused transfer sequence numbers, ascending, for the transfers this batch may create. */
  reserveSeqs(count: number): Promise<bigint[]>;
  insert(transfers: TransferRow[], entries: EntryRow[], outbox: OutboxRow[]): Promise<void>;
  /** Rows of other tables committed with the batch's transfers; a row whose key is taken is skipped. */
  insertRecords(records: RecordRow[]): Promise<void>;
  /**
   * Adds each counter's amounts to its row, creating the row (at zero) when missing; answers the amount columns
   * after of each row a counter asked about (`totals`) and of each windowed row it moved, by counterRowId. A
   * windowed counter moves its row only when `clockMs()`, read for the batch, falls in the row's window as it stands once held.
   */
  addToCounters(counters: CounterRow[], clockMs: () => number): Promise<Map<string, Record<string, bigint>>>;
  updateBalances(accounts: BalanceRow[]): Promise<void>;
}

export interface LedgerStore {
  /** How many batches may be applied at once. */
  readonly maxConcurrentTransactions: number;
  /** Applies the requests in one write transaction (see applyBatch) and commits; rejects, having written nothing, when the database fails. */
  runBatch(requests: NormalizedRequest[]): Promise<Applied[]>;
  /** True for failures that a retry may not meet again (lock timeouts, lost races on a unique key). */
  isRetryable(error: unknown): boolean;
  /** Lets go of what the store holds (a worker thread). */
  close?(): Promise<void>;
}

export const TRANSFER_COLUMNS = 'seq, idempotency_key, request_hash, type, pending_seq, reverses_seq, force_negative, legs, metadata, created_at';
