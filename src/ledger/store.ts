import type { LedgerAccountTable, LedgerEntryTable, LedgerTransferTable, OutboxTable } from '../db/schema.js';

/**
 * What the batching writer needs from a database, one implementation per
 * engine. These are the ledger's hot path, so they use the drivers directly
 * (prepared statements on SQLite, array parameters on PostgreSQL) rather than
 * building a query per row.
 */
export type TransferRow = LedgerTransferTable;
export type EntryRow = LedgerEntryTable;
export type OutboxRow = OutboxTable;

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
  updateBalances(accounts: BalanceRow[]): Promise<void>;
}

export interface LedgerStore {
  /** How many write transactions may run at once. */
  readonly maxConcurrentTransactions: number;
  /** Runs `fn` in one write transaction; commits if it returns, rolls back if it throws. */
  inWriteTransaction<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T>;
  /** True for failures that a retry may not meet again (lock timeouts, lost races on a unique key). */
  isRetryable(error: unknown): boolean;
}

export const TRANSFER_COLUMNS = 'seq, idempotency_key, request_hash, type, pending_seq, reverses_seq, force_negative, legs, metadata, created_at';
