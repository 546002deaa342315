import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Bus } from '../bus/index.js';
import { createAuthorizationCache, type PaymentAuthorization, type PaymentAuthorizationInput } from './authorization.js';
import type { RepairResult, Schema } from '../db/index.js';
import { listActivity, recordActivity, type ActivityKind, type ActivityPage } from './activity.js';
import { createAdmin, findUsers, type UserPage } from './admins.js';
import { closeAccount, closurePreview, completePendingClosures, exportUserData, type ClosurePreview } from './closure.js';
import { accountsContext, type AccountsDependencies, type RequestOrigin } from './context.js';
import { applyForCreator, decideCreator, follow, profile, unfollow, type PublicProfile } from './creators.js';
import { changePassword, requestPasswordReset, resendVerification, resetPassword, signup, verifyEmail, type SignupInput } from './registration.js';
import { addRestriction, assertCapability, getCase, liftRestriction, listCases, openCase, reportUnauthorizedActivity, resolveCase, type Capability, type Case } from './safety.js';
import { authenticate, listSessions, login, revokeSession, verifyTwoFactor, type LoginResult, type Principal, type SessionView, type TwoFactorProof } from './sessions.js';
import { beginTwoFactorSetup, confirmTwoFactor, disableTwoFactor, type Enrolment, type SecondFactor, type TwoFactorSetup } from './two-factor.js';
import { loadUser, namesOf, type RestrictionKind, type User, type UserName } from './users.js';
import { activeSessions, sessionEnder, type SessionsEnded } from './session-state.js';

export type { RequestOrigin } from './context.js';
export { CSRF_COOKIE, CSRF_HEADER, originOf, principalOf, SESSION_COOKIE, type Access } from './caller.js';
export type { Principal, SessionView, LoginResult, TwoFactorProof } from './sessions.js';
export type { User, UserName, Role, Restriction, RestrictionKind } from './users.js';
export type { Capability, Case } from './safety.js';
export type { ActivityEntry, ActivityKind } from './activity.js';
export { BirthDate, Email, Ok } from './schemas.js';
export { newSecret, sameSecret, secretHash } from './tokens.js';

/**
 * Who is who and what they may do: sign-up, sign-in, sessions, two-factor,
 * age gate, roles, restrictions, the activity log and account closure.
 * Other domains call `assertCapability` before moving money and
 * `recordActivity` for what users should see in their log.
 */
export interface Accounts {
  /** Opens an account; its email is verified later by a mailed token. */
  signup(input: SignupInput, origin: RequestOrigin): Promise<User>;
  /** Verifies the email a mailed token was sent to. */
  verifyEmail(token: string, origin: RequestOrigin): Promise<User>;
  /** Sends the user's verification email again. */
  resendVerification(userId: string, origin: RequestOrigin): Promise<void>;
  /** Mails a reset link when the address has an account; answers the same either way. */
  requestPasswordReset(email: string, origin: RequestOrigin): Promise<void>;
  /** Sets a new password from a mailed token; the user's sessions end. */
  resetPassword(token: string, password: string, origin: RequestOrigin): Promise<void>;
  /** Changes the password, ending the user's sessions but `keepSessionId`. */
  changePassword(userId: string, input: { currentPassword: string; newPassword: string }, keepSessionId: string, origin: RequestOrigin): Promise<void>;
  /** Signs in with email, password and, when enrolled, a second factor. */
  login(input: { email: string; password: string } & SecondFactor, origin: RequestOrigin): Promise<LoginResult>;
  /** The principal behind a token, from the database: for requests that change state. */
  authenticate(token: string): Promise<Principal | undefined>;
  /** The principal behind a token, from memory when seen within the last minute: for reads and payments, which the ledger re-checks. */
  authenticateCached(token: string): Promise<Principal | undefined>;
  /** Who may pay whom for a payment to a creator, with the authorization versions the ledger checks. */
  authorizePayment(input: PaymentAuthorizationInput): Promise<PaymentAuthorization>;
  /** The principal's user's sessions. */
  listSessions(principal: Principal): Promise<SessionView[]>;
  /** Ends one of the user's sessions; its token stops working with the next request. */
  revokeSession(userId: string, sessionId: string, origin: RequestOrigin): Promise<void>;
  /** Ends the session signing out. */
  logout(userId: string, sessionId: string, origin: RequestOrigin): Promise<void>;
  /** Of these sessions, those still signed in, with when each expires. */
  activeSessions(sessionIds: readonly string[]): Promise<Map<string, string>>;
  /** Starts enrolment: a new secret, pending until a code from it is confirmed. */
  beginTwoFactorSetup(userId: string): Promise<TwoFactorSetup>;
  /** Turns two-factor on with a first code, ending the user's other sessions; answers single-use recovery codes. */
  confirmTwoFactor(userId: string, sessionId: string, code: string, origin: RequestOrigin): Promise<string[]>;
  /** Turns two-factor off with a current code. */
  disableTwoFactor(userId: string, code: string, origin: RequestOrigin): Promise<void>;
  /** Proves the second factor again in the current session (a step-up), so that it may cash out. */
  verifyTwoFactor(principal: Principal, code: string, origin: RequestOrigin): Promise<TwoFactorProof>;
  /** The user; 404 user_not_found. */
  getUser(userId: string): Promise<User>;
  /** Handles, display names and creation dates of these users, by id; unknown ids are left out. */
  namesOf(userIds: readonly string[]): Promise<Map<string, UserName>>;
  /** For admins: users by exact id, or by a fragment of their email, handle or display name; newest first. */
  findUsers(input: { query?: string; after?: string; limit: number }): Promise<UserPage>;
  /** Makes an admin enrolled in two-factor, or promotes the account that has the email. */
  createAdmin(input: { email: string; password: string; displayName?: string }): Promise<{ user: User; created: boolean; twoFactor: Enrolment | undefined }>;
  /** The user applies to become a creator, accepting the creator terms. */
  applyForCreator(userId: string, acceptTerms: boolean, origin: RequestOrigin): Promise<User>;
  /** For admins: approves or refuses a creator application. */
  decideCreator(input: { userId: string; approve: boolean; reason: string | null; byUserId: string }): Promise<User>;
  /** A user's public profile, as `viewerId` (or nobody) sees it. */
  profile(handle: string, viewerId: string | undefined): Promise<PublicProfile>;
  /** Follows a creator; answers their profile. */
  follow(followerId: string, handle: string): Promise<PublicProfile>;
  /** Stops following a creator; answers their profile. */
  unfollow(followerId: string, handle: string): Promise<PublicProfile>;
  /** Adds an entry to the user's activity log. */
  recordActivity(userId: string, kind: ActivityKind, detail: Record<string, unknown>, origin?: RequestOrigin): Promise<void>;
  /** The user's activity log, newest first, a page at a time. */
  listActivity(userId: string, page: { before?: string; limit: number }): Promise<ActivityPage>;
  /** The user, when they may do `capability`; refused with why otherwise. */
  assertCapability(userId: string, capability: Capability): Promise<User>;
  /** "This wasn't me": freezes spending and cash-out, signs out every other session, and opens a case for admins. */
  reportUnauthorizedActivity(userId: string, sessionId: string, description: string, origin: RequestOrigin): Promise<Case>;
  /** With `trx`, other processes may still read the user as they were until it commits; the ledger's check covers payments meanwhile. */
  addRestriction(input: { userId: string; kind: RestrictionKind; reason: string; byUserId: string | null }, trx?: Kysely<Schema>): Promise<void>;
  /** Lifts one of the user's restrictions. */
  liftRestriction(input: { userId: string; kind: RestrictionKind; reason: string; byUserId: string }): Promise<void>;
  /** Opens a case for admins about a user; with `trx`, it commits with what it reports. */
  openCase(input: { userId: string; kind: string; description: string }, trx?: Kysely<Schema>): Promise<Case>;
  /** Cases for admins, by status and user. */
  listCases(filter: { status?: 'open' | 'resolved'; userId?: string }): Promise<Case[]>;
  /** One case; 404 case_not_found. */
  getCase(caseId: string): Promise<Case>;
  /** Resolves a case, lifting the account's freeze when told to. */
  resolveCase(input: { caseId: string; resolution: string; liftFreeze: boolean; byUserId: string }): Promise<Case>;
  /** What closing the account would forfeit, and the diamonds payouts in progress hold. */
  closurePreview(userId: string): Promise<ClosurePreview>;
  /** Closes the account and ends its sessions. */
  closeAccount(userId: string, input: { password: string; confirmForfeit: boolean }, origin: RequestOrigin): Promise<void>;
  /** Finishes, one by one, closures whose forfeit did not commit. */
  completePendingClosures(): Promise<RepairResult>;
  /** Stops listening for other processes' changes. */
  close(): Promise<void>;
  /** Everything the platform keeps about the principal's user, for a data-access request. */
  exportUserData(principal: Principal, origin: RequestOrigin): Promise<Record<string, unknown>>;
}

export function createAccounts(deps: AccountsDependencies & { bus: Bus; logger: Logger; sessionsEnded?: SessionsEnded }): Accounts {
  // The per-IP limits count in Redis for every process on it; else in this process, by the accounts' clock.
  const ctx = accountsContext({ ...deps, limits: deps.limits ?? (deps.bus.limits.shared ? deps.bus.limits : undefined) });
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
    authenticate: (token: string) => authenticate(ctx, token),
    authenticateCached: (token: string) => authorization.authenticate(token),
    authorizePayment: authorization.authorizePayment,
    listSessions: (principal: Parameters<typeof listSessions>[1]) => listSessions(ctx, principal),
    revokeSession: (userId: string, sessionId: string, origin: RequestOrigin) => ending(userId, () => revokeSession(ctx, userId, sessionId, origin, 'session_revoked')),
    logout: (userId: string, sessionId: string, origin: RequestOrigin) => ending(userId, () => revokeSession(ctx, userId, sessionId, origin, 'signed_out')),
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
    // Granted at once when CREATOR_APPROVAL=auto: the new role must hold from the next request, not after the cache's minute.
    applyForCreator: (userId: string, acceptTerms: boolean, origin: RequestOrigin) => changing(userId, () => applyForCreator(ctx, userId, acceptTerms, origin)),
    decideCreator: (input: Parameters<typeof decideCreator>[1]) => changing(input.userId, () => decideCreator(ctx, input)),
    profile: (handle: string, viewerId: string | undefined) => profile(ctx, handle, viewerId),
    follow: (followerId: string, handle: string) => follow(ctx, followerId, handle),
    unfollow: (followerId: string, handle: string) => unfollow(ctx, followerId, handle),

    recordActivity: (userId: string, kind: ActivityKind, detail: Record<string, unknown>, origin?: RequestOrigin) => recordActivity(ctx.kysely, { userId, kind, detail, origin, at: ctx.now() }),
    listActivity: (userId: string, page: Parameters<typeof listActivity>[2]) => listActivity(ctx.kysely, userId, page),
    assertCapability: (userId: string, capability: Parameters<typeof assertCapability>[2]) => assertCapability(ctx, userId, capability),
    reportUnauthorizedActivity: (userId: string, sessionId: string, description: string, origin: RequestOrigin) =>
      ending(userId, () => reportUnauthorizedActivity(ctx, userId, sessionId, description, origin)),
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
