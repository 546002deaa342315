import type { Generated } from 'kysely';
import type { StoreSchema } from '../store/schema.js';
import type { GiftsSchema } from '../gifts/schema.js';
import type { LiveSchema } from '../live/schema.js';
import type { OverlaySchema } from '../overlay/schema.js';
import type { OutboxSchema } from '../outbox/schema.js';
import type { WebhooksSchema } from '../webhooks/schema.js';
import type { PayoutsSchema } from '../payouts/schema.js';
import type { IdentitySchema } from '../identity/schema.js';

/** Table types for Kysely. Integers are bigint on both engines (see openDatabase). */
export interface Schema extends StoreSchema, GiftsSchema, LiveSchema, OutboxSchema, OverlaySchema, WebhooksSchema, PayoutsSchema, IdentitySchema {
  ledger_accounts: LedgerAccountTable;
  ledger_transfers: LedgerTransferTable;
  ledger_entries: LedgerEntryTable;
  outbox: OutboxTable;
  users: UserTable;
  sessions: SessionTable;
  recovery_codes: RecoveryCodeTable;
  email_tokens: EmailTokenTable;
  user_activity: UserActivityTable;
  user_restrictions: UserRestrictionTable;
  follows: FollowTable;
  cases: CaseTable;
  orders: OrderTable;
  payment_events: PaymentEventTable;
  sandbox_payments: SandboxPaymentTable;
  spending_budgets: SpendingBudgetTable;
  promotion_redemptions: PromotionRedemptionTable;
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

/** Timestamps are ISO 8601 UTC strings, so they compare in text order. */
export interface UserTable {
  id: string;
  email: string;
  email_verified_at: string | null;
  handle: string;
  display_name: string;
  password_hash: string;
  birth_date: string | null;
  region: string;
  is_creator: bigint;
  is_admin: bigint;
  creator_status: string | null;
  creator_decision_reason: string | null;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_enabled_at: string | null;
  totp_last_step: bigint;
  failed_logins: bigint;
  lockouts: bigint;
  locked_until: string | null;
  closed_at: string | null;
  closure_coins: bigint | null;
  closure_diamonds: bigint | null;
  closure_transfer_id: string | null;
  created_at: string;
}

export interface SessionTable {
  id: string;
  user_id: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  token_hash: string;
  csrf_token: string;
  ip: string;
  user_agent: string;
  /** 1 when the session proved a second factor. */
  two_factor: bigint;
  /** When the session last proved a second factor; cashing out needs a recent proof. */
  two_factor_at: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface RecoveryCodeTable {
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface EmailTokenTable {
  token_hash: string;
  user_id: string;
  /** verify_email | reset_password */
  purpose: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface UserActivityTable {
  seq: Generated<bigint>;
  user_id: string;
  kind: string;
  ip: string | null;
  user_agent: string | null;
  /** JSON object with the kind's details. */
  detail: string;
  created_at: string;
}

export interface UserRestrictionTable {
  user_id: string;
  /** spending | gifting | live | cashout */
  kind: string;
  reason: string;
  created_by: string | null;
  created_at: string;
}

export interface FollowTable {
  follower_id: string;
  followee_id: string;
  created_at: string;
}

export interface CaseTable {
  id: string;
  user_id: string;
  kind: string;
  /** open | resolved */
  status: string;
  description: string;
  resolution: string | null;
  resolved_by: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface OrderTable {
  id: string;
  user_id: string;
  idempotency_key: string;
  request_hash: string;
  package_id: string | null;
  /** web | app */
  channel: string;
  region: string;
  coins: bigint;
  bonus_coins: bigint;
  promotions: string;
  currency: string;
  amount_minor: bigint;
  fee_minor: bigint;
  /** created | requires_action | processing | succeeded | failed | canceled | disputed | refunded */
  status: string;
  provider: string;
  provider_payment_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  credit_transfer_id: string | null;
  clawback_transfer_id: string | null;
  refund_transfer_id: string | null;
  refund_reason: string | null;
  created_at: string;
  updated_at: string;
  credited_at: string | null;
  /** The checkout paying a `created` order: while set, the order counts against the buyer's limits. */
  checkout_claim: string | null;
}

export interface PromotionRedemptionTable {
  user_id: string;
  promotion_id: string;
  /** 1 up to the promotion's per-user limit. */
  use_number: bigint;
  order_id: string;
  created_at: string;
}

export interface SpendingBudgetTable {
  user_id: string;
  daily_coins: bigint | null;
  weekly_coins: bigint | null;
  monthly_coins: bigint | null;
  pending_limits: string | null;
  pending_effective_at: string | null;
  updated_at: string;
}

export interface PaymentEventTable {
  provider: string;
  event_id: string;
  type: string;
  order_id: string | null;
  received_at: string;
}

export interface SandboxPaymentTable {
  id: string;
  order_id: string;
  amount_minor: bigint;
  currency: string;
  status: string;
  card_last4: string | null;
  failure_code: string | null;
  created_at: string;
  updated_at: string;
}
