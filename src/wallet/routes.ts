import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import type { Database } from '../db/index.js';
import { userCoinWalletId, userDiamondWalletId, type Ledger } from '../ledger/index.js';
import { answersCsv, CSV_MAX_ROWS, csvDownload } from '../shared/csv.js';
import { safeNumber } from '../shared/integers.js';
import { listWalletTransactions, transactionsCsv, type TransactionNames } from './transactions.js';

const DEFAULT_PAGE_SIZE = 50;

/** An ISO date or date-time; `from` and `to` differ only in which end is inclusive. */
export const timeBound = (meaning: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' })], {
    description: `${meaning}: an ISO date (midnight UTC, such as 2026-03-01) or a date-time with a time zone (2026-03-01T09:30:00+09:00).`,
  });

const TransactionsQuery = Type.Object(
  {
    asset: Type.Optional(Type.Enum(['coins', 'diamonds'], { default: 'coins', description: 'Which wallet.' })),
    kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'Only this kind, such as coin_purchase, chargeback_clawback, coin_refund, reversal or transfer.' })),
    from: Type.Optional(timeBound('Only transactions at or after this time')),
    to: Type.Optional(timeBound('Only transactions before this time')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_PAGE_SIZE, description: 'Page size (JSON only).' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'nextCursor of the previous page.' })),
    format: Type.Optional(
      Type.Enum(['json', 'csv'], {
        description: `csv is an export of up to ${CSV_MAX_ROWS} rows that ignores limit. Left out: csv when the Accept header names text/csv, else json.`,
      }),
    ),
  },
  { additionalProperties: false },
);

const TransactionSchema = Type.Object({
  id: Type.String({ description: 'The ledger transfer id. A hold keeps its id when it is posted or voided.' }),
  at: Type.String({ description: 'When the transfer was written (for a hold: placed), ISO 8601 UTC.' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('posted'), Type.Literal('voided')], { description: 'pending: reserved by a hold, not yet moved.' }),
  kind: Type.String({ description: 'coin_purchase, chargeback_clawback, coin_refund, …; reversal or transfer when the transfer names no kind.' }),
  direction: Type.Union([Type.Literal('credit'), Type.Literal('debit')], { description: 'credit: into the wallet; debit: out of it.' }),
  amount: Type.Integer({ minimum: 1, description: 'Whole coins or diamonds moved in or out of this wallet.' }),
  description: Type.String(),
  reference: Type.Object({
    orderId: Type.Optional(Type.String({ description: 'The coin order this transaction belongs to.' })),
    reversesTransferId: Type.Optional(Type.String({ description: 'The transfer this one reverses.' })),
  }),
  counterparty: Type.Optional(
    Type.Object(
      { userId: Type.String(), handle: Type.String(), displayName: Type.String() },
      { description: 'For gifts, paid messages, cheers, subscriptions and paid content: the creator paid (a debit) or the payer (a credit).' },
    ),
  ),
  gift: Type.Optional(
    Type.Object({ id: Type.String(), name: Type.String(), quantity: Type.Integer({ minimum: 1, description: 'Gifts in this one send.' }) }, { description: 'For a gift: which, and how many.' }),
  ),
});

export const walletRoutes: FastifyPluginAsyncTypebox<{ ledger: Ledger; db: Database; names: TransactionNames }> = async (app, { ledger, db, names }) => {
  app.get(
    '/api/v1/wallet',
    {
      schema: {
        tags: ['wallet'],
        summary: "The signed-in user's coins (to spend) and diamonds (earned)",
        response: {
          200: Type.Object({
            coins: Type.Integer({ description: 'Coins available to spend.' }),
            diamonds: Type.Integer({ description: 'Diamonds available to cash out (not held by a payout).' }),
          }),
        },
      },
    },
    async (request) => {
      const userId = principalOf(request).userId;
      const [coin, diamond] = await Promise.all([ledger.getAccount(userCoinWalletId(userId)), ledger.getAccount(userDiamondWalletId(userId))]);
      return { coins: safeNumber(coin?.available ?? 0n), diamonds: safeNumber(diamond?.available ?? 0n) };
    },
  );

  app.get(
    '/api/v1/wallet/transactions',
    {
      schema: {
        tags: ['wallet'],
        summary: "The signed-in user's wallet history, newest first, as JSON pages or a CSV export",
        description:
          `Lists one wallet (asset=coins or diamonds). JSON pages hold up to limit entries and a nextCursor. ` +
          `format=csv (or Accept: text/csv) downloads up to ${CSV_MAX_ROWS} rows with the same filters; when more match, the ` +
          'response carries x-truncated: true and x-next-cursor to continue from.',
        querystring: TransactionsQuery,
        response: {
          200: {
            content: {
              'application/json': { schema: Type.Object({ transactions: Type.Array(TransactionSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
              'text/csv': { schema: Type.String({ description: `Header row and up to ${CSV_MAX_ROWS} rows, RFC 4180.` }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { format, limit = DEFAULT_PAGE_SIZE, asset = 'coins', ...filter } = request.query;
      const csv = answersCsv(request, reply, format);
      const page = await listWalletTransactions(db, principalOf(request).userId, { asset, ...filter }, csv ? CSV_MAX_ROWS : limit, csv ? undefined : names);
      if (!csv) return { transactions: page.transactions.map((t) => ({ ...t, amount: safeNumber(t.amount) })), nextCursor: page.nextCursor };
      return csvDownload(reply, `ovation-${asset}-transactions.csv`, transactionsCsv(page.transactions), page.nextCursor);
    },
  );
};
