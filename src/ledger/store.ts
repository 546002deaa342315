/**
 * What the batching writer needs from a database, one implementation per
 * engine. These are the ledger's hot path, so they use the drivers directly
 * (prepared statements on SQLite, array parameters on PostgreSQL) rather than
 * building a query per row.
 */
export interface TransferRow {
  seq: bigint;
  idempotency_key: string;
  request_hash: string;
  type: string;
  pending_seq: bigint | null;
  reverses_seq: bigint | null;
  force_negative: bigint;
  legs: string;
  metadata: string;
  created_at: string;
}

export interface EntryRow {
  account_id: string;
  transfer_seq: bigint;
  amount: bigint;
}

/** The balance state of an account, loaded (and on PostgreSQL locked) for one batch. */
export interface BalanceRow {
  id: string;
  asset: string;
  may_go_negative: bigint;
  posted: bigint;
  pending_debits: bigint;
  pending_credits: bigint;
}

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
  insert(transfers: TransferRow[], entries: EntryRow[]): Promise<void>;
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
