import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';

/**
 * Copying every table of a SQLite database into a PostgreSQL database of the same schema, and proving the copy:
 * generic over tables, so the database layer still knows no module. Both engines store only text and bigint
 * columns (booleans as 0 and 1, JSON and timestamps as text), so values copy as they are.
 */

type Value = bigint | string | null;
type ColumnType = 'bigint' | 'text';

export interface CopiedTable {
  name: string;
  columns: string[];
  types: ColumnType[];
  /** Indexes in `columns` of the primary key, the order the table is read and copied in. */
  key: number[];
  /** Columns filled by a sequence on PostgreSQL, set past the copied maximum after the copy. */
  sequenced: string[];
}

/** Where the progress of an unfinished copy is kept in the target, committed with each chunk. */
const PROGRESS_TABLE = 'migrate_data_progress';
/** Tables that are not data: the migrations' own, and the copy's progress. */
const NOT_DATA = ['kysely_migration', 'kysely_migration_lock', PROGRESS_TABLE];

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The data tables of a PostgreSQL database's current schema, parents before the tables whose foreign keys refer to them. */
export async function describeTables(target: pg.Pool): Promise<CopiedTable[]> {
  const { rows: columns } = await target.query<{ table_name: string; column_name: string; data_type: string; sequenced: boolean; key_position: number | null }>(
    `SELECT c.table_name, c.column_name, c.data_type, (c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%') AS sequenced,
            array_position(i.indkey::int2[], a.attnum) AS key_position
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     JOIN pg_class r ON r.relname = c.table_name AND r.relnamespace = current_schema()::regnamespace
     JOIN pg_attribute a ON a.attrelid = r.oid AND a.attname = c.column_name
     LEFT JOIN pg_index i ON i.indrelid = r.oid AND i.indisprimary
     WHERE c.table_schema = current_schema() AND NOT (c.table_name = ANY($1))
     ORDER BY c.table_name, c.ordinal_position`,
    [NOT_DATA],
  );
  const tables = new Map<string, CopiedTable & { keyPositions: [number, number][] }>();
  for (const column of columns) {
    let table = tables.get(column.table_name);
    if (!table) {
      table = { name: column.table_name, columns: [], types: [], key: [], sequenced: [], keyPositions: [] };
      tables.set(column.table_name, table);
    }
    if (column.data_type !== 'bigint' && column.data_type !== 'text') throw new Error(`${column.table_name}.${column.column_name} is ${column.data_type}; only text and bigint columns can be copied`);
    if (column.key_position !== null) table.keyPositions.push([Number(column.key_position), table.columns.length]);
    if (column.sequenced) table.sequenced.push(column.column_name);
    table.columns.push(column.column_name);
    table.types.push(column.data_type);
  }
  for (const table of tables.values()) {
    if (table.keyPositions.length === 0) throw new Error(`table ${table.name} has no primary key to copy it in order by`);
    table.key = table.keyPositions.sort(([a], [b]) => a - b).map(([, index]) => index);
  }
  const { rows: references } = await target.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint f
     JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid
     WHERE f.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.oid <> p.oid`,
  );
  const ordered: CopiedTable[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: string[]) => {
    if (placed.has(name) || !tables.has(name)) return;
    if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    for (const { parent } of references.filter((reference) => reference.child === name)) place(parent, [...path, name]);
    placed.add(name);
    const { keyPositions: _, ...table } = tables.get(name)!;
    ordered.push(table);
  };
  for (const name of [...tables.keys()].sort()) place(name, []);
  return ordered;
}

/** Throws, naming the first difference, unless the SQLite database has exactly these tables and columns. */
export function checkSameTables(source: BetterSqlite3.Database, tables: CopiedTable[]): void {
  const sourceTables = (source.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`).pluck().all() as string[]).filter(
    (name) => !NOT_DATA.includes(name),
  );
  const extra = sourceTables.filter((name) => !tables.some((table) => table.name === name));
  if (extra.length > 0) throw new Error(`the SQLite database has tables PostgreSQL has not: ${extra.join(', ')}`);
  for (const table of tables) {
    const columns = (source.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table.name) as string[]).sort();
    if (columns.length === 0) throw new Error(`the SQLite database has no table ${table.name}`);
    const expected = [...table.columns].sort();
    if (columns.join() !== expected.join()) throw new Error(`table ${table.name} has columns (${columns.join(', ')}) in SQLite but (${expected.join(', ')}) in PostgreSQL`);
  }
}

/** The data tables of a PostgreSQL database that hold at least one row, any schema version. */
export async function tablesHoldingRows(target: pg.Pool): Promise<string[]> {
  const { rows } = await target.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND NOT (tablename = ANY($1)) ORDER BY 1`, [NOT_DATA]);
  const holding: string[] = [];
  for (const { name } of rows) {
    const { rows: found } = await target.query(`SELECT 1 FROM ${quoted(name)} LIMIT 1`);
    if (found.length > 0) holding.push(name);
  }
  return holding;
}

/** Whether the target holds the progress of a copy begun before (and not finished, or not yet proven). */
export async function hasCopyProgress(target: pg.Pool): Promise<boolean> {
  const { rows } = await target.query<{ found: string | null }>(`SELECT to_regclass($1)::text AS found`, [PROGRESS_TABLE]);
  return rows[0]!.found !== null;
}

/** Forgets the progress once the copy is proven: the target is then exactly a database Ovation made. */
export async function dropCopyProgress(target: pg.Pool): Promise<void> {
  await target.query(`DROP TABLE IF EXISTS ${PROGRESS_TABLE}`);
}

export interface CopyProgress {
  table: string;
  /** 1-based. */
  tableIndex: number;
  tableCount: number;
  tableRows: number;
  tableTotal: number;
  rows: number;
  totalRows: number;
  /** Rows copied by this run, for its rate (a resumed run starts with the rows copied before). */
  rowsThisRun: number;
}

export interface CopyOptions {
  /** Rows read, held in memory and committed at a time. */
  chunkRows: number;
  onProgress?: (progress: CopyProgress) => void;
}

/**
 * Copies every table's rows from `source` into `target`, in chunks read by primary key, each committed with the
 * table's progress in `migrate_data_progress`: a run stopped at any moment continues after the last chunk committed,
 * and never copies a row twice. Then sets every sequence past the largest value SQLite handed out.
 */
export async function copyTables(source: BetterSqlite3.Database, target: pg.Pool, tables: CopiedTable[], options: CopyOptions): Promise<void> {
  await target.query(`CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (table_name text PRIMARY KEY, rows_copied bigint NOT NULL, last_key text, finished bigint NOT NULL)`);
  const { rows: progressRows } = await target.query<{ table_name: string; rows_copied: string; last_key: string | null; finished: string }>(
    `SELECT table_name, rows_copied::text, last_key, finished::text FROM ${PROGRESS_TABLE}`,
  );
  const before = new Map(progressRows.map((row) => [row.table_name, row]));
  const totals = tables.map((table) =>
    Number(
      source
        .prepare(`SELECT count(*) FROM ${quoted(table.name)}`)
        .pluck()
        .get(),
    ),
  );
  const totalRows = totals.reduce((sum, count) => sum + count, 0);
  let rows = progressRows.reduce((sum, row) => sum + Number(row.rows_copied), 0);
  let rowsThisRun = 0;
  const client = await target.connect();
  try {
    for (const [index, table] of tables.entries()) {
      const earlier = before.get(table.name);
      let tableRows = Number(earlier?.rows_copied ?? 0);
      const progress = () => ({ table: table.name, tableIndex: index + 1, tableCount: tables.length, tableRows, tableTotal: totals[index]!, rows, totalRows, rowsThisRun });
      if (earlier?.finished === '1') {
        options.onProgress?.(progress());
        continue;
      }
      const triggers = await userTriggers(client, table.name);
      let after = earlier?.last_key ? decodeKey(earlier.last_key) : undefined;
      for (;;) {
        const chunk = readChunk(source, table, after, options.chunkRows);
        const finished = chunk.length < options.chunkRows;
        if (chunk.length > 0) after = table.key.map((column) => chunk[chunk.length - 1]![column]!);
        await client.query('BEGIN');
        try {
          // Triggers keep derived columns in step with changes (authorization versions); a copy changes nothing, so they stay off.
          if (triggers) await client.query(`ALTER TABLE ${quoted(table.name)} DISABLE TRIGGER USER`);
          if (chunk.length > 0) await insertChunk(client, table, chunk);
          await client.query(
            `INSERT INTO ${PROGRESS_TABLE} (table_name, rows_copied, last_key, finished) VALUES ($1, $2, $3, $4)
             ON CONFLICT (table_name) DO UPDATE SET rows_copied = excluded.rows_copied, last_key = excluded.last_key, finished = excluded.finished`,
            [table.name, tableRows + chunk.length, after === undefined ? null : encodeKey(after), finished ? 1 : 0],
          );
          if (triggers) await client.query(`ALTER TABLE ${quoted(table.name)} ENABLE TRIGGER USER`);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
        tableRows += chunk.length;
        rows += chunk.length;
        rowsThisRun += chunk.length;
        options.onProgress?.(progress());
        if (finished) break;
      }
    }
    for (const table of tables) for (const column of table.sequenced) await setSequence(source, client, table.name, column);
  } finally {
    client.release();
  }
}

async function userTriggers(client: pg.PoolClient, table: string): Promise<boolean> {
  const { rows } = await client.query(`SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal LIMIT 1`, [quoted(table)]);
  return rows.length > 0;
}

/** Up to `limit` rows of `table` after the key `after`, in key order, each as its values in column order. */
function readChunk(source: BetterSqlite3.Database, table: CopiedTable, after: Value[] | undefined, limit: number): Value[][] {
  const key = table.key.map((column) => quoted(table.columns[column]!)).join(', ');
  const where = after === undefined ? '' : `WHERE (${key}) > (${after.map(() => '?').join(', ')})`;
  const statement = source.prepare(`SELECT ${table.columns.map(quoted).join(', ')} FROM ${quoted(table.name)} ${where} ORDER BY ${key} LIMIT ?`).raw(true);
  return statement.all(...(after ?? []), limit) as Value[][];
}

/** One INSERT per chunk: each column travels as one array parameter, whatever the number of rows. */
async function insertChunk(client: pg.PoolClient, table: CopiedTable, chunk: Value[][]): Promise<void> {
  const arrays = table.columns.map((column, index) => chunk.map((row) => asParameter(table, column, table.types[index]!, row[index])));
  await client.query(
    `INSERT INTO ${quoted(table.name)} (${table.columns.map(quoted).join(', ')}) SELECT * FROM unnest(${table.types.map((type, index) => `$${index + 1}::${type}[]`).join(', ')})`,
    arrays,
  );
}

function asParameter(table: CopiedTable, column: string, type: ColumnType, value: unknown): string | null {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return String(value);
  throw new Error(`cannot copy ${table.name}.${column}: SQLite holds ${typeof value === 'number' ? `the fraction ${value}` : `a ${typeof value}`} where PostgreSQL stores ${type}`);
}

/** Sets the sequence of `table.column` so that it next hands out a value above any SQLite handed out, deleted rows' included. */
async function setSequence(source: BetterSqlite3.Database, client: pg.PoolClient, table: string, column: string): Promise<void> {
  const hasSequenceTable = source.prepare(`SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'`).get() !== undefined;
  const handedOut = hasSequenceTable ? (source.prepare(`SELECT seq FROM sqlite_sequence WHERE name = ?`).pluck().get(table) as bigint | undefined) : undefined;
  await client.query(
    `SELECT setval(pg_get_serial_sequence($1, $2), greatest(coalesce(max(${quoted(column)}), 0), $3::bigint, 1), greatest(coalesce(max(${quoted(column)}), 0), $3::bigint) > 0) FROM ${quoted(table)}`,
    [quoted(table), column, String(handedOut ?? 0)],
  );
}

const encodeKey = (key: Value[]) => JSON.stringify(key.map((value) => (typeof value === 'bigint' ? { bigint: value.toString() } : value)));
const decodeKey = (text: string) => (JSON.parse(text) as (string | null | { bigint: string })[]).map((value) => (value !== null && typeof value === 'object' ? BigInt(value.bigint) : value));

export interface TableDigest {
  rows: number;
  /** The sum of a hash of every row, modulo 2^64: equal for the same rows in any order, on either engine. */
  checksum: string;
}

/** Every row of `table` in SQLite, read by key in chunks of `chunkRows`, counted and summed into a digest. */
export function sqliteDigest(source: BetterSqlite3.Database, table: CopiedTable, chunkRows: number): TableDigest {
  const digest = new Digest();
  for (let after: Value[] | undefined; ;) {
    const chunk = readChunk(source, table, after, chunkRows);
    for (const row of chunk) digest.add(row);
    if (chunk.length < chunkRows) return digest.result();
    after = table.key.map((column) => chunk[chunk.length - 1]![column]!);
  }
}

/** The same digest of `table` in PostgreSQL: its integers must reach here as bigint, as openDatabase reads them. */
export async function postgresDigest(target: pg.Pool, table: CopiedTable, chunkRows: number): Promise<TableDigest> {
  const digest = new Digest();
  const key = table.key.map((column) => quoted(table.columns[column]!)).join(', ');
  const select = `SELECT ${table.columns.map(quoted).join(', ')} FROM ${quoted(table.name)}`;
  for (let after: Value[] | undefined; ;) {
    const where = after === undefined ? '' : `WHERE (${key}) > (${after.map((_, index) => `$${index + 1}::${table.types[table.key[index]!]}`).join(', ')})`;
    const { rows: chunk } = await target.query<Value[]>({
      text: `${select} ${where} ORDER BY ${key} LIMIT ${chunkRows}`,
      values: (after ?? []).map((value) => (value === null ? null : String(value))),
      rowMode: 'array',
    });
    for (const row of chunk) digest.add(row);
    if (chunk.length < chunkRows) return digest.result();
    after = table.key.map((column) => chunk[chunk.length - 1]![column]!);
  }
}

class Digest {
  private rows = 0;
  private sum = 0n;

  add(row: Value[]): void {
    // Each value with its type and length, so that no two different rows encode alike. MD5 is a checksum here, not a
    // signature: it catches a value copied wrong, and costs less per row than the SHA family.
    let encoded = '';
    for (const value of row) encoded += value === null ? 'n;' : typeof value === 'bigint' ? `i${value};` : `s${value.length}:${value}`;
    this.sum = BigInt.asUintN(64, this.sum + createHash('md5').update(encoded).digest().readBigUInt64BE(0));
    this.rows += 1;
  }

  result(): TableDigest {
    return { rows: this.rows, checksum: this.sum.toString(16).padStart(16, '0') };
  }
}
