import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { type Accounts, principalOf } from '../accounts/index.js';
import { IdempotencyHeaders, requireIdempotencyKey } from '../shared/idempotency.js';
import { CHEER_MAX_CHARS, CHEER_MAX_COINS, type Cheers } from './cheers.js';
import { PAID_MESSAGE_MAX_COINS, PAID_MESSAGE_MIN_COINS, type PaidMessages } from './paid-messages.js';
import type { CoinMessageInput, PayerSession } from './payments.js';
import { MAX_GIFT_QUANTITY, type GiftSending } from './sending.js';
import { CheerSchema, PaidMessageSchema, paymentFields, TopGifterSchema } from './views.js';

export interface GiftSendingRoutesOptions {
  sending: GiftSending;
  paidMessages: PaidMessages;
  cheers: Cheers;
  accounts: Accounts;
}

const strict = { additionalProperties: false } as const;
const LiveParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const HandleParams = Type.Object({ handle: Type.String({ maxLength: 64 }) });
const TopGifters = Type.Object({ topGifters: Type.Array(TopGifterSchema) });
const Confirm = Type.Optional(Type.Boolean({ description: 'Required (true) when the payment is GIFT_CONFIRM_COINS coins or more (5,000 by default).' }));
const CoinMessageBody = Type.Object({ coins: Type.Integer(), text: Type.String({ maxLength: 2000 }), confirm: Confirm }, strict);
const giftFields = {
  giftId: Type.String({ maxLength: 64 }),
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_GIFT_QUANTITY, default: 1 })),
  confirm: Confirm,
};
const GiftIntoLiveBody = Type.Object(
  {
    ...giftFields,
    recipientId: Type.Optional(
      Type.String({ maxLength: 64, description: "A guest on the live's stage (their user id) the gift pays instead of the host: 404 not_on_stage when they are not on it now." }),
    ),
  },
  strict,
);
const GiftToProfileBody = Type.Object({ ...giftFields, videoId: Type.Optional(Type.String({ maxLength: 200 })) }, strict);
const SentGiftSchema = Type.Object({
  ...paymentFields,
  transferId: Type.String({ description: 'The same as id.' }),
  liveId: Type.Union([Type.String(), Type.Null()], { description: 'The live the gift was sent into; null for a gift to a profile or a video.' }),
  target: Type.Object(
    { type: Type.Union([Type.Literal('live'), Type.Literal('profile'), Type.Literal('video')]), videoId: Type.Optional(Type.String()) },
    { description: 'Where the gift went: a live, the creator’s profile, or one of their videos (videoId).' },
  ),
  giftId: Type.String(),
  name: Type.String(),
  tier: Type.String(),
  icon: Type.String(),
  quantity: Type.Integer(),
  combo: Type.Union([Type.Object({ id: Type.String(), count: Type.Integer() }), Type.Null()], {
    description: 'The streak this send continues; count is the number of gifts in it so far. Null outside lives and for gifts that do not streak.',
  }),
});
const GiftAnswer = Type.Object({ gift: SentGiftSchema });
const PaidMessageAnswer = Type.Object({ paidMessage: PaidMessageSchema });
const CheerAnswer = Type.Object({ cheer: CheerSchema });
const REFUSALS =
  'Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, ' +
  '400 cannot_gift_yourself, 403 age_restricted or account_restricted, 409 idempotency_key_reused for a key used with other parameters.';

/** The Idempotency-Key every payment needs: the same key sends once and answers the first result. */
const idempotencyKeyOf = (headers: { 'idempotency-key'?: string }) => requireIdempotencyKey(headers, 'pay twice', 'payment');

/** Paying creators (gifts into lives and to profiles, paid messages, cheers), and the top-gifter boards. */
export const giftSendingRoutes: FastifyPluginAsyncTypebox<GiftSendingRoutesOptions> = async (app, { sending, paidMessages, cheers, accounts }) => {
  app.post(
    '/api/v1/lives/:id/gifts',
    {
      schema: {
        tags: ['gifts'],
        summary: 'Send a gift into a live: the coins go at once and the creator earns diamonds',
        description:
          'Needs an Idempotency-Key: a retry with the same key is sent once and answers the same gift (idempotent-replayed: true). ' +
          `${REFUSALS} Also 409 live_ended, 400 gift_not_offered_in_region, 409 gift_unavailable.`,
        params: LiveParams,
        headers: IdempotencyHeaders,
        body: GiftIntoLiveBody,
        response: { 201: GiftAnswer },
      },
    },
    async (request, reply) => {
      const payer = payerOf(request);
      const { gift, replayed } = await sending.send({
        senderId: payer.senderId,
        session: payer.session,
        liveId: request.params.id,
        recipientId: request.body.recipientId,
        giftId: request.body.giftId,
        quantity: request.body.quantity ?? 1,
        confirm: request.body.confirm === true,
        idempotencyKey: idempotencyKeyOf(request.headers),
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ gift });
    },
  );

  app.post(
    '/api/v1/users/:handle/gifts',
    {
      schema: {
        tags: ['gifts'],
        summary: "Send a gift to a creator's profile, or to one of their videos",
        description:
          'Outside any live: no room event; counted in the creator’s all-time top gifters. `videoId` is the id of the video in the operator’s own video system ' +
          '(1 to 64 letters, digits, underscores and hyphens). Needs an Idempotency-Key. ' +
          `${REFUSALS} Also 404 user_not_found or creator_not_found, 400 invalid_video_id.`,
        params: HandleParams,
        headers: IdempotencyHeaders,
        body: GiftToProfileBody,
        response: { 201: GiftAnswer },
      },
    },
    async (request, reply) => {
      const payer = payerOf(request);
      const { gift, replayed } = await sending.sendToProfile({
        senderId: payer.senderId,
        session: payer.session,
        creatorHandle: request.params.handle,
        videoId: request.body.videoId,
        giftId: request.body.giftId,
        quantity: request.body.quantity ?? 1,
        confirm: request.body.confirm === true,
        idempotencyKey: idempotencyKeyOf(request.headers),
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ gift });
    },
  );

  app.post(
    '/api/v1/lives/:id/paid-messages',
    {
      schema: {
        tags: ['gifts'],
        summary: 'Send a paid highlighted message into a live (Super Chat style)',
        description:
          `From ${PAID_MESSAGE_MIN_COINS} to ${PAID_MESSAGE_MAX_COINS.toLocaleString('en-US')} coins; the coins choose the tier: its colour, how long it stays pinned and how long the text may be ` +
          '(50 characters at 20 coins, up to 350 at 10,000 or more). Needs an Idempotency-Key. ' +
          `${REFUSALS} Also 400 invalid_coins, invalid_text, text_too_long (naming the tier's limit), 409 live_ended.`,
        params: LiveParams,
        headers: IdempotencyHeaders,
        body: CoinMessageBody,
        response: { 201: PaidMessageAnswer },
      },
    },
    async (request, reply) => {
      const { paidMessage, replayed } = await paidMessages.send(coinMessageOf(request, request.params.id, request.body, request.headers));
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ paidMessage });
    },
  );

  app.post(
    '/api/v1/lives/:id/cheers',
    {
      schema: {
        tags: ['gifts'],
        summary: 'Cheer in a live: a chat message carrying coins for the creator (Bits style)',
        description:
          `From 1 to ${CHEER_MAX_COINS.toLocaleString('en-US')} coins with 1 to ${CHEER_MAX_CHARS} characters of text; the coins choose the badge. Needs an Idempotency-Key. ` +
          `${REFUSALS} Also 400 invalid_coins, invalid_text, text_too_long, 409 live_ended.`,
        params: LiveParams,
        headers: IdempotencyHeaders,
        body: CoinMessageBody,
        response: { 201: CheerAnswer },
      },
    },
    async (request, reply) => {
      const { cheer, replayed } = await cheers.send(coinMessageOf(request, request.params.id, request.body, request.headers));
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ cheer });
    },
  );

  app.get(
    '/api/v1/lives/:id/top-gifters',
    { schema: { tags: ['gifts'], summary: 'Top gifters of one live, by coins (gifts, paid messages and cheers)', params: LiveParams, response: { 200: TopGifters } } },
    async (request) => ({ topGifters: await sending.topGifters({ liveId: request.params.id }, 20) }),
  );

  app.get(
    '/api/v1/users/:handle/top-gifters',
    {
      schema: {
        tags: ['gifts'],
        summary: "A creator's all-time top gifters, by coins: in their lives, and to their profile and videos",
        params: HandleParams,
        response: { 200: TopGifters },
      },
    },
    async (request) => {
      const creator = await accounts.profile(request.params.handle, undefined);
      return { topGifters: await sending.topGifters({ creatorId: creator.id }, 20) };
    },
  );
};

/** Who pays, in which session (with the authorization version it was checked under when it came from memory). */
function payerOf(request: FastifyRequest): { senderId: string; session: PayerSession } {
  const principal = principalOf(request);
  return { senderId: principal.userId, session: { sessionId: principal.sessionId, authorizationVersion: principal.authorizationVersion } };
}

/** A paid message or a cheer as its route received it. */
function coinMessageOf(request: FastifyRequest, liveId: string, body: Static<typeof CoinMessageBody>, headers: { 'idempotency-key'?: string }): CoinMessageInput {
  const payer = payerOf(request);
  return {
    senderId: payer.senderId,
    session: payer.session,
    liveId,
    coins: body.coins,
    text: body.text,
    confirm: body.confirm === true,
    idempotencyKey: idempotencyKeyOf(headers),
  };
}
