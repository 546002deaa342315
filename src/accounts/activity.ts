import type { Kysely } from 'kysely';
import type { Schema } from '../db/index.js';
import type { RequestOrigin } from './context.js';

/** What the activity log records. Later domains add purchases, gifts and payouts. */
export type ActivityKind =
  | 'signed_up'
  | 'email_verified'
  | 'signed_in'
  | 'sign_in_failed'
  | 'account_locked'
  | 'signed_out'
  | 'session_revoked'
  | 'password_changed'
  | 'password_reset_requested'
  | 'password_reset'
  | 'two_factor_enabled'
  | 'two_factor_disabled'
  | 'two_factor_verified'
  | 'recovery_code_used'
  | 'creator_applied'
  | 'creator_granted'
  | 'creator_rejected'
  | 'unauthorized_activity_reported'
  | 'restriction_added'
  | 'restriction_lifted'
  | 'account_closed'
  | 'data_exported'
  | 'admin_granted'
  | 'identity_submitted'
  | 'identity_decided'
  | 'identity_revoked'
  | 'payout_method_added'
  | 'payout_method_removed'
  | (string & {});

export interface ActivityEntry {
  id: string;
  kind: ActivityKind;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

export interface ActivityPage {
  activity: ActivityEntry[];
  /** Pass as `before` for older entries; null when there are none. */
  nextCursor: string | null;
}

/** Appends to a user's activity log; pass the transaction when the event is part of one. */
export async function recordActivity(kysely: Kysely<Schema>, entry: { userId: string; kind: ActivityKind; origin?: RequestOrigin; detail?: Record<string, unknown>; at: Date }): Promise<void> {
  await kysely
    .insertInto('user_activity')
    .values({
      user_id: entry.userId,
      kind: entry.kind,
      ip: entry.origin?.ip ?? null,
      user_agent: entry.origin?.userAgent ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
      created_at: entry.at.toISOString(),
    })
    .execute();
}

/** Newest first. */
export async function listActivity(kysely: Kysely<Schema>, userId: string, page: { before?: string; limit: number }): Promise<ActivityPage> {
  let query = kysely.selectFrom('user_activity').selectAll().where('user_id', '=', userId);
  if (page.before !== undefined) query = query.where('seq', '<', BigInt(page.before));
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(page.limit + 1)
    .execute();
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  return {
    activity: shown.map((row) => ({
      id: String(row.seq),
      kind: row.kind,
      ip: row.ip,
      userAgent: row.user_agent,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
      createdAt: row.created_at,
    })),
    nextCursor: more ? String(shown[shown.length - 1]!.seq) : null,
  };
}
