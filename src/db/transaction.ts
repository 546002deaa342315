import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';
import type { Schema } from './schema.js';

/**
 * Runs a write transaction of the main SQLite connection while the ledger's writer thread, which
 * writes on a connection of its own, holds no lock: a transaction that had to wait for the file's
 * write lock would stop the event loop for as long (better-sqlite3 waits synchronously).
 */
export type WriteGate = <T>(transaction: () => Promise<T>) => Promise<T>;
const writeGates = new WeakMap<Database, WriteGate>();

/** Sets (or, with undefined, removes) the gate every write transaction on `db` goes through. */
export function setWriteGate(db: Database, gate: WriteGate | undefined): void {
  if (gate) writeGates.set(db, gate);
  else writeGates.delete(db);
}

export interface WriteTransactionOptions {
  /**
   * False for writes that can be made again after a crash (the relay's marks and queue entries, which
   * the sweeper redoes and receivers deduplicate): the commit then does not wait for the disk. A crash
   * may lose it, never corrupt anything, and never lose a durable commit made before it.
   */
  durable?: boolean;
}

/**
 * Runs `fn` in one write transaction on either engine. On SQLite it takes the
 * write lock up front (BEGIN IMMEDIATE): Kysely's own transaction() issues a
 * plain BEGIN, which upgrades to a write lock late and can fail with SQLITE_BUSY
 * after work was done. Keep I/O other than the database out of `fn`.
 */
export async function writeTransaction<T>(db: Database, fn: (trx: Kysely<Schema>) => Promise<T>, options: WriteTransactionOptions = {}): Promise<T> {
  const durable = options.durable ?? true;
  if (db.engine === 'postgres') {
    return db.kysely.transaction().execute(async (trx: Transaction<Schema>) => {
      if (!durable) await sql`SET LOCAL synchronous_commit = off`.execute(trx);
      return fn(trx);
    });
  }
  const run = () =>
    db.kysely.connection().execute(async (connection) => {
      // In WAL mode, NORMAL commits without syncing the log; the next FULL commit syncs it, this one included.
      if (!durable) await sql`pragma synchronous = NORMAL`.execute(connection);
      try {
        await sql`begin immediate`.execute(connection);
        try {
          const result = await fn(connection);
          await sql`commit`.execute(connection);
          return result;
        } catch (error) {
          await sql`rollback`.execute(connection);
          throw error;
        }
      } finally {
        if (!durable) await sql`pragma synchronous = FULL`.execute(connection);
      }
    });
  const gate = writeGates.get(db);
  return gate ? gate(run) : run();
}

/**
 * Inside a writeTransaction: makes the transactions that take the same key wait for one another
 * until they end, so a count checked after it holds until the commit. On PostgreSQL it is an
 * advisory lock on the key's hash; on SQLite, BEGIN IMMEDIATE already serializes every write.
 */
export async function lockKeyForTransaction(db: Database, trx: Kysely<Schema>, key: string): Promise<void> {
  if (db.engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
}
