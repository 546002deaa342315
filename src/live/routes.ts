import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { PLAYBACK_URL_MAX_CHARS, TITLE_MAX_CHARS, type Lives } from './lives.js';

const strict = { additionalProperties: false } as const;
const bearer = [{ bearerAuth: [] }];

const StatusSchema = Type.Union([Type.Literal('live'), Type.Literal('ended')], { description: 'live (on air) or ended (final).' });
const EndReasonSchema = Type.Union([Type.Literal('creator'), Type.Literal('admin'), Type.Literal('creator_gone'), Type.Null()], {
  description: 'Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live.',
});
const LiveSchema = Type.Object(
  {
    id: Type.String({ description: 'Such as live_3k9x….' }),
    title: Type.String(),
    status: StatusSchema,
    creator: Type.Object({ id: Type.String(), handle: Type.String(), displayName: Type.String() }),
    playbackUrl: Type.Union([Type.String(), Type.Null()], { description: 'Where viewers play the stream, such as an HLS playlist; null when the creator gave none.' }),
    viewers: Type.Integer({ description: 'Viewers in the room as last counted; 0 once ended.' }),
    peakViewers: Type.Integer({ description: 'Most viewers at once.' }),
    startedAt: Type.String(),
    endedAt: Type.Union([Type.String(), Type.Null()]),
    endReason: EndReasonSchema,
  },
  { description: "A creator's broadcast, from going live to its end." },
);
const LiveEnvelope = Type.Object({ live: LiveSchema });
const GiftTotalsSchema = Type.Object(
  {
    giftCount: Type.Integer(),
    coins: Type.Integer({ description: 'Coins viewers spent on gifts in this live.' }),
    diamonds: Type.Integer({ description: 'Diamonds the creator earned from them.' }),
    topGifters: Type.Array(Type.Object({ userId: Type.String(), handle: Type.String(), displayName: Type.String(), coins: Type.Integer() }), {
      description: 'Biggest gifters by coins spent, biggest first.',
    }),
  },
  { description: 'Gifts sent in the live; present when the gifts module reports them.' },
);
const SummarySchema = Type.Object({
  liveId: Type.String(),
  title: Type.String(),
  status: StatusSchema,
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  endReason: EndReasonSchema,
  durationSeconds: Type.Integer({ description: 'From start to end (or to now while live), in whole seconds.' }),
  peakViewers: Type.Integer(),
  gifts: Type.Optional(GiftTotalsSchema),
});
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Live rooms over REST. The room itself (presence, chat, gift events) is the WebSocket's. */
export const liveRoutes: FastifyPluginAsyncTypebox<{ lives: Lives }> = async (app, { lives }) => {
  app.post(
    '/api/v1/lives',
    {
      schema: {
        tags: ['live'],
        summary: 'Go live',
        description:
          'Creators only; minors and creators restricted from going live are refused (403). A creator has one live at a time: ' +
          'while one is on, this answers 409 already_live naming it. Keep the live on with POST /api/v1/lives/:id/heartbeat: ' +
          'a live without a heartbeat for LIVE_CREATOR_TIMEOUT_MS (a minute by default) ends by itself.',
        security: bearer,
        body: Type.Object(
          {
            title: Type.String({ description: `1 to ${TITLE_MAX_CHARS} characters; spaces around it are dropped.` }),
            playbackUrl: Type.Optional(
              Type.String({ description: `Where viewers play the stream: an http or https URL of at most ${PLAYBACK_URL_MAX_CHARS} characters, such as https://cdn.example.com/live/index.m3u8.` }),
            ),
          },
          strict,
        ),
        response: { 201: LiveEnvelope },
      },
    },
    async (request, reply) => reply.code(201).send({ live: await lives.start(principalOf(request).userId, request.body) }),
  );

  app.get(
    '/api/v1/lives',
    {
      schema: {
        tags: ['live'],
        summary: 'Lives, newest first',
        description: 'status=live for the lives on air now. Page with `after`: the `nextCursor` of the previous page.',
        querystring: Type.Object(
          {
            status: Type.Optional(StatusSchema),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            after: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          strict,
        ),
        response: { 200: Type.Object({ lives: Type.Array(LiveSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => lives.list({ status: request.query.status, limit: request.query.limit ?? 20, after: request.query.after }),
  );

  app.get('/api/v1/lives/:id', { schema: { tags: ['live'], summary: 'One live', params: IdParams, response: { 200: LiveEnvelope } } }, async (request) => ({
    live: await lives.get(request.params.id),
  }));

  app.get(
    '/api/v1/lives/:id/summary',
    {
      schema: {
        tags: ['live'],
        summary: 'How a live went: duration, peak viewers and gifts',
        description: 'While the live is on, the duration runs to now.',
        params: IdParams,
        response: { 200: Type.Object({ summary: SummarySchema }) },
      },
    },
    async (request) => ({ summary: await lives.summary(request.params.id) }),
  );

  app.post(
    '/api/v1/lives/:id/heartbeat',
    {
      schema: {
        tags: ['live'],
        summary: 'Tell the server you are still live',
        description: 'Send one every few seconds while broadcasting. 409 live_ended once the live is over (including when it ended for lack of heartbeats).',
        security: bearer,
        params: IdParams,
        response: { 200: LiveEnvelope },
      },
    },
    async (request) => ({ live: await lives.heartbeat(request.params.id, principalOf(request).userId) }),
  );

  app.post(
    '/api/v1/lives/:id/end',
    {
      schema: {
        tags: ['live'],
        summary: 'End your live',
        description: "Only the live's creator (others: 403 not_your_live). Ending an ended live answers it unchanged.",
        security: bearer,
        params: IdParams,
        response: { 200: LiveEnvelope },
      },
    },
    async (request) => ({ live: await lives.end(request.params.id, { userId: principalOf(request).userId, isAdmin: false }, 'creator') }),
  );

  app.post(
    '/api/v1/admin/lives/:id/end',
    {
      schema: {
        tags: ['admin'],
        summary: "End anyone's live",
        description: 'The live ends with endReason admin. Ending an ended live answers it unchanged.',
        security: bearer,
        params: IdParams,
        response: { 200: LiveEnvelope },
      },
    },
    async (request) => ({ live: await lives.end(request.params.id, { userId: principalOf(request).userId, isAdmin: true }, 'admin') }),
  );
};
