import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { listActivity, recordActivity, type ActivityKind } from './activity.js';
import { createAdmin, findUsers } from './admins.js';
import { closeAccount, closurePreview, completePendingClosures, exportUserData } from './closure.js';
import { accountsContext, type AccountsDependencies, type RequestOrigin } from './context.js';
import { applyForCreator, decideCreator, follow, profile, unfollow } from './creators.js';
import { changePassword, requestPasswordReset, resendVerification, resetPassword, signup, verifyEmail } from './registration.js';
import { addRestriction, assertCapability, getCase, liftRestriction, listCases, openCase, reportUnauthorizedActivity, resolveCase } from './safety.js';
import { authenticate, listSessions, login, revokeSession, verifyTwoFactor } from './sessions.js';
import { beginTwoFactorSetup, confirmTwoFactor, disableTwoFactor } from './two-factor.js';
import { loadUser } from './users.js';
import { activeSessions, sessionEnder, type SessionsEnded } from './session-state.js';

export type { RequestOrigin } from './context.js';
export type { Principal, SessionView, LoginResult, TwoFactorProof } from './sessions.js';
export type { User, Role, Restriction, RestrictionKind } from './users.js';
export { RESTRICTION_KINDS } from './users.js';
export type { Capability, Case } from './safety.js';
export type { ActivityEntry, ActivityKind } from './activity.js';
export { HANDLE_PATTERN } from './registration.js';
export { PASSWORD_MAX_LENGTH } from './passwords.js';

/**
 * Who is who and what they may do: sign-up, sign-in, sessions, two-factor,
 * age gate, roles, restrictions, the activity log and account closure.
 * Other domains call `assertCapability` before moving money and
 * `recordActivity` for what users should see in their log.
 */
export function createAccounts(deps: AccountsDependencies & { sessionsEnded?: SessionsEnded }) {
  const ctx = accountsContext(deps);
  // What acts for a session outside a request (room sockets, in every process) hears of each action that ends sessions.
  const ending = sessionEnder(deps.sessionsEnded);
  return {
    signup: (input: Parameters<typeof signup>[1], origin: RequestOrigin) => signup(ctx, input, origin),
    verifyEmail: (token: string, origin: RequestOrigin) => verifyEmail(ctx, token, origin),
    resendVerification: (userId: string, origin: RequestOrigin) => resendVerification(ctx, userId, origin),
    requestPasswordReset: (email: string, origin: RequestOrigin) => requestPasswordReset(ctx, email, origin),
    resetPassword: async (token: string, password: string, origin: RequestOrigin): Promise<void> => {
      await deps.sessionsEnded?.(await resetPassword(ctx, token, password, origin));
    },
    changePassword: (userId: string, input: Parameters<typeof changePassword>[2], keepSessionId: string, origin: RequestOrigin) =>
      ending(userId, () => changePassword(ctx, userId, input, keepSessionId, origin)),

    login: (input: Parameters<typeof login>[1], origin: RequestOrigin) => login(ctx, input, origin),
    authenticate: (token: string) => authenticate(ctx, token),
    listSessions: (principal: Parameters<typeof listSessions>[1]) => listSessions(ctx, principal),
    revokeSession: (userId: string, sessionId: string, origin: RequestOrigin) => ending(userId, () => revokeSession(ctx, userId, sessionId, origin, 'session_revoked')),
    logout: (userId: string, sessionId: string, origin: RequestOrigin) => ending(userId, () => revokeSession(ctx, userId, sessionId, origin, 'signed_out')),
    /** Of these sessions, those still signed in, with when each expires. */
    activeSessions: (sessionIds: readonly string[]) => activeSessions(ctx.kysely, sessionIds, ctx.now()),

    beginTwoFactorSetup: (userId: string) => beginTwoFactorSetup(ctx, userId),
    confirmTwoFactor: (userId: string, sessionId: string, code: string, origin: RequestOrigin) => ending(userId, () => confirmTwoFactor(ctx, userId, sessionId, code, origin)),
    disableTwoFactor: (userId: string, code: string, origin: RequestOrigin) => disableTwoFactor(ctx, userId, code, origin),
    verifyTwoFactor: (principal: Parameters<typeof verifyTwoFactor>[1], code: string, origin: RequestOrigin) => verifyTwoFactor(ctx, principal, code, origin),

    getUser: (userId: string) => loadUser(ctx, userId),
    findUsers: (input: Parameters<typeof findUsers>[1]) => findUsers(ctx, input),
    createAdmin: async (input: Parameters<typeof createAdmin>[1]) => {
      // Promoting a user without two-factor turns it on, which ends their sessions.
      const admin = await createAdmin(ctx, input);
      await deps.sessionsEnded?.(admin.user.id);
      return admin;
    },
    applyForCreator: (userId: string, acceptTerms: boolean, origin: RequestOrigin) => applyForCreator(ctx, userId, acceptTerms, origin),
    decideCreator: (input: Parameters<typeof decideCreator>[1]) => decideCreator(ctx, input),
    profile: (handle: string, viewerId: string | undefined) => profile(ctx, handle, viewerId),
    follow: (followerId: string, handle: string) => follow(ctx, followerId, handle),
    unfollow: (followerId: string, handle: string) => unfollow(ctx, followerId, handle),

    recordActivity: (userId: string, kind: ActivityKind, detail: Record<string, unknown>, origin?: RequestOrigin) =>
      recordActivity(ctx.kysely, { userId, kind, detail, origin, at: ctx.now() }),
    listActivity: (userId: string, page: Parameters<typeof listActivity>[2]) => listActivity(ctx.kysely, userId, page),
    assertCapability: (userId: string, capability: Parameters<typeof assertCapability>[2]) => assertCapability(ctx, userId, capability),
    reportUnauthorizedActivity: (userId: string, sessionId: string, description: string, origin: RequestOrigin) =>
      ending(userId, () => reportUnauthorizedActivity(ctx, userId, sessionId, description, origin)),
    addRestriction: (input: Parameters<typeof addRestriction>[1], trx?: Kysely<Schema>) => addRestriction(ctx, input, undefined, trx),
    liftRestriction: (input: Parameters<typeof liftRestriction>[1]) => liftRestriction(ctx, input),
    openCase: (input: Parameters<typeof openCase>[1], trx?: Kysely<Schema>) => openCase(ctx, input, trx),
    listCases: (filter: Parameters<typeof listCases>[1]) => listCases(ctx, filter),
    getCase: (caseId: string) => getCase(ctx, caseId),
    resolveCase: (input: Parameters<typeof resolveCase>[1]) => resolveCase(ctx, input),

    closurePreview: (userId: string) => closurePreview(ctx, userId),
    closeAccount: (userId: string, input: Parameters<typeof closeAccount>[2], origin: RequestOrigin) => ending(userId, () => closeAccount(ctx, userId, input, origin)),
    completePendingClosures: () => completePendingClosures(ctx),
    exportUserData: (principal: Parameters<typeof exportUserData>[1], origin: RequestOrigin) => exportUserData(ctx, principal, origin),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
