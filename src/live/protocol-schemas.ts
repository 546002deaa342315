/**
 * The room socket's messages (docs/live-protocol.md) as JSON Schemas, for clients that validate or
 * generate code: scripts/emit-room-protocol.ts writes them to client/room-protocol.schema.json, and the
 * tests check every message their room sockets receive against them (src/live/testing/room-client.ts).
 * The types at the end compare them with the typed client's declarations (client/src/protocol.d.ts),
 * which the server is written against, so neither can change without the other.
 */
import { Type, type Static, type TSchema } from 'typebox';
import type { ClientMessage, ServerMessage } from './protocol.js';
import { ChatModeSchema, LiveSchema } from './views.js';

/** An object that holds exactly these fields: a field the protocol does not describe fails validation. */
const Message = <T extends Parameters<typeof Type.Object>[0]>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description === undefined ? {} : { description }) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ description: 'An instant, ISO 8601 in UTC.' });

const SubscriberBadge = Message(
  { tierLevel: Type.Integer(), tierName: Type.String(), months: Type.Integer({ description: 'Months they ever paid.' }) },
  "A viewer's subscription to the room's creator, shown as a badge.",
);
const FanBadge = Message({ name: Type.String(), level: Type.Integer({ minimum: 1, maximum: 20 }) }, "A member's badge in the creator's fan club.");
/** Gifter level and fan badge, present once the room has looked the user up. */
const StatusBadges = {
  level: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'Their gifter level.' })),
  fan: Type.Optional(Nullable(FanBadge)),
};
const RoomUser = Message({ userId: Type.String(), handle: Type.String(), displayName: Type.String(), subscriber: Nullable(SubscriberBadge), ...StatusBadges });
const TopGifterEntry = Message({ userId: Type.String(), handle: Type.String(), displayName: Type.String(), coins: Type.Integer(), subscriber: Nullable(SubscriberBadge), ...StatusBadges });
const RoomRole = Type.Union([Type.Literal('anonymous'), Type.Literal('viewer'), Type.Literal('creator'), Type.Literal('admin'), Type.Literal('overlay')]);
const ChatEmote = Message({ code: Type.String(), image: Type.String({ description: 'An emoji, or the path of a picture on the server.' }) });

const GiftEvent = Message(
  {
    type: Type.Literal('gift'),
    eventId: Type.String(),
    liveId: Type.String(),
    giftId: Type.String(),
    name: Type.String(),
    tier: Type.Union([Type.Literal('small'), Type.Literal('medium'), Type.Literal('large'), Type.Literal('fullscreen')]),
    icon: Type.String(),
    quantity: Type.Integer({ minimum: 1 }),
    coins: Type.Integer(),
    diamonds: Type.Integer(),
    senderId: Type.String(),
    senderName: Type.String(),
    senderLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    creatorId: Type.String(),
    combo: Nullable(Message({ id: Type.String(), count: Type.Integer({ minimum: 1 }) })),
    sentAt: Instant,
  },
  'A gift; one event may stand for several gifts of a combo sent within a tick, their quantity, coins and diamonds summed.',
);
const CoinMessageFields = {
  eventId: Type.String(),
  liveId: Type.String(),
  senderId: Type.String(),
  senderName: Type.String(),
  senderLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  text: Type.String(),
  coins: Type.Integer(),
  sentAt: Instant,
};
const PaidMessageEvent = Message({
  type: Type.Literal('paid_message'),
  ...CoinMessageFields,
  tier: Message({ name: Type.String(), color: Type.String(), pinSeconds: Type.Integer(), maxChars: Type.Integer() }),
  pinnedUntil: Nullable(Instant),
});
const CheerEvent = Message({ type: Type.Literal('cheer'), ...CoinMessageFields, badge: Message({ name: Type.String(), color: Type.String() }) });
const MoneyEvent = Type.Union([GiftEvent, PaidMessageEvent, CheerEvent]);
const ChatEvent = Message({ type: Type.Literal('chat'), id: Type.String(), user: RoomUser, text: Type.String(), emotes: Type.Array(ChatEmote), sentAt: Instant });

const LiveGoal = Message({
  id: Type.String(),
  liveId: Type.String(),
  kind: Type.Union([Type.Literal('coins'), Type.Literal('gift'), Type.Literal('subscribers')]),
  giftId: Nullable(Type.String()),
  title: Type.String(),
  target: Type.Integer(),
  progress: Type.Integer(),
  completedAt: Nullable(Instant),
  createdAt: Instant,
});
const Side = Type.Union([Type.Literal('a'), Type.Literal('b')]);
const Battle = Message(
  {
    id: Type.String(),
    mode: Type.Union([Type.Literal('solo'), Type.Literal('team')]),
    giftId: Nullable(Type.String()),
    durationSeconds: Type.Integer(),
    status: Type.Union([Type.Literal('proposed'), Type.Literal('running'), Type.Literal('ended'), Type.Literal('declined')]),
    proposedAt: Instant,
    startsAt: Nullable(Instant),
    boostAt: Nullable(Instant),
    endsAt: Nullable(Instant),
    boostMultiplier: Type.Number(),
    sides: Type.Array(
      Message({
        side: Side,
        liveId: Type.String(),
        creatorId: Type.String(),
        score: Type.Integer(),
        topSupporters: Type.Array(Message({ userId: Type.String(), displayName: Type.String(), score: Type.Integer() })),
      }),
    ),
    winner: Nullable(Type.Union([Side, Type.Literal('tie')])),
    endedAt: Nullable(Instant),
  },
  'A battle between two lives, as GET /api/v1/battles/:id answers.',
);

const StageMember = Message({ userId: Type.String(), handle: Type.String(), displayName: Type.String() });
const RoomStage = Message({ liveId: Type.String(), host: StageMember, guests: Type.Array(StageMember) }, "Who is on the live's stage, as GET /api/v1/lives/:id/stage answers.");

const RoomEvent = Type.Union([
  Message({ type: Type.Literal('viewers'), count: Type.Integer({ minimum: 0 }) }),
  ChatEvent,
  Message({ type: Type.Literal('chat_deleted'), id: Type.String() }),
  GiftEvent,
  PaidMessageEvent,
  CheerEvent,
  Message({
    type: Type.Literal('subscription_gift'),
    eventId: Type.String(),
    giftId: Type.String(),
    liveId: Type.String(),
    gifterId: Type.String(),
    gifterName: Type.String(),
    creatorId: Type.String(),
    tier: Message({ level: Type.Integer(), name: Type.String() }),
    months: Type.Integer({ minimum: 1 }),
    recipients: Type.Array(Message({ userId: Type.String(), handle: Type.String(), displayName: Type.String() })),
    sentAt: Instant,
  }),
  Message({
    type: Type.Literal('level_up'),
    eventId: Type.String(),
    userId: Type.String(),
    level: Type.Integer({ minimum: 2, maximum: 50 }),
    lifetimeCoins: Type.Integer(),
    liveId: Type.String(),
    reachedAt: Instant,
  }),
  Message({ type: Type.Literal('stage'), eventId: Type.String(), guestIds: Type.Array(Type.String()) }),
  Message({
    type: Type.Union([Type.Literal('battle_proposed'), Type.Literal('battle_declined'), Type.Literal('battle_started'), Type.Literal('battle_ended')]),
    eventId: Type.String(),
    battle: Battle,
  }),
  Message({ type: Type.Literal('battle_score'), battleId: Type.String(), scores: Message({ a: Type.Integer(), b: Type.Integer() }) }),
  Message({ type: Type.Union([Type.Literal('goal_set'), Type.Literal('goal_completed')]), eventId: Type.String(), goal: LiveGoal }),
  Message({ type: Type.Literal('fan_joined'), eventId: Type.String(), userId: Type.String(), creatorId: Type.String(), fan: FanBadge }),
  Message({ type: Type.Literal('goal_progress'), goalId: Type.String(), progress: Type.Integer() }),
  Message({ type: Type.Literal('goal_cleared'), eventId: Type.String(), goalId: Type.String() }),
  Message({ type: Type.Literal('leaderboard'), topGifters: Type.Array(TopGifterEntry) }),
  Message({ type: Type.Literal('user_muted'), userId: Type.String(), until: Instant }),
  Message({ type: Type.Literal('user_banned'), userId: Type.String() }),
  Message({ type: Type.Literal('chat_mode'), eventId: Type.String(), chatMode: ChatModeSchema }),
  Message({ type: Type.Literal('playback'), eventId: Type.String(), playbackUrl: Type.String() }),
  Message({ type: Type.Literal('stream'), eventId: Type.String(), disconnectedAt: Nullable(Instant) }, 'The stream from OBS stopped reaching the media server (disconnectedAt), or came back (null).'),
  Message({ type: Type.Literal('live_ended'), eventId: Type.String(), reason: Nullable(Type.String()), endedAt: Nullable(Instant) }),
]);

const Welcome = Message(
  {
    type: Type.Literal('welcome'),
    live: LiveSchema,
    you: Message({ role: RoomRole, user: Nullable(RoomUser), mutedUntil: Nullable(Instant) }),
    viewers: Type.Integer({ minimum: 0 }),
    chatMode: ChatModeSchema,
    topGifters: Type.Array(TopGifterEntry),
    goal: Nullable(LiveGoal),
    battle: Nullable(Battle),
    stage: RoomStage,
    pinned: Type.Array(PaidMessageEvent),
    recentChat: Type.Array(ChatEvent),
    recentEvents: Type.Array(MoneyEvent),
    resumed: Type.Optional(Type.Boolean({ description: 'Only for a connection with ?since=: whether the server still had that event.' })),
  },
  'The first message on every connection: the room as it is now.',
);

/** Every message the server sends on a room or overlay socket: one JSON text frame each. */
export const ServerMessageSchema = Type.Union(
  [
    Welcome,
    ...RoomEvent.anyOf,
    Message({ type: Type.Literal('batch'), events: Type.Array(RoomEvent) }, 'Several room events of one tick, in commit order.'),
    Message({ type: Type.Literal('ack'), ref: Type.String(), result: Type.Optional(Type.Unknown()) }, 'The answer to a client message that carried ref.'),
    Message({ type: Type.Literal('error'), ref: Type.Optional(Type.String()), code: Type.String(), message: Type.String() }, 'A refusal, with a code of docs/errors.md.'),
    Message({ type: Type.Literal('pong') }),
  ],
  { title: 'ServerMessage' },
);

const Ref = { ref: Type.Optional(Type.String({ maxLength: 64 })) };
const IdempotencyKey = Type.String({ minLength: 1, maxLength: 255 });
const CoinText = { coins: Type.Integer(), text: Type.String(), confirm: Type.Optional(Type.Boolean()), idempotencyKey: IdempotencyKey, ...Ref };

/** Every message a client may send on a room socket. */
export const ClientMessageSchema = Type.Union(
  [
    Message({ type: Type.Literal('chat'), text: Type.String({ minLength: 1, maxLength: 200 }), ...Ref }),
    Message({
      type: Type.Literal('gift'),
      giftId: Type.String(),
      quantity: Type.Integer({ minimum: 1, maximum: 999 }),
      confirm: Type.Optional(Type.Boolean()),
      idempotencyKey: IdempotencyKey,
      ...Ref,
    }),
    Message({ type: Type.Literal('paid_message'), ...CoinText }),
    Message({ type: Type.Literal('cheer'), ...CoinText }),
    Message({ type: Type.Literal('delete_message'), messageId: Type.String(), ...Ref }),
    Message({ type: Type.Literal('mute'), userId: Type.String(), minutes: Type.Integer({ minimum: 1, maximum: 10080 }), ...Ref }),
    Message({ type: Type.Literal('ban'), userId: Type.String(), ...Ref }),
    Message({ type: Type.Literal('unban'), userId: Type.String(), ...Ref }),
    Message({ type: Type.Literal('ping') }),
  ],
  { title: 'ClientMessage' },
);

/** True when A and B are the same type: each assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// A compile error here means the schemas above and client/src/protocol.d.ts describe different messages.
const serverMessagesMatch: Same<Static<typeof ServerMessageSchema>, ServerMessage> = true;
const clientMessagesMatch: Same<Static<typeof ClientMessageSchema>, ClientMessage> = true;
void serverMessagesMatch;
void clientMessagesMatch;
