import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/index.js';
import { transferIdOf, transferSeqOf } from './requests.js';

// How other modules read the messages committed with transfers, and the records written with them.

/** An outbox message as committed. `id` is unique and stable: `evt_<transfer seq>_<position>`. */
export interface CommittedOutboxMessage {
  id: string;
  topic: string;
  /** The payload as stored: a JSON object. */
  payloadJson: string;
  createdAt: string;
}

/** The stable id of an outbox message of the ledger, from its key. */
function outboxMessageId(transferSeq: bigint, position: bigint): string {
  return `evt_${transferSeq}_${position}`;
}

/** A message committed with a transfer, with the transfer's id. */
export interface TransferMessage extends CommittedOutboxMessage {
  transferId: string;
}

export function transferMessageOf(row: { transfer_seq: bigint; position: bigint; topic: string; payload: string; created_at: string }): TransferMessage {
  return { transferId: transferIdOf(row.transfer_seq), id: outboxMessageId(row.transfer_seq, row.position), topic: row.topic, payloadJson: row.payload, createdAt: row.created_at };
}

/** The messages on `topic` committed with these transfers, by transfer and position. */
export async function messagesOfTransfers(kysely: Kysely<Schema>, transferIds: readonly string[], topic: string): Promise<TransferMessage[]> {
  if (transferIds.length === 0) return [];
  const rows = await kysely
    .selectFrom('outbox')
    .selectAll()
    .where(
      'transfer_seq',
      'in',
      transferIds.map((id) => transferSeqOf(id, 'transfer_not_found')),
    )
    .where('topic', '=', topic)
    .orderBy('transfer_seq')
    .orderBy('position')
    .execute();
  return rows.map(transferMessageOf);
}

/** Messages committed before `cutoff` (ISO time) and not yet marked published, oldest first. */
export async function unpublishedMessages(kysely: Kysely<Schema>, cutoff: string, limit: number): Promise<TransferMessage[]> {
  const rows = await kysely
    .selectFrom('outbox')
    .selectAll()
    .where('published_at', 'is', null)
    .where('created_at', '<', cutoff)
    // created_at first, so that the partial index of unpublished messages serves the query: ordered by
    // transfer alone, SQLite walks the whole outbox, published messages included, on every sweep. A batch's
    // messages share one created_at, and the batches of one writer commit in created_at order.
    .orderBy('created_at')
    .orderBy('transfer_seq')
    .orderBy('position')
    .limit(limit)
    .execute();
  return rows.map(transferMessageOf);
}

/** Marks every message of these transfers published (a transfer's messages are relayed together). */
export async function markTransfersPublished(kysely: Kysely<Schema>, transferIds: readonly string[], at: string): Promise<void> {
  if (transferIds.length === 0) return;
  const seqs = transferIds.map((id) => transferSeqOf(id, 'transfer_not_found'));
  await kysely.updateTable('outbox').set({ published_at: at }).where('transfer_seq', 'in', seqs).where('published_at', 'is', null).execute();
}

/**
 * Transfers whose idempotency key starts with `keyPrefix` and that have a message on `topic` but no row
 * in the records table that names its transfer in `transferIdColumn`: records committed with transfers
 * by earlier versions, which wrote them after the commit. With the transfer's metadata and that message.
 */
export async function transfersMissingRecord(
  kysely: Kysely<Schema>,
  options: { keyPrefix: string; topic: string; records: { table: string; transferIdColumn: string } },
): Promise<{ transferId: string; metadataJson: string; payloadJson: string }[]> {
  const { keyPrefix, topic, records } = options;
  // The key range [prefix, prefix with its last character's successor) is a range on the key's unique index.
  const keyEnd = keyPrefix.slice(0, -1) + String.fromCharCode(keyPrefix.charCodeAt(keyPrefix.length - 1) + 1);
  const rows = await kysely
    .selectFrom('ledger_transfers as t')
    .innerJoin('outbox as o', (join) => join.onRef('o.transfer_seq', '=', 't.seq').on('o.topic', '=', topic))
    .select(['t.seq', 't.metadata', 'o.payload'])
    .where('t.idempotency_key', '>=', keyPrefix)
    .where('t.idempotency_key', '<', keyEnd)
    .where(() => sql<boolean>`NOT EXISTS (SELECT 1 FROM ${sql.table(records.table)} r WHERE ${sql.ref(`r.${records.transferIdColumn}`)} = 'tr_' || t.seq)`)
    .execute();
  return rows.map((row) => ({ transferId: transferIdOf(row.seq), metadataJson: row.metadata, payloadJson: row.payload }));
}
