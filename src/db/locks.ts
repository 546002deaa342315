import { createHash } from 'node:crypto';
import pg from 'pg';
import type { TryLock } from '../shared/jobs.js';
import type { Database } from './database.js';

/**
 * The locks background jobs take in `db` to run in one process at a time. On PostgreSQL, a session-level advisory
 * lock on a connection kept for the run, unlocked after it, and released by PostgreSQL if the process dies. SQLite
 * serves one process by design: there a job always runs.
 */
export function databaseTryLock(db: Database): TryLock {
  const pool = db.pgPool;
  if (!pool) {
    return async (_name, run) => {
      await run();
      return true;
    };
  }
  return async (name, run) => {
    const key = advisoryLockKey(name);
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key]);
      if (!rows[0]!.locked) {
        client.release();
        return false;
      }
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    try {
      await run();
    } finally {
      // A connection that could not be unlocked is closed rather than pooled: closing it releases the lock.
      await client.query('select pg_advisory_unlock($1)', [key]).then(
        () => client.release(),
        (error: Error) => client.release(error),
      );
    }
    return true;
  };
}

/**
 * Runs `fn` holding the lock `name` in `db`, waiting for it as long as another process holds it. On PostgreSQL, a
 * session-level advisory lock taken on a connection of its own, outside the pool, so `fn` may use every pooled
 * connection; closing that connection afterwards releases the lock, as PostgreSQL does if the process dies. SQLite
 * serves one process by design: there `fn` just runs.
 */
export async function withAdvisoryLock<T>(db: Database, name: string, fn: () => Promise<T>): Promise<T> {
  const pool = db.pgPool;
  if (!pool) return fn();
  const client = new pg.Client(pool.options);
  // A connection lost while `fn` runs must not crash the process: `fn`'s own queries report the outage.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [advisoryLockKey(name)]);
    return await fn();
  } finally {
    await client.end();
  }
}

/** Advisory locks are keyed by a 64-bit integer: a hash of the name, prefixed to stay clear of other applications' locks. */
function advisoryLockKey(name: string): string {
  return createHash('sha256').update(`ovation:${name}`).digest().readBigInt64BE(0).toString();
}
