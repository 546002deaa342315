import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { ratePercentText, type TaxRate, type TaxRates } from './tax-rates.js';

const TaxRateSchema = Type.Object(
  {
    region: Type.String({ description: 'ISO 3166-1 alpha-2 region code.' }),
    ratePercent: Type.String({ description: 'The rate in percent, exact, such as "20" or "8.875".' }),
    pricing: Type.Union([Type.Literal('inclusive'), Type.Literal('exclusive')], {
      description: 'inclusive: the region’s prices contain the tax (VAT, GST); exclusive: the tax is added to the price at checkout.',
    }),
    effectiveFrom: Type.String({ description: 'Orders priced from this instant (inclusive) take this rate.' }),
    effectiveUntil: Type.Union([Type.String(), Type.Null()], { description: 'When the region’s next rate starts (exclusive); null for the latest.' }),
    setBy: Type.String({ description: 'The admin who set it.' }),
  },
  { description: 'A region’s tax rate on coin sales from an instant.' },
);

const rateJson = (rate: TaxRate) => ({
  region: rate.region,
  ratePercent: ratePercentText(rate.ratePpm),
  pricing: rate.pricing,
  effectiveFrom: rate.effectiveFrom,
  effectiveUntil: rate.effectiveUntil,
  setBy: rate.setBy,
});

/** Admins' tax rates per region (docs/store.md#tax). */
export const taxRateRoutes: FastifyPluginAsyncTypebox<{ taxRates: TaxRates }> = async (app, { taxRates }) => {
  app.get(
    '/api/v1/admin/tax-rates',
    {
      schema: {
        tags: ['admin'],
        summary: 'Tax rates on coin sales per region, with their dates',
        querystring: Type.Object({ region: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'Only this region’s rates.' })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ taxRates: Type.Array(TaxRateSchema, { description: 'By region, oldest first. A region without any sells without tax.' }) }),
        },
      },
    },
    async (request) => ({ taxRates: (await taxRates.list(request.query.region)).map(rateJson) }),
  );

  app.post(
    '/api/v1/admin/tax-rates',
    {
      schema: {
        tags: ['admin'],
        summary: 'Set a region’s tax rate from now or a later instant',
        description:
          'Orders priced from effectiveFrom (default now) take the rate; orders priced before keep theirs. effectiveFrom in the past is 400 effective_date_in_past; a malformed field 400 invalid_region, invalid_tax_rate, invalid_tax_pricing or invalid_date; a rate of the region already starting at that instant is 409 tax_rate_exists. A rate of "0" stops taxing the region.',
        body: Type.Object(
          {
            region: Type.String({ maxLength: 8, description: 'ISO 3166-1 alpha-2 region code, such as "DE".' }),
            ratePercent: Type.String({ maxLength: 16, description: 'Percent from 0 to below 100, at most 4 decimals, such as "20" or "8.875".' }),
            pricing: Type.Union([Type.Literal('inclusive'), Type.Literal('exclusive')]),
            effectiveFrom: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 instant, now or later; default now.' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ taxRate: TaxRateSchema }) },
      },
    },
    async (request, reply) => reply.code(201).send({ taxRate: rateJson(await taxRates.set(principalOf(request).userId, request.body)) }),
  );
};
