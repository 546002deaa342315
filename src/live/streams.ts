import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newSecret, sameSecret, secretHash, type Accounts } from '../accounts/index.js';
import { declareSettings, settingsIn, text, url, wholeNumber, type Env } from '../config/index.js';
import type { Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { Live, Lives } from './lives.js';

/** Stream names are `s` and 16 lowercase hex characters: anything else is not one and is not looked up. */
const STREAM_NAME = /^s[0-9a-f]{16}$/;
/** Issued keys are `osk_` and 43 base64url characters; anything much longer is not one and is not hashed. */
const KEY_MAX_CHARS = 100;

export interface StreamsConfig {
  /** What nginx-rtmp's callbacks carry as `Authorization: Bearer …`; unset, streaming is off and every callback is refused. */
  readonly callbackSecret: string | undefined;
  /** The RTMP address creators paste into OBS as its server; unset, rtmp://<the public host>/live. */
  readonly ingestUrl: string | undefined;
  /** Where the media server serves HLS, each stream under its name; unset, PUBLIC_URL/hls. */
  readonly hlsUrl: string | undefined;
  /** How long a live whose stream stopped waits for the same creator's stream to come back before it ends; 0 ends it at once. */
  readonly reconnectGraceMs: number;
}

/** The variables of streaming through a media server (docs/streaming.md). */
export const STREAM_SETTINGS = declareSettings({
  STREAM_CALLBACK_SECRET: {
    module: 'live',
    secret: true,
    ...text(),
    description:
      "Turns streaming from OBS on: the secret nginx-rtmp's publish callbacks carry as `Authorization: Bearer <secret>` (the shipped deploy/nginx/ovation.conf adds it as it passes them on). Callbacks without it are refused with 401. Unset, creators are offered no stream key and every callback is refused. Use 32 random bytes or more, such as the output of `openssl rand -hex 32`. See [streaming.md](streaming.md).",
  },
  STREAM_INGEST_URL: {
    module: 'live',
    ...url(),
    description:
      "The RTMP address creators paste into OBS as the server, such as `rtmp://live.example.com/live`: the media server's host and its `live` application. Unset, `rtmp://` followed by the host of `PUBLIC_URL` (or, when that is unset, of the request) and `/live`. See [streaming.md](streaming.md).",
  },
  STREAM_HLS_URL: {
    module: 'live',
    ...url(),
    description:
      'Where the media server serves the HLS of each stream, as `<STREAM_HLS_URL>/<stream name>/index.m3u8`; lives started by a stream carry this address as their `playbackUrl`. Unset, `PUBLIC_URL` followed by `/hls`, as the shipped nginx configuration serves it: the same origin as the web app, which its Content-Security-Policy allows; another origin must be https. See [streaming.md](streaming.md).',
  },
  STREAM_RECONNECT_GRACE_SECONDS: {
    module: 'live',
    default: '30',
    ...wholeNumber(0, 600),
    description:
      'How long, in seconds, a live whose stream from OBS stopped stays on for the stream to come back. A dropped connection or OBS\'s own reconnect publishes again with the same key: within this time the stream plays on in the same live, and viewers meanwhile read that the stream isn\'t reaching us and that it is being tried again. Later, the live ends (`endReason: "creator"`). Each server process checks every fifth of this time (at least every second). `0` ends the live as soon as the stream stops. See [streaming.md](streaming.md#reconnecting).',
  },
});

/** Reads STREAM_SETTINGS. Throws a ConfigError naming an invalid variable. */
export function loadStreamsConfig(env: Env): StreamsConfig {
  const read = settingsIn(env);
  return {
    callbackSecret: read(STREAM_SETTINGS.STREAM_CALLBACK_SECRET),
    ingestUrl: read(STREAM_SETTINGS.STREAM_INGEST_URL),
    hlsUrl: read(STREAM_SETTINGS.STREAM_HLS_URL),
    reconnectGraceMs: read(STREAM_SETTINGS.STREAM_RECONNECT_GRACE_SECONDS) * 1000,
  };
}

/** A creator's streaming setup as they see it. The key itself is shown once, when issued: only its hash is kept. */
export interface StreamSetup {
  /** OBS's "Server". */
  ingestUrl: string;
  /** The name the stream key starts with; public, as it names the stream's HLS. */
  streamName: string;
  /** When the key in use was issued; null before the first. */
  keyIssuedAt: string | null;
  /** Where viewers play the stream while it publishes. */
  playbackUrl: string;
}

/** One nginx-rtmp callback as Ovation needs it: the stream's name, and the key the publisher gave after `?key=`. */
export interface StreamEvent {
  name: string;
  key: string;
}

export interface StreamsDependencies {
  kysely: Kysely<Schema>;
  accounts: Pick<Accounts, 'getUser'>;
  lives: Pick<Lives, 'streamTo' | 'currentOf' | 'heartbeat' | 'end' | 'streamDisconnected' | 'endDisconnectedStreams'>;
  config: StreamsConfig & { publicUrl: string };
  now: () => Date;
}

export interface Streams {
  /** Whether the operator turned streaming on (STREAM_CALLBACK_SECRET). */
  readonly enabled: boolean;
  /** The creator's setup; `publicUrl` is the server's public address as the creator reaches it, for an unset STREAM_INGEST_URL. 404 streaming_off when off. */
  setup(creatorId: string, publicUrl: string): Promise<StreamSetup>;
  /** Issues a new key; the one before stops at once, for new publishes and, within an update interval, for a stream publishing with it. */
  rotateKey(creatorId: string, publicUrl: string): Promise<{ setup: StreamSetup; streamKey: string }>;
  /** Whether `authorization` (an HTTP header) carries the callback secret. Always false when streaming is off. */
  callbackAuthorized(authorization: string | undefined): boolean;
  /** A publish starts: with the right key, the creator goes live on the stream (or their live on air takes it); else 403. */
  published(event: StreamEvent): Promise<Live>;
  /** A stream still publishing: its live stays on. 403 once the key was rotated; 409 live_ended once its live ended. */
  updated(event: StreamEvent): Promise<void>;
  /** A publish ended: the live playing the stream waits STREAM_RECONNECT_GRACE_SECONDS for it to publish again (at once, with 0), then ends. */
  publishDone(event: StreamEvent): Promise<void>;
  /** Ends the lives whose stream stopped longer than the grace ago and did not come back; answers their ids. What every process's sweeper runs. */
  endDisconnected(): Promise<string[]>;
}

/**
 * Stream keys and nginx-rtmp's publish callbacks. A creator has one stream: a public name, stable across keys, which
 * names its HLS, and a secret key whose hash alone is kept. OBS publishes `<name>?key=<key>`; nginx asks Ovation on
 * publish, every update interval while publishing, and when the publish is done.
 */
export function createStreams(deps: StreamsDependencies): Streams {
  const { kysely, accounts, lives, config, now } = deps;
  const enabled = config.callbackSecret !== undefined;

  // Lives keep it, and callbacks come from the media server, not the creator: never from a request's address.
  const playbackUrlOf = (streamName: string) => `${config.hlsUrl ?? `${config.publicUrl}/hls`}/${streamName}/index.m3u8`;

  function requireEnabled(): void {
    if (!enabled) throw DomainError.notFound('streaming_off', 'Streaming from OBS is not set up on this server: go live with a playback URL from your video provider.');
  }

  function view(row: { stream_name: string; key_issued_at: string | null }, publicUrl: string): StreamSetup {
    const ingestUrl = config.ingestUrl ?? `rtmp://${new URL(publicUrl).hostname}/live`;
    return { ingestUrl, streamName: row.stream_name, keyIssuedAt: row.key_issued_at, playbackUrl: playbackUrlOf(row.stream_name) };
  }

  async function streamOf(creatorId: string) {
    // Two first requests at once both insert; the first one's name stands.
    await kysely
      .insertInto('stream_keys')
      .values({ creator_id: creatorId, stream_name: `s${randomBytes(8).toString('hex')}`, key_hash: null, key_issued_at: null })
      .onConflict((oc) => oc.column('creator_id').doNothing())
      .execute();
    return kysely.selectFrom('stream_keys').selectAll().where('creator_id', '=', creatorId).executeTakeFirstOrThrow();
  }

  const refused = () => DomainError.forbidden('stream_key_refused', 'This stream key is not valid: copy the stream key from your studio again, or make a new one.');

  /** The creator whose stream this is, when `key` is its key now. */
  async function authorize(event: StreamEvent): Promise<{ creatorId: string; streamName: string }> {
    if (!STREAM_NAME.test(event.name) || event.key.length === 0 || event.key.length > KEY_MAX_CHARS) throw refused();
    const row = await kysely.selectFrom('stream_keys').select(['creator_id', 'stream_name', 'key_hash']).where('stream_name', '=', event.name).executeTakeFirst();
    if (!row?.key_hash || !sameSecret(row.key_hash, secretHash(event.key))) throw refused();
    return { creatorId: row.creator_id, streamName: row.stream_name };
  }

  /** The creator's live on air playing this stream, if any. */
  async function streamingLive(creatorId: string, playbackUrl: string): Promise<Live | undefined> {
    const live = await lives.currentOf(creatorId);
    return live?.playbackUrl === playbackUrl ? live : undefined;
  }

  return {
    enabled,

    async setup(creatorId, publicUrl) {
      requireEnabled();
      return view(await streamOf(creatorId), publicUrl);
    },

    async rotateKey(creatorId, publicUrl) {
      requireEnabled();
      const { stream_name } = await streamOf(creatorId);
      const key = newSecret('osk');
      const issuedAt = now().toISOString();
      // One statement: of two rotations at once, the later write's key is the one that works.
      await kysely
        .updateTable('stream_keys')
        .set({ key_hash: secretHash(key), key_issued_at: issuedAt })
        .where('creator_id', '=', creatorId)
        .execute();
      return { setup: view({ stream_name, key_issued_at: issuedAt }, publicUrl), streamKey: `${stream_name}?key=${key}` };
    },

    callbackAuthorized(authorization) {
      if (config.callbackSecret === undefined || authorization === undefined) return false;
      return sameSecret(authorization, `Bearer ${config.callbackSecret}`);
    },

    async published(event) {
      const { creatorId, streamName } = await authorize(event);
      const creator = await accounts.getUser(creatorId);
      return lives.streamTo(creatorId, { title: `${creator.displayName} is live`, playbackUrl: playbackUrlOf(streamName) });
    },

    async updated(event) {
      const { creatorId, streamName } = await authorize(event);
      const live = await streamingLive(creatorId, playbackUrlOf(streamName));
      if (!live) throw DomainError.conflict('live_ended', 'The live this stream played in has ended.');
      await lives.heartbeat(live.id, creatorId);
    },

    async publishDone(event) {
      // Only the stream's name: a publish that ends after its key was rotated still ends its live.
      if (!STREAM_NAME.test(event.name)) return;
      const row = await kysely.selectFrom('stream_keys').select('creator_id').where('stream_name', '=', event.name).executeTakeFirst();
      if (!row) return;
      const playbackUrl = playbackUrlOf(event.name);
      if (config.reconnectGraceMs > 0) {
        // OBS reconnecting publishes again within seconds: the live waits, and the sweeper ends it if the stream stays away.
        await lives.streamDisconnected(row.creator_id, playbackUrl);
        return;
      }
      const live = await streamingLive(row.creator_id, playbackUrl);
      if (live) await lives.end(live.id, { userId: row.creator_id, isAdmin: false }, 'creator');
    },

    endDisconnected: () => lives.endDisconnectedStreams(config.reconnectGraceMs),
  };
}

/**
 * How often lives whose stream stopped are checked for the end of their grace: every fifth of it, at least every
 * second. Also with streaming off or no grace, so that lives left waiting under an earlier setting still end.
 */
export function disconnectedStreamsSweepIntervalMs(reconnectGraceMs: number): number {
  return Math.max(1000, Math.floor(reconnectGraceMs / 5));
}
