import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Accounts } from '../accounts/index.js';
import { principalOf } from '../server/access.js';
import { ApiError } from '../server/errors.js';
import type { GiftSending } from './sending.js';

const strict = { additionalProperties: false } as const;
const LiveParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const TopGifters = Type.Object({
  topGifters: Type.Array(Type.Object({ userId: Type.String(), handle: Type.String(), displayName: Type.String(), coins: Type.Integer() })),
});
const SentGiftSchema = Type.Object({
  id: Type.String({ description: 'The ledger transfer that moved the coins and diamonds.' }),
  liveId: Type.String(),
  giftId: Type.String(),
  name: Type.String(),
  tier: Type.String(),
  quantity: Type.Integer(),
  coins: Type.Integer({ description: 'Coins paid: price × quantity.' }),
  diamonds: Type.Integer({ description: 'Diamonds the creator earned.' }),
  senderId: Type.String(),
  creatorId: Type.String(),
  combo: Type.Union([Type.Object({ id: Type.String(), count: Type.Integer() }), Type.Null()], {
    description: 'The streak this send continues; count is the number of gifts in it so far.',
  }),
  sentAt: Type.String(),
});

/** Sending gifts into a live, and the top-gifter boards. */
export const giftSendingRoutes: FastifyPluginAsyncTypebox<{ sending: GiftSending; accounts: Accounts }> = async (app, { sending, accounts }) => {
  app.post(
    '/api/v1/lives/:id/gifts',
    {
      schema: {
        tags: ['gifts'],
        summary: 'Send a gift into a live: the coins go at once and the creator earns diamonds',
        description:
          'Needs an Idempotency-Key: a retry with the same key is sent once and answers the same gift. ' +
          'Refusals: 402 insufficient_coins (with the balance), 400 confirmation_required for large gifts without confirm, ' +
          '409 live_ended, 400 cannot_gift_yourself, 403 age_restricted or account_restricted, 400 gift_not_offered_in_region.',
        security: [{ bearerAuth: [] }],
        params: LiveParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        body: Type.Object(
          {
            giftId: Type.String({ maxLength: 64 }),
            quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 999, default: 1 })),
            confirm: Type.Optional(Type.Boolean()),
          },
          strict,
        ),
        response: { 200: Type.Object({ gift: SentGiftSchema }), 201: Type.Object({ gift: SentGiftSchema }) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (key === undefined) throw ApiError.invalidRequest('idempotency_key_required', 'Send an Idempotency-Key header (a new random value per gift) so a retry cannot send twice.');
      const { gift, replayed } = await sending.send({
        senderId: principalOf(request).userId,
        liveId: request.params.id,
        giftId: request.body.giftId,
        quantity: request.body.quantity ?? 1,
        confirm: request.body.confirm === true,
        idempotencyKey: key,
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ gift });
    },
  );

  app.get(
    '/api/v1/lives/:id/top-gifters',
    { schema: { tags: ['gifts'], summary: 'Top gifters of one live, by coins', params: LiveParams, response: { 200: TopGifters } } },
    async (request) => ({ topGifters: await sending.topGifters({ liveId: request.params.id }, 20) }),
  );

  app.get(
    '/api/v1/users/:handle/top-gifters',
    {
      schema: {
        tags: ['gifts'],
        summary: "A creator's all-time top gifters, by coins",
        params: Type.Object({ handle: Type.String({ maxLength: 64 }) }),
        response: { 200: TopGifters },
      },
    },
    async (request) => {
      const creator = await accounts.profile(request.params.handle, undefined);
      return { topGifters: await sending.topGifters({ creatorId: creator.id }, 20) };
    },
  );
};
