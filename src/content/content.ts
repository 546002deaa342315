import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { Accounts } from '../accounts/index.js';
import { bigintSum, type Database } from '../db/index.js';
import { creatorPaymentLegs, diamondsFor, type CreatorTiers, type PayerSession } from '../gifts/index.js';
import { LedgerError, userCoinWalletId, type Ledger } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import type { ContentLockTable, ContentUnlockTable } from './schema.js';
import type { ContentAccessSchema, ContentLockInputSchema, ContentLockSchema, ContentUnlockSchema } from './views.js';

export type ContentLock = Static<typeof ContentLockSchema>;
export type ContentLockInput = Static<typeof ContentLockInputSchema>;
export type ContentUnlock = Static<typeof ContentUnlockSchema>;
export type ContentAccess = Static<typeof ContentAccessSchema>;

/** The ledger metadata `kind` of every unlock: clawbacks trace it as they trace gifts. */
export const CONTENT_UNLOCK_KIND = 'content_unlock';
/** Ledger keys of unlocks start with this (the audit reads them by it): `unlock:<digest of viewer, creator, item>`. */
const CONTENT_UNLOCK_KEY_PREFIX = 'unlock:';

const CONTENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PRICE_COINS = 1_000_000;
const MAX_TIER_LEVEL = 3;
/** Tries at a payment whose authorization moved while it was decided (a concurrent change of the viewer or creator). */
const MAX_ATTEMPTS = 3;
/** A creator's locks listed per page. */
export const MAX_LOCKS_PER_PAGE = 500;

type LockRow = Selectable<ContentLockTable>;
type UnlockRow = Selectable<ContentUnlockTable>;

export interface ContentDependencies {
  db: Database;
  ledger: Ledger;
  accounts: Pick<Accounts, 'authorizePayment'>;
  /** The creator's share of what viewers pay them, as for gifts. */
  shares: Pick<CreatorTiers, 'sharePercentOf'>;
  /** The viewer's subscription to the creator when it gives access now (Subscriptions.accessOf); undefined otherwise. */
  subscriptionAccess: (subscriberId: string, creatorId: string) => Promise<{ tierLevel: number } | undefined>;
  config: { diamondsPerCoin: number; confirmCoins: number };
  now: () => Date;
}

export interface UnlockInput {
  viewerId: string;
  creatorId: string;
  contentId: string;
  confirm: boolean;
  /** The viewer's own key: a retry with it answers the first unlock. */
  idempotencyKey: string;
  session?: PayerSession;
}

/**
 * Paid content: a creator locks a post or a video behind a coin price, a subscription tier, or either, and
 * anyone may ask whether a user may see it. Buying is one ledger transfer, as a gift pays a creator, under a
 * key that is the viewer's and the item's: whatever requests race, a viewer pays for an item once. The
 * unlock's row commits in the transfer's batch.
 */
export interface PaidContent {
  /** Locks the item, or changes its lock; unlocks already bought stay. */
  lock(creatorId: string, contentId: string, input: ContentLockInput): Promise<ContentLock>;
  /** Removes the lock: the item is free. 404 content_not_locked. */
  removeLock(creatorId: string, contentId: string): Promise<void>;
  /** The creator's locks by content id, `limit` from after `after`. */
  locksOf(creatorId: string, page: { after?: string; limit: number }): Promise<{ locks: ContentLock[]; nextCursor: string | null }>;
  /** Buys the item for the viewer; `created` is false when an earlier request (this key's or another's) bought it. */
  unlock(input: UnlockInput): Promise<{ unlock: ContentUnlock; created: boolean; replayed: boolean }>;
  /** Whether the user may see the item now, and why. */
  access(userId: string, creatorId: string, contentId: string): Promise<ContentAccess>;
  /** What unlocks of the creator's content brought in [from, to). */
  income(creatorId: string, period: { from: string; to: string }): Promise<{ coins: bigint; diamonds: bigint; unlocks: bigint }>;
}

export function createPaidContent(deps: ContentDependencies): PaidContent {
  const { db, ledger, accounts, shares, subscriptionAccess, config, now } = deps;
  const kysely = db.kysely;

  const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');

  function checkContentId(contentId: string): void {
    if (!CONTENT_ID.test(contentId)) throw DomainError.invalidField('contentId', 'invalid_content_id', 'A content id has 1 to 64 of A-Z, a-z, 0-9, _ and -.');
  }

  async function lockRow(creatorId: string, contentId: string): Promise<LockRow | undefined> {
    return kysely.selectFrom('content_locks').selectAll().where('creator_id', '=', creatorId).where('content_id', '=', contentId).executeTakeFirst();
  }

  async function unlockCounts(creatorId: string, contentIds: readonly string[]): Promise<Map<string, bigint>> {
    if (contentIds.length === 0) return new Map();
    const rows = await kysely
      .selectFrom('content_unlocks')
      .select((eb) => ['content_id', eb.fn.countAll<bigint>().as('unlocks')])
      .where('creator_id', '=', creatorId)
      .where('content_id', 'in', [...contentIds])
      .groupBy('content_id')
      .execute();
    return new Map(rows.map((row) => [row.content_id, BigInt(row.unlocks)]));
  }

  function lockView(row: LockRow, unlocks: bigint): ContentLock {
    return {
      creatorId: row.creator_id,
      contentId: row.content_id,
      kind: row.kind as ContentLock['kind'],
      priceCoins: row.price_coins === null ? null : Number(row.price_coins),
      minTierLevel: row.min_tier_level === null ? null : Number(row.min_tier_level),
      unlocks: Number(unlocks),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  function unlockView(row: UnlockRow): ContentUnlock {
    return {
      transferId: row.transfer_id,
      viewerId: row.viewer_id,
      creatorId: row.creator_id,
      contentId: row.content_id,
      kind: row.kind as ContentUnlock['kind'],
      coins: Number(row.coins),
      diamonds: Number(row.diamonds),
      unlockedAt: row.unlocked_at,
    };
  }

  async function unlockOf(viewerId: string, creatorId: string, contentId: string): Promise<UnlockRow | undefined> {
    return kysely.selectFrom('content_unlocks').selectAll().where('viewer_id', '=', viewerId).where('creator_id', '=', creatorId).where('content_id', '=', contentId).executeTakeFirst();
  }

  async function unlockByTransfer(transferId: string): Promise<UnlockRow> {
    return kysely.selectFrom('content_unlocks').selectAll().where('transfer_id', '=', transferId).executeTakeFirstOrThrow();
  }

  async function insufficientCoins(viewerId: string, coins: number): Promise<DomainError> {
    const wallet = await ledger.getAccount(userCoinWalletId(viewerId));
    return new DomainError(
      'insufficient_funds',
      'insufficient_coins',
      `Unlocking this costs ${coins.toLocaleString('en-US')} coins and you have ${(wallet?.available ?? 0n).toLocaleString('en-US')}. Recharge to unlock it.`,
    );
  }

  /** Submits the unlock's transfer with its row and webhook event; answers the unlock committed under the item's key, this request's or an earlier one's. */
  async function pay(input: UnlockInput, lock: LockRow & { price_coins: bigint }, requestKey: string): Promise<{ row: UnlockRow; created: boolean }> {
    const coins = Number(lock.price_coins);
    if (coins >= config.confirmCoins && !input.confirm) {
      throw DomainError.invalidField('confirm', 'confirmation_required', `Unlocking this costs ${coins.toLocaleString('en-US')} coins. Confirm to pay it.`);
    }
    // The viewer's and the item's, not the request's: two requests for the same item, whatever their keys, meet here.
    const idempotencyKey = `${CONTENT_UNLOCK_KEY_PREFIX}${digest(input.viewerId, input.creatorId, input.contentId)}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { authorizedVersions } = await accounts.authorizePayment({ senderId: input.viewerId, creatorId: input.creatorId, session: input.session, fresh: attempt > 0 });
      const diamonds = diamondsFor(coins, config.diamondsPerCoin, await shares.sharePercentOf(input.creatorId));
      const record = {
        viewer_id: input.viewerId,
        creator_id: input.creatorId,
        content_id: input.contentId,
        kind: lock.kind,
        coins: BigInt(coins),
        diamonds: BigInt(diamonds),
        request_key: requestKey,
        unlocked_at: now().toISOString(),
      };
      try {
        const transfer = await ledger.submit({
          type: 'posted',
          idempotencyKey,
          legs: creatorPaymentLegs(input.viewerId, input.creatorId, coins, diamonds),
          authorizedVersions,
          // Only what decides the charge: a concurrent request for the same item at the same price replays rather than conflicts.
          metadata: { kind: CONTENT_UNLOCK_KIND, contentId: input.contentId, coins, senderId: input.viewerId, creatorId: input.creatorId },
          outbox: [
            {
              topic: 'webhook',
              payload: {
                event: 'content.unlocked',
                data: { viewerId: input.viewerId, creatorId: input.creatorId, contentId: input.contentId, kind: lock.kind, coins, diamonds, unlockedAt: record.unlocked_at },
              },
            },
          ],
          records: [{ table: 'content_unlocks', transferIdColumn: 'transfer_id', row: record }],
        });
        return { row: await unlockByTransfer(transfer.id), created: !transfer.replayed };
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        if (error.code === 'authorization_changed') continue;
        if (error.code === 'insufficient_funds') throw await insufficientCoins(input.viewerId, coins);
        if (error.code !== 'idempotency_conflict') throw error;
        // Bought at another price by a request that raced a change of the lock: that purchase stands.
        const earlier = await ledger.getTransferByKey(idempotencyKey);
        if (!earlier) throw error;
        return { row: await unlockByTransfer(earlier.id), created: false };
      }
    }
    throw DomainError.conflict('account_changed', 'Your account changed while unlocking; try again.');
  }

  return {
    async lock(creatorId, contentId, input) {
      checkContentId(contentId);
      const priceCoins = input.priceCoins ?? null;
      const minTierLevel = input.minTierLevel ?? null;
      if (priceCoins !== null && (!Number.isSafeInteger(priceCoins) || priceCoins < 1 || priceCoins > MAX_PRICE_COINS)) {
        throw DomainError.invalidField('priceCoins', 'invalid_content_price', `A price is a whole number of coins from 1 to ${MAX_PRICE_COINS.toLocaleString('en-US')}.`);
      }
      if (minTierLevel !== null && (!Number.isSafeInteger(minTierLevel) || minTierLevel < 1 || minTierLevel > MAX_TIER_LEVEL)) {
        throw DomainError.invalidField('minTierLevel', 'invalid_tier_level', `A tier level is 1 to ${MAX_TIER_LEVEL}.`);
      }
      if (priceCoins === null && minTierLevel === null) {
        throw DomainError.invalidRequest('lock_needs_price_or_tier', 'A lock needs a price in coins, a subscription tier level, or both; remove the lock to make the item free.');
      }
      const at = now().toISOString();
      const values = { kind: input.kind, price_coins: priceCoins === null ? null : BigInt(priceCoins), min_tier_level: minTierLevel === null ? null : BigInt(minTierLevel), updated_at: at };
      await kysely
        .insertInto('content_locks')
        .values({ creator_id: creatorId, content_id: contentId, created_at: at, ...values })
        .onConflict((oc) => oc.columns(['creator_id', 'content_id']).doUpdateSet(values))
        .execute();
      const row = (await lockRow(creatorId, contentId))!;
      return lockView(row, (await unlockCounts(creatorId, [contentId])).get(contentId) ?? 0n);
    },

    async removeLock(creatorId, contentId) {
      checkContentId(contentId);
      const result = await kysely.deleteFrom('content_locks').where('creator_id', '=', creatorId).where('content_id', '=', contentId).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw DomainError.notFound('content_not_locked', 'You have no lock on this content.');
    },

    async locksOf(creatorId, page) {
      let query = kysely.selectFrom('content_locks').selectAll().where('creator_id', '=', creatorId);
      if (page.after !== undefined) query = query.where('content_id', '>', page.after);
      const rows = await query
        .orderBy('content_id')
        .limit(page.limit + 1)
        .execute();
      const shown = rows.slice(0, page.limit);
      const counts = await unlockCounts(
        creatorId,
        shown.map((row) => row.content_id),
      );
      return { locks: shown.map((row) => lockView(row, counts.get(row.content_id) ?? 0n)), nextCursor: rows.length > page.limit ? shown.at(-1)!.content_id : null };
    },

    async unlock(input) {
      checkContentId(input.contentId);
      if (input.viewerId === input.creatorId) throw DomainError.invalidRequest('cannot_unlock_own_content', 'This is your own content: you may see it already.');
      const requestKey = digest(input.viewerId, input.idempotencyKey);
      const earlier = await kysely.selectFrom('content_unlocks').selectAll().where('viewer_id', '=', input.viewerId).where('request_key', '=', requestKey).executeTakeFirst();
      if (earlier) {
        if (earlier.creator_id !== input.creatorId || earlier.content_id !== input.contentId) {
          throw new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This Idempotency-Key was used to unlock another item; use a new key for each unlock.');
        }
        return { unlock: unlockView(earlier), created: false, replayed: true };
      }
      const owned = await unlockOf(input.viewerId, input.creatorId, input.contentId);
      if (owned) return { unlock: unlockView(owned), created: false, replayed: false };
      const lock = await lockRow(input.creatorId, input.contentId);
      if (!lock) throw DomainError.conflict('content_not_locked', 'This content is not locked: it is free to see.');
      if (lock.price_coins === null) throw DomainError.conflict('not_for_sale', `This content cannot be bought: subscribers at tier level ${lock.min_tier_level} or higher see it.`);
      const { row, created } = await pay(input, { ...lock, price_coins: lock.price_coins }, requestKey);
      return { unlock: unlockView(row), created, replayed: !created && row.request_key === requestKey };
    },

    async access(userId, creatorId, contentId) {
      checkContentId(contentId);
      const answer = { userId, creatorId, contentId, transferId: null, tierLevel: null };
      if (userId === creatorId) return { ...answer, allowed: true, reason: 'creator', lock: null };
      const lock = await lockRow(creatorId, contentId);
      if (!lock) return { ...answer, allowed: true, reason: 'free', lock: null };
      const needed = {
        kind: lock.kind as ContentLock['kind'],
        priceCoins: lock.price_coins === null ? null : Number(lock.price_coins),
        minTierLevel: lock.min_tier_level === null ? null : Number(lock.min_tier_level),
      };
      // Bought is for good, whatever the lock has become since.
      const unlocked = await unlockOf(userId, creatorId, contentId);
      if (unlocked) return { ...answer, allowed: true, reason: 'unlocked', transferId: unlocked.transfer_id, lock: needed };
      if (needed.minTierLevel !== null) {
        const subscription = await subscriptionAccess(userId, creatorId);
        if (subscription && subscription.tierLevel >= needed.minTierLevel) return { ...answer, allowed: true, reason: 'subscriber', tierLevel: subscription.tierLevel, lock: needed };
      }
      return { ...answer, allowed: false, reason: 'locked', lock: needed };
    },

    async income(creatorId, period) {
      const row = await kysely
        .selectFrom('content_unlocks')
        .select((eb) => [bigintSum('coins').as('coins'), bigintSum('diamonds').as('diamonds'), eb.fn.countAll<bigint>().as('unlocks')])
        .where('creator_id', '=', creatorId)
        .where('unlocked_at', '>=', period.from)
        .where('unlocked_at', '<', period.to)
        .executeTakeFirstOrThrow();
      return { coins: row.coins, diamonds: row.diamonds, unlocks: BigInt(row.unlocks) };
    },
  };
}
