import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDatabaseUrl, type Engine } from '../config/index.js';
import type { Schema } from './schema.js';

export type { Engine };

/**
 * One open database. `kysely` serves every module; the raw handles exist for
 * the ledger writer's batched hot path, which must bypass query building.
 */
export interface Database {
  readonly engine: Engine;
  readonly kysely: Kysely<Schema>;
  /** Present when engine is sqlite. Use only while holding the Kysely connection (see withSqliteConnection). */
  readonly sqlite?: BetterSqlite3.Database;
  /** Present when engine is postgres. */
  readonly pgPool?: pg.Pool;
  /** A short description safe to log (no password). */
  readonly description: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const PG_INT2 = 21;
const PG_INT4 = 23;
const PG_INT8 = 20;

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size. */
  maxConnections?: number;
}

/**
 * Opens a database. Every integer column comes back as a bigint on both
 * engines, so money never passes through a float and code reads the same
 * types whichever engine is underneath.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): Database {
  const target = parseDatabaseUrl(url);
  return target.engine === 'sqlite' ? openSqlite(target.filename) : openPostgres(target.connectionString, options);
}

function openSqlite(filename: string): Database {
  mkdirSync(dirname(filename), { recursive: true });
  const handle = new BetterSqlite3(filename);
  handle.pragma('journal_mode = WAL');
  // FULL makes every commit durable in WAL mode (NORMAL may lose the last commits on power loss).
  handle.pragma('synchronous = FULL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 10000');
  // 64 MiB of page cache keeps the journal's index pages in memory under write bursts.
  handle.pragma('cache_size = -65536');
  // Checkpoint every ~40 MiB of WAL instead of every 4 MiB: a page rewritten by many commits (the hot
  // accounts' rows, index pages) is copied back to the database file once per checkpoint, not every few commits.
  handle.pragma('wal_autocheckpoint = 10000');
  handle.defaultSafeIntegers(true);
  const kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  return {
    engine: 'sqlite',
    kysely,
    sqlite: handle,
    description: `sqlite:${filename}`,
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      await kysely.destroy();
    },
  };
}

/** Prepared statements kept per SQLite connection; queries with IN lists of different lengths are each their own. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * The handle as Kysely's driver sees it, preparing each distinct SQL text once: the driver prepares
 * every query it runs, and preparing costs about as much as running a small query.
 */
function withStatementCache(handle: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => handle.close(),
    prepare(sql) {
      const cached = statements.get(sql);
      // A statement still iterating (a streamed query) cannot run again until it is done.
      if (cached && !cached.busy) return cached;
      const statement = handle.prepare(sql);
      if (cached) return statement;
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
      return statement;
    },
  };
}

function openPostgres(connectionString: string, options: OpenDatabaseOptions): Database {
  const toBigInt = (value: string) => BigInt(value);
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8 || oid === PG_INT4 || oid === PG_INT2 ? toBigInt : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process; the next query reports the error.
  pool.on('error', () => {});
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(connectionString);
  url.password = '';
  return {
    engine: 'postgres',
    kysely,
    pgPool: pool,
    description: url.toString(),
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      await kysely.destroy();
    },
  };
}

/**
 * Runs `fn` with exclusive use of the SQLite connection: Kysely's driver
 * serializes its single connection with a mutex, and holding it here keeps
 * any other query out of a transaction that `fn` runs on the raw handle.
 */
export async function withSqliteConnection<T>(db: Database, fn: (handle: BetterSqlite3.Database) => Promise<T> | T): Promise<T> {
  const handle = db.sqlite;
  if (!handle) throw new Error('withSqliteConnection needs a SQLite database');
  return db.kysely.connection().execute(async () => fn(handle));
}
