import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { principalOf, type Accounts } from '../accounts/index.js';
import type { PayerSession } from '../gifts/index.js';
import { DomainError } from '../shared/errors.js';
import { IdempotencyHeaders, requireIdempotencyKey } from '../shared/idempotency.js';
import type { Premium } from './premium.js';
import type { Subscriptions } from './subscriptions.js';
import type { SubscriptionTiers } from './tiers.js';
import {
  EntitlementsSchema,
  PremiumPlanInputSchema,
  PremiumPlanSchema,
  SubscriberSchema,
  SubscriptionGiftSchema,
  SubscriptionPaymentSchema,
  SubscriptionSchema,
  SubscriptionStatusSchema,
  SubscriptionTierInputSchema,
  SubscriptionTierSchema,
} from './views.js';

export interface SubscriptionRoutesOptions {
  subscriptions: Subscriptions;
  tiers: SubscriptionTiers;
  premium: Premium;
  accounts: Pick<Accounts, 'profile'>;
}

const strict = { additionalProperties: false } as const;
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const HandleParams = Type.Object({ handle: Type.String({ maxLength: 64 }) });
const Level = Type.Integer({ minimum: 1, maximum: 3, description: 'The tier level: 1, 2 or 3.' });
const Confirm = Type.Optional(Type.Boolean({ description: 'Required (true) when the charge is GIFT_CONFIRM_COINS coins or more (5,000 by default).' }));
const Tiers = Type.Object({ tiers: Type.Array(SubscriptionTierSchema) });
const CardId = Type.Optional(
  Type.String({
    maxLength: 64,
    description:
      'A saved card of yours (GET /api/v1/me/cards): each month its coins are bought with it, charged without you present and counted against your budget, then spent on the month. Left out, your coins pay.',
  }),
);
const SubscriptionAnswer = Type.Object({ subscription: SubscriptionSchema });
const PaidAnswer = Type.Object({ subscription: SubscriptionSchema, payment: SubscriptionPaymentSchema });
const REFUSALS =
  'Refusals change nothing: 402 insufficient_coins (with the balance), 400 confirmation_required without confirm at GIFT_CONFIRM_COINS or more, ' +
  '403 age_restricted or account_restricted, 409 tier_closed. Paying with a saved card: 402 with the decline (card_declined, insufficient_funds, authentication_failed), ' +
  '403 budget_exceeded, 429 purchase_limit_reached, 404 card_not_found; the card is charged at most once for a month, however often it is retried.';

/** Who pays, in which session (with the authorization version it was checked under when it came from memory). */
function payerOf(request: FastifyRequest): { subscriberId: string; session: PayerSession } {
  const principal = principalOf(request);
  return { subscriberId: principal.userId, session: { sessionId: principal.sessionId, authorizationVersion: principal.authorizationVersion } };
}

/** Creator subscriptions: tiers, subscribing, cancelling and changing tier; creators' subscribers; the admin list. */
export const subscriptionRoutes: FastifyPluginAsyncTypebox<SubscriptionRoutesOptions> = async (app, { subscriptions, tiers, premium, accounts }) => {
  app.get(
    '/api/v1/users/:handle/subscription-tiers',
    {
      schema: {
        tags: ['subscriptions'],
        summary: "A creator's subscription tiers open to new subscribers, cheapest first",
        description: '404 user_not_found for an unknown handle. An empty list when the creator offers no subscription.',
        params: HandleParams,
        response: { 200: Tiers },
      },
    },
    async (request) => {
      const creator = await accounts.profile(request.params.handle, undefined);
      return { tiers: await tiers.tiersOf(creator.id, { openOnly: true }) };
    },
  );

  app.get('/api/v1/creator/subscription-tiers', { schema: { tags: ['subscriptions'], summary: 'Your subscription tiers, closed ones included', response: { 200: Tiers } } }, async (request) => ({
    tiers: await tiers.tiersOf(principalOf(request).userId),
  }));

  app.put(
    '/api/v1/creator/subscription-tiers',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Set your subscription tiers (up to three)',
        description:
          'Each listed level is created or changed; a level left out is closed: nobody new may choose it, and its subscribers renew at the price they chose. ' +
          'A price change applies to new subscribers and upgrades, never to a running subscription. Prices rise with the level. ' +
          'Each tier may list chat emotes (`:code:` in chat shows them for its subscribers and those of higher levels); a tier listed without `emotes` keeps its own. ' +
          '400 too_many_tiers, duplicate_tier_level, tier_prices_out_of_order, invalid_tier_name, invalid_tier_price, invalid_tier_perks, ' +
          'too_many_emotes, invalid_emote_code, invalid_emote_image or duplicate_emote_code.',
        body: Type.Object({ tiers: Type.Array(SubscriptionTierInputSchema, { maxItems: 10 }) }, strict),
        response: { 200: Tiers },
      },
    },
    async (request) => ({ tiers: await tiers.setTiers(principalOf(request).userId, request.body.tiers) }),
  );

  app.get(
    '/api/v1/creator/subscribers',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Your subscribers with access now, longest-standing first',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, strict),
        response: { 200: Type.Object({ subscribers: Type.Array(SubscriberSchema) }) },
      },
    },
    async (request) => ({ subscribers: await subscriptions.subscribersOf(principalOf(request).userId, request.query.limit ?? 100) }),
  );

  app.post(
    '/api/v1/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Subscribe to a creator and pay the first month in coins',
        description:
          'Needs an Idempotency-Key: a retry with the same key subscribes once and answers the same payment (idempotent-replayed: true). ' +
          'The month starts now; it renews on the same day each month from your coins until cancelled. Subscribing again after an end starts a new streak. ' +
          `${REFUSALS} Also 404 tier_not_found, 400 cannot_subscribe_to_yourself, 409 already_subscribed (change the tier instead).`,
        headers: IdempotencyHeaders,
        body: Type.Object({ creatorId: Type.String({ maxLength: 64 }), level: Level, confirm: Confirm, cardId: CardId }, strict),
        response: { 201: PaidAnswer },
      },
    },
    async (request, reply) => {
      const { subscription, payment, replayed } = await subscriptions.subscribe({
        ...payerOf(request),
        creatorId: request.body.creatorId,
        level: request.body.level,
        cardId: request.body.cardId,
        confirm: request.body.confirm === true,
        idempotencyKey: requireIdempotencyKey(request.headers, 'subscribe twice', 'subscription'),
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ subscription, payment });
    },
  );

  app.post(
    '/api/v1/lives/:id/subscription-gifts',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Gift subscriptions in a live: to one named viewer, or to viewers drawn from the room',
        description:
          'Send `recipientId` (with `months`, 1 to 12) to gift one viewer, or `count` (1 to 50) to gift a month each to viewers in the room drawn at random among those with no subscription to the creator. ' +
          'One transfer from your coins pays every month; the room announces the gift. A gifted subscription ends with its months unless its recipient renews it themselves. ' +
          'Needs an Idempotency-Key: a retry pays once and answers the same recipients. ' +
          `${REFUSALS} Also 400 invalid_recipient (both or neither of recipientId and count), invalid_months, invalid_count, cannot_gift_yourself; 404 tier_not_found; 409 live_ended, ` +
          'recipient_not_eligible (the named viewer already subscribes, or cannot receive it), not_enough_viewers (says how many could be gifted), recipient_unavailable.',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            level: Level,
            recipientId: Type.Optional(Type.String({ maxLength: 64 })),
            months: Type.Optional(Type.Integer({ description: 'For a named recipient: 1 to 12 (1 when left out).' })),
            count: Type.Optional(Type.Integer({ description: 'Viewers to draw from the room: 1 to 50.' })),
            confirm: Confirm,
          },
          strict,
        ),
        response: { 201: Type.Object({ gift: SubscriptionGiftSchema }) },
      },
    },
    async (request, reply) => {
      const { recipientId, count, months } = request.body;
      if ((recipientId === undefined) === (count === undefined)) {
        throw DomainError.invalidField('recipientId', 'invalid_recipient', 'Name one viewer (recipientId) or how many to draw from the room (count), not both.');
      }
      const { subscriberId: gifterId, session } = payerOf(request);
      const { gift, replayed } = await subscriptions.giftSubscriptions({
        gifterId,
        session,
        liveId: request.params.id,
        level: request.body.level,
        recipient: recipientId !== undefined ? { type: 'viewer', userId: recipientId, months: months ?? 1 } : { type: 'random', count: count! },
        confirm: request.body.confirm === true,
        idempotencyKey: requireIdempotencyKey(request.headers, 'pay twice', 'gift'),
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ gift });
    },
  );

  app.get(
    '/api/v1/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Your subscriptions, newest first, ended ones included',
        response: { 200: Type.Object({ subscriptions: Type.Array(SubscriptionSchema) }) },
      },
    },
    async (request) => ({ subscriptions: await subscriptions.mine(principalOf(request).userId) }),
  );

  app.get(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'One of your subscriptions, with every payment, newest first',
        description: '404 subscription_not_found for another user’s subscription.',
        params: IdParams,
        response: { 200: Type.Object({ subscription: SubscriptionSchema, payments: Type.Array(SubscriptionPaymentSchema) }) },
      },
    },
    async (request) => subscriptions.get(principalOf(request).userId, request.params.id),
  );

  app.post(
    '/api/v1/subscriptions/:id/cancel',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Cancel at the end of the period',
        description:
          'Access lasts until currentPeriodEnd and nothing more is charged; the month paid is not refunded. A past-due subscription ends at once. ' +
          'Cancelling again changes nothing. 409 subscription_ended.',
        params: IdParams,
        response: { 200: SubscriptionAnswer },
      },
    },
    async (request) => ({ subscription: await subscriptions.cancel(principalOf(request).userId, request.params.id) }),
  );

  app.post(
    '/api/v1/subscriptions/:id/resume',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Take back a cancel before the period ends',
        description: 'It renews again as before. 409 subscription_ended once it has ended (subscribe again instead).',
        params: IdParams,
        response: { 200: SubscriptionAnswer },
      },
    },
    async (request) => ({ subscription: await subscriptions.resume(principalOf(request).userId, request.params.id) }),
  );

  app.post(
    '/api/v1/subscriptions/:id/tier',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Move to another tier: up at once, down at the next renewal',
        description:
          'Moving up charges the difference of the monthly prices for the time left in the period, rounded down to whole coins (at least 1), and the new tier applies at once; ' +
          'renewals then charge its price. Moving down charges nothing and takes effect at the next renewal (nextTier); choosing the current tier drops a pending move down. ' +
          'Needs an Idempotency-Key. Answers `payment` for a move up, null otherwise. ' +
          `${REFUSALS} Also 409 subscription_past_due, subscription_ended or renewal_due.`,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: Type.Object({ level: Level, confirm: Confirm }, strict),
        response: { 200: Type.Object({ subscription: SubscriptionSchema, payment: Type.Union([SubscriptionPaymentSchema, Type.Null()]) }) },
      },
    },
    async (request, reply) => {
      const { subscription, payment, replayed } = await subscriptions.changeTier({
        ...payerOf(request),
        subscriptionId: request.params.id,
        level: request.body.level,
        confirm: request.body.confirm === true,
        idempotencyKey: requireIdempotencyKey(request.headers, 'pay twice', 'change of tier'),
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return { subscription, payment };
    },
  );

  app.post(
    '/api/v1/subscriptions/:id/payment-method',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Pay the next months with a saved card, or from your coins',
        description:
          '`cardId` names a saved card of yours that buys each month’s coins before they are spent on it; null pays from the coins you hold. After a card was declined, choose another and renew (POST …/renew). ' +
          'A card that is not yours, or removed, is refused when it is next charged (404 card_not_found). 409 subscription_ended.',
        params: IdParams,
        body: Type.Object({ cardId: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]) }, strict),
        response: { 200: SubscriptionAnswer },
      },
    },
    async (request) => ({ subscription: await subscriptions.setPaymentMethod(principalOf(request).userId, request.params.id, request.body.cardId) }),
  );

  app.post(
    '/api/v1/subscriptions/:id/renew',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Pay a past-due renewal now',
        description:
          'After recharging, rather than waiting for the next retry. The month runs from when the last one ended, so the streak goes on. ' +
          '402 insufficient_coins, 403 when the account may not pay, 409 nothing_to_renew.',
        params: IdParams,
        response: { 200: SubscriptionAnswer },
      },
    },
    async (request) => ({ subscription: await subscriptions.renewNow(principalOf(request).userId, request.params.id) }),
  );

  app.get(
    '/api/v1/admin/subscriptions',
    {
      schema: {
        tags: ['admin'],
        summary: 'Subscriptions, newest first, by subscriber, creator and status',
        querystring: Type.Object(
          {
            subscriberId: Type.Optional(Type.String({ maxLength: 64 })),
            creatorId: Type.Optional(Type.String({ maxLength: 64 })),
            status: Type.Optional(SubscriptionStatusSchema),
            after: Type.Optional(Type.String({ maxLength: 64, description: 'nextCursor of the previous page.' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          strict,
        ),
        response: { 200: Type.Object({ subscriptions: Type.Array(SubscriptionSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => subscriptions.list({ ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.post(
    '/api/v1/admin/subscriptions/:id/cancel',
    {
      schema: {
        tags: ['admin'],
        summary: 'Cancel a subscription at its period end, or end it now',
        description: 'With `now: true` access ends at once (endedReason closed_by_admin); either way nothing paid is refunded. 404 subscription_not_found, 409 subscription_ended.',
        params: IdParams,
        body: Type.Object({ now: Type.Boolean({ description: 'true ends access at once; false cancels at the period end.' }) }, strict),
        response: { 200: SubscriptionAnswer },
      },
    },
    async (request) => ({ subscription: await subscriptions.adminCancel(request.params.id, { now: request.body.now }) }),
  );

  app.get(
    '/api/v1/premium',
    {
      schema: {
        tags: ['subscriptions'],
        summary: "The platform's premium plan: price, perks and whether it takes new members",
        description: '404 premium_not_offered when the operator never set one up.',
        response: { 200: Type.Object({ plan: PremiumPlanSchema }) },
      },
    },
    async () => {
      const plan = await premium.plan();
      if (!plan) throw DomainError.notFound('premium_not_offered', 'This platform offers no premium plan.');
      return { plan };
    },
  );

  app.post(
    '/api/v1/premium',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Join the premium plan and pay the first month in coins',
        description:
          'A subscription to the platform: it renews, lapses, cancels and resumes as creator subscriptions do, under /api/v1/subscriptions/:id; the coins go to the platform. ' +
          `Needs an Idempotency-Key. ${REFUSALS} Also 404 premium_not_offered, 409 already_subscribed.`,
        headers: IdempotencyHeaders,
        body: Type.Object({ confirm: Confirm, cardId: CardId }, strict),
        response: { 201: PaidAnswer },
      },
    },
    async (request, reply) => {
      const { subscription, payment, replayed } = await premium.join({
        ...payerOf(request),
        confirm: request.body.confirm === true,
        cardId: request.body.cardId,
        idempotencyKey: requireIdempotencyKey(request.headers, 'pay twice', 'membership'),
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ subscription, payment });
    },
  );

  app.put(
    '/api/v1/admin/premium',
    {
      schema: {
        tags: ['admin'],
        summary: 'Set up or change the premium plan',
        description:
          'A new price applies to new members; current members renew at the price they joined at. `open: false` stops new members. ' +
          '400 invalid_tier_name, invalid_tier_price, invalid_tier_perks, invalid_badge or invalid_bonus.',
        body: PremiumPlanInputSchema,
        response: { 200: Type.Object({ plan: PremiumPlanSchema }) },
      },
    },
    async (request) => ({ plan: await premium.setPlan({ ...request.body, perks: request.body.perks ?? [] }) }),
  );

  app.get(
    '/api/v1/me/entitlements',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'What your account gives you now: premium membership and its perks',
        description: 'Whether an item of paid content is yours is answered per item, by GET /api/v1/content/:creatorId/:contentId/access.',
        response: { 200: EntitlementsSchema },
      },
    },
    async (request) => premium.entitlements(principalOf(request).userId),
  );

  app.get(
    '/api/v1/admin/users/:id/entitlements',
    {
      schema: {
        tags: ['admin'],
        summary: "What a user's account gives them now, for the operator's own servers (ad-free, premium badge)",
        params: IdParams,
        response: { 200: EntitlementsSchema },
      },
    },
    async (request) => premium.entitlements(request.params.id),
  );
};
