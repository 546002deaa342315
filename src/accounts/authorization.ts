import type { Logger } from 'pino';
import { createSharedCache, type Bus } from '../bus/index.js';
import { userCoinWalletId, userDiamondWalletId, type AuthorizedVersion } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import type { AccountsContext } from './context.js';
import { checkCapability } from './safety.js';
import { activeSessions } from './session-state.js';
import { findSession, LAST_SEEN_RESOLUTION_MS, principalFromRow, type Principal, type SessionRow } from './sessions.js';
import { secretHash } from './tokens.js';
import { loadUser, type User } from './users.js';

/** The bus topic on which every process hears that a user's sessions, restrictions, roles or account changed. */
const USERS_CHANGED_TOPIC = 'accounts:users_changed';
/** Most users kept in memory by one process. */
const MAX_CACHED_USERS = 100_000;

/**
 * A user as the request path sees them without the database. `versions` (the authorization versions of
 * the user's ledger accounts) were read before anything else in the entry, so a change committed after
 * any of it was read has moved them, and a payment carrying them is refused by the ledger.
 */
interface CachedUser {
  versions: Map<string, bigint>;
  user: User;
  /** Signed-in sessions of the user taken from memory, by token hash. */
  sessions: Map<string, { row: SessionRow; cachedAtMs: number; expiresAtMs: number }>;
}

export interface PaymentAuthorizationInput {
  senderId: string;
  /** The creator paid; null for a payment to the platform itself (its premium plan), which checks the sender alone. */
  creatorId: string | null;
  /** The sender's session, with the version it was checked under when it came from memory. */
  session: { sessionId: string; authorizationVersion?: bigint } | undefined;
  /** Ask the database for everything, as after the ledger refused a stale authorization. */
  fresh: boolean;
}

export interface PaymentAuthorization {
  sender: User;
  /** For the ledger to check inside its serialized write: the versions the sender's session and both users were read under. */
  authorizedVersions: AuthorizedVersion[];
}

/**
 * Sessions and users in memory for the hot paths (reads, and payments to creators), dropped in every
 * process over the bus when they change and at most a minute old. Payments hand the ledger the
 * authorization versions their view was read under, so a sign-out, restriction or closure that has
 * committed stops spending in every process even before the word arrives.
 */
export interface AuthorizationCache {
  /** The principal behind a token, from memory when this process saw it within the last minute; undefined when not signed in. */
  authenticate(token: string): Promise<Principal | undefined>;
  /** Who may pay whom, for a payment to a creator, with the versions the ledger checks. */
  authorizePayment(input: PaymentAuthorizationInput): Promise<PaymentAuthorization>;
  /** Drops the user here and in every other process: call after a change to their sessions, restrictions, roles or account commits. */
  changed(userId: string): Promise<void>;
  /** Stops listening for other processes' changes. */
  close(): Promise<void>;
}

export function createAuthorizationCache(ctx: AccountsContext, bus: Bus, logger: Logger): AuthorizationCache {
  const nowMs = () => ctx.now().getTime();
  const userIdByTokenHash = new Map<string, string>();
  const tokenHashesByUserId = new Map<string, Set<string>>();
  const users = createSharedCache<CachedUser>({
    bus,
    topic: USERS_CHANGED_TOPIC,
    ttlMs: LAST_SEEN_RESOLUTION_MS,
    maxEntries: MAX_CACHED_USERS,
    logger,
    nowMs,
    async load(userId) {
      const versions = await ctx.ledger.authorizationVersions([userCoinWalletId(userId), userDiamondWalletId(userId)]);
      return { versions, user: await loadUser(ctx, userId), sessions: new Map() };
    },
    onDrop(userId) {
      // The entry's sessions go with it; their tokens map to it no more.
      for (const hash of tokenHashesByUserId.get(userId) ?? []) userIdByTokenHash.delete(hash);
      tokenHashesByUserId.delete(userId);
    },
  });

  function guard(accountId: string, version: bigint | undefined): AuthorizedVersion[] {
    return version === undefined ? [] : [{ accountId, version }];
  }

  async function freshAuthorization(input: PaymentAuthorizationInput): Promise<PaymentAuthorization> {
    const { creatorId } = input;
    await Promise.all([users.invalidate(input.senderId), creatorId === null ? undefined : users.invalidate(creatorId)]);
    const coinWallet = userCoinWalletId(input.senderId);
    const diamondWallet = creatorId === null ? undefined : userDiamondWalletId(creatorId);
    // Versions first: whatever is read after them is as current as they are, or they have moved.
    const versions = await ctx.ledger.authorizationVersions(diamondWallet === undefined ? [coinWallet] : [coinWallet, diamondWallet]);
    if (input.session && !(await activeSessions(ctx.kysely, [input.session.sessionId], ctx.now())).has(input.session.sessionId)) {
      throw DomainError.unauthenticated('session_invalid', 'The session has ended or was revoked; sign in again.');
    }
    const sender = checkCapability(await loadUser(ctx, input.senderId), 'send_gifts');
    if (creatorId !== null) checkCapability(await loadUser(ctx, creatorId), 'receive_gifts');
    return {
      sender,
      authorizedVersions: [...guard(coinWallet, versions.get(coinWallet)), ...(diamondWallet === undefined ? [] : guard(diamondWallet, versions.get(diamondWallet)))],
    };
  }

  return {
    /**
     * The principal behind a token from memory when this process saw it within the last minute and
     * nothing changed since, else from the database (and then kept). Undefined when it is not signed in.
     */
    async authenticate(token) {
      const hash = secretHash(token);
      const owner = userIdByTokenHash.get(hash);
      const cached = owner === undefined ? undefined : users.peek(owner);
      const session = cached?.sessions.get(hash);
      const now = nowMs();
      if (cached && session && now - session.cachedAtMs < LAST_SEEN_RESOLUTION_MS && session.expiresAtMs > now) {
        return principalFromRow(ctx, session.row, cached.versions.get(userCoinWalletId(session.row.user_id)));
      }
      const first = await findSession(ctx, hash);
      if (!first) return undefined;
      const entry = await users.get(first.user_id);
      // Read again after the entry's versions were: a sign-out between the two reads is then seen, or has moved them.
      const row = await findSession(ctx, hash);
      if (!row) return undefined;
      if (users.peek(row.user_id) === entry) {
        entry.sessions.set(hash, { row, cachedAtMs: nowMs(), expiresAtMs: Date.parse(row.expires_at) });
        userIdByTokenHash.set(hash, row.user_id);
        let hashes = tokenHashesByUserId.get(row.user_id);
        if (!hashes) tokenHashesByUserId.set(row.user_id, (hashes = new Set()));
        hashes.add(hash);
      }
      return principalFromRow(ctx, row, entry.versions.get(userCoinWalletId(row.user_id)));
    },

    /**
     * Who may pay whom, for a payment to a creator: the sender may send gifts and the creator receive
     * them; for a payment to the platform (creatorId null), the sender alone. From memory unless `fresh` (or the session was not checked from memory); either way the
     * answer carries the versions the ledger checks, so a stale view can never move coins.
     */
    async authorizePayment(input) {
      if (input.fresh || input.session?.authorizationVersion === undefined) return freshAuthorization(input);
      const { creatorId } = input;
      const [senderEntry, creatorEntry] = await Promise.all([users.get(input.senderId), creatorId === null ? undefined : users.get(creatorId)]);
      const sender = checkCapability(senderEntry.user, 'send_gifts');
      if (creatorEntry) checkCapability(creatorEntry.user, 'receive_gifts');
      const coinWallet = userCoinWalletId(input.senderId);
      const senderVersion = senderEntry.versions.get(coinWallet);
      return {
        sender,
        authorizedVersions: [
          ...guard(coinWallet, input.session.authorizationVersion),
          // The session and the sender's user were read under one version of the same account, as a rule: named once then.
          ...(senderVersion === input.session.authorizationVersion ? [] : guard(coinWallet, senderVersion)),
          ...(creatorId === null || !creatorEntry ? [] : guard(userDiamondWalletId(creatorId), creatorEntry.versions.get(userDiamondWalletId(creatorId)))),
        ],
      };
    },

    changed: (userId) => users.invalidate(userId),
    close: () => users.close(),
  };
}
