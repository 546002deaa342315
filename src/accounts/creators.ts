import type { Static } from 'typebox';
import { writeTransaction } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { recordActivity } from './activity.js';
import { isAdult } from './age.js';
import type { AccountsContext, RequestOrigin } from './context.js';
import type { ProfileSchema } from './schemas.js';
import { loadUser, requireUserRow, type User } from './users.js';

export type PublicProfile = Static<typeof ProfileSchema>;

async function followerCount(ctx: AccountsContext, userId: string): Promise<number> {
  const row = await ctx.kysely
    .selectFrom('follows')
    .select((eb) => eb.fn.countAll<bigint>().as('count'))
    .where('followee_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * A request for the creator role. Needs an adult who accepts the creator terms
 * and, when the operator asks for them, enough followers. Granted at once, or
 * queued for an admin when CREATOR_APPROVAL=admin.
 */
export async function applyForCreator(ctx: AccountsContext, userId: string, acceptTerms: boolean, origin: RequestOrigin): Promise<User> {
  if (!acceptTerms) throw DomainError.invalidField('acceptTerms', 'terms_not_accepted', 'Accept the creator terms to apply.');
  const row = await requireUserRow(ctx.kysely, userId);
  if (row.is_creator === 1n) return loadUser(ctx, userId);
  if (!isAdult(ctx.config.accounts, row.birth_date, row.region, ctx.now())) {
    throw DomainError.forbidden('age_restricted', 'You must be an adult in your region to become a creator.');
  }
  if (row.creator_status === 'pending') return loadUser(ctx, userId);
  const { creatorMinFollowers, creatorApproval } = ctx.config.accounts;
  const followers = await followerCount(ctx, userId);
  if (followers < creatorMinFollowers) {
    throw DomainError.forbidden('not_enough_followers', `Creators need at least ${creatorMinFollowers} followers; you have ${followers}.`);
  }
  const now = ctx.now();
  const granted = creatorApproval === 'auto';
  await writeTransaction(ctx.db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ creator_status: granted ? 'approved' : 'pending', creator_decision_reason: null, is_creator: granted ? 1n : 0n })
      .where('id', '=', userId)
      .execute();
    await recordActivity(trx, { userId, kind: 'creator_applied', origin, at: now });
    if (granted) await recordActivity(trx, { userId, kind: 'creator_granted', origin, at: now, detail: { by: 'automatic' } });
  });
  return loadUser(ctx, userId);
}

/** An admin's decision on a pending application (or a revocation of the role, with `reject`). */
export async function decideCreator(ctx: AccountsContext, input: { userId: string; approve: boolean; reason: string | null; byUserId: string }): Promise<User> {
  const row = await requireUserRow(ctx.kysely, input.userId);
  if (input.approve && !isAdult(ctx.config.accounts, row.birth_date, row.region, ctx.now())) {
    throw DomainError.forbidden('age_restricted', 'Only adults can be creators.');
  }
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ creator_status: input.approve ? 'approved' : 'rejected', creator_decision_reason: input.reason, is_creator: input.approve ? 1n : 0n })
      .where('id', '=', input.userId)
      .execute();
    await recordActivity(trx, {
      userId: input.userId,
      kind: input.approve ? 'creator_granted' : 'creator_rejected',
      at: now,
      detail: { by: input.byUserId, reason: input.reason },
    });
  });
  return loadUser(ctx, input.userId);
}

async function userIdByHandle(ctx: AccountsContext, handle: string): Promise<string> {
  const row = await ctx.kysely.selectFrom('users').select('id').where('handle', '=', handle.toLowerCase()).where('closed_at', 'is', null).executeTakeFirst();
  if (!row) throw DomainError.notFound('user_not_found', `No user has the handle @${handle}.`);
  return row.id;
}

export async function profile(ctx: AccountsContext, handle: string, viewerId: string | undefined): Promise<PublicProfile> {
  const userId = await userIdByHandle(ctx, handle);
  const row = await requireUserRow(ctx.kysely, userId);
  const following =
    viewerId !== undefined && (await ctx.kysely.selectFrom('follows').select('follower_id').where('followee_id', '=', userId).where('follower_id', '=', viewerId).executeTakeFirst()) !== undefined;
  return { id: row.id, handle: row.handle, displayName: row.display_name, isCreator: row.is_creator === 1n, followers: await followerCount(ctx, userId), following };
}

export async function follow(ctx: AccountsContext, followerId: string, handle: string): Promise<PublicProfile> {
  const followeeId = await userIdByHandle(ctx, handle);
  if (followeeId === followerId) throw DomainError.invalidRequest('cannot_follow_self', 'You cannot follow yourself.');
  const exists = await ctx.kysely.selectFrom('follows').select('follower_id').where('followee_id', '=', followeeId).where('follower_id', '=', followerId).executeTakeFirst();
  if (!exists) {
    await ctx.kysely
      .insertInto('follows')
      .values({ follower_id: followerId, followee_id: followeeId, created_at: ctx.now().toISOString() })
      .onConflict((oc) => oc.columns(['followee_id', 'follower_id']).doNothing())
      .execute();
  }
  return profile(ctx, handle, followerId);
}

export async function unfollow(ctx: AccountsContext, followerId: string, handle: string): Promise<PublicProfile> {
  const followeeId = await userIdByHandle(ctx, handle);
  await ctx.kysely.deleteFrom('follows').where('followee_id', '=', followeeId).where('follower_id', '=', followerId).execute();
  return profile(ctx, handle, followerId);
}
