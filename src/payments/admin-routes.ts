import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Orders } from './orders.js';
import { principalOf } from '../accounts/index.js';
import { answersCsv, CSV_MAX_ROWS, csvDownload, csvOf, CsvFormatParam } from '../shared/csv.js';
import { AdminOrderSchema, OrderStatusSchema, SpentAfterSchema, type AdminOrder } from './views.js';

const strict = { additionalProperties: false } as const;
const AdminOrderDetailSchema = Type.Intersect([
  AdminOrderSchema,
  Type.Object({
    spentAfter: Type.Array(SpentAfterSchema, {
      description: 'What the buyer’s wallet spent after this order was credited, newest first (up to 50): where a disputed purchase’s coins went.',
    }),
  }),
]);
const OrderParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const CSV_COLUMNS = [
  'id',
  'createdAt',
  'creditedAt',
  'userId',
  'status',
  'channel',
  'region',
  'coins',
  'bonusCoins',
  'currency',
  'total',
  'tax',
  'taxRatePercent',
  'taxPricing',
  'netOfTax',
  'provider',
  'providerPaymentId',
];

/** Orders as CSV (RFC 4180): amounts in the currency's minor unit; the tax columns are empty for an untaxed sale. */
function ordersCsv(list: readonly AdminOrder[]): string {
  return csvOf([
    CSV_COLUMNS,
    ...list.map((order) => [
      order.id,
      order.createdAt,
      order.creditedAt ?? '',
      order.userId,
      order.status,
      order.channel,
      order.region,
      String(order.coins),
      String(order.bonusCoins),
      order.price.currency,
      String(order.price.amount),
      order.tax === null ? '' : String(order.tax.amount),
      order.tax?.ratePercent ?? '',
      order.tax?.pricing ?? '',
      String(order.price.amount - (order.tax?.amount ?? 0)),
      order.provider,
      order.providerPaymentId ?? '',
    ]),
  ]);
}

/** Admin tools for orders: find them (disputes are `status=disputed`), inspect one, and grant an exceptional refund. */
export const adminOrderRoutes: FastifyPluginAsyncTypebox<{ orders: Orders }> = async (app, { orders }) => {
  app.get(
    '/api/v1/admin/orders',
    {
      schema: {
        tags: ['admin'],
        summary: 'Orders, newest first, by status (disputed for chargebacks) and buyer, as JSON pages or a CSV export',
        description: `format=csv (or Accept: text/csv) downloads up to ${CSV_MAX_ROWS} orders with the same filters, ignoring limit, with each sale's tax; when more match, the response carries x-truncated: true and x-next-cursor to continue from (as after). An unknown after is 400 invalid_cursor.`,
        querystring: Type.Object(
          {
            status: Type.Optional(OrderStatusSchema),
            userId: Type.Optional(Type.String({ maxLength: 64 })),
            after: Type.Optional(Type.String({ maxLength: 64, description: 'nextCursor of the previous page.' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            format: CsvFormatParam,
          },
          strict,
        ),
        response: {
          200: {
            content: {
              'application/json': { schema: Type.Object({ orders: Type.Array(AdminOrderSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
              'text/csv': { schema: Type.String({ description: `Header row ${CSV_COLUMNS.join(',')} and one row per order, newest first, RFC 4180.` }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      if (!answersCsv(request, reply, format)) return orders.listForAdmin({ ...filter, limit: filter.limit ?? 50 });
      const page = await orders.listForAdmin({ ...filter, limit: CSV_MAX_ROWS });
      return csvDownload(reply, 'ovation-orders.csv', ordersCsv(page.orders), page.nextCursor);
    },
  );

  app.get(
    '/api/v1/admin/orders/:id',
    { schema: { tags: ['admin'], summary: 'Any order, with where its coins went', params: OrderParams, response: { 200: Type.Object({ order: AdminOrderDetailSchema }) } } },
    async (request) => ({ order: await orders.getForAdmin(request.params.id) }),
  );

  app.post(
    '/api/v1/admin/orders/:id/refund',
    {
      schema: {
        tags: ['admin'],
        summary: "Exceptional refund: takes the order's coins back while they are unspent and returns the payment",
        description: 'Coins are non-refundable; this is for exceptions. Refused with 409 coins_already_spent when the wallet no longer holds the order’s coins.',
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
