import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { withSqliteConnection, type Database } from './database.js';

/** Pages copied per step (16 MiB at SQLite's 4 KiB pages): the server's writers wait for no step, since the database is in WAL mode. */
const PAGES_PER_STEP = 4096;

/**
 * Copies a SQLite database to `destination` with SQLite's online backup API:
 * a consistent snapshot while servers keep writing. A write by another
 * connection restarts the copy at its next step; after the first restart the
 * rest is copied in one step, which a busy server cannot restart. Refuses an
 * existing destination, so a backup never overwrites another.
 */
export async function backupSqlite(db: Database, destination: string, onProgress?: (copiedPages: number, totalPages: number) => void): Promise<{ totalPages: number }> {
  const target = resolve(destination);
  if (existsSync(target)) throw new Error(`${destination} already exists; choose a new file for the backup`);
  return withSqliteConnection(db, async (handle) => {
    let lowestRemaining = Number.POSITIVE_INFINITY;
    let restarted = false;
    const { totalPages } = await handle.backup(target, {
      progress({ totalPages, remainingPages }) {
        if (remainingPages > lowestRemaining) restarted = true;
        lowestRemaining = Math.min(lowestRemaining, remainingPages);
        onProgress?.(totalPages - remainingPages, totalPages);
        return restarted ? totalPages : PAGES_PER_STEP;
      },
    });
    onProgress?.(totalPages, totalPages);
    return { totalPages };
  });
}
