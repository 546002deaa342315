import type { Database } from '../db/index.js';
import { assertAsset } from './assets.js';
import { storedTransfer } from './batch.js';
import { LedgerError } from './errors.js';
import { transferMessageOf, type TransferMessage } from './outbox.js';
import { normalizeRequest, transferIdOf, transferSeqOf } from './requests.js';
import { postgresLedgerStore } from './store-postgres.js';
import { sqliteWriterThreadStore } from './sqlite-writer.js';
import type { Account, AccountKind, AccountSpec, Entry, Metadata, Transfer, TransferRequest, TransferType } from './types.js';
import { BatchingWriter, closedError, type LedgerObserver, type LedgerQueueState } from './writer.js';

export interface LedgerOptions {
  /** Most transfers one database transaction applies. 1 turns batching off. Default 1000. */
  maxBatchSize?: number;
  /** Batches in flight at once (PostgreSQL only; SQLite has one writer). Default 1. */
  writers?: number;
  /** Requests that may wait for a batch; past it requests are refused with `ledger_overloaded`. Default 10,000. */
  maxQueued?: number;
  /** Told of each batch and refusal, for metrics. */
  observer?: LedgerObserver;
  /**
   * Milliseconds added to the writer's clock where it judges windowed counters: one number on a
   * SharedArrayBuffer, so the SQLite writer thread reads it too. Tests move it with their clock.
   */
  clockOffsetMs?: Float64Array;
}

export interface EntryPage {
  entries: Entry[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: bigint | null;
}

export interface Ledger {
  /** Creates the accounts that do not exist yet. An existing account with another asset is an error. */
  ensureAccounts(specs: AccountSpec[]): Promise<void>;
  /** Applies one transfer request. Resolves after commit; rejects with LedgerError when refused. */
  submit(request: TransferRequest): Promise<Transfer>;
  getAccount(id: string): Promise<Account | undefined>;
  /** The authorization version of each of these accounts that exists (see `authorizedVersions` on a request). */
  authorizationVersions(ids: readonly string[]): Promise<Map<string, bigint>>;
  /** An account's entries, oldest first, after the cursor. */
  listEntries(accountId: string, page?: { limit?: number; after?: bigint }): Promise<EntryPage>;
  getTransfer(id: string): Promise<Transfer | undefined>;
  getTransferByKey(idempotencyKey: string): Promise<Transfer | undefined>;
  /** Waits until every submitted request is committed or refused. */
  flush(): Promise<void>;
  /** Requests waiting for a batch and batches in flight, now (for metrics). */
  queueState(): LedgerQueueState;
  /**
   * Sets who is told of the outbox messages of each committed batch, in commit order, before the
   * batch's callers resolve. The listener must not block (hand the messages on); messages it never
   * relays stay unpublished in the outbox table for a sweeper.
   */
  onOutboxCommitted(listener: (messages: TransferMessage[]) => void): void;
  /** Refuses new requests and waits for the queued ones. */
  close(): Promise<void>;
}

const MAX_PAGE = 500;

export function createLedger(db: Database, options: LedgerOptions = {}): Ledger {
  const maxBatchSize = options.maxBatchSize ?? 1000;
  const writers = options.writers ?? 1;
  const maxQueued = options.maxQueued ?? 10_000;
  if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) throw new Error('maxBatchSize must be a positive integer');
  if (!Number.isSafeInteger(maxQueued) || maxQueued < 1) throw new Error('maxQueued must be a positive integer');
  if (!Number.isSafeInteger(writers) || writers < 1) throw new Error('writers must be a positive integer');
  const offset = options.clockOffsetMs;
  const store = db.engine === 'sqlite' ? sqliteWriterThreadStore(db, offset) : postgresLedgerStore(db, writers, offset ? () => Date.now() + offset[0]! : Date.now);
  let outboxListener: ((messages: TransferMessage[]) => void) | undefined;
  const writer = new BatchingWriter(store, maxBatchSize, maxQueued, (rows) => outboxListener?.(rows.map(transferMessageOf)), options.observer);
  const kysely = db.kysely;
  let closed = false;

  async function loadTransfer(column: 'seq' | 'idempotency_key', value: bigint | string): Promise<Transfer | undefined> {
    const row = await kysely.selectFrom('ledger_transfers').selectAll().where(column, '=', value).executeTakeFirst();
    return row ? storedTransfer(row, false) : undefined;
  }

  return {
    async ensureAccounts(specs) {
      if (specs.length === 0) return;
      const createdAt = new Date().toISOString();
      const rows = specs.map((spec) => {
        if (typeof spec.id !== 'string' || spec.id.length === 0) throw new LedgerError('invalid_request', 'an account needs an id');
        return {
          id: spec.id,
          asset: assertAsset(spec.asset),
          kind: spec.kind,
          owner_id: spec.ownerId ?? null,
          may_go_negative: spec.mayGoNegative ? 1n : 0n,
          posted: 0n,
          pending_debits: 0n,
          pending_credits: 0n,
          authorization_version: 0n,
          created_at: createdAt,
        };
      });
      await kysely
        .insertInto('ledger_accounts')
        .values(rows)
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
      const stored = await kysely
        .selectFrom('ledger_accounts')
        .select(['id', 'asset'])
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute();
      const assetById = new Map(stored.map((row) => [row.id, row.asset]));
      for (const row of rows) {
        if (assetById.get(row.id) !== row.asset) {
          throw new LedgerError('asset_mismatch', `account ${row.id} already exists holding ${assetById.get(row.id)}, not ${row.asset}`);
        }
      }
    },

    submit(request) {
      if (closed) return Promise.reject(closedError());
      try {
        return writer.submit(normalizeRequest(request));
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async getAccount(id) {
      const row = await kysely.selectFrom('ledger_accounts').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        asset: row.asset,
        kind: row.kind as AccountKind,
        ownerId: row.owner_id,
        mayGoNegative: row.may_go_negative === 1n,
        posted: row.posted,
        pendingDebits: row.pending_debits,
        pendingCredits: row.pending_credits,
        available: row.posted - row.pending_debits,
        authorizationVersion: row.authorization_version,
        createdAt: row.created_at,
      };
    },

    async authorizationVersions(ids) {
      if (ids.length === 0) return new Map();
      const rows = await kysely
        .selectFrom('ledger_accounts')
        .select(['id', 'authorization_version'])
        .where('id', 'in', [...ids])
        .execute();
      return new Map(rows.map((row) => [row.id, row.authorization_version]));
    },

    async listEntries(accountId, page = {}) {
      const limit = Math.min(Math.max(Math.trunc(page.limit ?? 50), 1), MAX_PAGE);
      const rows = await kysely
        .selectFrom('ledger_entries as e')
        .innerJoin('ledger_transfers as t', 't.seq', 'e.transfer_seq')
        .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
        .select(['e.transfer_seq', 't.type', 'e.account_id', 'a.asset', 'e.amount', 't.metadata', 't.created_at'])
        .where('e.account_id', '=', accountId)
        .where('e.transfer_seq', '>', page.after ?? 0n)
        .orderBy('e.transfer_seq')
        .limit(limit + 1)
        .execute();
      const entries = rows.slice(0, limit).map((row): Entry => ({
        transferId: transferIdOf(row.transfer_seq),
        transferType: row.type as TransferType,
        accountId: row.account_id,
        asset: row.asset,
        amount: row.amount,
        metadata: JSON.parse(row.metadata) as Metadata,
        createdAt: row.created_at,
      }));
      return { entries, nextCursor: rows.length > limit ? rows[limit - 1]!.transfer_seq : null };
    },

    async getTransfer(id) {
      let seq: bigint;
      try {
        seq = transferSeqOf(id, 'transfer_not_found');
      } catch {
        return undefined;
      }
      return loadTransfer('seq', seq);
    },
    getTransferByKey: (key) => loadTransfer('idempotency_key', key),
    flush: () => writer.whenIdle(),
    queueState: () => writer.state,
    onOutboxCommitted(listener) {
      outboxListener = listener;
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.whenIdle();
      await store.close?.();
    },
  };
}
