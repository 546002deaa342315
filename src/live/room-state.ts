import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { BusSubscription } from '../bus/index.js';
import { ROOM_TOPIC_PREFIX } from '../outbox/index.js';
import { entryOf, SUPPORT_TAKEN_BACK, SupporterBoard } from './board.js';
import { batchOf, frameOf, isMoneyEvent, SentEvents, textFrame, TickEvents, type TickEvent } from './fanout.js';
import type { Live } from './lives.js';
import type { Battle, ChatEmote, ChatEvent, ChatMode, FanBadge, LiveGoal, MoneyEvent, RoomRole, RoomStage, RoomUser, ServerMessage, SubscriberBadge, TopGifterEntry } from './protocol.js';
import { ViewerPresence, type PresenceMessage } from './presence.js';
import type { RoomHubDependencies, RoomStats, RoomSubscriberTier } from './room.js';

/** Close codes a client can act on (docs/live-protocol.md). */
export const CLOSE = {
  liveEnded: 1000,
  shuttingDown: 1001,
  invalidTicket: 4401,
  banned: 4403,
  notFound: 4404,
  notLive: 4409,
  tooManyMessages: 4429,
  /** More sockets in the room than one viewer may have: ROOM_MAX_SOCKETS_PER_VIEWER. */
  tooManySockets: 4430,
  /** More than ROOM_MAX_BUFFERED_BYTES waited to be sent to the socket: reconnect with `since`. */
  tooSlow: 4408,
  /** The session the socket joined with ended: signed out, password changed, account closed, expired. */
  sessionEnded: 4440,
} as const;

const RECENT_CHAT = 50;
const RECENT_EVENTS = 20;
/** Event ids remembered per room to drop repeats (the outbox relays at least once). */
const SEEN_EVENT_IDS = 4096;
/** Money events a room keeps, as sent, for clients that reconnect with `?since=<eventId>`. */
const RESUMABLE_EVENTS = 2000;
/** Supporters loaded when a room opens: the board counts on from their totals. */
const SUPPORTERS_LOADED = 100_000;
const TOP_GIFTERS = 10;
/** Every process tells the others all its viewers this often; a process not heard from for three rounds is forgotten. */
const PRESENCE_INTERVAL_MS = 10_000;
/** Viewer counts and leaderboards are pushed at most this often per room. */
const PUSH_INTERVAL_MS = 1000;
/** A room with nobody left stays subscribed this long, so reconnect storms do not resubscribe. */
const ROOM_LINGER_MS = 5000;
/** Sessions asked for in one query when a room checks its sockets' sessions. */
const SESSION_RECHECK_BATCH = 500;

/** A socket in a room. */
export interface Connection {
  socket: WebSocket;
  /** The socket's upgraded stream: room frames, framed once for every socket (`textFrame`), are written to it whole. */
  stream: Duplex;
  role: RoomRole;
  user: RoomUser | null;
  /** The session a signed-in socket acts for (null for anonymous viewers and overlays), and when it expires. */
  sessionId: string | null;
  sessionExpiresMs: number;
  /** Who the socket counts as in the viewer count: `user:<id>`, or `ip:<address>` for anonymous viewers; null for overlays. */
  viewerKey: string | null;
  /** Set once the socket is being closed for an ended session: it acts no more. */
  ended: boolean;
  mutedUntilMs: number;
  /** Frames that arrived before the welcome was sent; null once welcomed. */
  queued: Buffer[] | null;
  /** The eventId the client asked to resume after (`?since=`), or null. */
  since: string | null;
  /** The money events it missed, taken when it joined the room; undefined when `since` is not remembered. */
  missed?: string[];
  messageTimes: number[];
  chatTimes: number[];
  /** The badge's look-up when the socket joined; it never rejects. */
  badgeLookup?: Promise<void>;
  heartbeat?: NodeJS.Timeout;
}

/** What a room needs of the hub that keeps this process's rooms. */
export interface RoomHost {
  readonly deps: RoomHubDependencies;
  /** This process, in presence messages. */
  readonly nodeId: string;
  readonly rooms: Map<string, Promise<Room>>;
  /** Signed-in connections by user, in every room of this process. */
  readonly byUser: Map<string, Set<Connection>>;
  /** Writes a frame made by `textFrame` to one socket, or queues it until the socket is welcomed; closes a socket too slow to keep up. */
  send(connection: Connection, frame: Buffer): void;
  /** Closes a socket whose session ended. */
  endSession(connection: Connection): void;
  /** The process's counts of sockets and frames, for metrics. */
  readonly stats: RoomStats;
}

/**
 * One live's room in this process: its sockets, the events of the current tick, what was sent (to
 * resume a socket after a drop), the viewers here and on other processes, and the top-gifter board.
 */
export class Room {
  readonly connections = new Set<Connection>();
  private subscription: BusSubscription | undefined;
  private readonly recentChat: ChatEvent[] = [];
  private readonly recentEvents: object[] = [];
  private readonly seenEventIds = new Set<string>();
  /** This tick's events, sent together when it ends; the timer runs only while some wait. */
  private readonly tick = new TickEvents();
  private tickTimer: NodeJS.Timeout | undefined;
  /** When the room last sent a frame, in ms since the epoch. */
  private frameSentAtMs = 0;
  /** The board and the viewer count, changed, waiting to go out with the room's next frame: the latest of each. */
  private readonly riders = new TickEvents();
  private ridersTimer: NodeJS.Timeout | undefined;
  /** A quiet room's first events go out once the gather time has passed. */
  private flushSoon: NodeJS.Timeout | undefined;
  private readonly sent = new SentEvents(RESUMABLE_EVENTS);
  /** Distinct viewers here and on every other process, by viewer key (a signed-in user, or an anonymous address). */
  private readonly presence: ViewerPresence;
  private viewersShown = -1;
  private viewersTimer: NodeJS.Timeout | undefined;
  private presenceTimer: NodeJS.Timeout;
  private sessionTimer: NodeJS.Timeout;
  private lingerTimer: NodeJS.Timeout | undefined;
  private readonly supporters = new SupporterBoard();
  private boardLoaded = false;
  /** The top gifters last pushed (and shown in welcomes). */
  private board: TopGifterEntry[] = [];
  private boardJson = '[]';
  private boardTimer: NodeJS.Timeout | undefined;
  private boardPushedAt = 0;
  /** The creator's subscription tiers, for badges' names and chat emotes; kept fresh through the bus. */
  private tiers: RoomSubscriberTier[] = [];
  /** The latest badge look-up of each user whose badge is being looked up: an older answer does not overwrite a newer one. */
  private readonly badgeLookups = new Map<string, number>();
  private badgeLookupCount = 0;
  /** The live's goal as the room last heard of it: read when the room opens, then kept by goal events. */
  private goal: LiveGoal | null = null;
  /** The live's battle proposed or running, kept like the goal: its scores the highest heard. */
  private battle: Battle | null = null;
  /** Who is on the stage: read when the room opens and again when a stage event says it changed. */
  private stage: RoomStage | undefined;
  private stageReads = 0;
  /** The read a stage event started: a welcome waits for it, so a client joining after the event sees its stage. */
  private stageRead: Promise<void> = Promise.resolve();
  ended = false;

  constructor(
    private readonly host: RoomHost,
    readonly liveId: string,
    readonly creatorId: string,
    /** How the chat is set; changed by `chat_mode` events. */
    public chatMode: ChatMode,
  ) {
    this.presence = new ViewerPresence(host.nodeId, 3 * PRESENCE_INTERVAL_MS);
    this.presenceTimer = setInterval(() => {
      this.publishPresence();
      this.closeExpiredSessions();
    }, PRESENCE_INTERVAL_MS);
    this.presenceTimer.unref();
    this.sessionTimer = setInterval(() => void this.recheckSessions(), this.host.deps.config.sessionRecheckMs);
    this.sessionTimer.unref();
  }

  async open(): Promise<void> {
    this.subscription = await this.host.deps.bus.subscribe(this.topic, (message) => this.receive(message));
    // Read once subscribed: a change committed before is read here, one after arrives as an event.
    const [live, goal, battle] = await Promise.all([
      this.host.deps.lives.get(this.liveId),
      this.host.deps.goals.current(this.liveId),
      this.host.deps.stage.battleOf(this.liveId),
      this.loadTiers(),
      this.loadStage(),
    ]);
    this.chatMode = live.chatMode;
    this.goal = goal;
    // An event heard while reading is as new as the read or newer.
    if (this.battle === null || this.battle.id !== battle?.id) this.battle = battle;
    // The other processes in the room answer with all their viewers, so the count is whole at once.
    await this.publish({ type: '_presence', node: this.host.nodeId, hello: true }).catch((error: unknown) =>
      this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'asking for the viewer counts failed'),
    );
    await this.loadBoard();
  }

  /**
   * Loads every supporter's total from the gift records, once. A money event relayed while the board
   * loads is not added: it was committed before it was relayed, so the load counts it unless it
   * committed after the load's read, and then it is left out (never counted twice) until the room
   * opens again.
   */
  private async loadBoard(): Promise<void> {
    this.supporters.load(await this.host.deps.gifts.topGifters(this.liveId, SUPPORTERS_LOADED));
    await this.refreshBadges(this.supporters.top(TOP_GIFTERS).map((supporter) => supporter.userId));
    this.boardLoaded = true;
    this.board = this.supporters
      .top(TOP_GIFTERS)
      .map(entryOf)
      .filter((entry) => entry !== undefined);
    this.boardJson = JSON.stringify(this.board);
  }

  get topic(): string {
    return `${ROOM_TOPIC_PREFIX}${this.liveId}`;
  }

  /** Distinct viewers in the room across every process (a user once however many sockets, anonymous viewers once per address); overlays are not viewers. */
  get viewers(): number {
    return this.presence.count();
  }

  /** (Re)loads the creator's tiers, and renames the badges shown. Never rejects: the tiers known stay on a failure. */
  async loadTiers(): Promise<void> {
    try {
      this.tiers = await this.host.deps.subscriptions.tiersOf(this.creatorId);
    } catch (error) {
      this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'loading the subscription tiers failed');
      return;
    }
    const rename = (badge: SubscriberBadge): SubscriberBadge => ({ ...badge, tierName: this.tierName(badge.tierLevel) });
    for (const connection of this.connections) if (connection.user?.subscriber) connection.user.subscriber = rename(connection.user.subscriber);
    if (this.supporters.renameBadges(rename)) this.scheduleBoard();
  }

  /** Reads who is on the stage; of reads overlapping, the last begun is the one kept. A failed read again (a stage event) keeps what was shown. */
  private async loadStage(): Promise<void> {
    const read = ++this.stageReads;
    try {
      const stage = await this.host.deps.stage.stageOf(this.liveId);
      if (read === this.stageReads) this.stage = stage;
    } catch (error) {
      if (this.stage === undefined) throw error;
      this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'reading who is on the stage failed');
    }
  }

  private tierName(level: number): string {
    return this.tiers.find((tier) => tier.level === level)?.name ?? `Level ${level}`;
  }

  /**
   * Looks up the users' subscriptions to the creator (one read for all) and shows them on their sockets
   * here and on the board. Never rejects: a failed look-up leaves the badges as they were.
   */
  async refreshBadges(userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const lookup = ++this.badgeLookupCount;
    for (const userId of userIds) this.badgeLookups.set(userId, lookup);
    let found: Awaited<ReturnType<RoomHubDependencies['subscriptions']['accessOfMany']>> | undefined;
    let levels = new Map<string, number>();
    let fans = new Map<string, FanBadge>();
    try {
      const { subscriptions, badges } = this.host.deps;
      [found, levels, fans] = await Promise.all([subscriptions.accessOfMany(this.creatorId, userIds), badges.levelsOf(userIds), badges.fansOf(this.creatorId, userIds)]);
    } catch (error) {
      this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'looking up subscriber badges failed');
    }
    let boardChanged = false;
    for (const userId of userIds) {
      // A later look-up answers for this user.
      if (this.badgeLookups.get(userId) !== lookup) continue;
      this.badgeLookups.delete(userId);
      if (!found) continue;
      const access = found.get(userId);
      const badge: SubscriberBadge | null = access ? { tierLevel: access.tierLevel, tierName: this.tierName(access.tierLevel), months: access.totalMonths } : null;
      const status = { level: levels.get(userId) ?? 1, fan: fans.get(userId) ?? null };
      for (const connection of this.host.byUser.get(userId) ?? []) if (this.connections.has(connection) && connection.user) Object.assign(connection.user, { subscriber: badge }, status);
      boardChanged = this.supporters.setSubscriber(userId, badge) || boardChanged;
      this.supporters.setStatus(userId, status);
    }
    if (boardChanged) this.scheduleBoard();
  }

  /** A subscription of the user to the creator changed, or a clawback lowered their levels: their badges are looked up again if shown here, else forgotten until they are. */
  async badgesChanged(userId: string): Promise<void> {
    const here = [...(this.host.byUser.get(userId) ?? [])].filter((connection) => this.connections.has(connection));
    if (here.length === 0 && !this.board.some((entry) => entry.userId === userId)) {
      this.supporters.setSubscriber(userId, undefined);
      return;
    }
    const lookup = this.refreshBadges([userId]);
    // Their next chat line waits for it, as a line sent before the welcome waits for the first look-up.
    for (const connection of here) connection.badgeLookup = lookup;
    return lookup;
  }

  /** The emotes a chat line uses, of those its sender may use: the tiers up to `level` (every tier for the creator's own lines). */
  emotesIn(text: string, level: number): ChatEmote[] {
    const usable = new Map<string, string>();
    // Lower levels first: a code a higher tier defines again shows that tier's image.
    for (const tier of this.tiers) if (tier.level <= level) for (const emote of tier.emotes) usable.set(emote.code, emote.image);
    return [...usable].filter(([code]) => text.includes(`:${code}:`)).map(([code, image]) => ({ code, image }));
  }

  async welcome(connection: Connection, live: Live): Promise<void> {
    const mutedUntil = connection.user ? await this.host.deps.access.mutedUntil(this.liveId, connection.user.userId) : null;
    connection.mutedUntilMs = mutedUntil ? Date.parse(mutedUntil) : 0;
    await this.stageRead;
    const message: ServerMessage = {
      type: 'welcome',
      live: { ...live, viewers: this.viewers, chatMode: this.chatMode },
      you: { role: connection.role, user: connection.user, mutedUntil },
      viewers: this.viewers,
      chatMode: this.chatMode,
      topGifters: this.board,
      goal: this.goal,
      battle: this.battle,
      stage: this.stage!,
      pinned: await this.host.deps.gifts.pinned(this.liveId),
      recentChat: [...this.recentChat],
      recentEvents: [...this.recentEvents] as MoneyEvent[],
      ...(connection.since === null ? {} : { resumed: connection.missed !== undefined }),
    };
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    connection.socket.send(JSON.stringify(message));
    if (connection.missed !== undefined && connection.missed.length > 0) connection.socket.send(batchOf(connection.missed));
    connection.missed = undefined;
    const queued = connection.queued ?? [];
    connection.queued = null;
    for (const frame of queued) this.host.send(connection, frame);
  }

  /** Adds the connection, or answers false when its viewer already has as many sockets here as one may. Checked and counted in one step. */
  add(connection: Connection): boolean {
    const key = connection.viewerKey;
    if (key !== null && this.presence.socketsOf(key) >= this.host.deps.config.maxSocketsPerViewer) return false;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    // What it missed is what was sent before now: what is sent from now on reaches it as to everyone.
    if (connection.since !== null) connection.missed = this.sent.after(connection.since);
    this.connections.add(connection);
    this.host.stats.sockets++;
    this.host.stats.socketsJoined++;
    if (connection.user) {
      let own = this.host.byUser.get(connection.user.userId);
      if (!own) this.host.byUser.set(connection.user.userId, (own = new Set()));
      own.add(connection);
    }
    if (key !== null && this.presence.addSocket(key)) this.viewersChanged(true);
    return true;
  }

  remove(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.host.stats.sockets--;
    clearInterval(connection.heartbeat);
    if (connection.user) {
      const own = this.host.byUser.get(connection.user.userId);
      own?.delete(connection);
      if (own?.size === 0) this.host.byUser.delete(connection.user.userId);
    }
    if (connection.viewerKey !== null && this.presence.removeSocket(connection.viewerKey)) this.viewersChanged(true);
    if (this.connections.size === 0 && !this.lingerTimer) {
      this.lingerTimer = setTimeout(() => void this.dispose(), ROOM_LINGER_MS);
      this.lingerTimer.unref();
    }
  }

  /** Closes the sockets whose sessions have run out: a signed-in socket lasts no longer than its session. */
  private closeExpiredSessions(): void {
    const atMs = this.host.deps.now().getTime();
    for (const connection of this.connections) if (connection.sessionId !== null && connection.sessionExpiresMs <= atMs) this.host.endSession(connection);
  }

  /** Closes the sockets whose sessions ended without word reaching this process (a message lost on the bus, a console command). */
  private async recheckSessions(): Promise<void> {
    const signedIn = [...this.connections].filter((connection) => connection.sessionId !== null && !connection.ended);
    for (let start = 0; start < signedIn.length; start += SESSION_RECHECK_BATCH) {
      const batch = signedIn.slice(start, start + SESSION_RECHECK_BATCH);
      try {
        const active = await this.host.deps.accounts.activeSessions(batch.map((connection) => connection.sessionId!));
        for (const connection of batch) if (!active.has(connection.sessionId!)) this.host.endSession(connection);
      } catch (error) {
        this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'checking the sessions of room sockets failed');
      }
    }
  }

  /** Publishes a message for every process's copy of this room, this one included. */
  publish(message: object): Promise<void> {
    return this.host.deps.bus.publish(this.topic, JSON.stringify(message));
  }

  private receive(frame: string): void {
    let message: { type?: unknown; eventId?: unknown; [key: string]: unknown };
    try {
      message = JSON.parse(frame) as typeof message;
    } catch {
      this.host.deps.logger.warn({ liveId: this.liveId }, 'dropped a room message that is not JSON');
      return;
    }
    if (typeof message.eventId === 'string') {
      if (this.seenEventIds.has(message.eventId)) return;
      this.seenEventIds.add(message.eventId);
      if (this.seenEventIds.size > SEEN_EVENT_IDS) this.seenEventIds.delete(this.seenEventIds.values().next().value!);
    }
    switch (message.type) {
      case '_presence':
        if (message.hello === true && message.node !== this.host.nodeId) this.publishPresenceSoon(true);
        this.presence.receive(message);
        this.viewersChanged(false);
        return;
      case 'gift':
      case 'paid_message':
      case 'cheer':
        if (typeof message.eventId === 'string') this.countSupport(message as unknown as MoneyEvent);
        break;
      case SUPPORT_TAKEN_BACK:
        // Like a money event, not counted while the board loads: the load reads the records as they are.
        if (this.boardLoaded && this.supporters.take(String(message.userId), Number(message.coins))) this.scheduleBoard();
        return;
      case 'chat':
        remember(this.recentChat, message as unknown as ChatEvent, RECENT_CHAT);
        break;
      case 'goal_set':
      case 'goal_completed': {
        const goal = message.goal as LiveGoal;
        this.goal = this.goal?.id === goal.id ? { ...goal, progress: Math.max(goal.progress, this.goal.progress) } : goal;
        break;
      }
      case 'fan_joined': {
        const fan = message.fan as FanBadge;
        for (const connection of this.host.byUser.get(String(message.userId)) ?? []) if (this.connections.has(connection) && connection.user) connection.user.fan = fan;
        if (this.supporters.setStatus(String(message.userId), { fan })) this.scheduleBoard();
        break;
      }
      case 'goal_cleared':
        if (this.goal?.id === message.goalId) this.goal = null;
        break;
      case 'battle_proposed':
      case 'battle_started': {
        const battle = message.battle as Battle;
        this.battle = this.battle?.id === battle.id ? withHigherScores(battle, this.battle) : battle;
        break;
      }
      case 'battle_declined':
      case 'battle_ended':
        // Over: a client that joins later reads the result with GET /api/v1/battles/:id.
        if (this.battle?.id === (message.battle as Battle).id) this.battle = null;
        break;
      case 'battle_score': {
        const scores = message.scores as { a: number; b: number };
        // A score of a battle this room has not heard of yet is passed on as it came.
        const shown = this.battle;
        if (shown === null || shown.id !== message.battleId) break;
        const raised = withHigherScores(shown, { sides: shown.sides.map((side) => ({ ...side, score: scores[side.side] ?? 0 })) });
        // Each process pushes what its own gifts reached: only news is passed on.
        if (raised.sides.every((side, index) => side.score === shown.sides[index]!.score)) return;
        this.battle = raised;
        break;
      }
      case 'stage':
        this.stageRead = this.loadStage();
        break;
      case 'goal_progress': {
        // Each process pushes what its own payments reached: only news is passed on.
        const goal = this.goal;
        if (goal === null || goal.id !== message.goalId || typeof message.progress !== 'number' || message.progress <= goal.progress) return;
        this.goal = { ...goal, progress: message.progress };
        break;
      }
      case 'chat_mode': {
        const { subscribersOnly } = (message.chatMode ?? {}) as { subscribersOnly?: unknown };
        this.chatMode = { subscribersOnly: subscribersOnly === true };
        break;
      }
      case 'chat_deleted': {
        const index = this.recentChat.findIndex((chat) => chat.id === message.id);
        if (index >= 0) this.recentChat.splice(index, 1);
        break;
      }
      case 'user_muted':
        for (const connection of this.connections) if (connection.user?.userId === message.userId) connection.mutedUntilMs = Date.parse(String(message.until));
        break;
      case 'user_banned':
        this.broadcast(message, frame);
        this.flush();
        for (const connection of this.connections) {
          if (connection.user?.userId === message.userId) connection.socket.close(CLOSE.banned, 'banned from this creator’s lives');
        }
        return;
      case 'live_ended':
        this.broadcast(message, frame);
        this.flush();
        this.ended = true;
        for (const connection of this.connections) connection.socket.close(CLOSE.liveEnded, 'live ended');
        void this.dispose(true);
        return;
    }
    this.broadcast(message, frame);
  }

  /**
   * Sends an event to every socket in the room: when the room has sent nothing for a tick, once the
   * events that follow it within the gather time (the rest of a burst) are in; else at the end of the
   * tick, with the others of the tick. A quiet room adds only the gather time; a busy one sends one frame per tick.
   */
  private broadcast(message: Record<string, unknown>, json: string): void {
    this.tick.add(String(message.type), message, json);
    if (this.tickTimer || this.flushSoon) return;
    this.flushSoon = setTimeout(() => this.flush(), this.host.deps.config.fanoutGatherMs);
    this.flushSoon.unref();
  }

  /**
   * Sends the board or the viewer count with the room's next frame when the room sent one within the
   * last push interval (more are likely), at the latest after that interval; at once in a quiet room.
   * Every frame is a pass over all the room's sockets (over 100 ms for 10,000 of them), and a pass of
   * its own would hold back the gifts that arrive during it.
   */
  private sendWithNextFrame(message: Record<string, unknown>, json: string): void {
    // Kept with any waiting rider (the latest of each type), so an older one never goes out after it.
    this.riders.add(String(message.type), message, json);
    if (Date.now() - this.frameSentAtMs >= PUSH_INTERVAL_MS) {
      for (const rider of this.takeRiders()) this.broadcast(rider.message, rider.json);
      return;
    }
    if (this.ridersTimer) return;
    this.ridersTimer = setTimeout(() => {
      for (const rider of this.takeRiders()) this.broadcast(rider.message, rider.json);
    }, PUSH_INTERVAL_MS);
    this.ridersTimer.unref();
  }

  private takeRiders(): TickEvent[] {
    clearTimeout(this.ridersTimer);
    this.ridersTimer = undefined;
    return this.riders.take();
  }

  /** Sends what the tick gathered in one frame, encoded once, the same bytes to every socket; the next tick starts if it sent anything. */
  private flush(): void {
    clearTimeout(this.tickTimer);
    clearTimeout(this.flushSoon);
    this.tickTimer = undefined;
    this.flushSoon = undefined;
    if (this.tick.size === 0) return;
    for (const rider of this.takeRiders()) this.tick.add(rider.type, rider.message, rider.json);
    const events = this.tick.take();
    this.frameSentAtMs = Date.now();
    this.tickTimer = setTimeout(() => this.flush(), this.host.deps.config.fanoutTickMs);
    this.tickTimer.unref();
    for (const event of events) {
      if (!isMoneyEvent(event.type)) continue;
      this.sent.push(String(event.message.eventId), event.json);
      remember(this.recentEvents, event.message, RECENT_EVENTS);
    }
    const frame = textFrame(frameOf(events.map((event) => event.json)));
    for (const connection of this.connections) this.host.send(connection, frame);
  }

  /** Counts a money event on the in-memory board (once: repeats were dropped before), and pushes the board soon. */
  private countSupport(event: MoneyEvent): void {
    if (!this.boardLoaded) return;
    this.supporters.add(event.senderId, event.senderName, event.coins, event.sentAt, event.senderLevel);
    // The sender's level as their payment carried it, for their chat lines from now on.
    if (event.senderLevel !== undefined) {
      for (const connection of this.host.byUser.get(event.senderId) ?? []) if (connection.user && event.senderLevel > (connection.user.level ?? 0)) connection.user.level = event.senderLevel;
    }
    this.scheduleBoard();
  }

  private viewersChanged(local: boolean): void {
    if (local) this.publishPresenceSoon();
    if (this.viewersTimer) return;
    this.viewersTimer = setTimeout(() => {
      this.viewersTimer = undefined;
      const count = this.viewers;
      if (count === this.viewersShown || this.ended) return;
      this.viewersShown = count;
      // Recorded first, so a client told the count reads the same one from the REST API.
      this.host.deps.lives
        .setViewers(this.liveId, count)
        .catch((error: unknown) => this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'recording the viewer count failed'))
        .finally(() => {
          const message = { type: 'viewers', count } satisfies ServerMessage;
          this.sendWithNextFrame(message, JSON.stringify(message));
        });
    }, PUSH_INTERVAL_MS);
    this.viewersTimer.unref();
  }

  private presenceSoon: NodeJS.Timeout | undefined;
  private snapshotSoon = false;
  /** Tells the other processes what changed here within a second; with `snapshot`, all the viewers here (a newcomer asked). */
  private publishPresenceSoon(snapshot = false): void {
    this.snapshotSoon ||= snapshot;
    if (this.presenceSoon) return;
    this.presenceSoon = setTimeout(() => {
      this.presenceSoon = undefined;
      const full = this.snapshotSoon;
      this.snapshotSoon = false;
      this.publishPresence(full ? this.presence.snapshotMessages() : this.presence.changeMessages());
    }, PUSH_INTERVAL_MS);
    this.presenceSoon.unref();
  }

  /** Publishes presence messages in order (all the viewers here by default: also this process's sign of life). */
  private publishPresence(messages: PresenceMessage[] = this.presence.snapshotMessages()): void {
    for (const message of messages) {
      this.publish(message).catch((error: unknown) => this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'publishing the viewers failed'));
    }
  }

  /** Pushes the board soon: at the next tick, or a second after the last push. */
  private scheduleBoard(): void {
    if (this.boardTimer || !this.boardLoaded) return;
    this.boardTimer = setTimeout(
      () => {
        void this.pushBoard().catch((error: unknown) => {
          this.boardTimer = undefined;
          this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'pushing the top gifters failed');
        });
      },
      Math.max(0, this.boardPushedAt + PUSH_INTERVAL_MS - Date.now()),
    );
    this.boardTimer.unref();
  }

  private readonly profileLookupFailed = new Set<string>();

  /** Pushes the in-memory board when it changed; a sender new to it is looked up once, for their handle and badge. */
  private async pushBoard(): Promise<void> {
    const unknown = (top: ReturnType<SupporterBoard['top']>) => top.filter((supporter) => supporter.handle === null && !this.profileLookupFailed.has(supporter.userId));
    const shown = this.supporters.top(TOP_GIFTERS);
    await Promise.all([
      this.refreshBadges(shown.filter((supporter) => supporter.subscriber === undefined && !this.badgeLookups.has(supporter.userId)).map((supporter) => supporter.userId)),
      ...unknown(shown).map(async ({ userId }) => {
        try {
          const user = await this.host.deps.accounts.getUser(userId);
          this.supporters.setProfile(userId, user.handle, user.displayName);
        } catch (error) {
          this.profileLookupFailed.add(userId);
          this.host.deps.logger.warn({ err: error, liveId: this.liveId, userId }, 'looking up a top gifter failed');
        }
      }),
    ]);
    this.boardTimer = undefined;
    this.boardPushedAt = Date.now();
    const top = this.supporters.top(TOP_GIFTERS);
    // Senders who reached the board while others were looked up.
    if (unknown(top).length > 0) this.scheduleBoard();
    const board = top.map(entryOf).filter((entry) => entry !== undefined);
    const json = JSON.stringify(board);
    if (json === this.boardJson || this.ended) return;
    this.board = board;
    this.boardJson = json;
    const message = { type: 'leaderboard', topGifters: board } satisfies ServerMessage;
    this.sendWithNextFrame(message, `{"type":"leaderboard","topGifters":${json}}`);
  }

  /** Leaves the room once nobody is in it (or at once when `now`: the live ended, the server stops). */
  async dispose(now = false): Promise<void> {
    if (this.connections.size > 0 && !this.ended && !now) return;
    clearTimeout(this.lingerTimer);
    clearTimeout(this.viewersTimer);
    clearTimeout(this.boardTimer);
    clearTimeout(this.tickTimer);
    clearTimeout(this.flushSoon);
    clearTimeout(this.ridersTimer);
    clearTimeout(this.presenceSoon);
    clearInterval(this.presenceTimer);
    clearInterval(this.sessionTimer);
    if ((await this.host.rooms.get(this.liveId)) === this) this.host.rooms.delete(this.liveId);
    if (!this.ended) await Promise.all(this.presence.snapshotMessages(true).map((message) => this.publish(message))).catch(() => {});
    await this.subscription?.unsubscribe().catch((error: unknown) => this.host.deps.logger.warn({ err: error, liveId: this.liveId }, 'unsubscribing a room failed'));
  }
}

/** `battle` with each side's score the higher of its own and the one `seen`. */
function withHigherScores(battle: Battle, seen: Pick<Battle, 'sides'>): Battle {
  return { ...battle, sides: battle.sides.map((side) => ({ ...side, score: Math.max(side.score, seen.sides.find((other) => other.side === side.side)?.score ?? 0) })) };
}

function remember<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.shift();
}
