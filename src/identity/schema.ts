import type { Generated } from 'kysely';

/**
 * Table types of identity checks and payout methods, merged into the global
 * `Schema` (src/db/schema.ts). Timestamps are ISO 8601 UTC strings.
 */
export interface IdentitySchema {
  identity_checks: IdentityCheckTable;
  payout_methods: PayoutMethodTable;
}

declare module '../db/schema.js' {
  interface Schema extends IdentitySchema {}
}

/**
 * One submission of a creator's identity to the identity provider, kept as
 * history: the newest row is the creator's identity. At most one row per
 * creator is verified, and a verified creator cannot submit again.
 */
export interface IdentityCheckTable {
  /** Submission order: the highest is the creator's identity now. */
  seq: Generated<bigint>;
  /** Such as `idc_3k9x…`. */
  id: string;
  user_id: string;
  /** verified | rejected | needs_more_info | pending */
  status: string;
  legal_name: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  /** passport | national_id | driving_licence */
  document_type: string;
  /** The document number itself is never stored: the provider has it. */
  document_last4: string;
  /** The provider's name, such as `sandbox`. */
  provider: string;
  /** The provider's id of the check. */
  provider_reference: string;
  /** Why it was rejected or what more is needed; null otherwise. */
  reason: string | null;
  submitted_at: string;
  /** Null while pending. */
  decided_at: string | null;
}

/**
 * Where a creator's payouts may be sent. Removed, never deleted: payouts
 * refer to the method they were sent to.
 */
export interface PayoutMethodTable {
  /** Such as `pm_3k9x…`. */
  id: string;
  user_id: string;
  /** bank_account | wallet */
  type: string;
  holder_name: string;
  /** ISO 3166-1 alpha-2: a bank account's country; for a wallet, the verified identity's. */
  country: string;
  /** ISO 4217: a bank account's currency; for a wallet, the currency payouts were valued in when it was added. */
  currency: string;
  /**
   * Bank accounts: the full number (letters upper-cased, spaces and hyphens
   * dropped), kept only for the payout provider and never answered; null for wallets.
   */
  account_number: string | null;
  /** A bank's routing, sort, BIC or similar code, when the creator gave one. */
  routing_code: string | null;
  /** Wallets: the address payouts are sent to, lower-cased; null for bank accounts. */
  email: string | null;
  created_at: string;
  removed_at: string | null;
}
