/**
 * Content locks, unlocks and entitlements as the API answers them: the domain's types are these schemas'
 * static types, so the shape the routes declare (and the OpenAPI document shows) is the one the code builds.
 */
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

/** The operator's id of a post or video. */
const CONTENT_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const ContentIdSchema = Type.String({ pattern: CONTENT_ID_PATTERN, description: "The operator's id of the post or video: 1 to 64 of A-Z, a-z, 0-9, _ and -." });
const ContentKindSchema = Type.Union([Type.Literal('post'), Type.Literal('video')]);

export const ContentLockSchema = Type.Object({
  creatorId: Type.String(),
  contentId: Type.String(),
  kind: ContentKindSchema,
  priceCoins: Nullable(Type.Integer(), 'What unlocking it for good costs, in coins; null when it cannot be bought.'),
  minTierLevel: Nullable(Type.Integer({ minimum: 1, maximum: 3 }), 'Subscribers at this tier level or higher see it while their subscription gives access; null when no tier does.'),
  unlocks: Type.Integer({ description: 'Viewers who bought it.' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ContentLockInputSchema = Type.Object(
  {
    kind: ContentKindSchema,
    priceCoins: Type.Optional(Nullable(Type.Integer(), 'The price in coins, 1 to 1,000,000; null or left out when it cannot be bought.')),
    minTierLevel: Type.Optional(Nullable(Type.Integer(), 'The lowest subscription tier level (1 to 3) that sees it; null or left out when no tier does.')),
  },
  { additionalProperties: false },
);

export const ContentUnlockSchema = Type.Object({
  transferId: Type.String({ description: 'The ledger transfer that paid.' }),
  viewerId: Type.String(),
  creatorId: Type.String(),
  contentId: Type.String(),
  kind: ContentKindSchema,
  coins: Type.Integer(),
  diamonds: Type.Integer({ description: "The creator's diamonds: their share of the coins' value, as for gifts." }),
  unlockedAt: Type.String(),
});

export const ContentAccessSchema = Type.Object({
  userId: Type.String(),
  creatorId: Type.String(),
  contentId: Type.String(),
  allowed: Type.Boolean({ description: 'Whether the user may see the item now.' }),
  reason: Type.Union([Type.Literal('creator'), Type.Literal('free'), Type.Literal('unlocked'), Type.Literal('subscriber'), Type.Literal('locked')], {
    description:
      'creator (their own content), free (not locked), unlocked (bought: see transferId), subscriber (a subscription at tierLevel gives access now), locked (not allowed: see lock for the price or tier needed).',
  }),
  transferId: Nullable(Type.String(), 'For unlocked: the transfer that paid.'),
  tierLevel: Nullable(Type.Integer(), "For subscriber: the user's tier level now."),
  lock: Nullable(
    Type.Object({ kind: ContentKindSchema, priceCoins: Nullable(Type.Integer(), 'Null when it cannot be bought.'), minTierLevel: Nullable(Type.Integer(), 'Null when no tier sees it.') }),
    'The lock; null for content that is not locked.',
  ),
});
