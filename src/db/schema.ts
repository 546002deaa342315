
/** Table types for Kysely. Integers are bigint on both engines (see openDatabase). */
export interface Schema {
  ledger_accounts: LedgerAccountTable;
  ledger_transfers: LedgerTransferTable;
  ledger_entries: LedgerEntryTable;
}

export interface LedgerAccountTable {
  id: string;
  asset: string;
  /** user_coin | user_diamond | platform */
  kind: string;
  owner_id: string | null;
  /** 1 when the balance may go below zero (platform issuance accounts), else 0. */
  may_go_negative: bigint;
  /** Net posted balance: credits minus debits, in the asset's smallest unit. */
  posted: bigint;
  /** Sum of debits reserved by pending transfers. */
  pending_debits: bigint;
  /** Sum of credits promised by pending transfers. */
  pending_credits: bigint;
  created_at: string;
}

export interface LedgerTransferTable {
  /** The transfer's identity; its public id is `tr_<seq>`. */
  seq: bigint;
  idempotency_key: string;
  request_hash: string;
  /** posted | pending | post_pending | void_pending | reversal */
  type: string;
  pending_seq: bigint | null;
  reverses_seq: bigint | null;
  force_negative: bigint;
  /** JSON array of [accountId, asset, signedAmount] as the transfer was applied; the entries repeat it per account. */
  legs: string;
  metadata: string;
  created_at: string;
}

/** One row per account a transfer moved, clustered by account for history and balance recomputation. */
export interface LedgerEntryTable {
  account_id: string;
  transfer_seq: bigint;
  /** Signed: positive credits the account, negative debits it. */
  amount: bigint;
}
