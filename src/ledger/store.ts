/**
 * What the batching writer needs from a database, one implementation per
 * engine. These are the ledger's hot path, so they use the drivers directly
 * (prepared statements on SQLite, array parameters on PostgreSQL) rather than
 * building a query per row.
 */
export interface TransferRow {
  id: string;
  idempotency_key: string;
  request_hash: string;
  type: string;
  pending_id: string | null;
  reverses_id: string | null;
  force_negative: bigint;
  metadata: string;
  created_at: string;
}

export interface EntryRow {
  transfer_id: string;
  account_id: string;
  asset: string;
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
  transfersByIds(ids: string[]): Promise<TransferRow[]>;
  /** Entries of the given transfers, in the order they were written. */
  entriesOf(transferIds: string[]): Promise<EntryRow[]>;
  /** Of the given pending transfer ids, those already posted or voided. */
  resolvedPendingIds(pendingIds: string[]): Promise<string[]>;
  /** Of the given transfer ids, those already reversed. */
  reversedIds(transferIds: string[]): Promise<string[]>;
  /** Loads the accounts and holds them against concurrent writers until the transaction ends. */
  lockAccounts(ids: string[]): Promise<BalanceRow[]>;
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
