import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Logger } from 'pino';
import type { Static } from 'typebox';
import type { Accounts } from '../accounts/index.js';
import { createSharedCache, type Bus } from '../bus/index.js';
import type { Config } from '../config/index.js';
import { newestFirstPage, newId, writeTransaction, type Database, type Schema } from '../db/index.js';
import type { OutboxRelay } from '../outbox/index.js';
import { DomainError } from '../shared/errors.js';
import type { LiveTable } from './schema.js';
import type { ChatModeSchema, LiveCreatorSchema, LiveEndReasonSchema, LiveGiftTotalsSchema, LiveSchema, LiveStatusSchema, LiveSummarySchema } from './views.js';

export type LiveStatus = Static<typeof LiveStatusSchema>;
/** Why a live ended: its creator ended it, an admin did, or the creator stopped heartbeating. */
export type LiveEndReason = NonNullable<Static<typeof LiveEndReasonSchema>>;

export const TITLE_MAX_CHARS = 100;
export const PLAYBACK_URL_MAX_CHARS = 500;
/** The sweeper never runs more often than this, whatever the timeout. */
const SWEEP_MIN_INTERVAL_MS = 1000;
/** Attempts at going live when a conflicting live ends between the insert and the look-up that names it. */
const START_ATTEMPTS = 3;
const CONTROL_CHARACTERS = /\p{Cc}/u;

type LiveRow = Selectable<LiveTable>;

/** The creator as a live shows them publicly. */
export type LiveCreator = Static<typeof LiveCreatorSchema>;
/** A live as the API shows it to anyone. */
export type Live = Static<typeof LiveSchema>;
/** What the gifts module reports about one live, for its summary. Amounts are whole coins and diamonds. */
export type LiveGiftTotals = Static<typeof LiveGiftTotalsSchema>;
export type LiveSummary = Static<typeof LiveSummarySchema>;
export type ChatMode = Static<typeof ChatModeSchema>;

export interface StartLiveInput {
  /** 1 to 100 characters once trimmed. */
  title: string;
  /** An http(s) URL of at most 500 characters, such as an HLS playlist (…/index.m3u8). */
  playbackUrl?: string;
}

export interface LiveFilter {
  status?: LiveStatus;
  limit: number;
  /** A live id: list the lives after it in the order (the `nextCursor` of a previous page). */
  after?: string;
}

export interface LivePage {
  lives: Live[];
  /** Pass as `after` for the next page; null when there are no more. */
  nextCursor: string | null;
}

/** A live that is on, as other modules (gifts, the room) need it. */
export interface LiveRef {
  id: string;
  creatorId: string;
  status: 'live';
}

/** Who ends a live: its creator, or an admin (ending anyone's). */
export interface LiveEnder {
  userId: string;
  isAdmin: boolean;
}

export interface LivesDependencies {
  db: Database;
  /** live.started and live.ended (webhooks) and the room's live_ended are written with the change and relayed after commit. */
  events: Pick<OutboxRelay, 'append' | 'committed'>;
  accounts: Pick<Accounts, 'assertCapability' | 'getUser'>;
  config: Pick<Config, 'live'>;
  now: () => Date;
  /** Carries the end of a live to every process's copy in memory. */
  bus: Bus;
  logger: Logger;
  /**
   * The gifts module's totals for one live. Passed in (not imported) because gifts depend on
   * lives (`requireLive`); without it, summaries carry no `gifts` field.
   */
  giftTotals?: (liveId: string) => Promise<LiveGiftTotals>;
}

export interface Lives {
  /** Goes live. 403 from the accounts module when the creator may not (minor, restricted, not a creator); 409 already_live naming the creator's live. */
  start(creatorId: string, input: StartLiveInput): Promise<Live>;
  /**
   * A stream from the media server: the creator's live on air plays it from now on (its room hears of it, `playback`),
   * or the creator goes live with it (refused as `start` is). Either way the creator is seen now.
   */
  streamTo(creatorId: string, input: { title: string; playbackUrl: string }): Promise<Live>;
  /** Ends a live, by its creator or an admin (others: 403 not_your_live). Ending an ended live answers it unchanged. */
  end(liveId: string, by: LiveEnder, reason: Exclude<LiveEndReason, 'creator_gone'>): Promise<Live>;
  /**
   * Sets how the room's chat is set, by the live's creator or an admin (others: 403 not_your_live); 409
   * live_ended once ended. The room hears of it (`chat_mode`) once the change committed.
   */
  setChatMode(liveId: string, by: LiveEnder, chatMode: ChatMode): Promise<Live>;
  /** The creator is still there. 403 not_your_live for anyone else; 409 live_ended once ended. */
  heartbeat(liveId: string, creatorId: string): Promise<Live>;
  /**
   * Ends every live whose creator was last seen more than LIVE_CREATOR_TIMEOUT_MS ago, with reason creator_gone; answers their ids.
   * A live whose stream stopped is left to endDisconnectedStreams.
   */
  endAbandoned(): Promise<string[]>;
  /**
   * The stream from the media server that the creator's live on air plays stopped publishing: the live stays on, marked
   * disconnected, and its room hears of it (`stream`) until the stream comes back (streamTo) or endDisconnectedStreams ends it.
   * Answers the live marked, if any.
   */
  streamDisconnected(creatorId: string, playbackUrl: string): Promise<Live | undefined>;
  /** Ends, with reason creator, every live whose stream stopped more than `graceMs` ago and did not come back; answers their ids. */
  endDisconnectedStreams(graceMs: number): Promise<string[]>;
  /** The room layer's viewer count for a live that is on (ignored once ended); the peak keeps the most. */
  setViewers(liveId: string, count: number): Promise<void>;
  /** Newest first. */
  list(filter: LiveFilter): Promise<LivePage>;
  get(liveId: string): Promise<Live>;
  /** The creator's live that is on, if any. */
  currentOf(creatorId: string): Promise<Live | undefined>;
  /** The live if it is on; 404 live_not_found, or 409 live_ended. What gift sending checks first. */
  requireLive(liveId: string): Promise<LiveRef>;
  /** Stops hearing of lives ended by other processes. */
  close(): Promise<void>;
  summary(liveId: string): Promise<LiveSummary>;
}

/**
 * Live rooms over REST: going live, heartbeats, ending (by the creator, an
 * admin, or the sweeper when the creator vanished), listing and summaries.
 * A creator has at most one live at a time; the database enforces it, so it
 * holds across server processes.
 */
/** How long a process takes a live to be on without hearing of its end: bounds an end lost on the bus. */
const CACHED_LIVE_TTL_MS = 5_000;

export function createLives(deps: LivesDependencies): Lives {
  const { db, accounts, events, now } = deps;
  const kysely = db.kysely;
  // Whose each live is and whether it is on, for every payment into it: from memory, dropped in every process when it ends.
  const liveRefs = createSharedCache({
    bus: deps.bus,
    topic: 'lives:ended',
    load: (liveId) => kysely.selectFrom('lives').select(['id', 'creator_id', 'status']).where('id', '=', liveId).executeTakeFirst(),
    ttlMs: CACHED_LIVE_TTL_MS,
    maxEntries: 100_000,
    logger: deps.logger,
  });
  const { creatorTimeoutMs } = deps.config.live;

  /** Changes lives in one transaction with the events that report them, then relays the events. */
  async function withEvents<T>(change: (trx: Kysely<Schema>) => Promise<{ result: T; events: { topic: string; payload: Record<string, unknown> }[] }>): Promise<T> {
    const { result, messages } = await writeTransaction(db, async (trx) => {
      const done = await change(trx);
      return { result: done.result, messages: await events.append(trx, done.events) };
    });
    events.committed(messages);
    return result;
  }

  /** A live's end, as the room and the operators' webhook hear of it. */
  function endEvents(row: LiveRow, creator: LiveCreator) {
    const live = toLive(row, creator);
    return [
      { topic: `live:${row.id}`, payload: { type: 'live_ended', reason: row.end_reason, endedAt: row.ended_at } },
      { topic: 'webhook', payload: { event: 'live.ended', data: live } },
    ];
  }

  async function findRow(liveId: string): Promise<LiveRow | undefined> {
    return kysely.selectFrom('lives').selectAll().where('id', '=', liveId).executeTakeFirst();
  }

  async function requireRow(liveId: string): Promise<LiveRow> {
    const row = await findRow(liveId);
    if (!row) throw DomainError.notFound('live_not_found', `No live has the id ${liveId}.`);
    return row;
  }

  /** Creators' public names, through the accounts module (never its tables), once per creator. */
  async function creatorsOf(rows: readonly Pick<LiveRow, 'creator_id'>[]): Promise<Map<string, LiveCreator>> {
    const ids = [...new Set(rows.map((row) => row.creator_id))];
    const users = await Promise.all(ids.map((id) => accounts.getUser(id)));
    return new Map(users.map((user) => [user.id, { id: user.id, handle: user.handle, displayName: user.displayName }]));
  }

  function toLive(row: LiveRow, creator: LiveCreator): Live {
    return {
      id: row.id,
      title: row.title,
      status: row.status as LiveStatus,
      creator,
      playbackUrl: row.playback_url,
      viewers: Number(row.viewers),
      peakViewers: Number(row.peak_viewers),
      startedAt: row.started_at,
      endedAt: row.ended_at,
      endReason: row.end_reason as LiveEndReason | null,
      chatMode: { subscribersOnly: row.subscribers_only_chat === 1n },
      streamDisconnectedAt: row.stream_disconnected_at ?? null,
    };
  }

  async function view(row: LiveRow): Promise<Live> {
    const creators = await creatorsOf([row]);
    return toLive(row, creators.get(row.creator_id)!);
  }

  const liveEnded = () => DomainError.conflict('live_ended', 'The live has ended.');
  const notYours = (liveId: string) => DomainError.forbidden('not_your_live', `The live ${liveId} belongs to another creator.`);

  /**
   * Ends every live on that `which` selects, with `reason`. The selection is applied again in the update itself: a
   * heartbeat or a stream coming back that commits first keeps its live, and concurrent sweepers end each live once.
   */
  async function endWhere(reason: LiveEndReason, which: (eb: ExpressionBuilder<Schema, 'lives'>) => Expression<SqlBool>): Promise<string[]> {
    const at = now().toISOString();
    const candidates = await kysely.selectFrom('lives').selectAll().where('status', '=', 'live').where(which).execute();
    if (candidates.length === 0) return [];
    const creators = await creatorsOf(candidates);
    const endedIds = await withEvents(async (trx) => {
      const ended = await trx
        .updateTable('lives')
        .set({ status: 'ended', ended_at: at, end_reason: reason, viewers: 0n })
        .where('status', '=', 'live')
        .where(which)
        .where(
          'id',
          'in',
          candidates.map((row) => row.id),
        )
        .returningAll()
        .execute();
      return { result: ended.map((row) => row.id), events: ended.flatMap((row) => endEvents(row, creators.get(row.creator_id)!)) };
    });
    for (const id of endedIds) await liveRefs.invalidate(id);
    return endedIds;
  }

  const lives: Lives = {
    async start(creatorId, input) {
      const title = checkTitle(input.title);
      const playbackUrl = input.playbackUrl === undefined ? null : checkPlaybackUrl(input.playbackUrl);
      await accounts.assertCapability(creatorId, 'go_live');
      // Read before the transaction: SQLite has one connection, which the transaction holds.
      const creator = (await creatorsOf([{ creator_id: creatorId }])).get(creatorId)!;
      for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        const at = now().toISOString();
        const id = newId('live');
        const started = await withEvents(async (trx) => {
          const inserted = await trx
            .insertInto('lives')
            .values({
              id,
              creator_id: creatorId,
              title,
              playback_url: playbackUrl,
              status: 'live',
              started_at: at,
              ended_at: null,
              end_reason: null,
              creator_seen_at: at,
              peak_viewers: 0n,
              viewers: 0n,
              created_at: at,
            })
            // The partial unique index decides, so two requests (or processes) racing cannot both go live.
            .onConflict((oc) =>
              oc
                .column('creator_id')
                .where(sql<boolean>`status = 'live'`)
                .doNothing(),
            )
            .executeTakeFirst();
          if (inserted.numInsertedOrUpdatedRows !== 1n) return { result: undefined, events: [] };
          const live = toLive(await trx.selectFrom('lives').selectAll().where('id', '=', id).executeTakeFirstOrThrow(), creator);
          return { result: live, events: [{ topic: 'webhook', payload: { event: 'live.started', data: live } }] };
        });
        if (started) return started;
        const current = await kysely.selectFrom('lives').select('id').where('creator_id', '=', creatorId).where('status', '=', 'live').executeTakeFirst();
        if (current) {
          throw DomainError.conflict('already_live', `You are already live in ${current.id}; end it (POST /api/v1/lives/${current.id}/end) before going live again.`);
        }
      }
      throw DomainError.conflict('already_live', 'Another request is going live for you at the same moment; retry.');
    },

    async streamTo(creatorId, input) {
      const playbackUrl = checkPlaybackUrl(input.playbackUrl);
      await accounts.assertCapability(creatorId, 'go_live');
      const take = () =>
        withEvents(async (trx) => {
          const before = await trx.selectFrom('lives').select(['playback_url', 'stream_disconnected_at']).where('creator_id', '=', creatorId).where('status', '=', 'live').executeTakeFirst();
          // A stream that comes back within the grace plays on in the same live.
          const taken = await trx
            .updateTable('lives')
            .set({ playback_url: playbackUrl, creator_seen_at: now().toISOString(), stream_disconnected_at: null })
            .where('creator_id', '=', creatorId)
            .where('status', '=', 'live')
            .returningAll()
            .executeTakeFirst();
          // Viewers already in the room start playing it; a stream publishing again to the same address changes nothing for them.
          const changed = taken !== undefined && before?.playback_url !== playbackUrl;
          const back = taken !== undefined && (before?.stream_disconnected_at ?? null) !== null;
          return {
            result: taken,
            events: [
              ...(changed ? [{ topic: `live:${taken.id}`, payload: { type: 'playback', playbackUrl } }] : []),
              ...(back ? [{ topic: `live:${taken.id}`, payload: { type: 'stream', disconnectedAt: null } }] : []),
            ],
          };
        });
      const taken = await take();
      if (taken) return view(taken);
      try {
        return await lives.start(creatorId, { title: input.title, playbackUrl });
      } catch (error) {
        // Another publish went live first: this one plays in that live.
        const takenSince = error instanceof DomainError && error.code === 'already_live' ? await take() : undefined;
        if (takenSince) return view(takenSince);
        throw error;
      }
    },

    async end(liveId, by, reason) {
      const row = await requireRow(liveId);
      if (row.creator_id !== by.userId && !by.isAdmin) throw notYours(liveId);
      if (row.status === 'ended') return view(row);
      const creators = await creatorsOf([row]);
      await withEvents(async (trx) => {
        // Only a live row changes: when two enders race, the first one's time and reason stand.
        const ended = await trx
          .updateTable('lives')
          .set({ status: 'ended', ended_at: now().toISOString(), end_reason: reason, viewers: 0n })
          .where('id', '=', liveId)
          .where('status', '=', 'live')
          .returningAll()
          .execute();
        return { result: undefined, events: ended.flatMap((endedRow) => endEvents(endedRow, creators.get(endedRow.creator_id)!)) };
      });
      // Dropped from every process's memory, so payments into it stop.
      await liveRefs.invalidate(liveId);
      return view(await requireRow(liveId));
    },

    async setChatMode(liveId, by, chatMode) {
      const row = await requireRow(liveId);
      if (row.creator_id !== by.userId && !by.isAdmin) throw notYours(liveId);
      const subscribersOnly = chatMode.subscribersOnly ? 1n : 0n;
      const changed = await withEvents(async (trx) => {
        const updated = await trx
          .updateTable('lives')
          .set({ subscribers_only_chat: subscribersOnly })
          .where('id', '=', liveId)
          .where('status', '=', 'live')
          .where('subscribers_only_chat', '!=', subscribersOnly)
          .executeTakeFirst();
        const events = updated.numUpdatedRows > 0n ? [{ topic: `live:${liveId}`, payload: { type: 'chat_mode', chatMode: { subscribersOnly: chatMode.subscribersOnly } } }] : [];
        return { result: updated.numUpdatedRows > 0n, events };
      });
      const after = await requireRow(liveId);
      if (!changed && after.status !== 'live') throw liveEnded();
      return view(after);
    },

    async heartbeat(liveId, creatorId) {
      const updated = await kysely
        .updateTable('lives')
        .set({ creator_seen_at: now().toISOString() })
        .where('id', '=', liveId)
        .where('creator_id', '=', creatorId)
        .where('status', '=', 'live')
        .executeTakeFirst();
      const row = await requireRow(liveId);
      if (updated.numUpdatedRows === 1n) return view(row);
      throw row.creator_id === creatorId ? liveEnded() : notYours(liveId);
    },

    async endAbandoned() {
      const cutoff = new Date(now().getTime() - creatorTimeoutMs).toISOString();
      return endWhere('creator_gone', (eb) => eb.and([eb('creator_seen_at', '<', cutoff), eb('stream_disconnected_at', 'is', null)]));
    },

    async streamDisconnected(creatorId, playbackUrl) {
      const at = now().toISOString();
      const marked = await withEvents(async (trx) => {
        const row = await trx
          .updateTable('lives')
          .set({ stream_disconnected_at: at })
          .where('creator_id', '=', creatorId)
          .where('status', '=', 'live')
          .where('playback_url', '=', playbackUrl)
          .where('stream_disconnected_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        return { result: row, events: row ? [{ topic: `live:${row.id}`, payload: { type: 'stream', disconnectedAt: at } }] : [] };
      });
      return marked && view(marked);
    },

    async endDisconnectedStreams(graceMs) {
      const cutoff = new Date(now().getTime() - graceMs).toISOString();
      return endWhere('creator', (eb) => eb('stream_disconnected_at', '<', cutoff));
    },

    async setViewers(liveId, count) {
      if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`a viewer count is a whole number of 0 or more, not ${count}`);
      const viewers = BigInt(count);
      await kysely
        .updateTable('lives')
        .set((eb) => ({ viewers, peak_viewers: eb.case().when('peak_viewers', '<', viewers).then(viewers).else(eb.ref('peak_viewers')).end() }))
        .where('id', '=', liveId)
        .where('status', '=', 'live')
        .execute();
    },

    async list(filter) {
      let query = kysely.selectFrom('lives').selectAll();
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      let cursor: { time: string; id: string } | undefined;
      if (filter.after !== undefined) {
        const last = await kysely.selectFrom('lives').select(['id', 'started_at']).where('id', '=', filter.after).executeTakeFirst();
        if (!last) throw DomainError.invalidField('after', 'invalid_cursor', 'after must be the nextCursor of a previous page; leave it out to start from the newest.');
        cursor = { time: last.started_at, id: last.id };
      }
      const { rows: shown, more } = await newestFirstPage(query, 'started_at', cursor, filter.limit);
      const creators = await creatorsOf(shown);
      return {
        lives: shown.map((row) => toLive(row, creators.get(row.creator_id)!)),
        nextCursor: more ? shown[shown.length - 1]!.id : null,
      };
    },

    async get(liveId) {
      return view(await requireRow(liveId));
    },

    async currentOf(creatorId) {
      const row = await kysely.selectFrom('lives').selectAll().where('creator_id', '=', creatorId).where('status', '=', 'live').executeTakeFirst();
      return row && view(row);
    },

    async requireLive(liveId) {
      const row = await liveRefs.get(liveId);
      if (!row) throw DomainError.notFound('live_not_found', `No live has the id ${liveId}.`);
      if (row.status !== 'live') throw liveEnded();
      return { id: row.id, creatorId: row.creator_id, status: 'live' };
    },

    close: () => liveRefs.close(),

    async summary(liveId) {
      const row = await requireRow(liveId);
      const endMs = row.ended_at === null ? now().getTime() : Date.parse(row.ended_at);
      const summary: LiveSummary = {
        liveId: row.id,
        title: row.title,
        status: row.status as LiveStatus,
        startedAt: row.started_at,
        endedAt: row.ended_at,
        endReason: row.end_reason as LiveEndReason | null,
        durationSeconds: Math.max(0, Math.floor((endMs - Date.parse(row.started_at)) / 1000)),
        peakViewers: Number(row.peak_viewers),
      };
      if (deps.giftTotals) summary.gifts = await deps.giftTotals(row.id);
      return summary;
    },
  };
  return lives;
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  const chars = [...trimmed].length;
  if (chars < 1 || chars > TITLE_MAX_CHARS || CONTROL_CHARACTERS.test(trimmed)) {
    throw DomainError.invalidField('title', 'invalid_title', `A live's title is 1 to ${TITLE_MAX_CHARS} characters without control characters; got ${JSON.stringify(title.slice(0, 120))}.`);
  }
  return trimmed;
}

/** An http(s) URL, normalized; no user name or password, since every viewer sees it. */
function checkPlaybackUrl(playbackUrl: string): string {
  const refuse = (why: string) => DomainError.invalidField('playbackUrl', 'invalid_playback_url', `playbackUrl ${why}; got ${JSON.stringify(playbackUrl.slice(0, 100))}.`);
  let url: URL;
  try {
    url = new URL(playbackUrl.trim());
  } catch {
    throw refuse('must be an http or https URL, such as https://cdn.example.com/live/index.m3u8');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must be an http or https URL');
  if (url.username !== '' || url.password !== '') throw refuse('must not hold a user name or password: every viewer sees it');
  if (url.href.length > PLAYBACK_URL_MAX_CHARS) throw refuse(`must be at most ${PLAYBACK_URL_MAX_CHARS} characters`);
  return url.href;
}

/** How often a creator's app or room socket says they are there: three times per creator timeout, at most once a second. */
export function creatorHeartbeatIntervalMs(creatorTimeoutMs: number): number {
  return Math.max(1000, Math.floor(creatorTimeoutMs / 3));
}

/** How often abandoned lives are ended: every quarter of the creator timeout, at least every second. */
export function abandonedLivesSweepIntervalMs(creatorTimeoutMs: number): number {
  return Math.max(SWEEP_MIN_INTERVAL_MS, Math.floor(creatorTimeoutMs / 4));
}
