import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { answersCsv, csvDownload } from '../shared/csv.js';
import { safeNumber } from '../shared/integers.js';
import { timeBound } from '../wallet/index.js';
import { balancesCsv, type FinanceReports } from './reports.js';

const bearer = [{ bearerAuth: [] }];

/** Finance reports for the operator's books, tied to the ledger's journal (docs/finance.md#reports). */
export const financeRoutes: FastifyPluginAsyncTypebox<{ reports: FinanceReports }> = async (app, { reports }) => {
  app.get(
    '/api/v1/admin/finance/balances',
    {
      schema: {
        tags: ['admin'],
        summary: 'Coins and diamonds outstanding at an instant, from the ledger',
        description: 'Sums the journal’s posted entries committed before `at` (default now) by account kind and asset. `format=csv` (or Accept: text/csv) answers CSV.',
        security: bearer,
        querystring: Type.Object(
          {
            at: Type.Optional(timeBound('The instant, exclusive')),
            format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'Left out: csv when the Accept header names text/csv, else json.' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            content: {
              'application/json': {
                schema: Type.Object({
                  at: Type.String(),
                  coinsOutstanding: Type.Integer({ description: 'The sum of every viewer’s coin wallet.' }),
                  diamondsOutstanding: Type.Integer({ description: 'The sum of every creator’s diamond wallet, held diamonds included.' }),
                  byKind: Type.Array(Type.Object({ kind: Type.String(), asset: Type.String(), balance: Type.Integer() }), { description: 'Each asset sums to zero.' }),
                }),
              },
              'text/csv': { schema: Type.String({ description: 'Header row at,kind,asset,balance; one row per account kind and asset, then coins_outstanding and diamonds_outstanding.' }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const report = await reports.balances(request.query);
      if (answersCsv(request, reply, request.query.format)) return csvDownload(reply, `ovation-balances-${report.at.slice(0, 10)}.csv`, balancesCsv(report), null);
      return {
        at: report.at,
        coinsOutstanding: safeNumber(report.coinsOutstanding),
        diamondsOutstanding: safeNumber(report.diamondsOutstanding),
        byKind: report.byKind.map((row) => ({ kind: row.kind, asset: row.asset, balance: safeNumber(row.posted) })),
      };
    },
  );
};
