/**
 * One live room over its socket (docs/live-protocol.md): the welcome, then
 * events as they happen, alone or several in a `batch`. Money events are
 * shown once per `eventId` however often they arrive (reconnects, two servers
 * relaying one commit). A dropped socket reconnects with `?since=` the last
 * money event seen, and gets what it missed right after its welcome.
 */
import type {
  Battle,
  ChatEvent,
  ChatMode,
  CheerEvent,
  ClientMessage,
  GiftEvent,
  Live,
  PaidMessageEvent,
  RoomEvent,
  RoomRole,
  RoomStage,
  RoomUser,
  ServerMessage,
  SubscriptionGiftEvent,
  TopGifterEntry,
} from '../../lib/types';
import type { LiveGoal } from '../../../../client/src/index';
import { api, call, ApiError } from '../../lib/api';
import { session } from '../../lib/session.svelte';

export type { ChatEvent, CheerEvent, GiftEvent, PaidMessageEvent, SubscriptionGiftEvent, TopGifterEntry };

/** What the chat column lists: chat lines, gifts (a combo as one line), cheers, paid messages and gifted subscriptions, in the order the server sent them. */
export type FeedItem =
  (ChatEvent & { key: string }) | (GiftEvent & { key: string }) | (CheerEvent & { key: string }) | (PaidMessageEvent & { key: string }) | (SubscriptionGiftEvent & { key: string });

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'gone';

const FEED_MAX = 200;
const SEEN_MAX = 5000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15_000;
const PING_MS = 25_000;
const ACK_TIMEOUT_MS = 10_000;

/** Close codes of docs/live-protocol.md. */
const CLOSE = { ended: 1000, ticket: 4401, banned: 4403, notFound: 4404, notLive: 4409, tooMany: 4429, tooManySockets: 4430, sessionEnded: 4440 } as const;

export class Room {
  live = $state<Live | null>(null);
  role = $state<RoomRole>('anonymous');
  me = $state<RoomUser | null>(null);
  mutedUntil = $state<string | null>(null);
  viewers = $state(0);
  chatMode = $state<ChatMode>({ subscribersOnly: false });
  topGifters = $state<TopGifterEntry[]>([]);
  /** The live's goal and its progress (docs/levels.md#goals); null when none is shown. */
  goal = $state<LiveGoal | null>(null);
  /** The live's battle, proposed, running or just ended (docs/battles.md); null when there is none. */
  battle = $state<Battle | null>(null);
  /** Who is on the live's stage: its host and the guests, in the order they joined; null until the welcome. */
  stage = $state<RoomStage | null>(null);
  pinned = $state<PaidMessageEvent[]>([]);
  feed = $state<FeedItem[]>([]);
  connection = $state<Connection>('connecting');
  endedReason = $state<string | null>(null);
  /** Set when this user was banned from the creator's lives: they watch on, signed out of the room. */
  banned = $state(false);

  /** Called for each gift seen for the first time after joining, to animate it. */
  ongift: (gift: GiftEvent) => void = () => {};
  /** Called when someone gifted this viewer a subscription, so the page shows it. */
  onsubscriptiongift: (gift: SubscriptionGiftEvent) => void = () => {};

  readonly liveId: string;
  #socket: WebSocket | null = null;
  #seen = new Set<string>();
  /** The last money event received, to resume after when the socket drops. */
  #lastEventId: string | null = null;
  #retryMs = RETRY_MIN_MS;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Counts joins: a join overtaken by a newer one (the session changed while it asked for a ticket) gives up. */
  #attempt = 0;
  /** Whom the socket joined as: a user id, null for anonymous, undefined before the first join. */
  #joinedAs: string | null | undefined = undefined;
  #refs = 0;
  #pending = new Map<string, { resolve: (result: unknown) => void; reject: (error: ApiError) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(liveId: string) {
    this.liveId = liveId;
  }

  /**
   * Joins as `userId` (null: anonymously), or joins again when the room is joined as someone else: the page
   * calls it whenever the session becomes known or changes, so a viewer never stays anonymous while signed in.
   */
  joinAs(userId: string | null): void {
    if (this.#closed || this.#joinedAs === userId) return;
    this.#joinedAs = userId;
    clearTimeout(this.#retryTimer);
    const previous = this.#socket;
    this.#socket = null;
    previous?.close(1000);
    void this.#connect();
  }

  /** Joins signed in when there is a session (and no ban), else as an anonymous viewer. */
  async #connect(): Promise<void> {
    if (this.#closed) return;
    const attempt = ++this.#attempt;
    this.#joinedAs = session.user?.id ?? null;
    let path = `/api/v1/lives/${encodeURIComponent(this.liveId)}/ws`;
    if (session.user && !this.banned) {
      try {
        path = (await call(api.POST('/api/v1/lives/{id}/tickets', { params: { path: { id: this.liveId } } }))).url;
      } catch (error) {
        if (attempt !== this.#attempt) return;
        // A live that is over or unknown: the anonymous socket says which, with its close code.
        if (!(error instanceof ApiError) || error.status >= 500 || error.status === 0) return this.#retry();
      }
    }
    if (this.#closed || attempt !== this.#attempt) return;
    if (this.#lastEventId !== null) path += `${path.includes('?') ? '&' : '?'}since=${encodeURIComponent(this.#lastEventId)}`;
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
    this.#socket = socket;
    socket.onmessage = (event) => this.#receive(JSON.parse(String(event.data)) as ServerMessage);
    socket.onclose = (event) => this.#closedWith(socket, event.code);
    clearInterval(this.#ping);
    this.#ping = setInterval(() => this.#send({ type: 'ping' }), PING_MS);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#ping);
    this.#socket?.close(1000);
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
  }

  /** Sends a client message and answers the `ack`'s result, or throws the `error` as an ApiError. */
  request<T>(message: Exclude<ClientMessage, { type: 'ping' }>): Promise<T> {
    const ref = `r${++this.#refs}`;
    return new Promise<T>((resolve, reject) => {
      if (!this.#send({ ...message, ref })) return reject(new ApiError(0, 'not_connected', 'Not connected to the room; try again in a moment.'));
      const timer = setTimeout(() => {
        this.#pending.delete(ref);
        reject(new ApiError(0, 'timeout', 'The room did not answer; try again.'));
      }, ACK_TIMEOUT_MS);
      this.#pending.set(ref, { resolve: resolve as (result: unknown) => void, reject, timer });
    });
  }

  #send(message: ClientMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  /** False for an id seen before; remembers it. */
  /**
   * The live's battle as a welcome tells it (proposed or running, or none): the scores shown never go
   * back, and a result shown stays until the next battle.
   */
  #welcomeBattle(battle: Battle | null): void {
    if (battle === null) {
      if (this.battle?.winner === null) this.battle = null;
      return;
    }
    const shown = this.battle?.id === battle.id ? this.battle : null;
    this.battle = shown ? { ...battle, sides: battle.sides.map((side) => ({ ...side, score: Math.max(side.score, shown.sides.find((each) => each.side === side.side)?.score ?? 0) })) } : battle;
  }

  /** Reads who is on the stage when a stage event names guests the room has no names for. */
  async #loadStage(): Promise<void> {
    try {
      const { stage } = await call(api.GET('/api/v1/lives/{id}/stage', { params: { path: { id: this.liveId } } }));
      this.stage = stage;
    } catch {
      // The tiles show from the next stage event or welcome instead.
    }
  }

  #firstSighting(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > SEEN_MAX) this.#seen.delete(this.#seen.values().next().value!);
    return true;
  }

  /**
   * Adds a line in the order of its `sentAt` on the server, not of its arrival: a welcome lists chat and money
   * events apart, and events reach the room through the ledger after chat sent beside them, so arrival
   * order would change from one load to the next.
   */
  #addToFeed(item: FeedItem): void {
    const at = Date.parse(item.sentAt);
    let index = this.feed.length;
    while (index > 0 && Date.parse(this.feed[index - 1]!.sentAt) > at) index--;
    this.feed = [...this.feed.slice(0, index), item, ...this.feed.slice(index)].slice(-FEED_MAX);
  }

  /** A gift's line in the feed: a combo keeps one line, at its start, whose count grows. */
  #giftToFeed(gift: GiftEvent): void {
    const key = gift.combo?.id ?? gift.eventId;
    const index = this.feed.findIndex((item) => item.key === key);
    if (index < 0) return this.#addToFeed({ ...gift, key });
    const shown = this.feed[index] as GiftEvent;
    // Counts only grow: an event relayed late never winds the line back.
    if ((gift.combo?.count ?? 0) > (shown.combo?.count ?? 0)) this.feed[index] = { ...gift, key, sentAt: shown.sentAt };
  }

  #pin(message: PaidMessageEvent): void {
    if (message.pinnedUntil && Date.parse(message.pinnedUntil) > Date.now()) this.pinned = [message, ...this.pinned.filter((pinned) => pinned.eventId !== message.eventId)];
  }

  /** Drops pinned messages whose time is up; the page calls it on its clock tick. */
  unpinExpired(now: number): void {
    if (this.pinned.some((message) => Date.parse(message.pinnedUntil!) <= now)) this.pinned = this.pinned.filter((message) => Date.parse(message.pinnedUntil!) > now);
  }

  #receive(message: ServerMessage): void {
    switch (message.type) {
      case 'batch':
        for (const event of message.events) this.#event(event);
        return;
      case 'welcome':
        this.connection = 'live';
        this.#retryMs = RETRY_MIN_MS;
        this.live = message.live;
        this.#welcomeBattle(message.battle);
        this.stage = message.stage;
        this.role = message.you.role;
        this.me = message.you.user;
        this.mutedUntil = message.you.mutedUntil;
        this.viewers = message.viewers;
        this.chatMode = message.chatMode;
        this.topGifters = message.topGifters;
        this.goal = message.goal;
        this.pinned = [];
        for (const pinned of message.pinned) this.#pin(pinned);
        if (message.resumed === true) {
          // The money events missed follow in a batch; chat is not replayed, so the recent chat not seen yet joins the feed.
          for (const chat of message.recentChat) if (this.#firstSighting(chat.id)) this.#addToFeed({ ...chat, key: chat.id });
          return;
        }
        // The welcome restores the room without replaying it: recent events are not animated again.
        this.feed = [];
        this.#lastEventId = null;
        for (const chat of message.recentChat) {
          this.#firstSighting(chat.id);
          this.#addToFeed({ ...chat, key: chat.id });
        }
        for (const event of message.recentEvents) {
          this.#firstSighting(event.eventId);
          this.#lastEventId = event.eventId;
          if (event.type === 'gift') this.#giftToFeed(event);
          else this.#addToFeed({ ...event, key: event.eventId });
        }
        return;
      case 'ack':
      case 'error': {
        const pending = message.ref === undefined ? undefined : this.#pending.get(message.ref);
        if (!pending) return;
        clearTimeout(pending.timer);
        this.#pending.delete(message.ref!);
        if (message.type === 'ack') pending.resolve(message.result);
        else pending.reject(new ApiError(400, message.code, message.message));
        return;
      }
      case 'pong':
        return;
      default:
        this.#event(message);
    }
  }

  /** One room event, alone or from a batch. */
  #event(message: RoomEvent): void {
    switch (message.type) {
      case 'viewers':
        this.viewers = message.count;
        return;
      case 'chat':
        if (this.#firstSighting(message.id)) this.#addToFeed({ ...message, key: message.id });
        return;
      case 'chat_deleted':
        this.feed = this.feed.filter((item) => item.type !== 'chat' || item.id !== message.id);
        return;
      case 'gift':
        this.#lastEventId = message.eventId;
        if (!this.#firstSighting(message.eventId)) return;
        this.#giftToFeed(message);
        this.ongift(message);
        return;
      case 'paid_message':
        this.#lastEventId = message.eventId;
        if (!this.#firstSighting(message.eventId)) return;
        this.#addToFeed({ ...message, key: message.eventId });
        this.#pin(message);
        return;
      case 'cheer':
        this.#lastEventId = message.eventId;
        if (this.#firstSighting(message.eventId)) this.#addToFeed({ ...message, key: message.eventId });
        return;
      case 'leaderboard':
        this.topGifters = message.topGifters;
        return;
      case 'goal_set':
      case 'goal_completed':
        // Servers push the progress their own payments reached: the highest seen stands.
        this.goal = { ...message.goal, progress: Math.max(message.goal.progress, this.goal?.id === message.goal.id ? this.goal.progress : 0) };
        return;
      case 'goal_progress':
        if (this.goal?.id === message.goalId && message.progress > this.goal.progress) this.goal = { ...this.goal, progress: message.progress };
        return;
      case 'goal_cleared':
        if (this.goal?.id === message.goalId) this.goal = null;
        return;
      case 'fan_joined':
        if (this.me?.userId === message.userId) this.me = { ...this.me, fan: message.fan };
        return;
      case 'battle_proposed':
      case 'battle_started':
      case 'battle_ended':
        this.battle = message.battle;
        return;
      case 'battle_declined':
        if (this.battle?.id === message.battle.id) this.battle = null;
        return;
      case 'battle_score': {
        // Each server pushes what its own gifts reached: the highest seen per side is the score.
        const { scores } = message;
        if (this.battle?.id !== message.battleId || this.battle.winner !== null) return;
        this.battle = { ...this.battle, sides: this.battle.sides.map((side) => ({ ...side, score: Math.max(side.score, scores[side.side]) })) };
        return;
      }
      case 'stage': {
        const stage = this.stage;
        const known = stage ? new Map(stage.guests.map((guest) => [guest.userId, guest])) : new Map();
        if (stage && message.guestIds.every((id) => known.has(id))) this.stage = { ...stage, guests: message.guestIds.map((id) => known.get(id)!) };
        else void this.#loadStage();
        return;
      }
      case 'chat_mode':
        this.chatMode = message.chatMode;
        return;
      case 'playback':
        if (this.live) this.live = { ...this.live, playbackUrl: message.playbackUrl };
        return;
      case 'stream':
        if (this.live) this.live = { ...this.live, streamDisconnectedAt: message.disconnectedAt };
        return;
      case 'subscription_gift':
        // Not a money event of the `since` resume: it does not move #lastEventId.
        if (!this.#firstSighting(message.eventId)) return;
        this.#addToFeed({ ...message, key: message.eventId });
        if (this.me && message.recipients.some((recipient) => recipient.userId === this.me!.userId)) this.onsubscriptiongift(message);
        return;
      case 'user_muted':
        if (message.userId === this.me?.userId) this.mutedUntil = message.until;
        return;
      case 'user_banned':
        this.feed = this.feed.filter((item) => item.type !== 'chat' || item.user.userId !== message.userId);
        if (message.userId === this.me?.userId) this.banned = true;
        return;
      case 'live_ended':
        this.connection = 'ended';
        this.endedReason = message.reason;
        if (this.live) this.live = { ...this.live, status: 'ended', endedAt: message.endedAt };
        return;
    }
  }

  #closedWith(socket: WebSocket, code: number): void {
    if (socket !== this.#socket || this.#closed) return;
    clearInterval(this.#ping);
    if (code === CLOSE.ended || code === CLOSE.notLive) {
      this.connection = 'ended';
      if (this.live) this.live = { ...this.live, status: 'ended' };
      return;
    }
    if (code === CLOSE.notFound) {
      this.connection = 'gone';
      return;
    }
    if (code === CLOSE.banned) this.banned = true;
    // A session that ended gets no ticket: the room carries on anonymously until the user signs in again.
    if (code === CLOSE.ticket || code === CLOSE.banned || code === CLOSE.sessionEnded) {
      void this.#connect();
      return;
    }
    // Too many messages, or this viewer's other tabs hold every socket allowed: try again slowly. Anything else
    // (too slow to keep up, 4408; a dropped connection; a server restart) comes back soon, resuming with `since`.
    this.#retry(code === CLOSE.tooMany || code === CLOSE.tooManySockets ? RETRY_MAX_MS : undefined);
  }

  /** Reconnects with backoff: 1, 2, 4… up to 15 seconds, resuming after the last money event seen; or the welcome restores the room. */
  #retry(delayMs?: number): void {
    this.connection = 'reconnecting';
    const wait = delayMs ?? this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
    this.#retryTimer = setTimeout(() => void this.#connect(), wait);
  }
}
