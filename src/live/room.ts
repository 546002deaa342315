import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Bus, BusSubscription } from '../bus/index.js';
import { declareSettings, settingsIn, wholeNumber, type Env } from '../config/index.js';
import { newId } from '../db/index.js';
import type { DomainErrorCode } from '../shared/error-codes.js';
import { DomainError } from '../shared/errors.js';
import { findTextProblem } from '../shared/text.js';
import type { Live, Lives } from './lives.js';
import type { SupporterTotal } from './board.js';
import type { Battle, ChatEmote, ChatEvent, ClientMessage, FanBadge, LiveGoal, PaidMessageEvent, RoomRole, RoomStage, RoomUser, ServerMessage } from './protocol.js';
import { bannedError, mutedError, type RoomAccess } from './room-access.js';
import { CLOSE, Room, type Connection, type RoomHost } from './room-state.js';

/**
 * The codes only the room socket sends, described for docs/errors.md (scripts/error-docs.ts); its other
 * refusals are the API's DomainErrors. `closes` is the close code that follows, if any.
 */
export const ROOM_ERROR_CODES = {
  invalid_message: { meaning: 'A client message is not a JSON object with a known type and valid fields.', action: 'Send messages as docs/live-protocol.md describes.' },
  invalid_ticket: { closes: 4401, meaning: 'The ticket is used, expired or for another live.', action: 'Get a new ticket (POST /api/v1/lives/:id/tickets) and connect again.' },
  overlay_not_found: { closes: 4404, meaning: 'No overlay has this address, or its key was rotated.', action: 'Copy the overlay address again from the creator studio.' },
  not_live: { closes: 4409, meaning: "The overlay's creator is not live.", action: 'Reconnect later; the overlay does so by itself.' },
  internal_error: {
    meaning: 'Something failed on the server while handling a message; when it failed while joining, the socket closes with 1011.',
    action: 'Resend the message with the same idempotencyKey; after a close, reconnect with backoff and `since`.',
  },
} as const satisfies Record<string, { readonly closes?: number; readonly meaning: string; readonly action: string }>;
type RoomErrorCode = keyof typeof ROOM_ERROR_CODES;

const CHAT_MAX_CHARS = 200;
/** Chat messages one connection may send per window; more are refused until the window moves on. */
const CHAT_PER_WINDOW = 5;
const CHAT_WINDOW_MS = 10_000;
/** Any client messages per window before the connection is closed as a flood. */
const MESSAGES_PER_WINDOW = 60;
/** How long a socket closed as too slow has to take the close frame before it is cut. */
const SLOW_CLOSE_GRACE_MS = 5000;
/** Events queued for a connection that has not had its welcome yet; a flood beyond this closes it. */
const MAX_QUEUED_BEFORE_WELCOME = 1000;
/** At shutdown, how long clients get to answer the close frame before their sockets are cut (ws alone waits 30 s). */
const SHUTDOWN_CLOSE_GRACE_MS = 1000;
const CONTROL_CHARACTERS = /\p{Cc}/u;
/** Every process hears here of users some of whose sessions may have ended, to close the sockets acting for them. */
const SESSIONS_ENDED_TOPIC = 'accounts:sessions_ended';

export interface RoomConfig {
  /** A socket with more than this many bytes waiting to be sent is too slow and is closed. */
  readonly maxBufferedBytes: number;
  /** Sockets one viewer (a signed-in user, or an anonymous client address) may have in a room on one process; more are refused with 4430. */
  readonly maxSocketsPerViewer: number;
  /** How often a room asks the database whether its sockets' sessions are still on: the word of a session's end may be lost on the bus. */
  readonly sessionRecheckMs: number;
  /** Events of a room are gathered this long and sent together: one frame per socket per tick. */
  readonly fanoutTickMs: number;
  /** How long an event that finds the room quiet waits for those that follow it (a burst of gifts) before its frame goes out. */
  readonly fanoutGatherMs: number;
}

/** The variables of live rooms' sockets and fan-out. */
export const ROOM_SETTINGS = declareSettings({
  ROOM_FANOUT_TICK_MS: {
    module: 'live',
    default: '50',
    ...wholeNumber(0, 1000),
    description:
      'How long, in milliseconds, a live room gathers its events after sending a frame. An event that finds the room quiet (no frame within the last tick) goes out after `ROOM_FANOUT_GATHER_MS`; the events that follow within the tick go out together at its end, so every socket in the room gets at most one frame per tick: the event alone when there is one, a `batch` of them when there are several, encoded once for all. An event waits at most one tick, and an idle room runs no timer. Longer ticks mean fewer frames (less CPU per viewer in a busy room) and later alerts in a busy one. See [live-protocol.md](live-protocol.md#ticks-and-batches).',
  },
  ROOM_FANOUT_GATHER_MS: {
    module: 'live',
    default: '10',
    ...wholeNumber(0, 1000),
    description:
      'How long, in milliseconds, an event that finds a live room quiet waits for the events that follow it before their frame goes out. Gifts often come in bursts (viewers answering the same moment, or one burst committed in two ledger batches a few milliseconds apart): gathered, a burst reaches every socket as one frame instead of one now and the rest a tick later. 0 sends with the next turn of the event loop. Keep it well under `ROOM_FANOUT_TICK_MS`. See [live-protocol.md](live-protocol.md#ticks-and-batches).',
  },
  ROOM_MAX_BUFFERED_BYTES: {
    module: 'live',
    default: String(1024 * 1024),
    ...wholeNumber(1024, 1024 * 1024 * 1024),
    description:
      "How many bytes may wait in the server's send buffer for one room socket before the viewer is disconnected as too slow to keep up (the default is 1 MiB). A busy room sends every event to every viewer; a viewer on a poor connection that falls this far behind is sent nothing more and closed with code 4408 (cut off if it does not take the close frame within 5 seconds) rather than buffered for without bound. Their client reconnects with `?since=` and gets the gifts, paid messages and cheers it missed. See [live-protocol.md](live-protocol.md#close-codes).",
  },
  ROOM_MAX_SOCKETS_PER_VIEWER: {
    module: 'live',
    default: '5',
    ...wholeNumber(1, 1_000_000),
    description:
      'How many sockets one viewer may have open in one live room on one server process. A signed-in user is one viewer however many sockets they open; an anonymous viewer is their address (the `X-Forwarded-For` client behind a trusted proxy, see `TRUST_PROXY`). The next socket is refused with close code 4430, and the viewer count counts viewers, not sockets. Viewers behind one NAT share an address, so raise it where many people watch anonymously from one network. See [live-protocol.md](live-protocol.md#connecting).',
  },
  ROOM_SESSION_RECHECK_MS: {
    module: 'live',
    default: '60000',
    ...wholeNumber(1000, 3_600_000),
    description:
      "How often, in milliseconds, each live room asks the database whether the sessions its signed-in sockets act for are still on. A session's end (sign-out, password change, account closure) closes its sockets at once through the bus; this check closes those the word did not reach, such as after a message lost while a process was cut off from the broker, or a session ended by a console command. Money never waits for it: a socket asks for its session before every gift, paid message or cheer.",
  },
});

/** Reads ROOM_SETTINGS. Throws a ConfigError naming an invalid variable. */
export function loadRoomConfig(env: Env): RoomConfig {
  const read = settingsIn(env);
  return {
    fanoutTickMs: read(ROOM_SETTINGS.ROOM_FANOUT_TICK_MS),
    fanoutGatherMs: read(ROOM_SETTINGS.ROOM_FANOUT_GATHER_MS),
    maxBufferedBytes: read(ROOM_SETTINGS.ROOM_MAX_BUFFERED_BYTES),
    maxSocketsPerViewer: read(ROOM_SETTINGS.ROOM_MAX_SOCKETS_PER_VIEWER),
    sessionRecheckMs: read(ROOM_SETTINGS.ROOM_SESSION_RECHECK_MS),
  };
}

/** A payment made from a room socket, in the socket's session. */
interface RoomPayment {
  senderId: string;
  liveId: string;
  confirm: boolean;
  idempotencyKey: string;
  session: { sessionId: string };
}

/** A paid message or a cheer: coins carried by a line of text. */
type RoomCoinMessage = RoomPayment & { coins: number; text: string };

/** What the room needs of the gifts module: sending, boards, pinned paid messages. */
export interface RoomGifts {
  sendGift(input: RoomPayment & { giftId: string; quantity: number }): Promise<unknown>;
  sendPaidMessage(input: RoomCoinMessage): Promise<unknown>;
  sendCheer(input: RoomCoinMessage): Promise<unknown>;
  topGifters(liveId: string, limit: number): Promise<SupporterTotal[]>;
  pinned(liveId: string): Promise<PaidMessageEvent[]>;
}

/** A creator's subscription tier as a room shows it: the badge's name and the chat emotes. */
export interface RoomSubscriberTier {
  level: number;
  name: string;
  emotes: ChatEmote[];
}

/**
 * What the room needs of subscriptions, for badges, emotes and subscriber-only chat. Read when a socket
 * joins and when the board loads, never per chat line or gift; kept fresh by the word of changes.
 */
export interface RoomSubscriptions {
  /** Of these users, those whose subscription to the creator gives access now: one read for all. */
  accessOfMany(creatorId: string, userIds: readonly string[]): Promise<Map<string, { tierLevel: number; totalMonths: number }>>;
  /** The creator's tiers, closed ones included (their subscribers keep them). */
  tiersOf(creatorId: string): Promise<RoomSubscriberTier[]>;
  /** Hears, from every process, that a subscription (`subscriberId`) or the creator's tiers (without it) changed. */
  onChanged(listener: (change: { creatorId: string; subscriberId?: string }) => void): Promise<BusSubscription>;
}

export interface RoomHubDependencies {
  bus: Bus;
  lives: Pick<Lives, 'get' | 'heartbeat' | 'setViewers' | 'currentOf'>;
  access: RoomAccess;
  accounts: {
    getUser(id: string): Promise<{ id: string; handle: string; displayName: string }>;
    /** Of these sessions, those still signed in, with when each expires. */
    activeSessions(sessionIds: readonly string[]): Promise<Map<string, string>>;
  };
  gifts: RoomGifts;
  subscriptions: RoomSubscriptions;
  /** Gifter levels and fan badges, read with the subscriber badges (one read each for all); a member's day watched is recorded when they join. */
  badges: {
    levelsOf(userIds: readonly string[]): Promise<Map<string, number>>;
    fansOf(creatorId: string, userIds: readonly string[]): Promise<Map<string, FanBadge>>;
    watched(creatorId: string, userId: string): Promise<void>;
    /** Hears, from every process, that a clawback lowered a user's gifter level and fan points: the only way either falls but with time. */
    onLowered(listener: (userId: string) => void): Promise<BusSubscription>;
  };
  /** The live's goal, read when a room opens; goal events keep it current. */
  goals: { current(liveId: string): Promise<LiveGoal | null> };
  /** The live's battle (proposed or running) and who is on its stage, read when a room opens; battle and stage events keep them current. */
  stage: { battleOf(liveId: string): Promise<Battle | null>; stageOf(liveId: string): Promise<RoomStage> };
  overlays?: { verify(handle: string, key: string): Promise<{ creatorId: string } | undefined> };
  config: RoomConfig;
  /** The creator's socket counts as their heartbeat, sent this often. */
  creatorHeartbeatMs: number;
  logger: Logger;
  now: () => Date;
}

const ROOM_PATH = /^\/api\/v1\/lives\/([A-Za-z0-9_-]{1,64})\/ws$/;
const OVERLAY_PATH = /^\/api\/v1\/overlay\/([A-Za-z0-9_.-]{1,64})\/ws$/;

/** This process's live rooms, as the HTTP server and the accounts see them. */
export interface RoomHub {
  /** For the HTTP server's `upgrade` event: takes room and overlay sockets (`address` is the client's, behind trusted proxies), refuses anything else. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, address: string): void;
  /** Closes every socket (clients reconnect elsewhere) and leaves every room. */
  close(): Promise<void>;
  /** Closes the sockets, here and on every process, acting for a session of the user that is no longer signed in. Never rejects. */
  sessionsEnded(userId: string): Promise<void>;
  /** Closes this process's overlay sockets of a creator, after their overlay key changed. */
  dropOverlays(creatorId: string): Promise<void>;
  /** The signed-in viewers (not the creator, admins or overlays) with a socket in the live's room on this process. */
  viewersHere(liveId: string): Promise<string[]>;
  /** What this process's rooms hold and have sent, as plain counts read when metrics are scraped. */
  readonly stats: Readonly<RoomStats>;
}

/** Counts kept by the rooms of one process: each is a number bumped where it happens, nothing more. */
export interface RoomStats {
  /** Rooms this process holds (with sockets, or lingering after the last left). */
  rooms: number;
  /** Room and overlay sockets in a room now. */
  sockets: number;
  /** Sockets that joined a room since the process started. */
  socketsJoined: number;
  /** Frames fanned out to sockets: one per socket per tick that had events. */
  framesSent: number;
  /** Frames not sent: the socket was too slow (closed with 4408) or queued too many before its welcome. */
  framesDropped: number;
  /** Sockets closed with 4408 for falling behind. */
  slowSocketsClosed: number;
}

/**
 * Live rooms over WebSocket. Each server process keeps the rooms its own
 * viewers are in and subscribes to their bus topic; every event (gifts from
 * the outbox relay, chat, moderation, presence) comes through the bus, so a
 * room looks the same on every process. An event is encoded once and the
 * same bytes go to every socket; a socket that falls behind is closed, not
 * buffered for.
 */
export function createRoomHub(deps: RoomHubDependencies): RoomHub {
  const { bus, lives, access, gifts, logger, now } = deps;
  const nodeId = newId('node');
  // Without per-message deflate ws writes each frame whole and at once, so frames a room encoded for all its sockets can be written to the streams beside ws's own.
  const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4096, clientTracking: false });
  /** Each socket's upgraded stream (TCP or TLS), where room frames are written. */
  const upgradedStreams = new WeakMap<WebSocket, Duplex>();
  const rooms = new Map<string, Promise<Room>>();
  /** Signed-in connections by user, in every room of this process: a session's end is looked up here. */
  const byUser = new Map<string, Set<Connection>>();
  let closing = false;
  const sessionsSubscription = bus.subscribe(SESSIONS_ENDED_TOPIC, (message) => {
    const { userId, node } = JSON.parse(message) as { userId?: unknown; node?: unknown };
    // This process's own word was acted on before it was published.
    if (typeof userId === 'string' && node !== nodeId) void closeEndedSessions(userId);
  });
  sessionsSubscription.catch((error: unknown) => logger.error({ err: error }, 'subscribing to ended sessions failed'));
  const perksSubscription = deps.subscriptions.onChanged((change) => void subscriptionChanged(change));
  perksSubscription.catch((error: unknown) => logger.error({ err: error }, 'subscribing to subscription changes failed'));
  const loweredSubscription = deps.badges.onLowered((userId) => void levelsLowered(userId));
  loweredSubscription.catch((error: unknown) => logger.error({ err: error }, 'subscribing to lowered levels failed'));
  const stats: RoomStats = {
    get rooms() {
      return rooms.size;
    },
    sockets: 0,
    socketsJoined: 0,
    framesSent: 0,
    framesDropped: 0,
    slowSocketsClosed: 0,
  };
  const host: RoomHost = { deps, nodeId, rooms, byUser, send, endSession, stats };

  function send(connection: Connection, frame: Buffer): void {
    if (connection.queued) {
      if (connection.queued.length >= MAX_QUEUED_BEFORE_WELCOME) {
        stats.framesDropped++;
        connection.socket.terminate();
      } else connection.queued.push(frame);
      return;
    }
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    if (connection.socket.bufferedAmount > deps.config.maxBufferedBytes) {
      // Buffering without bound for one slow reader would cost every viewer; the client reconnects with `since` and misses nothing.
      logger.info({ user: connection.user?.userId, bufferedBytes: connection.socket.bufferedAmount }, 'closed a room socket that could not keep up');
      stats.framesDropped++;
      stats.slowSocketsClosed++;
      closeTooSlow(connection.socket);
      return;
    }
    stats.framesSent++;
    connection.stream.write(frame);
  }

  /**
   * Closes with 4408 behind what is already buffered; nothing more is sent to a closing socket. A
   * client that does not take the close frame in SLOW_CLOSE_GRACE_MS is cut off.
   */
  function closeTooSlow(socket: WebSocket): void {
    socket.close(CLOSE.tooSlow, 'too slow');
    const cut = setTimeout(() => socket.terminate(), SLOW_CLOSE_GRACE_MS);
    cut.unref();
    socket.once('close', () => clearTimeout(cut));
  }

  /** Badges and emotes follow a subscription, or a creator's tiers, changed in any process. */
  async function subscriptionChanged(change: { creatorId: string; subscriberId?: string }): Promise<void> {
    for (const result of await Promise.allSettled(rooms.values())) {
      if (result.status !== 'fulfilled' || result.value.creatorId !== change.creatorId) continue;
      await (change.subscriberId === undefined ? result.value.loadTiers() : result.value.badgesChanged(change.subscriberId));
    }
  }

  /** A clawback lowered the user's levels: every room here shows their badges as they are now, or looks them up again when it shows them. */
  async function levelsLowered(userId: string): Promise<void> {
    for (const result of await Promise.allSettled(rooms.values())) if (result.status === 'fulfilled') await result.value.badgesChanged(userId);
  }

  function roomOf(live: Live): Promise<Room> {
    let room = rooms.get(live.id);
    if (!room) {
      const created = new Room(host, live.id, live.creator.id, live.chatMode);
      room = created.open().then(() => created);
      rooms.set(live.id, room);
      room.catch(() => rooms.delete(live.id));
    }
    return room;
  }

  function reply(connection: Connection, message: ServerMessage): void {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(JSON.stringify(message));
  }

  /** Tells the client why (an error message), then closes with `code`. */
  function refuse(socket: WebSocket, code: number, error: DomainError): void;
  function refuse(socket: WebSocket, code: number, errorCode: RoomErrorCode | DomainErrorCode, message: string): void;
  function refuse(socket: WebSocket, code: number, error: string | DomainError, message = ''): void {
    const [errorCode, text] = error instanceof DomainError ? [error.code, error.message] : [error, message];
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'error', code: errorCode, message: text } satisfies ServerMessage));
    socket.close(code, errorCode);
  }

  function sessionEndedError(): DomainError {
    return DomainError.unauthenticated('session_ended', 'The session this socket joined with has ended (signed out, password changed or account closed); sign in again.');
  }

  /** Closes a socket whose session ended, with 4440; it acts no more, whatever it sends meanwhile. */
  function endSession(connection: Connection): void {
    if (connection.ended) return;
    connection.ended = true;
    refuse(connection.socket, CLOSE.sessionEnded, sessionEndedError());
  }

  /** Closes this process's sockets of the user whose sessions are no longer signed in. */
  async function closeEndedSessions(userId: string): Promise<void> {
    const connections = [...(byUser.get(userId) ?? [])];
    if (connections.length === 0) return;
    try {
      const active = await deps.accounts.activeSessions(connections.map((connection) => connection.sessionId ?? ''));
      for (const connection of connections) if (!active.has(connection.sessionId ?? '')) endSession(connection);
    } catch (error) {
      logger.error({ err: error, userId }, 'checking the sessions of room sockets failed');
    }
  }

  /**
   * Asks the database whether the socket's session is still signed in, in the path of anything that
   * moves money: a session ended on another process, whose word has not arrived yet, never spends.
   */
  async function requireSession(connection: Connection): Promise<void> {
    const active = connection.sessionId === null ? undefined : (await deps.accounts.activeSessions([connection.sessionId])).get(connection.sessionId);
    if (active === undefined) throw sessionEndedError();
  }

  function errorOf(error: unknown, ref: string | undefined): ServerMessage {
    if (error instanceof DomainError) return { type: 'error', ...(ref === undefined ? {} : { ref }), code: error.code, message: error.message };
    logger.error({ err: error }, 'a room message failed');
    return { type: 'error', ...(ref === undefined ? {} : { ref }), code: 'internal_error' satisfies RoomErrorCode, message: 'Something went wrong on our side; try again.' };
  }

  /** Counts a message in a sliding window; false when the window is full. */
  function withinRate(times: number[], limit: number, windowMs: number): boolean {
    const at = Date.now();
    while (times.length > 0 && times[0]! <= at - windowMs) times.shift();
    if (times.length >= limit) return false;
    times.push(at);
    return true;
  }

  async function handle(room: Room, connection: Connection, message: ClientMessage): Promise<unknown> {
    const user = connection.user;
    const signedIn = (): RoomUser => {
      if (!user || connection.role === 'overlay') throw DomainError.unauthenticated('sign_in_required', 'Sign in and join with a ticket to take part.');
      if (connection.ended || connection.sessionExpiresMs <= now().getTime()) throw sessionEndedError();
      return user;
    };
    const moderator = (): RoomUser => {
      const who = signedIn();
      if (connection.role !== 'creator' && connection.role !== 'admin') throw DomainError.forbidden('not_a_moderator', 'Only the creator and admins can moderate this room.');
      return who;
    };
    switch (message.type) {
      case 'chat': {
        const who = signedIn();
        if (connection.mutedUntilMs > now().getTime()) {
          throw mutedError(new Date(connection.mutedUntilMs).toISOString());
        }
        // From memory: the badge was looked up when the socket joined (a line sent before the welcome waits for it) and follows the subscription through the bus.
        await connection.badgeLookup;
        if (room.chatMode.subscribersOnly && connection.role === 'viewer' && who.subscriber === null) {
          throw DomainError.forbidden('subscribers_only', 'Only subscribers to the creator can chat in this live right now; subscribe to take part.');
        }
        const text = typeof message.text === 'string' ? message.text.trim() : '';
        if ([...text].length < 1 || [...text].length > CHAT_MAX_CHARS || CONTROL_CHARACTERS.test(text)) {
          throw DomainError.invalidField('text', 'invalid_text', `A chat message is 1 to ${CHAT_MAX_CHARS} characters without control characters.`);
        }
        if (!withinRate(connection.chatTimes, CHAT_PER_WINDOW, CHAT_WINDOW_MS)) {
          throw DomainError.rateLimited('chat_rate_limited', `At most ${CHAT_PER_WINDOW} messages every ${CHAT_WINDOW_MS / 1000} seconds.`, CHAT_WINDOW_MS);
        }
        const chat: ChatEvent = {
          type: 'chat',
          id: newId('msg'),
          user: who,
          text,
          emotes: connection.role === 'creator' ? room.emotesIn(text, Number.POSITIVE_INFINITY) : who.subscriber ? room.emotesIn(text, who.subscriber.tierLevel) : [],
          sentAt: now().toISOString(),
        };
        await room.publish(chat);
        return { id: chat.id };
      }
      case 'gift': {
        const who = signedIn();
        await requireSession(connection);
        const quantity = message.quantity ?? 1;
        if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > 999) throw DomainError.invalidField('quantity', 'invalid_quantity', 'quantity is a whole number from 1 to 999.');
        if (typeof message.giftId !== 'string' || message.giftId.length > 64) throw DomainError.invalidField('giftId', 'gift_not_found', 'giftId names a gift of the catalog.');
        return gifts.sendGift({
          senderId: who.userId,
          liveId: room.liveId,
          giftId: message.giftId,
          quantity,
          confirm: message.confirm === true,
          idempotencyKey: idempotencyKeyOf(message),
          // The payment reads the session again after the authorization versions it hands the ledger.
          session: { sessionId: connection.sessionId! },
        });
      }
      case 'paid_message':
      case 'cheer': {
        const who = signedIn();
        await requireSession(connection);
        // Coins and text are checked by the gifts module, with the REST routes' refusals.
        const input: RoomCoinMessage = {
          senderId: who.userId,
          liveId: room.liveId,
          coins: message.coins,
          text: typeof message.text === 'string' ? message.text : '',
          confirm: message.confirm === true,
          idempotencyKey: idempotencyKeyOf(message),
          session: { sessionId: connection.sessionId! },
        };
        if (!Number.isSafeInteger(input.coins)) throw DomainError.invalidField('coins', 'invalid_coins', 'coins is a whole number.');
        return message.type === 'paid_message' ? gifts.sendPaidMessage(input) : gifts.sendCheer(input);
      }
      case 'delete_message': {
        moderator();
        if (typeof message.messageId !== 'string') throw DomainError.invalidField('messageId', 'invalid_message_id', 'messageId names a chat message.');
        await room.publish({ type: 'chat_deleted', id: message.messageId } satisfies ServerMessage);
        return {};
      }
      case 'mute': {
        const by = moderator();
        if (typeof message.userId !== 'string') throw DomainError.invalidField('userId', 'invalid_user_id', 'userId names the user to mute.');
        const until = await access.mute({ id: room.liveId, creatorId: room.creatorId }, message.userId, message.minutes, by.userId);
        await room.publish({ type: 'user_muted', userId: message.userId, until } satisfies ServerMessage);
        return { until };
      }
      case 'ban': {
        const by = moderator();
        if (typeof message.userId !== 'string') throw DomainError.invalidField('userId', 'invalid_user_id', 'userId names the user to ban.');
        await access.ban(room.creatorId, message.userId, by.userId);
        await room.publish({ type: 'user_banned', userId: message.userId } satisfies ServerMessage);
        return {};
      }
      case 'unban': {
        moderator();
        if (typeof message.userId !== 'string') throw DomainError.invalidField('userId', 'invalid_user_id', 'userId names the user to unban.');
        await access.unban(room.creatorId, message.userId);
        return {};
      }
      case 'ping':
        return undefined;
      default:
        throw DomainError.invalidField('type', 'unknown_message_type', 'type is one of chat, gift, paid_message, cheer, delete_message, mute, ban, unban, ping.');
    }
  }

  function listen(room: Room, connection: Connection): void {
    connection.socket.on('message', (data: RawData, isBinary: boolean) => {
      if (connection.ended) return;
      if (!withinRate(connection.messageTimes, MESSAGES_PER_WINDOW, CHAT_WINDOW_MS)) {
        connection.socket.close(CLOSE.tooManyMessages, 'too many messages');
        return;
      }
      let message: ClientMessage;
      try {
        if (isBinary) throw new Error('binary');
        message = JSON.parse(data.toString()) as ClientMessage;
        if (typeof message !== 'object' || message === null) throw new Error('not an object');
      } catch {
        reply(connection, { type: 'error', code: 'invalid_message' satisfies RoomErrorCode, message: 'Each message is a JSON object with a type (docs/live-protocol.md).' });
        return;
      }
      const ref = 'ref' in message && typeof message.ref === 'string' ? message.ref.slice(0, 64) : undefined;
      // The same text rules as request bodies: no NUL character, no lone surrogate, no deep nesting.
      const textProblem = findTextProblem(message);
      if (textProblem !== undefined) {
        reply(connection, errorOf(DomainError.invalidRequest('invalid_text', `The message ${textProblem.message}.`), ref));
        return;
      }
      if (message.type === 'ping') {
        reply(connection, { type: 'pong' });
        return;
      }
      handle(room, connection, message).then(
        (result) => {
          if (ref !== undefined) reply(connection, { type: 'ack', ref, result });
        },
        (error: unknown) => {
          reply(connection, errorOf(error, ref));
          if (error instanceof DomainError && error.code === 'session_ended') endSession(connection);
        },
      );
    });
  }

  /** Joins a socket to the live's room: checks, room state, then events. A signed-in socket acts for `sessionId` while it lasts. */
  async function join(socket: WebSocket, live: Live, role: RoomRole, user: RoomUser | null, sessionId: string | null, address: string, since: string | null): Promise<void> {
    if (live.status !== 'live') return refuse(socket, CLOSE.notLive, 'live_ended', 'The live has ended.');
    if (user && role !== 'creator' && (await access.isBanned(live.creator.id, user.userId))) {
      return refuse(socket, CLOSE.banned, bannedError());
    }
    const room = await roomOf(live);
    const connection: Connection = {
      socket,
      stream: upgradedStreams.get(socket)!,
      role,
      user,
      sessionId,
      sessionExpiresMs: Number.POSITIVE_INFINITY,
      viewerKey: role === 'overlay' ? null : user ? `user:${user.userId}` : `ip:${address}`,
      ended: false,
      mutedUntilMs: 0,
      queued: [],
      since,
      messageTimes: [],
      chatTimes: [],
    };
    socket.on('close', () => room.remove(connection));
    socket.on('error', () => socket.terminate());
    if (room.ended || closing || socket.readyState !== WebSocket.OPEN) return refuse(socket, CLOSE.notLive, 'live_ended', 'The live has ended.');
    if (!room.add(connection)) {
      return refuse(socket, CLOSE.tooManySockets, DomainError.rateLimited('too_many_connections', `At most ${deps.config.maxSocketsPerViewer} sockets per viewer in a room; close one first.`, 0));
    }
    if (sessionId !== null) {
      // Asked once the socket is in the room: a session ending from now on is heard of, one that ended before (a ticket it asked for) is seen here.
      const expiresAt = (await deps.accounts.activeSessions([sessionId])).get(sessionId);
      if (expiresAt === undefined) return endSession(connection);
      connection.sessionExpiresMs = Date.parse(expiresAt);
    }
    listen(room, connection);
    // Looked up once the socket is in the room, so that word of a change from now on reaches it too; a chat line waits for it.
    if (user && role !== 'creator') {
      // A member's day watched counts in their fan level, read just after.
      await deps.badges.watched(live.creator.id, user.userId).catch((error: unknown) => logger.warn({ err: error, liveId: live.id }, 'recording a day watched failed'));
      await (connection.badgeLookup = room.refreshBadges([user.userId]));
    }
    if (role === 'creator' && user) {
      connection.heartbeat = setInterval(() => {
        lives.heartbeat(live.id, user.userId).catch((error: unknown) => logger.debug({ err: error, liveId: live.id }, 'creator heartbeat refused'));
      }, deps.creatorHeartbeatMs);
      connection.heartbeat.unref();
    }
    await room.welcome(connection, live);
  }

  async function accept(request: IncomingMessage, address: string, socket: WebSocket): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const overlay = OVERLAY_PATH.exec(url.pathname);
    if (overlay) {
      const verified = deps.overlays ? await deps.overlays.verify(overlay[1]!, url.searchParams.get('key') ?? '') : undefined;
      if (!verified) return refuse(socket, CLOSE.notFound, 'overlay_not_found', 'No overlay has this address; copy it again from the creator studio.');
      const live = await lives.currentOf(verified.creatorId);
      if (!live) return refuse(socket, CLOSE.notLive, 'not_live', 'The creator is not live; the overlay reconnects when they are.');
      return join(socket, live, 'overlay', null, null, address, null);
    }
    const liveId = ROOM_PATH.exec(url.pathname)![1]!;
    let live: Live;
    try {
      live = await lives.get(liveId);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') return refuse(socket, CLOSE.notFound, 'live_not_found', `No live has the id ${liveId}.`);
      throw error;
    }
    const since = url.searchParams.get('since')?.slice(0, 128) ?? null;
    const ticket = url.searchParams.get('ticket');
    if (ticket === null) return join(socket, live, 'anonymous', null, null, address, since);
    const holder = await access.redeemTicket(liveId, ticket);
    if (!holder) return refuse(socket, CLOSE.invalidTicket, 'invalid_ticket', 'The ticket is used, expired or for another live; get a new one (POST /api/v1/lives/:id/tickets).');
    // A ticket acts for the session that asked for it (join checks it is still on); a ticket kept from before sessions were recorded joins no more.
    if (holder.sessionId === null) return refuse(socket, CLOSE.sessionEnded, sessionEndedError());
    const user = await deps.accounts.getUser(holder.userId);
    return join(socket, live, holder.role, { userId: user.id, handle: user.handle, displayName: user.displayName, subscriber: null }, holder.sessionId, address, since);
  }

  return {
    stats,

    /**
     * For the HTTP server's `upgrade` event: takes room and overlay sockets, refuses anything else.
     * `address` is the client's, as the server reads it behind its trusted proxies.
     */
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, address: string): void {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (closing || (!ROOM_PATH.test(path) && !OVERLAY_PATH.test(path))) {
        socket.end(closing ? 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      server.handleUpgrade(request, socket, head, (ws) => {
        upgradedStreams.set(ws, socket);
        accept(request, address, ws).catch((error: unknown) => {
          logger.error({ err: error }, 'joining a room failed');
          if (ws.readyState === WebSocket.OPEN) refuse(ws, 1011, 'internal_error', 'Something went wrong on our side; reconnect.');
        });
      });
    },

    /** Closes every socket (clients reconnect elsewhere) and leaves every room. */
    async close(): Promise<void> {
      closing = true;
      await (await sessionsSubscription.catch(() => undefined))?.unsubscribe();
      await (await perksSubscription.catch(() => undefined))?.unsubscribe();
      await (await loweredSubscription.catch(() => undefined))?.unsubscribe();
      const sockets: WebSocket[] = [];
      for (const result of await Promise.allSettled(rooms.values())) {
        if (result.status !== 'fulfilled') continue;
        for (const connection of result.value.connections) {
          connection.socket.close(CLOSE.shuttingDown, 'server shutting down');
          sockets.push(connection.socket);
        }
        await result.value.dispose(true);
      }
      // A client that never answers (gone off the network, or not reading) would hold its socket, and with it the HTTP server's close.
      const closed = sockets.map((socket) => (socket.readyState === WebSocket.CLOSED ? undefined : new Promise((resolve) => socket.once('close', resolve))));
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise((resolve) => (grace = setTimeout(resolve, SHUTDOWN_CLOSE_GRACE_MS)))]);
      clearTimeout(grace);
      for (const socket of sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    },

    /**
     * Some of the user's sessions may have ended: closes this process's sockets acting for a session no
     * longer signed in before resolving, and tells every other process to do the same over the bus.
     * Money does not wait for the word: a socket asks for its session again before spending. Never rejects.
     */
    async sessionsEnded(userId: string): Promise<void> {
      await Promise.all([
        closeEndedSessions(userId),
        bus.publish(SESSIONS_ENDED_TOPIC, JSON.stringify({ userId, node: nodeId })).catch((error: unknown) => logger.warn({ err: error, userId }, 'publishing ended sessions failed')),
      ]);
    },

    async viewersHere(liveId: string): Promise<string[]> {
      const room = await rooms.get(liveId)?.catch(() => undefined);
      if (!room) return [];
      return [...new Set([...room.connections].flatMap((connection) => (connection.role === 'viewer' && connection.user && !connection.ended ? [connection.user.userId] : [])))];
    },

    /** Closes this process's overlay sockets of a creator, after their overlay key changed. */
    async dropOverlays(creatorId: string): Promise<void> {
      for (const result of await Promise.allSettled(rooms.values())) {
        if (result.status !== 'fulfilled' || result.value.creatorId !== creatorId) continue;
        for (const connection of result.value.connections) if (connection.role === 'overlay') connection.socket.close(CLOSE.notFound, 'overlay key rotated');
      }
    },
  };
}

/** Anything that moves coins names the key its retries reuse. */
function idempotencyKeyOf(message: { idempotencyKey?: unknown }): string {
  const key = message.idempotencyKey;
  if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
    throw DomainError.invalidField('idempotencyKey', 'idempotency_key_required', 'Sending coins needs an idempotencyKey of 1 to 255 characters, reused when retrying.');
  }
  return key;
}
