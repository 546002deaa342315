import type { RawBuilder } from 'kysely';
import type { Database } from './database.js';

/** The rows a raw query answers. */
export async function rowsOf<T>(db: Database, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db.kysely)).rows;
}
