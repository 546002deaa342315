/**
 * Lives as the API answers them: the domain's types (src/live/lives.ts) are these schemas' static types, so
 * the shape the routes declare (and the OpenAPI document shows) is the one the code builds.
 */
import { Type } from 'typebox';

export const LiveStatusSchema = Type.Union([Type.Literal('live'), Type.Literal('ended')], { description: 'live (on air) or ended (final).' });
export const LiveEndReasonSchema = Type.Union([Type.Literal('creator'), Type.Literal('admin'), Type.Literal('creator_gone'), Type.Null()], {
  description: 'Why it ended: creator (ended it), admin (an operator ended it), creator_gone (no heartbeat within LIVE_CREATOR_TIMEOUT_MS); null while live.',
});

/** The creator as a live shows them publicly. */
export const LiveCreatorSchema = Type.Object({ id: Type.String(), handle: Type.String(), displayName: Type.String() });

/** How a live's chat is set; its creator (or an admin) changes it with PUT /api/v1/lives/:id/chat-mode. */
export const ChatModeSchema = Type.Object({
  subscribersOnly: Type.Boolean({ description: 'Only the creator, admins and viewers with a subscription to the creator may chat.' }),
});

export const LiveSchema = Type.Object(
  {
    id: Type.String({ description: 'Such as live_3k9x….' }),
    title: Type.String(),
    status: LiveStatusSchema,
    creator: LiveCreatorSchema,
    playbackUrl: Type.Union([Type.String(), Type.Null()], { description: 'Where viewers play the stream, such as an HLS playlist; null when the creator gave none.' }),
    viewers: Type.Integer({ description: 'Viewers in the room as last counted; 0 once ended.' }),
    peakViewers: Type.Integer({ description: 'Most viewers at once.' }),
    startedAt: Type.String(),
    endedAt: Type.Union([Type.String(), Type.Null()]),
    endReason: LiveEndReasonSchema,
    chatMode: ChatModeSchema,
    streamDisconnectedAt: Type.Union([Type.String(), Type.Null()], {
      description:
        'While the stream from OBS this live plays has stopped and may come back (STREAM_RECONNECT_GRACE_SECONDS): when it stopped. Null while it publishes, and for lives not streamed through the media server.',
    }),
  },
  { description: "A creator's broadcast, from going live to its end." },
);

export const LiveGiftTotalsSchema = Type.Object(
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

export const LiveSummarySchema = Type.Object({
  liveId: Type.String(),
  title: Type.String(),
  status: LiveStatusSchema,
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  endReason: LiveEndReasonSchema,
  durationSeconds: Type.Integer({ description: 'From start to end (or to now while live), in whole seconds.' }),
  peakViewers: Type.Integer(),
  /** Present only when the gifts module provides totals (LivesDependencies.giftTotals). */
  gifts: Type.Optional(LiveGiftTotalsSchema),
});
