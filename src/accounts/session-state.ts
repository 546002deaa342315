import type { Kysely } from 'kysely';
import type { Schema } from '../db/index.js';

/**
 * Of these sessions, the ones still signed in (not signed out or revoked, not expired, their account
 * open), each with when it expires. For what acts for a session outside a request, such as a room
 * socket: it asks again before moving money.
 */
export async function activeSessions(kysely: Kysely<Schema>, sessionIds: readonly string[], at: Date): Promise<Map<string, string>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await kysely
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id', 'sessions.expires_at'])
    .where('sessions.id', 'in', [...new Set(sessionIds)])
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', at.toISOString())
    .where('users.closed_at', 'is', null)
    .execute();
  return new Map(rows.map((row) => [row.id, row.expires_at]));
}

/** Hears that some of a user's sessions may have ended; resolves once what acts for them here has stopped. Never rejects. */
export type SessionsEnded = (userId: string) => Promise<void>;

/**
 * Runs an action that may end some of a user's sessions (sign-out, password change or reset, closure,
 * "this wasn't me"), then tells `ended` about the user once it is over, whether or not it succeeded,
 * and answers only after that: the caller's answer comes after this process stopped acting for the
 * ended sessions. Listeners check which sessions are still on, so a word too many costs a lookup.
 */
export function sessionEnder(ended: SessionsEnded | undefined) {
  return async function ending<T>(userId: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } finally {
      await ended?.(userId);
    }
  };
}

/** Ends all of a user's sessions, or all but one. */
export async function revokeSessions(kysely: Kysely<Schema>, options: { userId: string; exceptSessionId?: string; at: Date }): Promise<void> {
  let query = kysely.updateTable('sessions').set({ revoked_at: options.at.toISOString() }).where('user_id', '=', options.userId).where('revoked_at', 'is', null);
  if (options.exceptSessionId !== undefined) query = query.where('id', '!=', options.exceptSessionId);
  await query.execute();
}
