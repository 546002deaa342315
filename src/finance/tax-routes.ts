import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { answersCsv, csvDownload, CsvFormatParam, jsonOrCsv } from '../shared/csv.js';
import { safeNumber } from '../shared/integers.js';
import { timeBound } from '../wallet/index.js';
import { taxReportCsv, type TaxReport } from './tax.js';

/** The tax figure of the books for any period, tied to the tax payable accounts (docs/finance.md#tax-on-sales). */
export const taxReportRoutes: FastifyPluginAsyncTypebox<{ report: (query: { from?: string; to?: string }) => Promise<TaxReport> }> = async (app, { report }) => {
  app.get(
    '/api/v1/admin/finance/tax',
    {
      schema: {
        tags: ['admin'],
        summary: 'Tax on sales over a period, from the ledger',
        description:
          'Sums the entries of the tax payable accounts (platform:tax_payable:<currency>) of the transfers committed from `from` (default: the beginning) to `to` (default now): sales’ tax legs collected, refunds’ and chargebacks’ reversed. `format=csv` (or Accept: text/csv) lists every tax leg. A bound that is not a date is 400 invalid_date; `to` not after `from` 400 invalid_date_range.',
        querystring: Type.Object(
          {
            from: Type.Optional(timeBound('Start, inclusive')),
            to: Type.Optional(timeBound('End, exclusive')),
            format: CsvFormatParam,
          },
          { additionalProperties: false },
        ),
        response: {
          200: jsonOrCsv(
            Type.Object({
              from: Type.String(),
              to: Type.String(),
              currencies: Type.Array(
                Type.Object({
                  currency: Type.String(),
                  collected: Type.Integer({ description: 'Tax legs of sales, in the minor unit.' }),
                  reversed: Type.Integer({ description: 'Tax legs taken back by refunds and chargebacks.' }),
                  payable: Type.Integer({ description: 'collected − reversed: the change of the tax payable account over the period.' }),
                  sales: Type.Integer({ description: 'Sales with tax in the period.' }),
                  reversals: Type.Integer({ description: 'Refunds and chargebacks that took tax back.' }),
                }),
              ),
            }),
            'Header at,transferId,kind,orderId,currency,tax; one row per tax leg (signed), then one payable row per currency.',
          ),
        },
      },
    },
    async (request, reply) => {
      const found = await report(request.query);
      if (answersCsv(request, reply, request.query.format)) return csvDownload(reply, `ovation-tax-${found.from.slice(0, 10)}-${found.to.slice(0, 10)}.csv`, taxReportCsv(found), null);
      return {
        from: found.from,
        to: found.to,
        currencies: found.currencies.map((row) => ({ ...row, collected: safeNumber(row.collected), reversed: safeNumber(row.reversed), payable: safeNumber(row.payable) })),
      };
    },
  );
};
