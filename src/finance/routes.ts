import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { answersCsv, csvDownload, CsvFormatParam, jsonOrCsv } from '../shared/csv.js';
import { safeNumber } from '../shared/integers.js';
import { timeBound } from '../wallet/index.js';
import { balancesCsv, periodCsv, type FinanceReports } from './reports.js';

/** Finance reports for the operator's books, tied to the ledger's journal (docs/finance.md#reports). */
export const financeRoutes: FastifyPluginAsyncTypebox<{ reports: FinanceReports }> = async (app, { reports }) => {
  app.get(
    '/api/v1/admin/finance/balances',
    {
      schema: {
        tags: ['admin'],
        summary: 'Coins and diamonds outstanding at an instant, from the ledger',
        description: 'Sums the journal’s posted entries committed before `at` (default now) by account kind and asset. `format=csv` (or Accept: text/csv) answers CSV.',
        querystring: Type.Object(
          {
            at: Type.Optional(timeBound('The instant, exclusive')),
            format: CsvFormatParam,
          },
          { additionalProperties: false },
        ),
        response: {
          200: jsonOrCsv(
            Type.Object({
              at: Type.String(),
              coinsOutstanding: Type.Integer({ description: 'The sum of every viewer’s coin wallet.' }),
              diamondsOutstanding: Type.Integer({ description: 'The sum of every creator’s diamond wallet, held diamonds included.' }),
              byKind: Type.Array(Type.Object({ kind: Type.String(), asset: Type.String(), balance: Type.Integer() }), { description: 'Each asset sums to zero.' }),
            }),
            'Header row at,kind,asset,balance; one row per account kind and asset, then coins_outstanding and diamonds_outstanding.',
          ),
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

  app.get(
    '/api/v1/admin/finance/report',
    {
      schema: {
        tags: ['admin'],
        summary: 'Sales, refunds, chargebacks, revenue, fees, payouts, coins, diamonds and the platform’s take over a period, from the ledger',
        description:
          'Sums the journal’s movements of the transfers committed from `from` (inclusive, default the start of the month of `to`) to `to` (exclusive, default now), and the balances outstanding before `to`. Each figure says how it ties to the ledger. `to` not after `from` is 400 invalid_date_range. `format=csv` (or Accept: text/csv) answers CSV, one line per figure.',
        querystring: Type.Object(
          {
            from: Type.Optional(timeBound('The period’s start, inclusive')),
            to: Type.Optional(timeBound('The period’s end, exclusive')),
            format: CsvFormatParam,
          },
          { additionalProperties: false },
        ),
        response: {
          200: jsonOrCsv(
            Type.Object({
              from: Type.String(),
              to: Type.String(),
              figures: Type.Array(
                Type.Object({
                  section: Type.Enum(['sales', 'refunds', 'chargebacks', 'revenue', 'fees', 'payouts', 'coins', 'diamonds', 'take', 'outstanding']),
                  name: Type.String({ description: 'With the section, names the figure, such as sales/gross or payouts/sent (docs/finance.md#the-period-report).' }),
                  channel: Type.Union([Type.String(), Type.Null()], { description: 'web or app, for figures by sales source.' }),
                  provider: Type.Union([Type.String(), Type.Null()], { description: 'The payment provider or app store, for figures by sales source.' }),
                  asset: Type.String({ description: 'A currency (the amount in its minor unit), COIN or DIAMOND.' }),
                  amount: Type.Integer(),
                  count: Type.Union([Type.Integer(), Type.Null()], { description: 'Orders, payouts or grants summed, where that means something.' }),
                  ledger: Type.String({ description: 'How the figure ties to the ledger.' }),
                }),
              ),
            }),
            'Header row from,to,section,name,channel,provider,asset,amount,count,ledger; one row per figure, as in the JSON.',
          ),
        },
      },
    },
    async (request, reply) => {
      const report = await reports.period(request.query);
      if (answersCsv(request, reply, request.query.format)) return csvDownload(reply, `ovation-finance-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`, periodCsv(report), null);
      return { from: report.from, to: report.to, figures: report.figures.map((figure) => ({ ...figure, amount: safeNumber(figure.amount) })) };
    },
  );
};
