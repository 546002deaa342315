import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/index.js';

// How SQL reads the ledger's own representation, for checks that join other tables to its transfers.

/** A text field of a ledger transfer's JSON metadata, on either engine. */
export function transferMetadataField(db: Database, alias: string, field: string): RawBuilder<string | null> {
  const column = sql.ref(`${alias}.metadata`);
  return db.engine === 'sqlite' ? sql<string | null>`json_extract(${column}, ${`$.${field}`})` : sql<string | null>`(${column}::json ->> ${field})`;
}

/** The ledger sequence number inside a column holding a public transfer id (`tr_<seq>`), for joining on ledger_transfers.seq. */
export function transferSeqOfColumn(column: string): RawBuilder<bigint> {
  return sql<bigint>`CAST(SUBSTR(${sql.ref(column)}, 4) AS BIGINT)`;
}

/**
 * The statement that moves the authorization version of every ledger account a user owns, for a trigger
 * on a table that decides what the user may do: a payment checked against the version it read is
 * refused once the version moved (see `authorizedVersions`). `ownerId` is the trigger's SQL expression
 * for the user's id, such as `NEW.user_id`.
 */
export function authorizationVersionBump(ownerId: string): string {
  return `UPDATE ledger_accounts SET authorization_version = authorization_version + 1 WHERE owner_id = ${ownerId}`;
}
