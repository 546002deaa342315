import type { Static } from 'typebox';
import { newId, writeTransaction } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { recordActivity } from './activity.js';
import type { AccountsContext, RequestOrigin } from './context.js';
import { registerFailure, releaseAttempt, reserveAttempt } from './lockout.js';
import { verifyAgainstDecoy, verifyPassword } from './passwords.js';
import { newSecret, secretHash } from './tokens.js';
import type { LoginResultSchema, SessionSchema } from './schemas.js';
import { proveSecondFactor, useSecondFactor, type SecondFactor } from './two-factor.js';
import { loadUser, normalizeEmail, requireUserRow, rolesOf, type Role } from './users.js';

/** How often a session's last-seen time is written: often enough to show, rarely enough to cost nothing. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Who is calling, as every route's authorization sees it. */
export interface Principal {
  userId: string;
  sessionId: string;
  csrfToken: string;
  roles: Role[];
  /** True when this session proved a second factor and the account still has two-factor on. */
  twoFactorVerified: boolean;
  /** True when the account has two-factor on. */
  twoFactorEnabled: boolean;
  /**
   * True when this session proved a second factor within TWO_FACTOR_RECENT_MINUTES
   * (at sign-in, when turning two-factor on, or by a step-up), as cashing out needs.
   */
  twoFactorRecent: boolean;
  /**
   * Set when the session was taken from memory rather than the database: the authorization version of
   * the user's coin wallet, read before the session was, which a payment hands the ledger to check.
   */
  authorizationVersion?: bigint;
}

export type SessionView = Static<typeof SessionSchema>;

export type LoginResult = Static<typeof LoginResultSchema>;

export async function login(ctx: AccountsContext, input: { email: string; password: string } & SecondFactor, origin: RequestOrigin): Promise<LoginResult> {
  // The address's attempt is counted before anything is checked, so concurrent guesses cannot all pass
  // a check made before their failures are counted; an attempt that turns out not to fail gives it back.
  const ipWaitMs = await ctx.failedLoginsByIp.take(origin.ip);
  if (ipWaitMs > 0) {
    ctx.limited?.('login_ip');
    throw DomainError.rateLimited('too_many_attempts', 'Too many failed sign-ins from this address.', ipWaitMs);
  }
  let failed = false;
  try {
    return await signIn(ctx, input, origin, () => {
      failed = true;
    });
  } finally {
    if (!failed) await ctx.failedLoginsByIp.release(origin.ip);
  }
}

async function signIn(ctx: AccountsContext, input: { email: string; password: string } & SecondFactor, origin: RequestOrigin, countFailure: () => void): Promise<LoginResult> {
  const now = ctx.now();
  const row = await ctx.kysely.selectFrom('users').selectAll().where('email', '=', normalizeEmail(input.email)).executeTakeFirst();
  if (!row || row.closed_at !== null) {
    await verifyAgainstDecoy(input.password);
    countFailure();
    throw invalidCredentials();
  }
  const attempt = await reserveAttempt(ctx, row.id);
  if (!(await verifyPassword(row.password_hash, input.password))) {
    countFailure();
    await registerFailure(ctx, row, attempt, origin, 'password');
    throw invalidCredentials();
  }

  let method = 'password';
  if (row.totp_enabled_at !== null) {
    if (input.totp === undefined && input.recoveryCode === undefined) {
      await releaseAttempt(ctx, row.id, attempt);
      throw DomainError.unauthenticated('two_factor_required', 'Enter the code from your authenticator app, or one of your recovery codes.');
    }
    const proof = await useSecondFactor(ctx, row, input);
    if (!proof) {
      countFailure();
      await registerFailure(ctx, row, attempt, origin, 'two_factor');
      throw DomainError.unauthenticated('invalid_two_factor_code', 'The two-factor code is not correct or was already used.');
    }
    method = `password+${proof}`;
  }

  const token = newSecret('ovs');
  const csrfToken = newSecret('ovc');
  const expiresAt = new Date(now.getTime() + ctx.config.accounts.sessionTtlMs).toISOString();
  await writeTransaction(ctx.db, async (trx) => {
    await trx.updateTable('users').set({ failed_logins: 0n, lockouts: 0n, locked_until: null }).where('id', '=', row.id).execute();
    await trx
      .insertInto('sessions')
      .values({
        id: newId('ses'),
        user_id: row.id,
        token_hash: secretHash(token),
        csrf_token: csrfToken,
        ip: origin.ip,
        user_agent: origin.userAgent,
        two_factor: method === 'password' ? 0n : 1n,
        two_factor_at: method === 'password' ? null : now.toISOString(),
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    await recordActivity(trx, { userId: row.id, kind: 'signed_in', origin, at: now, detail: { method } });
    if (method === 'password+recovery_code') await recordActivity(trx, { userId: row.id, kind: 'recovery_code_used', origin, at: now });
  });
  return { token, csrfToken, expiresAt, user: await loadUser(ctx, row.id) };
}

function invalidCredentials(): DomainError {
  return DomainError.unauthenticated('invalid_credentials', 'The email address or password is not correct.');
}

/** The principal behind a bearer token, or undefined when it is unknown, revoked, expired or its account closed. */
export async function authenticate(ctx: AccountsContext, token: string): Promise<Principal | undefined> {
  const row = await findSession(ctx, secretHash(token));
  return row && principalFromRow(ctx, row);
}

/** A signed-in session as read from the database, with what its principal is made of. */
export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSession>>>;

/** The session with this token hash if it is signed in (not revoked, not expired, its account open); writes its last-seen time at most once a minute. */
export async function findSession(ctx: AccountsContext, tokenHash: string) {
  const now = ctx.now();
  const row = await ctx.kysely
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.csrf_token',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.two_factor',
      'sessions.two_factor_at',
      'users.id as user_id',
      'users.is_creator',
      'users.is_admin',
      'users.totp_enabled_at',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now.toISOString())
    .where('users.closed_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  if (now.getTime() - Date.parse(row.last_seen_at) >= LAST_SEEN_RESOLUTION_MS) {
    await ctx.kysely.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', row.session_id).execute();
  }
  return row;
}

/** The principal of a session row, as of now (two-factor proofs age); `authorizationVersion` when the session came from memory (see Principal). */
export function principalFromRow(ctx: AccountsContext, row: SessionRow, authorizationVersion?: bigint): Principal {
  const principal: Principal = {
    userId: row.user_id,
    sessionId: row.session_id,
    csrfToken: row.csrf_token,
    roles: rolesOf(row),
    twoFactorVerified: row.two_factor === 1n && row.totp_enabled_at !== null,
    twoFactorEnabled: row.totp_enabled_at !== null,
    twoFactorRecent: isRecentProof(ctx, row.totp_enabled_at === null ? null : row.two_factor_at),
  };
  if (authorizationVersion !== undefined) principal.authorizationVersion = authorizationVersion;
  return principal;
}

function isRecentProof(ctx: AccountsContext, provedAt: string | null): boolean {
  return provedAt !== null && ctx.now().getTime() - Date.parse(provedAt) < ctx.config.accounts.twoFactorRecentMs;
}

/** A session's step-up: when it proved the second factor, and until when that counts as recent. */
export interface TwoFactorProof {
  verifiedAt: string;
  recentUntil: string;
}

/**
 * Proves the second factor again in the current session (a step-up), so that
 * it may cash out for TWO_FACTOR_RECENT_MINUTES. Takes a TOTP code or an
 * unused recovery code. Each wrong code counts towards the account's lockout
 * like a failed sign-in, and is counted before it is checked.
 */
export async function verifyTwoFactor(ctx: AccountsContext, principal: Principal, code: string, origin: RequestOrigin): Promise<TwoFactorProof> {
  const row = await requireUserRow(ctx.kysely, principal.userId);
  if (row.totp_enabled_at === null) throw DomainError.conflict('two_factor_not_enabled', 'Two-factor authentication is not on; turn it on first (POST /api/v1/me/two-factor/setup).');
  const proof = await proveSecondFactor(ctx, row, code, origin);
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    await trx.updateTable('sessions').set({ two_factor: 1n, two_factor_at: now.toISOString() }).where('id', '=', principal.sessionId).execute();
    await recordActivity(trx, { userId: row.id, kind: 'two_factor_verified', origin, at: now, detail: { sessionId: principal.sessionId, method: proof } });
    if (proof === 'recovery_code') await recordActivity(trx, { userId: row.id, kind: 'recovery_code_used', origin, at: now });
  });
  return { verifiedAt: now.toISOString(), recentUntil: new Date(now.getTime() + ctx.config.accounts.twoFactorRecentMs).toISOString() };
}

export async function listSessions(ctx: AccountsContext, principal: Principal): Promise<SessionView[]> {
  const rows = await ctx.kysely
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', principal.userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', ctx.now().toISOString())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    current: row.id === principal.sessionId,
  }));
}

/** Ends one of the user's sessions; its token stops working with the next request. */
export async function revokeSession(ctx: AccountsContext, userId: string, sessionId: string, origin: RequestOrigin, kind: 'session_revoked' | 'signed_out'): Promise<void> {
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    const result = await trx
      .updateTable('sessions')
      .set({ revoked_at: now.toISOString() })
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) throw DomainError.notFound('session_not_found', 'No active session of yours has this id.');
    await recordActivity(trx, { userId, kind, origin, at: now, detail: { sessionId } });
  });
}
