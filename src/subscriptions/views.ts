/**
 * Subscription tiers, subscriptions and their payments as the API answers them: the domain's types are
 * these schemas' static types, so the shape the routes declare (and the OpenAPI document shows) is the
 * one the code builds.
 */
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

export const SubscriptionEmoteSchema = Type.Object(
  {
    code: Type.String({ maxLength: 100, description: '2 to 20 letters and digits: `:code:` in a chat message shows the emote. Unique among the creator’s tiers, whatever the case.' }),
    image: Type.String({
      maxLength: 1000,
      description: 'An emoji (1 to 8 characters), or a picture on this server: a URL path such as /emotes/hype.png of at most 300 characters; no spaces.',
    }),
  },
  { additionalProperties: false },
);

export const SubscriptionTierSchema = Type.Object({
  creatorId: Type.String(),
  level: Type.Integer({ minimum: 1, maximum: 3, description: '1, 2 or 3: a higher level is a dearer tier.' }),
  name: Type.String(),
  priceCoins: Type.Integer({ description: 'The price of one month, in coins.' }),
  perks: Type.Array(Type.String(), { description: 'What subscribers on this tier get, as the creator lists it.' }),
  emotes: Type.Array(SubscriptionEmoteSchema, { description: 'Chat emotes of this tier: its subscribers, and those of higher levels, may use them.' }),
  open: Type.Boolean({ description: 'False once the creator closed the tier: nobody new may choose it; its subscribers renew at their price.' }),
  updatedAt: Type.String(),
});

export const SubscriptionTierInputSchema = Type.Object(
  {
    level: Type.Integer({ minimum: 1, maximum: 3 }),
    name: Type.String({ maxLength: 200, description: '1 to 40 characters.' }),
    priceCoins: Type.Integer({ description: 'The price of one month in coins: 1 to 1,000,000, and dearer than every lower level.' }),
    perks: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20, description: 'Up to 10 perks of 1 to 120 characters.' })),
    emotes: Type.Optional(Type.Array(SubscriptionEmoteSchema, { maxItems: 50, description: 'Up to 20 chat emotes; left out, the tier keeps the emotes it has (none for a new tier).' })),
  },
  { additionalProperties: false },
);

export const SubscriptionStatusSchema = Type.Union([Type.Literal('new'), Type.Literal('active'), Type.Literal('past_due'), Type.Literal('ended')], {
  description: 'new (never paid), active (paid through currentPeriodEnd), past_due (a renewal failed: access goes on until graceEndsAt while it is retried), ended (no access: see endedReason).',
});

export const SubscriptionSchema = Type.Object({
  id: Type.String(),
  subscriberId: Type.String(),
  subscriberName: Type.String(),
  creatorId: Type.String(),
  creatorHandle: Type.String(),
  creatorName: Type.String(),
  status: SubscriptionStatusSchema,
  tier: Type.Object({ level: Type.Integer(), name: Type.String() }, { description: 'The tier of the current period.' }),
  priceCoins: Type.Integer({ description: 'What each renewal charges, in coins: the price the subscriber chose, kept when the creator later changes it.' }),
  nextTier: Nullable(Type.Object({ level: Type.Integer(), name: Type.String(), priceCoins: Type.Integer() }), 'A downgrade that takes effect at the next renewal; null when none.'),
  cancelAtPeriodEnd: Type.Boolean({ description: 'True after a cancel: access lasts until currentPeriodEnd, then the subscription ends without another charge.' }),
  currentPeriodStart: Nullable(Type.String(), 'Null before the first payment.'),
  currentPeriodEnd: Nullable(Type.String(), 'Null before the first payment.'),
  renewsAt: Nullable(Type.String(), 'When the next month is charged; null once cancelled or ended.'),
  graceEndsAt: Nullable(Type.String(), 'While past_due: the renewal may still be paid until then, else the subscription ends.'),
  hasAccess: Type.Boolean({ description: 'Whether the subscriber has the perks now: active, or past_due within its grace.' }),
  streakMonths: Type.Integer({ description: 'Months paid in a row without a lapse.' }),
  totalMonths: Type.Integer({ description: 'Months paid ever.' }),
  lastFailure: Nullable(Type.String(), 'The error code of the last failed renewal, such as insufficient_coins.'),
  endedAt: Nullable(Type.String(), 'When access ended.'),
  endedReason: Nullable(
    Type.Union([Type.Literal('canceled'), Type.Literal('payment_failed'), Type.Literal('closed_by_admin')]),
    'canceled (by the subscriber or an admin, at the period end), payment_failed (grace ran out), closed_by_admin (ended at once by an admin).',
  ),
  cardId: Nullable(Type.String(), 'The saved card (GET /api/v1/me/cards) that buys each month’s coins before they are spent on it; null when the coins held pay.'),
  createdAt: Type.String(),
});

export const SubscriptionPaymentSchema = Type.Object({
  transferId: Type.String({ description: 'The ledger transfer that paid.' }),
  subscriptionId: Type.String(),
  kind: Type.Union([Type.Literal('period'), Type.Literal('upgrade')], { description: 'period (a month) or upgrade (the prorated difference of a dearer tier for the rest of the period).' }),
  periodIndex: Type.Integer({ description: 'The period paid for, counted from 1 over the life of the subscription.' }),
  tierLevel: Type.Integer(),
  coins: Type.Integer(),
  diamonds: Type.Integer({ description: "The creator's diamonds: their share of the coins' value, as for gifts." }),
  periodStart: Type.String(),
  periodEnd: Type.String(),
  streakMonths: Type.Integer(),
  paidAt: Type.String(),
});

export const SubscriberSchema = Type.Object({
  subscriptionId: Type.String(),
  userId: Type.String(),
  handle: Type.String(),
  displayName: Type.String(),
  tierLevel: Type.Integer(),
  status: SubscriptionStatusSchema,
  streakMonths: Type.Integer(),
  totalMonths: Type.Integer(),
  currentPeriodEnd: Nullable(Type.String(), 'Null before the first payment.'),
  cancelAtPeriodEnd: Type.Boolean(),
});

export const SubscriptionGiftSchema = Type.Object({
  id: Type.String(),
  liveId: Type.String(),
  gifterId: Type.String(),
  gifterName: Type.String(),
  creatorId: Type.String(),
  tier: Type.Object({ level: Type.Integer(), name: Type.String() }),
  months: Type.Integer({ description: 'Months each recipient was given.' }),
  coins: Type.Integer({ description: 'What the gifter paid for all of them.' }),
  recipients: Type.Array(Type.Object({ userId: Type.String(), handle: Type.String(), displayName: Type.String() })),
  transferId: Nullable(Type.String(), 'The ledger transfer that paid; null only while it is being paid.'),
  createdAt: Type.String(),
});

const premiumPerks = {
  purchaseBonusPercent: Type.Integer({ description: 'Bonus coins, in percent of the coins bought, on every purchase a member makes: 0 to 100.' }),
  adFree: Type.Boolean({ description: 'Whether members see no ads in the operator’s app; the entitlements API tells the app.' }),
  badge: Type.String({ description: 'Shown beside a member’s name, such as ⭐: 1 to 8 characters.' }),
};

export const PremiumPlanSchema = Type.Object({
  name: Type.String(),
  priceCoins: Type.Integer({ description: 'The price of one month, in coins.' }),
  perks: Type.Array(Type.String(), { description: 'The plan’s perks, as people read them.' }),
  open: Type.Boolean({ description: 'False once the operator closed it: nobody new may join; members renew at their price.' }),
  ...premiumPerks,
  updatedAt: Type.String(),
});

export const PremiumPlanInputSchema = Type.Object(
  {
    name: Type.String({ maxLength: 200, description: '1 to 40 characters.' }),
    priceCoins: Type.Integer({ description: 'The price of one month in coins: 1 to 1,000,000.' }),
    perks: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20, description: 'Up to 10 perks of 1 to 120 characters.' })),
    open: Type.Boolean({ description: 'Whether new members may join.' }),
    ...premiumPerks,
  },
  { additionalProperties: false },
);

export const EntitlementsSchema = Type.Object({
  premium: Type.Object({
    active: Type.Boolean({ description: 'Whether the user is a member now (paid, or past due within its grace).' }),
    subscriptionId: Nullable(Type.String(), 'The membership, to manage under /api/v1/subscriptions; null when not a member.'),
    until: Nullable(Type.String(), 'The end of the paid month.'),
    renews: Type.Boolean({ description: 'False once cancelled: the membership ends at `until`.' }),
    adFree: Type.Boolean(),
    badge: Nullable(Type.String(), 'The member badge; null for others.'),
    purchaseBonusPercent: Type.Integer({ description: 'The bonus on coins the user buys now; 0 for others.' }),
  }),
});
