import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { DomainError } from '../shared/errors.js';
import { IdempotencyHeaders, requireIdempotencyKey } from '../shared/idempotency.js';
import type { Orders } from './orders.js';
import { IgnoredWebhookEvent, type PaymentProvider } from './provider.js';
import { readJsonAsText, WebhookSignatureError } from '../shared/signatures.js';
import { appAccountTokenOf, type SandboxAppStore } from './app-store.js';
import type { SandboxProvider } from './sandbox.js';
import type { SpendingControls } from './spending.js';
import { BudgetLimitsSchema, BudgetSchema, OrderSchema, ReceiptSchema, SavedCardSchema } from './views.js';

const strict = { additionalProperties: false } as const;
const OrderEnvelope = Type.Object({ order: OrderSchema });
const OrderParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const orderRoutes: FastifyPluginAsyncTypebox<{ orders: Orders }> = async (app, { orders }) => {
  app.post(
    '/api/v1/orders',
    {
      schema: {
        tags: ['store'],
        summary: 'Order coins: a package or a custom amount, priced by the server',
        description: 'Needs an Idempotency-Key: the same key answers the same order; the same key with other parameters is refused (409).',
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            packageId: Type.Optional(Type.String({ maxLength: 64 })),
            customCoins: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
            region: Type.Optional(
              Type.String({
                pattern: '^[A-Za-z]{2}$',
                description: "The account's own region, if sent: orders are priced in the account's region, and another region is refused with 400 region_mismatch.",
              }),
            ),
            channel: Type.Optional(Type.Union([Type.Literal('web'), Type.Literal('app')])),
            confirm: Type.Optional(Type.Boolean({ description: 'Needed for large orders (STORE_LARGE_PURCHASE_COINS and up); refused with confirmation_required without it.' })),
          },
          strict,
        ),
        response: { 201: OrderEnvelope },
      },
    },
    async (request, reply) => {
      const { order, replayed } = await orders.create(principalOf(request).userId, request.body, requireIdempotencyKey(request.headers, 'buy twice', 'order'));
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ order });
    },
  );

  app.get(
    '/api/v1/orders',
    {
      schema: {
        tags: ['store'],
        summary: 'Your orders, newest first',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) }, strict),
        response: { 200: Type.Object({ orders: Type.Array(OrderSchema) }) },
      },
    },
    async (request) => ({ orders: await orders.listForUser(principalOf(request).userId, request.query.limit ?? 20) }),
  );

  app.post(
    '/api/v1/orders/app-receipts',
    {
      schema: {
        tags: ['store'],
        summary: 'Credit an app-store purchase from its receipt',
        description:
          'The app store charged the buyer; a genuine receipt is credited at once (201), and the same receipt sent again answers the same order (200). ' +
          'A receipt already credited to another account is refused (409 receipt_already_used).',
        body: Type.Object({ receipt: Type.String({ minLength: 1, maxLength: 16_384 }) }, strict),
        response: { 200: OrderEnvelope, 201: OrderEnvelope },
      },
    },
    async (request, reply) => {
      const { order, replayed } = await orders.creditAppReceipt(principalOf(request).userId, request.body.receipt);
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send({ order });
    },
  );

  app.get(
    '/api/v1/me/app-account-token',
    {
      schema: {
        tags: ['store'],
        summary: 'The UUID an app passes with an app-store purchase (StoreKit’s appAccountToken), so its receipt is credited only to this account',
        description: 'A receipt whose transaction names another account’s token is refused (409 receipt_of_another_account). The token never changes.',
        response: { 200: Type.Object({ appAccountToken: Type.String({ format: 'uuid' }) }) },
      },
    },
    async (request) => ({ appAccountToken: appAccountTokenOf(principalOf(request).userId) }),
  );

  app.get('/api/v1/orders/:id', { schema: { tags: ['store'], summary: 'One of your orders', params: OrderParams, response: { 200: OrderEnvelope } } }, async (request) => ({
    order: await orders.get(principalOf(request).userId, request.params.id),
  }));

  app.get(
    '/api/v1/orders/:id/receipt',
    {
      schema: {
        tags: ['store'],
        summary: 'The receipt of one of your paid orders',
        description: 'Refused with 409 receipt_unavailable until the order is paid.',
        params: OrderParams,
        response: {
          200: Type.Object({ receipt: ReceiptSchema }),
        },
      },
    },
    async (request) => ({ receipt: await orders.receipt(principalOf(request).userId, request.params.id) }),
  );

  app.post(
    '/api/v1/orders/:id/check',
    {
      schema: {
        tags: ['store'],
        summary: '"Where are my coins?": asks the payment provider now and credits the order if it was paid',
        params: OrderParams,
        response: { 200: OrderEnvelope },
      },
    },
    async (request) => ({ order: await orders.check(principalOf(request).userId, request.params.id) }),
  );
};

const WebhookBehaviourSchema = Type.Optional(
  Type.Union([Type.Literal('chaos'), Type.Literal('once'), Type.Literal('twice'), Type.Literal('drop')], {
    description: 'How the sandbox delivers this payment’s webhooks (tests): chaos (default: random delays, some twice), once, twice, or drop.',
  }),
);

/** The sandbox provider's own API: what its hosted checkout page does when a card is entered, and the sandbox app store when it is the app store. */
export const sandboxRoutes: FastifyPluginAsyncTypebox<{ orders: Orders; sandbox: SandboxProvider; appStore: SandboxAppStore | undefined }> = async (app, { orders, sandbox, appStore }) => {
  if (appStore)
    app.post(
      '/api/v1/sandbox/app-store/purchases',
      {
        schema: {
          tags: ['sandbox'],
          summary: 'Buy an app-channel package in the sandbox app store, as the store’s device SDK would; answers the signed receipt',
          body: Type.Object(
            {
              productId: Type.String({ maxLength: 64, description: 'An app-channel package id, such as pkg_app_700.' }),
              storefront: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'Region of the store account that pays.' }),
            },
            strict,
          ),
          response: { 201: Type.Object({ receipt: Type.String() }) },
        },
      },
      async (request, reply) => reply.code(201).send({ receipt: appStore.purchase(request.body) }),
    );

  app.post(
    '/api/v1/sandbox/checkout/:orderId',
    {
      schema: {
        tags: ['sandbox'],
        summary: 'Pay an order with a sandbox test card',
        description:
          '4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 is declined for insufficient funds; ' +
          '4000 0000 0000 3220 requires a challenge step; 4000 0000 0000 0259 succeeds and is charged back later; ' +
          '4000 0000 0000 0341 succeeds here, and once saved (POST /api/v1/me/cards) only its first charge succeeds. ' +
          'Crediting follows asynchronously, from the webhook.',
        params: Type.Object({ orderId: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ card: Type.String({ minLength: 12, maxLength: 23 }), webhooks: WebhookBehaviourSchema }, strict),
        response: { 200: OrderEnvelope },
      },
    },
    async (request) => {
      const { orderId } = request.params;
      const { claim } = await orders.payable(principalOf(request).userId, orderId);
      let payment;
      try {
        payment = await sandbox.checkout(orderId, request.body.card, request.body.webhooks);
      } catch (error) {
        // Refused before the card was tried: the order is not being paid, so it stops counting against the limits.
        if ((await sandbox.paymentForOrder(orderId))?.status === 'requires_payment_method') await orders.releaseCheckout(orderId, claim);
        throw error;
      }
      return { order: await orders.afterCheckout(orderId, payment) };
    },
  );

  app.post(
    '/api/v1/sandbox/checkout/:orderId/challenge',
    {
      schema: {
        tags: ['sandbox'],
        summary: 'Complete (approve) or fail the challenge step of card 4000 0000 0000 3220',
        params: Type.Object({ orderId: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ approve: Type.Boolean(), webhooks: WebhookBehaviourSchema }, strict),
        response: { 200: OrderEnvelope },
      },
    },
    async (request) => {
      await orders.payable(principalOf(request).userId, request.params.orderId);
      const payment = await sandbox.completeChallenge(request.params.orderId, request.body.approve, request.body.webhooks);
      return { order: await orders.afterCheckout(request.params.orderId, payment) };
    },
  );

  await app.register(webhookRoute, { path: '/api/v1/webhooks/sandbox', provider: sandbox, orders });
};

/** A provider's signed webhook endpoint. */
export const webhookRoute: FastifyPluginAsyncTypebox<{ path: string; provider: PaymentProvider; orders: Orders }> = async (scope, { path, provider, orders }) => {
  readJsonAsText(scope);
  scope.post(
    path,
    {
      schema: {
        tags: ['webhooks'],
        summary: `Payment events from the ${provider.name} provider, checked against its signature`,
        response: { 200: Type.Object({ received: Type.Literal(true), result: Type.String() }) },
      },
    },
    async (request) => {
      let event;
      try {
        event = provider.parseWebhook(request.body as string, request.headers);
      } catch (error) {
        if (error instanceof IgnoredWebhookEvent) return { received: true as const, result: 'ignored' };
        if (error instanceof WebhookSignatureError || error instanceof SyntaxError) throw DomainError.invalidRequest('invalid_signature', error.message);
        throw error;
      }
      return { received: true as const, result: await orders.handleEvent(provider, event) };
    },
  );
};

const BudgetEnvelope = Type.Object({ budget: BudgetSchema });

/** The user's own spending budget. */
export const budgetRoutes: FastifyPluginAsyncTypebox<{ spending: SpendingControls }> = async (app, { spending }) => {
  app.get('/api/v1/me/budget', { schema: { tags: ['store'], summary: 'Your coin-buying budget and how much of it is used', response: { 200: BudgetEnvelope } } }, async (request) => ({
    budget: await spending.getBudget(principalOf(request).userId),
  }));

  app.put(
    '/api/v1/me/budget',
    {
      schema: {
        tags: ['store'],
        summary: 'Set daily, weekly and monthly limits on the coins you buy (null for none)',
        description: 'Lowering a limit applies at once; raising or removing one applies after a cooling-off period, shown as `pending`.',
        body: BudgetLimitsSchema,
        response: { 200: BudgetEnvelope },
      },
    },
    async (request) => ({ budget: await spending.setBudget(principalOf(request).userId, request.body) }),
  );
};

const CardEnvelope = Type.Object({ card: SavedCardSchema });

/** The user's saved cards, charged only for purchases the user set up, such as subscription renewals. */
export const cardRoutes: FastifyPluginAsyncTypebox<{ orders: Orders }> = async (app, { orders }) => {
  app.post(
    '/api/v1/me/cards',
    {
      schema: {
        tags: ['store'],
        summary: 'Save a card for purchases made without you present, such as subscription renewals',
        description:
          'With the sandbox provider send a test card number as `card`; with Stripe send the `pm_…` id Stripe.js collected as `paymentMethodId`. ' +
          'The answer never carries the card number or the provider’s references. A card the provider declines is refused (402 card_declined).',
        body: Type.Object(
          {
            card: Type.Optional(Type.String({ minLength: 12, maxLength: 23, description: 'Sandbox: a test card number, such as 4242 4242 4242 4242.' })),
            paymentMethodId: Type.Optional(Type.String({ pattern: '^pm_[A-Za-z0-9_]+$', maxLength: 255, description: 'Stripe: the payment method Stripe.js collected.' })),
          },
          { ...strict, minProperties: 1 },
        ),
        response: { 201: CardEnvelope },
      },
    },
    async (request, reply) => reply.code(201).send({ card: await orders.saveCard(principalOf(request).userId, request.body) }),
  );

  app.get('/api/v1/me/cards', { schema: { tags: ['store'], summary: 'Your saved cards, newest first', response: { 200: Type.Object({ cards: Type.Array(SavedCardSchema) }) } } }, async (request) => ({
    cards: await orders.listCards(principalOf(request).userId),
  }));

  app.delete(
    '/api/v1/me/cards/:id',
    {
      schema: {
        tags: ['store'],
        summary: 'Remove a saved card: it is never charged again',
        description: 'Purchases already charged to it stay as they are; renewals meant for it fail with card_not_found until another card is saved.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: CardEnvelope },
      },
    },
    async (request) => ({ card: await orders.removeCard(principalOf(request).userId, request.params.id) }),
  );
};
