/**
 * The room socket's messages (docs/live-protocol.md). Every message is one
 * JSON text frame with a `type`. Server messages about money (gift,
 * paid_message, cheer) carry `eventId`, unique per event: a client that sees
 * an id twice (after a reconnect, or from two server processes relaying the
 * same committed event) shows it once.
 *
 * Declarations only (a .d.ts) so that the server's build, whose rootDir is src/, can import them
 * (src/live/protocol.ts) without compiling a file outside it; client/tsconfig.json checks this file.
 */
import type { paths } from './schema.js';

type LiveAnswer = paths['/api/v1/lives/{id}']['get']['responses'][200]['content']['application/json'];
type GiftsAnswer = paths['/api/v1/gifts']['get']['responses'][200]['content']['application/json'];

/** A live as GET /api/v1/lives/{id} answers it. */
export type Live = LiveAnswer['live'];
export type GiftTier = GiftsAnswer['gifts'][number]['tier'];

/**
 * A viewer's subscription to the room's creator, shown as a badge: the tier they are on now and the
 * months they have paid ever (`totalMonths`). Null for anyone without access now.
 */
export interface SubscriberBadge {
  tierLevel: number;
  tierName: string;
  months: number;
}

/** A member's badge in their creator's fan club (docs/levels.md#fan-clubs): the club's name and the fan level shown now, 1 to 20. */
export interface FanBadge {
  name: string;
  level: number;
}

/**
 * Gifter level and fan badge, looked up when a user joins the room or reaches its board (one read for all),
 * then kept from the room's events: a payment's `senderLevel`, a `fan_joined`. Absent until looked up.
 */
interface StatusBadges {
  /** Their gifter level, 1 to 50. */
  level?: number;
  /** Their fan badge in this room's creator's club; null when not a member. */
  fan?: FanBadge | null;
}

export interface RoomUser extends StatusBadges {
  userId: string;
  handle: string;
  displayName: string;
  /** Their subscription to this room's creator; null when they have none giving access now. */
  subscriber: SubscriberBadge | null;
}

export type RoomRole = 'anonymous' | 'viewer' | 'creator' | 'admin' | 'overlay';

export interface TopGifterEntry extends StatusBadges {
  userId: string;
  handle: string;
  displayName: string;
  coins: number;
  /** Their subscription to this room's creator; null when they have none giving access now. */
  subscriber: SubscriberBadge | null;
}

/** A creator's subscriber emote: `:code:` in a chat message shows `image` (an emoji, or the path of a picture on the server). */
export interface ChatEmote {
  code: string;
  image: string;
}

/** How the room's chat is set; the creator (or an admin) changes it with PUT /api/v1/lives/{id}/chat-mode. */
export interface ChatMode {
  /** Only the creator, admins and viewers with a subscription to the creator may chat. */
  subscribersOnly: boolean;
}

/**
 * A gift as the room sees it. `combo.count` is the running total of the streak this gift continues.
 * Gifts of one combo that follow one another within a tick reach clients as one event: the latest
 * (its eventId, combo.count and sentAt) with quantity, coins and diamonds summed over those it stands for.
 */
export interface GiftEvent {
  type: 'gift';
  eventId: string;
  liveId: string;
  giftId: string;
  name: string;
  tier: GiftTier;
  icon: string;
  quantity: number;
  coins: number;
  diamonds: number;
  senderId: string;
  senderName: string;
  /** The sender's gifter level with this gift, 1 to 50, for the badge in the alert; absent for gifts sent before levels existed. */
  senderLevel?: number;
  creatorId: string;
  combo: { id: string; count: number } | null;
  sentAt: string;
}

/** What a paid message and a cheer both show: coins carried by a line of text. */
interface CoinMessageEvent {
  eventId: string;
  liveId: string;
  senderId: string;
  senderName: string;
  /** The sender's gifter level with this payment, 1 to 50; absent for payments made before levels existed. */
  senderLevel?: number;
  text: string;
  coins: number;
  sentAt: string;
}

/** A Super Chat style message: its tier decides the colour, how long it stays pinned and its maximum length. */
export interface PaidMessageEvent extends CoinMessageEvent {
  type: 'paid_message';
  tier: { name: string; color: string; pinSeconds: number; maxChars: number };
  /** Until when it stays pinned at the top of the room; null when its tier does not pin. */
  pinnedUntil: string | null;
}

/** A Bits style chat message carrying coins, shown with a badge by amount. */
export interface CheerEvent extends CoinMessageEvent {
  type: 'cheer';
  badge: { name: string; color: string };
}

export interface ChatEvent {
  type: 'chat';
  id: string;
  user: RoomUser;
  text: string;
  /**
   * The subscriber emotes the text uses, each shown where `:code:` stands in it; empty when none. Only
   * emotes of the sender's tier and lower ones are listed: anyone else's `:code:` stays text.
   */
  emotes: ChatEmote[];
  sentAt: string;
}

/**
 * Subscriptions a viewer gifted in the live: to one named viewer, or to viewers drawn from the room.
 * Announced once its payment committed; not part of `recentEvents`, so a client that reconnects may miss it.
 */
export interface SubscriptionGiftEvent {
  type: 'subscription_gift';
  eventId: string;
  giftId: string;
  liveId: string;
  gifterId: string;
  gifterName: string;
  creatorId: string;
  tier: { level: number; name: string };
  /** Months each recipient was given. */
  months: number;
  recipients: { userId: string; handle: string; displayName: string }[];
  sentAt: string;
}

/**
 * A viewer reached a gifter level with a payment in this live: announced once per level, after the payment
 * committed. Not part of `recentEvents`, so a client that reconnects may miss it.
 */
export interface LevelUpEvent {
  type: 'level_up';
  eventId: string;
  userId: string;
  /** The level reached, 2 to 50. */
  level: number;
  lifetimeCoins: number;
  liveId: string;
  reachedAt: string;
}

/**
 * A creator's goal for the live (docs/levels.md#goals): coins paid into the live, or a count of one gift.
 * `progress` keeps counting past `target`; `completedAt` is set once, by the payment that reached it.
 */
export interface LiveGoal {
  id: string;
  liveId: string;
  kind: 'coins' | 'gift' | 'subscribers';
  /** The gift counted, for a `gift` goal; null for `coins`. */
  giftId: string | null;
  title: string;
  target: number;
  progress: number;
  completedAt: string | null;
  createdAt: string;
}

/** The creator set a goal (replacing one reached), or reached it: the goal as it stands. */
export interface GoalEvent {
  type: 'goal_set' | 'goal_completed';
  eventId: string;
  goal: LiveGoal;
}

/** A battle between two lives (docs/battles.md), as `GET /api/v1/battles/:id` answers. */
export interface Battle {
  id: string;
  mode: 'solo' | 'team';
  giftId: string | null;
  durationSeconds: number;
  status: 'proposed' | 'running' | 'ended' | 'declined';
  proposedAt: string;
  startsAt: string | null;
  boostAt: string | null;
  endsAt: string | null;
  boostMultiplier: number;
  sides: { side: 'a' | 'b'; liveId: string; creatorId: string; score: number; topSupporters: { userId: string; displayName: string; score: number }[] }[];
  winner: 'a' | 'b' | 'tie' | null;
  endedAt: string | null;
}

/** A creator on a live's stage: its host or a guest (docs/battles.md#guests). */
export interface StageMember {
  userId: string;
  handle: string;
  displayName: string;
}

/** Who is on a live's stage, as `GET /api/v1/lives/:id/stage` answers: gift a guest with `recipientId`. */
export interface RoomStage {
  liveId: string;
  host: StageMember;
  /** In the order they joined. */
  guests: StageMember[];
}

/** A battle of this live was proposed, declined, started (accepted) or ended with its result. */
export interface BattleEvent {
  type: 'battle_proposed' | 'battle_declined' | 'battle_started' | 'battle_ended';
  eventId: string;
  battle: Battle;
}

/** The events that carry coins, each with its `eventId`. */
export type MoneyEvent = GiftEvent | PaidMessageEvent | CheerEvent;

/** What happens in a room: sent alone, or several in one `batch`. */
export type RoomEvent =
  | { type: 'viewers'; count: number }
  | ChatEvent
  | { type: 'chat_deleted'; id: string }
  | MoneyEvent
  | SubscriptionGiftEvent
  | LevelUpEvent
  /** Who is on the stage besides the host changed: guests' user ids in the order they joined. */
  | { type: 'stage'; eventId: string; guestIds: string[] }
  | BattleEvent
  /** The sides' scores as one server's gifts reached them; keep the highest seen per side. */
  | { type: 'battle_score'; battleId: string; scores: { a: number; b: number } }
  | GoalEvent
  /** A viewer joined the creator's fan club with a payment in this live: show their badge from now on. */
  | { type: 'fan_joined'; eventId: string; userId: string; creatorId: string; fan: FanBadge }
  /** The goal's progress: the latest a server counted, pushed a few times a second at most; keep the highest of a goal. */
  | { type: 'goal_progress'; goalId: string; progress: number }
  /** The creator took the goal down. */
  | { type: 'goal_cleared'; eventId: string; goalId: string }
  | { type: 'leaderboard'; topGifters: TopGifterEntry[] }
  | { type: 'user_muted'; userId: string; until: string }
  | { type: 'user_banned'; userId: string }
  /** The creator or an admin changed the chat's mode. */
  | { type: 'chat_mode'; eventId: string; chatMode: ChatMode }
  /** The live plays a stream from another address from now on (a stream from OBS began in a live started without it): load it. */
  | { type: 'playback'; eventId: string; playbackUrl: string }
  /**
   * The stream from OBS stopped reaching the media server (`disconnectedAt`), or came back (null). The live stays on
   * meanwhile, for STREAM_RECONNECT_GRACE_SECONDS at most; the same address plays again when the stream is back.
   */
  | { type: 'stream'; eventId: string; disconnectedAt: string | null }
  | { type: 'live_ended'; eventId: string; reason: string | null; endedAt: string | null };

export type ServerMessage =
  /** First message on every connection: the room as it is now, so a reconnecting client starts over from it. */
  | {
      type: 'welcome';
      live: Live;
      you: { role: RoomRole; user: RoomUser | null; mutedUntil: string | null };
      viewers: number;
      chatMode: ChatMode;
      topGifters: TopGifterEntry[];
      /** The live's goal with its progress, or null when none is shown. */
      goal: LiveGoal | null;
      /** The live's battle proposed or running, with the highest scores this server has seen; null when there is none. */
      battle: Battle | null;
      /** Who is on the live's stage now. */
      stage: RoomStage;
      pinned: PaidMessageEvent[];
      recentChat: ChatEvent[];
      recentEvents: MoneyEvent[];
      /**
       * Only when the client connected with `?since=<eventId>`: true when the server still had that
       * event, and the money events after it follow at once in a `batch`; false when it did not (too
       * old, or unknown), and the client starts over from this welcome.
       */
      resumed?: boolean;
    }
  | RoomEvent
  /** Several room events of one tick, in commit order; each is handled as if it had come alone. */
  | { type: 'batch'; events: RoomEvent[] }
  /** The answer to a client message that carried `ref`. */
  | { type: 'ack'; ref: string; result?: unknown }
  | { type: 'error'; ref?: string; code: string; message: string }
  | { type: 'pong' };

export type ClientMessage =
  | { type: 'chat'; text: string; ref?: string }
  | { type: 'gift'; giftId: string; quantity: number; confirm?: boolean; idempotencyKey: string; ref?: string }
  | { type: 'paid_message'; coins: number; text: string; confirm?: boolean; idempotencyKey: string; ref?: string }
  | { type: 'cheer'; coins: number; text: string; confirm?: boolean; idempotencyKey: string; ref?: string }
  | { type: 'delete_message'; messageId: string; ref?: string }
  | { type: 'mute'; userId: string; minutes: number; ref?: string }
  | { type: 'ban'; userId: string; ref?: string }
  | { type: 'unban'; userId: string; ref?: string }
  | { type: 'ping' };
