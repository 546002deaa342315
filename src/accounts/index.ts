import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Bus } from '../bus/index.js';
import { createAuthorizationCache } from './authorization.js';
import type { Schema } from '../db/index.js';
import { listActivity, recordActivity, type ActivityKind } from './activity.js';
import { createAdmin, findUsers } from './admins.js';
import { closeAccount, closurePreview, completePendingClosures, exportUserData } from './closure.js';
import { accountsContext, type AccountsDependencies, type RequestOrigin } from './context.js';
import { applyForCreator, decideCreator, follow, profile, unfollow } from './creators.js';
import { changePassword, requestPasswordReset, resendVerification, resetPassword, signup, verifyEmail } from './registration.js';
import { addRestriction, assertCapability, getCase, liftRestriction, listCases, openCase, reportUnauthorizedActivity, resolveCase } from './safety.js';
import { authenticate, listSessions, login, revokeSession, verifyTwoFactor } from './sessions.js';
import { beginTwoFactorSetup, confirmTwoFactor, disableTwoFactor } from './two-factor.js';
import { loadUser, namesOf } from './users.js';
import { activeSessions, sessionEnder, type SessionsEnded } from './session-state.js';

export type { RequestOrigin } from './context.js';
export { CSRF_COOKIE, CSRF_HEADER, originOf, principalOf, SESSION_COOKIE, type Access } from './caller.js';
export type { Principal, SessionView, LoginResult, TwoFactorProof } from './sessions.js';
export type { User, UserName, Role, Restriction, RestrictionKind } from './users.js';
export type { Capability, Case } from './safety.js';
export type { ActivityEntry, ActivityKind } from './activity.js';
export { BirthDate, Email, Ok } from './schemas.js';
export { newSecret, sameSecret } from './tokens.js';

/**
 * Who is who and what they may do: sign-up, sign-in, sessions, two-factor,
 * age gate, roles, restrictions, the activity log and account closure.
 * Other domains call `assertCapability` before moving money and
 * `recordActivity` for what users should see in their log.
 */
export function createAccounts(deps: AccountsDependencies & { bus: Bus; logger: Logger; sessionsEnded?: SessionsEnded }) {
  const ctx = accountsContext(deps);
  const authorization = createAuthorizationCache(ctx, deps.bus, deps.logger);
  /** After an action that changed what a user may do: every process forgets its view of them. */
  async function changing<T>(userId: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } finally {
      await authorization.changed(userId);
    }
  }
  // What acts for a session outside a request (room sockets, in every process) hears of each action that ends sessions.
  const sessionsEnded = async (userId: string) => {
    await authorization.changed(userId);
    await deps.sessionsEnded?.(userId);
  };
  const ending = sessionEnder(sessionsEnded);
  return {
    signup: (input: Parameters<typeof signup>[1], origin: RequestOrigin) => signup(ctx, input, origin),
    verifyEmail: (token: string, origin: RequestOrigin) => verifyEmail(ctx, token, origin),
    resendVerification: (userId: string, origin: RequestOrigin) => resendVerification(ctx, userId, origin),
    requestPasswordReset: (email: string, origin: RequestOrigin) => requestPasswordReset(ctx, email, origin),
    resetPassword: async (token: string, password: string, origin: RequestOrigin): Promise<void> => {
      await sessionsEnded(await resetPassword(ctx, token, password, origin));
    },
    changePassword: (userId: string, input: Parameters<typeof changePassword>[2], keepSessionId: string, origin: RequestOrigin) =>
      ending(userId, () => changePassword(ctx, userId, input, keepSessionId, origin)),

    login: (input: Parameters<typeof login>[1], origin: RequestOrigin) => login(ctx, input, origin),
    /** The principal behind a token, from the database: for requests that change state. */
    authenticate: (token: string) => authenticate(ctx, token),
    /** The principal behind a token, from memory when seen within the last minute: for reads and payments, which the ledger re-checks. */
    authenticateCached: (token: string) => authorization.authenticate(token),
    /** Who may pay whom for a payment to a creator, with the authorization versions the ledger checks. */
    authorizePayment: authorization.authorizePayment,
    listSessions: (principal: Parameters<typeof listSessions>[1]) => listSessions(ctx, principal),
    revokeSession: (userId: string, sessionId: string, origin: RequestOrigin) => ending(userId, () => revokeSession(ctx, userId, sessionId, origin, 'session_revoked')),
    logout: (userId: string, sessionId: string, origin: RequestOrigin) => ending(userId, () => revokeSession(ctx, userId, sessionId, origin, 'signed_out')),
    /** Of these sessions, those still signed in, with when each expires. */
    activeSessions: (sessionIds: readonly string[]) => activeSessions(ctx.kysely, sessionIds, ctx.now()),

    beginTwoFactorSetup: (userId: string) => beginTwoFactorSetup(ctx, userId),
    confirmTwoFactor: (userId: string, sessionId: string, code: string, origin: RequestOrigin) => ending(userId, () => confirmTwoFactor(ctx, userId, sessionId, code, origin)),
    disableTwoFactor: (userId: string, code: string, origin: RequestOrigin) => changing(userId, () => disableTwoFactor(ctx, userId, code, origin)),
    verifyTwoFactor: (principal: Parameters<typeof verifyTwoFactor>[1], code: string, origin: RequestOrigin) => changing(principal.userId, () => verifyTwoFactor(ctx, principal, code, origin)),

    getUser: (userId: string) => loadUser(ctx, userId),
    namesOf: (userIds: readonly string[]) => namesOf(ctx.kysely, userIds),
    findUsers: (input: Parameters<typeof findUsers>[1]) => findUsers(ctx, input),
    createAdmin: async (input: Parameters<typeof createAdmin>[1]) => {
      // Promoting a user without two-factor turns it on, which ends their sessions.
      const admin = await createAdmin(ctx, input);
      await sessionsEnded(admin.user.id);
      return admin;
    },
    applyForCreator: (userId: string, acceptTerms: boolean, origin: RequestOrigin) => applyForCreator(ctx, userId, acceptTerms, origin),
    decideCreator: (input: Parameters<typeof decideCreator>[1]) => changing(input.userId, () => decideCreator(ctx, input)),
    profile: (handle: string, viewerId: string | undefined) => profile(ctx, handle, viewerId),
    follow: (followerId: string, handle: string) => follow(ctx, followerId, handle),
    unfollow: (followerId: string, handle: string) => unfollow(ctx, followerId, handle),

    recordActivity: (userId: string, kind: ActivityKind, detail: Record<string, unknown>, origin?: RequestOrigin) => recordActivity(ctx.kysely, { userId, kind, detail, origin, at: ctx.now() }),
    listActivity: (userId: string, page: Parameters<typeof listActivity>[2]) => listActivity(ctx.kysely, userId, page),
    assertCapability: (userId: string, capability: Parameters<typeof assertCapability>[2]) => assertCapability(ctx, userId, capability),
    reportUnauthorizedActivity: (userId: string, sessionId: string, description: string, origin: RequestOrigin) =>
      ending(userId, () => reportUnauthorizedActivity(ctx, userId, sessionId, description, origin)),
    /** With `trx`, other processes may still read the user as they were until it commits; the ledger's check covers payments meanwhile. */
    addRestriction: (input: Parameters<typeof addRestriction>[1], trx?: Kysely<Schema>) => changing(input.userId, () => addRestriction(ctx, input, undefined, trx)),
    liftRestriction: (input: Parameters<typeof liftRestriction>[1]) => changing(input.userId, () => liftRestriction(ctx, input)),
    openCase: (input: Parameters<typeof openCase>[1], trx?: Kysely<Schema>) => openCase(ctx, input, trx),
    listCases: (filter: Parameters<typeof listCases>[1]) => listCases(ctx, filter),
    getCase: (caseId: string) => getCase(ctx, caseId),
    resolveCase: async (input: Parameters<typeof resolveCase>[1]) => {
      const resolved = await resolveCase(ctx, input);
      await authorization.changed(resolved.userId);
      return resolved;
    },

    closurePreview: (userId: string) => closurePreview(ctx, userId),
    closeAccount: (userId: string, input: Parameters<typeof closeAccount>[2], origin: RequestOrigin) => ending(userId, () => closeAccount(ctx, userId, input, origin)),
    completePendingClosures: () => completePendingClosures(ctx),
    close: () => authorization.close(),
    exportUserData: (principal: Parameters<typeof exportUserData>[1], origin: RequestOrigin) => exportUserData(ctx, principal, origin),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
