import type { Generated } from 'kysely';

/**
 * Table types of accounts: users, sessions, second factors, email tokens, the activity log,
 * restrictions, follows and cases, merged into the database's `Schema` (src/db/schema.ts). Integers
 * are bigint on both engines; timestamps are ISO 8601 UTC strings, so they compare in text order.
 */
export interface AccountsSchema {
  users: UserTable;
  sessions: SessionTable;
  recovery_codes: RecoveryCodeTable;
  email_tokens: EmailTokenTable;
  user_activity: UserActivityTable;
  user_restrictions: UserRestrictionTable;
  follows: FollowTable;
  cases: CaseTable;
}

declare module '../db/schema.js' {
  interface Schema extends AccountsSchema {}
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
