import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import type { Config } from '../config/index.js';
import { DomainError } from '../shared/errors.js';
import { publicUrlFor } from '../shared/public-url.js';
import { creatorHeartbeatIntervalMs, type Lives } from './lives.js';
import type { StreamEvent, Streams } from './streams.js';
import { LiveSchema } from './views.js';

const StreamSetupSchema = Type.Object({
  ingestUrl: Type.String({ description: 'The server to paste into OBS (Settings → Stream → Server), such as rtmp://live.example.com/live.' }),
  streamName: Type.String({ description: 'The public name the stream key starts with; it names the HLS viewers play.' }),
  keyIssuedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the key in use was issued; null before the first.' }),
  playbackUrl: Type.String({ description: 'Where viewers play the stream while it publishes (HLS).' }),
});

/** nginx-rtmp posts its callbacks as a form: these fields, the publisher's `?key=…` among them. */
const StreamEventBody = Type.Object({ name: Type.Optional(Type.String({ maxLength: 200 })), key: Type.Optional(Type.String({ maxLength: 200 })) });

/** A creator's streaming setup and live on air, and nginx-rtmp's publish callbacks (docs/streaming.md). */
export const streamRoutes: FastifyPluginAsyncTypebox<{ streams: Streams; lives: Lives; config: Pick<Config, 'publicUrl' | 'publicUrlGiven' | 'live'> }> = async (app, { streams, lives, config }) => {
  // Only for the callbacks registered in this plugin: nginx-rtmp posts application/x-www-form-urlencoded.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));

  app.get(
    '/api/v1/me/live',
    {
      schema: {
        tags: ['live'],
        summary: 'Your live on air, and how often to say you are there',
        description:
          "Creators only. `live` is the creator's live on air or null. While a live started in the browser is on, the app sends POST /api/v1/lives/:id/heartbeat every `heartbeatIntervalMs` from whichever page is open; a live playing a stream is kept on by the media server.",
        response: { 200: Type.Object({ live: Type.Union([LiveSchema, Type.Null()]), heartbeatIntervalMs: Type.Integer() }) },
      },
    },
    async (request) => ({
      live: (await lives.currentOf(principalOf(request).userId)) ?? null,
      heartbeatIntervalMs: creatorHeartbeatIntervalMs(config.live.creatorTimeoutMs),
    }),
  );

  app.get(
    '/api/v1/me/stream',
    {
      schema: {
        tags: ['live'],
        summary: 'Your streaming setup for OBS',
        description:
          'Creators only. The server address for OBS and whether a stream key was issued; the key itself is shown once, by POST /api/v1/me/stream/key. 404 streaming_off when the operator has not set up a media server.',
        response: { 200: Type.Object({ stream: StreamSetupSchema }) },
      },
    },
    async (request) => ({ stream: await streams.setup(principalOf(request).userId, publicUrlFor(request, config)) }),
  );

  app.post(
    '/api/v1/me/stream/key',
    {
      schema: {
        tags: ['live'],
        summary: 'Make a new stream key',
        description:
          'Creators only. Answers the key once, as OBS takes it (`<streamName>?key=…`): only its hash is kept. The key before stops at once: a new publish with it is refused, and a stream publishing with it is stopped at its next update (within 10 seconds).',
        response: { 200: Type.Object({ stream: StreamSetupSchema, streamKey: Type.String() }) },
      },
    },
    async (request) => {
      const { setup, streamKey } = await streams.rotateKey(principalOf(request).userId, publicUrlFor(request, config));
      return { stream: setup, streamKey };
    },
  );

  // The media server's callbacks exist only where streaming is on (STREAM_CALLBACK_SECRET set).
  if (streams.enabled) {
    app.post(
      '/api/v1/streams/events/:event',
      {
        schema: {
          tags: ['live'],
          summary: "nginx-rtmp's publish callbacks (on_publish, on_update, on_publish_done)",
          description:
            'For the media server only: `Authorization: Bearer <STREAM_CALLBACK_SECRET>`, or 401. `publish` with the right key starts the live (2xx lets nginx take the stream, 403 refuses it); `update` keeps it on (403 after the key was rotated, 409 once the live ended: nginx then drops the stream); `publish-done` ends it.',
          params: Type.Object({ event: Type.Union([Type.Literal('publish'), Type.Literal('update'), Type.Literal('publish-done')]) }),
          body: StreamEventBody,
          response: { 204: Type.Null({ description: 'Done: nginx goes on with the stream' }) },
        },
      },
      async (request, reply) => {
        if (!streams.callbackAuthorized(request.headers.authorization)) {
          throw DomainError.unauthenticated('stream_callback_unauthorized', 'Only the media server calls this, with the callback secret (STREAM_CALLBACK_SECRET).');
        }
        const event: StreamEvent = { name: request.body.name ?? '', key: request.body.key ?? '' };
        if (request.params.event === 'publish') await streams.published(event);
        else if (request.params.event === 'update') await streams.updated(event);
        else await streams.publishDone(event);
        return reply.code(204).send(null);
      },
    );
  }
};
