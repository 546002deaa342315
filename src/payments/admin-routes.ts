import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Orders } from './orders.js';
import { principalOf } from '../accounts/index.js';
import { AdminOrderSchema, OrderStatusSchema, SpentAfterSchema } from './views.js';

const strict = { additionalProperties: false } as const;
const bearer = [{ bearerAuth: [] }];
const AdminOrderDetailSchema = Type.Intersect([
  AdminOrderSchema,
  Type.Object({
    spentAfter: Type.Array(SpentAfterSchema, {
      description: 'What the buyer’s wallet spent after this order was credited, newest first (up to 50): where a disputed purchase’s coins went.',
    }),
  }),
]);
const OrderParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Admin tools for orders: find them (disputes are `status=disputed`), inspect one, and grant an exceptional refund. */
export const adminOrderRoutes: FastifyPluginAsyncTypebox<{ orders: Orders }> = async (app, { orders }) => {
  app.get(
    '/api/v1/admin/orders',
    {
      schema: {
        tags: ['admin'],
        summary: 'Orders, newest first, by status (disputed for chargebacks) and buyer',
        security: bearer,
        querystring: Type.Object(
          {
            status: Type.Optional(OrderStatusSchema),
            userId: Type.Optional(Type.String({ maxLength: 64 })),
            after: Type.Optional(Type.String({ maxLength: 64, description: 'nextCursor of the previous page.' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          strict,
        ),
        response: { 200: Type.Object({ orders: Type.Array(AdminOrderSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => orders.listForAdmin({ ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/api/v1/admin/orders/:id',
    { schema: { tags: ['admin'], summary: 'Any order, with where its coins went', security: bearer, params: OrderParams, response: { 200: Type.Object({ order: AdminOrderDetailSchema }) } } },
    async (request) => ({ order: await orders.getForAdmin(request.params.id) }),
  );

  app.post(
    '/api/v1/admin/orders/:id/refund',
    {
      schema: {
        tags: ['admin'],
        summary: "Exceptional refund: takes the order's coins back while they are unspent and returns the payment",
        description: 'Coins are non-refundable; this is for exceptions. Refused with 409 coins_already_spent when the wallet no longer holds the order’s coins.',
        security: bearer,
        params: OrderParams,
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, strict),
        response: { 200: Type.Object({ order: AdminOrderDetailSchema }) },
      },
    },
    async (request) => {
      await orders.refund(request.params.id, { reason: request.body.reason, adminId: principalOf(request).userId });
      return { order: await orders.getForAdmin(request.params.id) };
    },
  );
};
