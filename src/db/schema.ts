import type { Generated } from 'kysely';

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
  seq: Generated<bigint>;
  id: string;
  idempotency_key: string;
  request_hash: string;
  /** posted | pending | post_pending | void_pending | reversal */
  type: string;
  pending_id: string | null;
  reverses_id: string | null;
  force_negative: bigint;
  metadata: string;
  created_at: string;
}

export interface LedgerEntryTable {
  seq: Generated<bigint>;
  transfer_id: string;
  account_id: string;
  asset: string;
  /** Signed: positive credits the account, negative debits it. */
  amount: bigint;
}
