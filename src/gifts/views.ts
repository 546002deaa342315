/**
 * Gifts, creator tiers, paid messages and cheers as the API answers them: the domain's types (catalog.ts,
 * creator-tiers.ts, paid-messages.ts, cheers.ts) are these schemas' static types, so the shape the routes declare (and the OpenAPI document shows) is the one
 * the code builds.
 */
import { Type } from 'typebox';

export const GiftTierSchema = Type.Union([Type.Literal('small'), Type.Literal('medium'), Type.Literal('large'), Type.Literal('fullscreen')], {
  description: 'How big the room shows the gift: small, medium, large or fullscreen.',
});
export const GiftStatusSchema = Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('retired')], {
  description: 'enabled (offered), disabled (hidden for now) or retired (never offered again; kept for history). Retired is final.',
});

const offerFields = {
  id: Type.String({ description: 'Such as gift_rose.' }),
  name: Type.String(),
  coins: Type.Integer({ description: 'Price of one gift, in coins.' }),
  tier: GiftTierSchema,
  streakable: Type.Boolean({ description: 'True when repeats of the gift count as one streak (a combo).' }),
  icon: Type.String({ description: 'An emoji, or a URL path to an image.' }),
  subscribersOnly: Type.Boolean({ description: 'True when only viewers with a subscription to the receiving creator may send it (others: 403 subscribers_only_gift).' }),
};
export const GiftOfferSchema = Type.Object(offerFields);
export const CatalogGiftSchema = Type.Object({
  ...offerFields,
  status: GiftStatusSchema,
  regions: Type.Array(Type.String(), { description: 'Region codes the gift is offered in; empty for every region.' }),
  sortOrder: Type.Integer({ description: 'Orders gifts of the same price.' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const CreatorTierSchema = Type.Object({
  userId: Type.String(),
  tier: Type.String({ description: 'standard, or a tier of GIFT_CREATOR_TIER_SHARES.' }),
  /** A tier no longer configured pays the standard share. */
  diamondSharePercent: Type.Integer({ description: "The creator's share of the coins paid to them, in percent, on this tier." }),
  /** Null for a creator never moved off standard. */
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

/** A viewer on a live's or a creator's top-gifter board, by coins spent. */
export const TopGifterSchema = Type.Object({ userId: Type.String(), handle: Type.String(), displayName: Type.String(), coins: Type.Integer() });

/** What every payment to a creator answers. */
export const paymentFields = {
  id: Type.String({ description: 'The ledger transfer that moved the coins and diamonds.' }),
  senderId: Type.String(),
  senderName: Type.String(),
  senderLevel: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 50,
      description: "The sender's gifter level with this payment, for the badge beside their name (docs/levels.md); absent on payments made before levels existed.",
    }),
  ),
  creatorId: Type.String(),
  coins: Type.Integer({ description: 'Coins the sender paid.' }),
  diamonds: Type.Integer({ description: "Diamonds the creator earned: their creator tier's share of the coins' value." }),
  sentAt: Type.String(),
};
const textFields = { liveId: Type.String(), text: Type.String() };

export const PaidMessageTierSchema = Type.Object(
  {
    name: Type.String(),
    /** A CSS hex colour. */
    color: Type.String(),
    pinSeconds: Type.Integer(),
    /** In code points. */
    maxChars: Type.Integer(),
  },
  { description: 'Chosen by coins: its colour, how long it stays pinned (0: not pinned) and its most characters.' },
);
export const PaidMessageSchema = Type.Object({
  ...paymentFields,
  ...textFields,
  tier: PaidMessageTierSchema,
  pinnedUntil: Type.Union([Type.String(), Type.Null()], { description: 'Until when it stays pinned at the top of the room; null when its tier does not pin.' }),
});

export const CheerBadgeSchema = Type.Object(
  {
    name: Type.String(),
    /** A CSS hex colour. */
    color: Type.String(),
  },
  { description: 'Chosen by coins: gray, purple (100), green (1,000), blue (5,000) or red (10,000).' },
);
export const CheerSchema = Type.Object({ ...paymentFields, ...textFields, badge: CheerBadgeSchema });
