import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { readJsonAsText, WebhookSignatureError } from '../shared/signatures.js';
import { DomainError } from '../shared/errors.js';
import { IdempotencyHeaders, requireIdempotencyKey } from '../shared/idempotency.js';
import type { GiftClawbacks } from './clawbacks.js';
import type { Payouts } from './payouts.js';
import { AdminPayoutSchema, PayoutQuoteSchema, PayoutRulesSchema, PayoutSchema, PayoutStatusSchema, RiskReasonSchema } from './views.js';
import type { PayPalPayoutProvider } from './paypal.js';
import type { WisePayoutProvider } from './wise.js';

const strict = { additionalProperties: false } as const;
const PayoutParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const REFUSALS =
  'Needs a session that proved two-factor in the last TWO_FACTOR_RECENT_MINUTES: else 403 two_factor_recent_required (prove it with POST /api/v1/me/two-factor/verify, then retry). ' +
  'Refusals change nothing: 403 two_factor_required, identity_not_verified, first_payout_hold, account_restricted or creator_required; 404 payout_method_not_found; ' +
  '400 below_minimum or daily_limit_exceeded (naming what is left); 409 insufficient_diamonds (diamonds in other payouts are reserved) or idempotency_key_reused. ' +
  'A method in another currency needs a quote: 400 quote_required, quote_expired or quote_mismatch, 404 quote_not_found, 409 quote_used.';

/** Creators' payouts: request one, follow it. */
export const payoutRoutes: FastifyPluginAsyncTypebox<{ payouts: Payouts }> = async (app, { payouts }) => {
  app.get(
    '/api/v1/payouts/rules',
    {
      schema: {
        tags: ['payouts'],
        summary: 'The minimum, the daily maximum and the first-payout hold',
        response: {
          200: Type.Object({ rules: PayoutRulesSchema }),
        },
      },
    },
    async () => ({ rules: payouts.rules() }),
  );

  app.post(
    '/api/v1/payouts/quotes',
    {
      schema: {
        tags: ['payouts'],
        summary: "Quote a payout to a payout method in another currency: the provider's rate, fee and the amount received",
        description:
          'Changes no balance. Confirm the quote with POST /api/v1/payouts (the same diamonds and methodId, and its id as quoteId) before it expires; it pays one payout. ' +
          "Refused as a payout would be (403, 404 payout_method_not_found, 400 below_minimum), and with 400 quote_not_needed for a method in the diamonds' own currency or currency_not_supported when the provider cannot pay in it.",
        body: Type.Object({ diamonds: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), methodId: Type.String({ minLength: 1, maxLength: 64 }) }, strict),
        response: { 201: Type.Object({ quote: PayoutQuoteSchema }) },
      },
    },
    async (request, reply) => reply.code(201).send({ quote: await payouts.quote(principalOf(request).userId, request.body) }),
  );

  app.post(
    '/api/v1/payouts',
    {
      schema: {
        tags: ['payouts'],
        summary: 'Request a payout of diamonds to a payout method',
        description:
          'Needs two-factor on the account, a verified identity, a payout method and an Idempotency-Key (a retry answers the same payout with idempotent-replayed: true). ' +
          'The diamonds are reserved at once; the payout is approved automatically or waits for review, then is sent. ' +
          REFUSALS,
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            diamonds: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
            methodId: Type.String({ minLength: 1, maxLength: 64 }),
            quoteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "The quote confirmed; needed for a payout method in another currency than the diamonds' value." })),
          },
          strict,
        ),
        response: { 201: Type.Object({ payout: PayoutSchema }) },
      },
    },
    async (request, reply) => {
      const { payout, replayed } = await payouts.request(principalOf(request).userId, request.body, requireIdempotencyKey(request.headers, 'pay out twice', 'payout'));
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ payout });
    },
  );

  app.get(
    '/api/v1/payouts',
    {
      schema: {
        tags: ['payouts'],
        summary: 'Your payouts, newest first, each with its timeline',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'nextCursor of the previous page.' })),
          },
          strict,
        ),
        response: { 200: Type.Object({ payouts: Type.Array(PayoutSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => payouts.list(principalOf(request).userId, { limit: request.query.limit ?? 20, cursor: request.query.cursor }),
  );

  app.get(
    '/api/v1/payouts/:id',
    { schema: { tags: ['payouts'], summary: 'One of your payouts', params: PayoutParams, response: { 200: Type.Object({ payout: PayoutSchema }) } } },
    async (request) => ({ payout: await payouts.get(principalOf(request).userId, request.params.id) }),
  );
};

/** Admins' payout tools: the review queue, decisions, and a creator's risk picture. */
export const adminPayoutRoutes: FastifyPluginAsyncTypebox<{ payouts: Payouts; clawbacks: GiftClawbacks }> = async (app, { payouts, clawbacks }) => {
  app.get(
    '/api/v1/admin/payouts',
    {
      schema: {
        tags: ['admin'],
        summary: 'Payouts, oldest first, by status (in_review is the review queue) and creator, with the risk reasons',
        querystring: Type.Object(
          {
            status: Type.Optional(PayoutStatusSchema),
            userId: Type.Optional(Type.String({ maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          strict,
        ),
        response: { 200: Type.Object({ payouts: Type.Array(AdminPayoutSchema) }) },
      },
    },
    async (request) => ({ payouts: await payouts.listForAdmin({ ...request.query, limit: request.query.limit ?? 50 }) }),
  );

  app.get(
    '/api/v1/admin/payouts/:id',
    { schema: { tags: ['admin'], summary: 'Any payout, with its risk reasons', params: PayoutParams, response: { 200: Type.Object({ payout: AdminPayoutSchema }) } } },
    async (request) => ({ payout: await payouts.getForAdmin(request.params.id) }),
  );

  app.post(
    '/api/v1/admin/payouts/:id/approve',
    {
      schema: {
        tags: ['admin'],
        summary: 'Approve a payout in review: it is sent to the provider',
        description: '409 payout_not_in_review; 409 clawback_shortfall while chargebacks left the creator short of the diamonds it holds (reject it instead).',
        params: PayoutParams,
        body: Type.Object({ note: Type.String({ minLength: 3, maxLength: 500, description: 'Why it is approved: kept on the timeline and the review record.' }) }, strict),
        response: { 200: Type.Object({ payout: AdminPayoutSchema }) },
      },
    },
    async (request) => ({ payout: await payouts.approve(request.params.id, principalOf(request).userId, request.body.note) }),
  );

  app.post(
    '/api/v1/admin/payouts/:id/reject',
    {
      schema: {
        tags: ['admin'],
        summary: 'Reject a payout in review: its diamonds go back to the creator, who sees the reason',
        params: PayoutParams,
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, strict),
        response: { 200: Type.Object({ payout: AdminPayoutSchema }) },
      },
    },
    async (request) => ({ payout: await payouts.reject(request.params.id, principalOf(request).userId, request.body.reason.trim()) }),
  );

  app.get(
    '/api/v1/admin/creators/:id/risk',
    {
      schema: {
        tags: ['admin'],
        summary: "A creator's risk picture: who pays them, disputes, clawbacks and payouts",
        params: PayoutParams,
        response: {
          200: Type.Object({
            risk: Type.Object({
              creator: Type.Object({ id: Type.String(), handle: Type.String(), displayName: Type.String(), createdAt: Type.String() }),
              reasons: Type.Array(RiskReasonSchema, { description: 'What review would flag for a payout now.' }),
              payers: Type.Array(Type.Object({ payerId: Type.String(), diamonds: Type.Integer(), payerCreatedAt: Type.String(), firstPaidAt: Type.String(), disputed: Type.Boolean() }), {
                description: 'Who paid the creator over the last 30 days, biggest first.',
              }),
              clawbacks: Type.Array(
                Type.Object({
                  orderId: Type.String(),
                  buyerId: Type.String(),
                  at: Type.String(),
                  tracedDiamonds: Type.Integer(),
                  reversedDiamonds: Type.Integer(),
                  transferId: Type.Union([Type.String(), Type.Null()]),
                }),
              ),
              payouts: Type.Array(AdminPayoutSchema),
            }),
          }),
        },
      },
    },
    async (request) => {
      const creatorId = request.params.id;
      const [picture, clawedBack, history] = await Promise.all([payouts.riskPicture(creatorId), clawbacks.ofCreator(creatorId), payouts.listForAdmin({ userId: creatorId, limit: 200 })]);
      return { risk: { ...picture, clawbacks: clawedBack, payouts: history } };
    },
  );
};

/** Wise's transfer state changes, checked against Wise's signature; registered only when Wise sends the payouts. */
/** A payout provider's webhook: the raw body goes to the provider, which checks its signature; a bad one is 400 invalid_signature. */
function providerWebhook(
  scope: Parameters<FastifyPluginAsyncTypebox>[0],
  route: { path: string; summary: string; description: string },
  handle: (rawBody: string, headers: Readonly<Record<string, string | string[] | undefined>>) => Promise<string>,
): void {
  readJsonAsText(scope);
  scope.post(
    route.path,
    { schema: { tags: ['webhooks'], summary: route.summary, description: route.description, response: { 200: Type.Object({ received: Type.Literal(true), result: Type.String() }) } } },
    async (request) => {
      try {
        return { received: true as const, result: await handle(request.body as string, request.headers) };
      } catch (error) {
        if (error instanceof WebhookSignatureError || error instanceof SyntaxError) throw DomainError.invalidRequest('invalid_signature', error.message);
        throw error;
      }
    },
  );
}

export const wiseWebhookRoute: FastifyPluginAsyncTypebox<{ wise: WisePayoutProvider }> = async (scope, { wise }) => {
  providerWebhook(
    scope,
    {
      path: '/api/v1/webhooks/wise',
      summary: 'Payout events from Wise, checked against its signature',
      description: 'Applies transfers#state-change events to the payout of the transfer; other events are answered and ignored. A bad signature is refused with 400 invalid_signature.',
    },
    (rawBody, headers) => wise.handleWebhook(rawBody, headers),
  );
};

/** PayPal's payout item events, verified by PayPal's verify-webhook-signature API before they change anything. */
export const paypalWebhookRoute: FastifyPluginAsyncTypebox<{ paypal: PayPalPayoutProvider }> = async (scope, { paypal }) => {
  providerWebhook(
    scope,
    {
      path: '/api/v1/webhooks/paypal',
      summary: 'Payout events from PayPal, verified by PayPal',
      description: 'Applies PAYMENT.PAYOUTITEM.* events to the payout of the batch; other events are answered and ignored. A delivery PayPal does not verify is refused with 400 invalid_signature.',
    },
    (rawBody, headers) => paypal.handleWebhook(rawBody, headers),
  );
};
