import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { principalOf, type Accounts } from '../accounts/index.js';
import type { PayerSession } from '../gifts/index.js';
import { IdempotencyHeaders, requireIdempotencyKey } from '../shared/idempotency.js';
import { MAX_LOCKS_PER_PAGE, type PaidContent } from './content.js';
import { ContentAccessSchema, ContentIdSchema, ContentLockInputSchema, ContentLockSchema, ContentUnlockSchema } from './views.js';

export interface ContentRoutesOptions {
  content: PaidContent;
  accounts: Pick<Accounts, 'getUser'>;
}

const ItemParams = Type.Object({ creatorId: Type.String({ maxLength: 64 }), contentId: ContentIdSchema });
const OwnItemParams = Type.Object({ contentId: ContentIdSchema });
const AccessAnswer = Type.Object({ access: ContentAccessSchema });

/** Who pays, in which session (with the authorization version it was checked under when it came from memory). */
function payerOf(request: FastifyRequest): { viewerId: string; session: PayerSession } {
  const principal = principalOf(request);
  return { viewerId: principal.userId, session: { sessionId: principal.sessionId, authorizationVersion: principal.authorizationVersion } };
}

/** Paid content: creators' locks, viewers' unlocks, and who may see what (for the signed-in user, and for the operator's server). */
export const contentRoutes: FastifyPluginAsyncTypebox<ContentRoutesOptions> = async (app, { content, accounts }) => {
  app.get(
    '/api/v1/creator/content',
    {
      schema: {
        tags: ['content'],
        summary: 'Your locked posts and videos, by content id',
        querystring: Type.Object(
          {
            after: Type.Optional(Type.String({ maxLength: 64, description: 'nextCursor of the previous page.' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LOCKS_PER_PAGE, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ locks: Type.Array(ContentLockSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => content.locksOf(principalOf(request).userId, { after: request.query.after, limit: request.query.limit ?? 100 }),
  );

  app.put(
    '/api/v1/creator/content/:contentId',
    {
      schema: {
        tags: ['content'],
        summary: 'Lock a post or video behind a coin price, a subscription tier, or either',
        description:
          'Creates or changes the lock. priceCoins (1 to 1,000,000) lets a viewer buy it for good; minTierLevel (1 to 3) lets subscribers at that level or higher see it while subscribed. ' +
          'Unlocks already bought stay whatever the lock becomes. 400 invalid_content_price, invalid_tier_level, lock_needs_price_or_tier.',
        params: OwnItemParams,
        body: ContentLockInputSchema,
        response: { 200: Type.Object({ lock: ContentLockSchema }) },
      },
    },
    async (request) => ({ lock: await content.lock(principalOf(request).userId, request.params.contentId, request.body) }),
  );

  app.delete(
    '/api/v1/creator/content/:contentId',
    {
      schema: {
        tags: ['content'],
        summary: 'Remove the lock: the item is free to see',
        description: '404 content_not_locked.',
        params: OwnItemParams,
        response: { 200: Type.Object({ ok: Type.Literal(true) }) },
      },
    },
    async (request) => {
      await content.removeLock(principalOf(request).userId, request.params.contentId);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/content/:creatorId/:contentId/unlock',
    {
      schema: {
        tags: ['content'],
        summary: 'Buy a locked post or video for good, in coins',
        description:
          'Needs an Idempotency-Key. One ledger transfer pays the price from your coins, with the creator’s diamonds at their share, as a gift pays them. ' +
          'You pay for an item once: 201 when this request paid; 200 with the same unlock when an earlier request did (idempotent-replayed: true for a retry with the same key). ' +
          'Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, 403 age_restricted or account_restricted, ' +
          '409 content_not_locked (it is free) or not_for_sale (tier only), 400 cannot_unlock_own_content.',
        params: ItemParams,
        headers: IdempotencyHeaders,
        body: Type.Object(
          { confirm: Type.Optional(Type.Boolean({ description: 'Required (true) when the price is GIFT_CONFIRM_COINS coins or more (5,000 by default).' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ unlock: ContentUnlockSchema }), 201: Type.Object({ unlock: ContentUnlockSchema }) },
      },
    },
    async (request, reply) => {
      const { unlock, created, replayed } = await content.unlock({
        ...payerOf(request),
        creatorId: request.params.creatorId,
        contentId: request.params.contentId,
        confirm: request.body.confirm === true,
        idempotencyKey: requireIdempotencyKey(request.headers, 'pay twice', 'unlock'),
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(created ? 201 : 200).send({ unlock });
    },
  );

  app.get(
    '/api/v1/content/:creatorId/:contentId/access',
    {
      schema: {
        tags: ['content'],
        summary: 'Whether you may see a post or video, and why',
        description: 'allowed with reason creator, free, unlocked (with transferId) or subscriber (with tierLevel); or not allowed (reason locked) with the price or tier level needed.',
        params: ItemParams,
        response: { 200: AccessAnswer },
      },
    },
    async (request) => ({ access: await content.access(principalOf(request).userId, request.params.creatorId, request.params.contentId) }),
  );

  app.get(
    '/api/v1/admin/content/:creatorId/:contentId/access',
    {
      schema: {
        tags: ['admin'],
        summary: "Whether a user may see a post or video, and why: for the operator's server",
        description: 'The same answer the user gets from /api/v1/content/:creatorId/:contentId/access. 404 user_not_found.',
        params: ItemParams,
        querystring: Type.Object({ userId: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: AccessAnswer },
      },
    },
    async (request) => {
      const user = await accounts.getUser(request.query.userId);
      return { access: await content.access(user.id, request.params.creatorId, request.params.contentId) };
    },
  );
};
