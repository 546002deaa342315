import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { PLAYBACK_URL_MAX_CHARS, TITLE_MAX_CHARS, type Lives } from './lives.js';
import { ChatModeSchema, LiveSchema, LiveStatusSchema, LiveSummarySchema } from './views.js';

const strict = { additionalProperties: false } as const;

const LiveEnvelope = Type.Object({ live: LiveSchema });
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
            status: Type.Optional(LiveStatusSchema),
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
        response: { 200: Type.Object({ summary: LiveSummarySchema }) },
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
        params: IdParams,
        response: { 200: LiveEnvelope },
      },
    },
    async (request) => ({ live: await lives.end(request.params.id, { userId: principalOf(request).userId, isAdmin: false }, 'creator') }),
  );

  app.put(
    '/api/v1/lives/:id/chat-mode',
    {
      schema: {
        tags: ['live'],
        summary: "Set your live's chat mode",
        description:
          'With `subscribersOnly: true`, only viewers whose subscription to the creator gives access now may chat (others are refused with `subscribers_only`); the creator and admins always may. ' +
          "The room hears of it at once (a `chat_mode` event) and every welcome carries it. Only the live's creator, or an admin signed in with two-factor (others: 403 not_your_live); 409 live_ended once over.",
        params: IdParams,
        body: Type.Object({ subscribersOnly: ChatModeSchema.properties.subscribersOnly }, strict),
        response: { 200: LiveEnvelope },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const by = { userId: principal.userId, isAdmin: principal.roles.includes('admin') && principal.twoFactorVerified };
      return { live: await lives.setChatMode(request.params.id, by, { subscribersOnly: request.body.subscribersOnly }) };
    },
  );

  app.post(
    '/api/v1/admin/lives/:id/end',
    {
      schema: {
        tags: ['admin'],
        summary: "End anyone's live",
        description: 'The live ends with endReason admin. Ending an ended live answers it unchanged.',
        params: IdParams,
        response: { 200: LiveEnvelope },
      },
    },
    async (request) => ({ live: await lives.end(request.params.id, { userId: principalOf(request).userId, isAdmin: true }, 'admin') }),
  );
};
