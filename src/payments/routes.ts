import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../server/access.js';
import { ApiError } from '../server/errors.js';
import type { Orders } from './orders.js';
import { WebhookSignatureError } from './provider.js';
import type { SandboxProvider } from './sandbox.js';

const strict = { additionalProperties: false } as const;
const bearer = [{ bearerAuth: [] }];
const Price = Type.Object({ amount: Type.Integer({ description: 'In the currency’s minor unit (cents; yen).' }), currency: Type.String() });

export const OrderSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([
      Type.Literal('created'),
      Type.Literal('requires_action'),
      Type.Literal('processing'),
      Type.Literal('succeeded'),
      Type.Literal('failed'),
      Type.Literal('canceled'),
      Type.Literal('disputed'),
      Type.Literal('refunded'),
    ]),
    packageId: Type.Union([Type.String(), Type.Null()]),
    channel: Type.Union([Type.Literal('web'), Type.Literal('app')]),
    region: Type.String(),
    coins: Type.Integer(),
    bonusCoins: Type.Integer(),
    totalCoins: Type.Integer(),
    price: Price,
    promotions: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), bonusPercent: Type.Number() })),
    provider: Type.String(),
    failure: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    creditTransferId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    creditedAt: Type.Union([Type.String(), Type.Null()]),
    checkout: Type.Union([Type.Object({ provider: Type.String(), url: Type.String() }), Type.Null()]),
  },
  { description: 'A coin purchase. Coins are credited once the payment succeeds (status succeeded).' },
);
const OrderEnvelope = Type.Object({ order: OrderSchema });
const OrderParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

function requireIdempotencyKey(headers: { 'idempotency-key'?: string }): string {
  const key = headers['idempotency-key'];
  if (key === undefined) throw ApiError.invalidRequest('idempotency_key_required', 'Send an Idempotency-Key header (a new random value per order) so a retry cannot buy twice.');
  return key;
}

export const orderRoutes: FastifyPluginAsyncTypebox<{ orders: Orders }> = async (app, { orders }) => {
  app.post(
    '/api/v1/orders',
    {
      schema: {
        tags: ['store'],
        summary: 'Order coins: a package or a custom amount, priced by the server',
        description: 'Needs an Idempotency-Key: the same key answers the same order; the same key with other parameters is refused (409).',
        security: bearer,
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            packageId: Type.Optional(Type.String({ maxLength: 64 })),
            customCoins: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
            region: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
            channel: Type.Optional(Type.Union([Type.Literal('web'), Type.Literal('app')])),
          },
          strict,
        ),
        response: { 201: OrderEnvelope },
      },
    },
    async (request, reply) => {
      const { order, replayed } = await orders.create(principalOf(request).userId, request.body, requireIdempotencyKey(request.headers));
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
        security: bearer,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) }, strict),
        response: { 200: Type.Object({ orders: Type.Array(OrderSchema) }) },
      },
    },
    async (request) => ({ orders: await orders.listForUser(principalOf(request).userId, request.query.limit ?? 20) }),
  );

  app.get(
    '/api/v1/orders/:id',
    { schema: { tags: ['store'], summary: 'One of your orders', security: bearer, params: OrderParams, response: { 200: OrderEnvelope } } },
    async (request) => ({ order: await orders.get(principalOf(request).userId, request.params.id) }),
  );

  app.post(
    '/api/v1/orders/:id/check',
    {
      schema: {
        tags: ['store'],
        summary: '"Where are my coins?": asks the payment provider now and credits the order if it was paid',
        security: bearer,
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

/** The sandbox provider's own API: what its hosted checkout page does when a card is entered. */
export const sandboxRoutes: FastifyPluginAsyncTypebox<{ orders: Orders; sandbox: SandboxProvider }> = async (app, { orders, sandbox }) => {
  app.post(
    '/api/v1/sandbox/checkout/:orderId',
    {
      schema: {
        tags: ['sandbox'],
        summary: 'Pay an order with a sandbox test card',
        description:
          '4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 is declined for insufficient funds; ' +
          '4000 0000 0000 3220 requires a challenge step; 4000 0000 0000 0259 succeeds and is charged back later. ' +
          'Crediting follows asynchronously, from the webhook.',
        security: bearer,
        params: Type.Object({ orderId: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ card: Type.String({ minLength: 12, maxLength: 23 }), webhooks: WebhookBehaviourSchema }, strict),
        response: { 200: OrderEnvelope },
      },
    },
    async (request) => {
      await orders.payable(principalOf(request).userId, request.params.orderId);
      const payment = await sandbox.checkout(request.params.orderId, request.body.card, request.body.webhooks);
      return { order: await orders.afterCheckout(request.params.orderId, payment) };
    },
  );

  app.post(
    '/api/v1/sandbox/checkout/:orderId/challenge',
    {
      schema: {
        tags: ['sandbox'],
        summary: 'Complete (approve) or fail the challenge step of card 4000 0000 0000 3220',
        security: bearer,
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

  // The webhook needs the exact bytes that were signed, so this scope reads JSON as text.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    scope.post(
      '/api/v1/webhooks/sandbox',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Payment events from the sandbox provider, signed with the sandbox webhook secret',
          response: { 200: Type.Object({ received: Type.Literal(true), result: Type.String() }) },
        },
      },
      async (request) => {
        let event;
        try {
          event = sandbox.parseWebhook(request.body as string, request.headers);
        } catch (error) {
          if (error instanceof WebhookSignatureError || error instanceof SyntaxError) throw ApiError.invalidRequest('invalid_signature', error.message);
          throw error;
        }
        return { received: true as const, result: await orders.handleEvent(event) };
      },
    );
  });
};
