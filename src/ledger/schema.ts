/**
 * Table types of the ledger: accounts, transfers, entries and the outbox committed with them, merged
 * into the database's `Schema` (src/db/schema.ts). Integers are bigint on both engines; timestamps are
 * ISO 8601 UTC strings, so they compare in text order.
 */
export interface LedgerSchema {
  ledger_accounts: LedgerAccountTable;
  ledger_transfers: LedgerTransferTable;
  ledger_entries: LedgerEntryTable;
  outbox: OutboxTable;
}

declare module '../db/schema.js' {
  interface Schema extends LedgerSchema {}
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
  /** Moves (by triggers on the accounts tables) whenever what the owner may do changes; requests that carry the version they decided under are refused once it moved. */
  authorization_version: bigint;
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

/** A message committed with its transfer (see the ledger's `outbox` request field). */
export interface OutboxTable {
  transfer_seq: bigint;
  position: bigint;
  topic: string;
  /** JSON object. */
  payload: string;
  created_at: string;
  /** Set once delivered; null rows are picked up by the relay. */
  published_at: string | null;
}

/** One row per account a transfer moved, clustered by account for history and balance recomputation. */
export interface LedgerEntryTable {
  account_id: string;
  transfer_seq: bigint;
  /** Signed: positive credits the account, negative debits it. */
  amount: bigint;
}
