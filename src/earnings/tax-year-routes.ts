import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { answersCsv, csvDownload, CsvFormatParam, jsonOrCsv } from '../shared/csv.js';
import { safeNumber } from '../shared/integers.js';
import type { Earnings } from './earnings.js';
import { taxYearCsv } from './tax-years.js';

const Money = Type.Object({ amount: Type.Integer({ description: 'In the currency’s minor unit.' }), currency: Type.String() });
const FormType = Type.Union([Type.Literal('w9'), Type.Literal('w8ben'), Type.Literal('w8bene'), Type.Literal('none')], {
  description: 'The tax form collected: w9 (US persons), w8ben (individuals outside the US), w8bene (entities outside the US), none.',
});
const TaxProfileSchema = Type.Object(
  {
    country: Type.String({ description: 'ISO 3166-1 alpha-2 country of tax residence.' }),
    taxIdLast4: Type.Union([Type.String(), Type.Null()], { description: 'The last four characters of the tax id; the whole id is never shown back.' }),
    formType: FormType,
    updatedAt: Type.String(),
  },
  { description: 'What you told the platform for its tax reporting.' },
);

/** Creators' tax profile and yearly earnings reports (docs/payouts.md#tax-profile-and-yearly-report). */
export const taxYearRoutes: FastifyPluginAsyncTypebox<{ earnings: Earnings }> = async (app, { earnings }) => {
  app.get(
    '/api/v1/me/tax-profile',
    {
      schema: {
        tags: ['creators'],
        summary: 'Your tax profile',
        description: 'Creators only; null until you set it.',
        response: { 200: Type.Object({ taxProfile: Type.Union([TaxProfileSchema, Type.Null()]) }) },
      },
    },
    async (request) => ({ taxProfile: await earnings.taxYears.profile(principalOf(request).userId) }),
  );

  app.put(
    '/api/v1/me/tax-profile',
    {
      schema: {
        tags: ['creators'],
        summary: 'Set your tax profile',
        description: 'Creators only. Replaces the profile. A country that is not an ISO code is 400 invalid_country; a malformed tax id 400 invalid_tax_id; an unknown form 400 invalid_form_type.',
        body: Type.Object(
          {
            country: Type.String({ maxLength: 8 }),
            taxId: Type.Optional(Type.Union([Type.String({ maxLength: 64, description: '2 to 32 letters, digits, spaces, dots, slashes or hyphens.' }), Type.Null()])),
            formType: FormType,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ taxProfile: TaxProfileSchema }) },
      },
    },
    async (request) => ({ taxProfile: await earnings.taxYears.setProfile(principalOf(request).userId, request.body) }),
  );

  app.get(
    '/api/v1/me/tax-years/:year',
    {
      schema: {
        tags: ['creators'],
        summary: 'Your earnings for a tax year (UTC calendar year), as JSON or CSV',
        description:
          'Creators only. Diamonds earned (gifts, subscriptions, paid content, net of reversals) with their cash value at the diamond value in force when each was earned, and the payouts marked paid in the year. `format=csv` (or Accept: text/csv) downloads it.',
        params: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 9999 }) }),
        querystring: Type.Object({ format: CsvFormatParam }, { additionalProperties: false }),
        response: {
          200: jsonOrCsv(
            Type.Object({
              year: Type.Integer(),
              diamondsEarned: Type.Integer(),
              earnedValue: Type.Intersect([Money], { description: 'Each diamond at the value in force when earned, summed and rounded down once.' }),
              byValue: Type.Array(Type.Object({ effectiveFrom: Type.Union([Type.String(), Type.Null()]), effectiveUntil: Type.Union([Type.String(), Type.Null()]), diamonds: Type.Integer() }), {
                description: 'The earned diamonds by the diamond value period they were earned in.',
              }),
              payouts: Type.Array(Type.Object({ id: Type.String(), paidAt: Type.String(), diamonds: Type.Integer(), amount: Money, received: Money }), {
                description: 'Payouts marked paid in the year, oldest first.',
              }),
              paidOut: Type.Array(Money, { description: 'The payouts’ cash value by currency.' }),
              taxProfile: Type.Union([TaxProfileSchema, Type.Null()]),
            }),
            'Header year,line,from,until,diamonds,amountMinor,currency,reference; earned lines per value period, payout lines, then totals.',
          ),
        },
      },
    },
    async (request, reply) => {
      const report = await earnings.taxYears.report(principalOf(request).userId, request.params.year);
      if (answersCsv(request, reply, request.query.format)) return csvDownload(reply, `ovation-earnings-${report.year}.csv`, taxYearCsv(report), null);
      const money = (amount: bigint, currency: string) => ({ amount: safeNumber(amount), currency });
      return {
        year: report.year,
        diamondsEarned: safeNumber(report.diamondsEarned),
        earnedValue: money(report.earnedValue.amount, report.earnedValue.currency),
        byValue: report.byValue.map((lot) => ({ effectiveFrom: lot.rate.effectiveFrom, effectiveUntil: lot.rate.effectiveUntil, diamonds: safeNumber(lot.diamonds) })),
        payouts: report.payouts.map((payout) => ({
          id: payout.id,
          paidAt: payout.paidAt,
          diamonds: safeNumber(payout.diamonds),
          amount: money(payout.amountMinor, payout.currency),
          received: money(payout.receivedMinor, payout.receivedCurrency),
        })),
        paidOut: report.paidOut.map((paid) => money(paid.amount, paid.currency)),
        taxProfile: report.profile,
      };
    },
  );
};
