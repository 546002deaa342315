import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { minorUnitDigits } from '../ledger/index.js';
import type { DiamondValue } from './config.js';
import type { DiamondRate, DiamondValues } from './diamond-values.js';
import type { Earnings } from './earnings.js';

const strict = { additionalProperties: false } as const;

const DiamondRateSchema = Type.Object({
  effectiveFrom: Type.Union([Type.String(), Type.Null()], { description: 'Diamonds earned from this instant (inclusive) take this value; null for the first value, in force from the beginning.' }),
  effectiveUntil: Type.Union([Type.String(), Type.Null()], { description: 'When the next value starts (exclusive); null for the last.' }),
  amount: Type.String({ description: 'One diamond in the currency’s major unit, exact, such as "0.005".' }),
  currency: Type.String(),
  setBy: Type.Union([Type.String(), Type.Null()], { description: 'The admin who set it; null for PAYOUT_DIAMOND_VALUE.' }),
});

/** One diamond in the currency's major unit, exactly: the denominator is a power of ten. */
function majorUnits(value: DiamondValue): string {
  const digits = value.denominator.toString().length - 1 + minorUnitDigits(value.currency);
  const padded = value.numeratorMinor.toString().padStart(digits + 1, '0');
  const fraction = padded.slice(padded.length - digits).replace(/0+$/, '');
  const whole = padded.slice(0, padded.length - digits);
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

function rateJson(rate: DiamondRate) {
  return { effectiveFrom: rate.effectiveFrom, effectiveUntil: rate.effectiveUntil, amount: majorUnits(rate.value), currency: rate.value.currency, setBy: rate.setBy };
}

/** The creator's rate card, and the admins' schedule of diamond values. */
export const diamondValueRoutes: FastifyPluginAsyncTypebox<{ earnings: Earnings; values: DiamondValues }> = async (app, { earnings, values }) => {
  app.get(
    '/api/v1/creator/rate-card',
    {
      schema: {
        tags: ['creators'],
        summary: 'What you are paid: your share, diamonds per coin and the diamond’s value with its dates',
        description: 'Creators only. A diamond keeps the value in force when it was earned; a new value counts only for diamonds earned from its start.',
        response: {
          200: Type.Object({
            sharePercent: Type.Integer({ description: 'Your share, in percent, of the diamonds the coins viewers pay are worth.' }),
            diamondsPerCoin: Type.Integer(),
            current: DiamondRateSchema,
            diamondValues: Type.Array(DiamondRateSchema, { description: 'Every value, oldest first, scheduled ones included.' }),
          }),
        },
      },
    },
    async (request) => {
      const card = await earnings.rateCard(principalOf(request).userId);
      return { sharePercent: card.sharePercent, diamondsPerCoin: card.diamondsPerCoin, current: rateJson(card.current), diamondValues: card.diamondValues.map(rateJson) };
    },
  );

  app.get(
    '/api/v1/admin/diamond-values',
    {
      schema: {
        tags: ['admin'],
        summary: 'The diamond’s cash value over time',
        response: { 200: Type.Object({ diamondValues: Type.Array(DiamondRateSchema, { description: 'Oldest first.' }) }) },
      },
    },
    async () => ({ diamondValues: (await values.schedule()).map(rateJson) }),
  );

  app.post(
    '/api/v1/admin/diamond-values',
    {
      schema: {
        tags: ['admin'],
        summary: 'Set the diamond’s cash value from a future instant',
        description:
          'Diamonds earned from effectiveFrom take the new value; those earned before keep theirs, in balances and payouts. effectiveFrom must be in the future (400 effective_date_not_future); a value already starting at that instant is 409 diamond_value_exists. The currency is PAYOUT_DIAMOND_VALUE’s.',
        body: Type.Object(
          {
            amount: Type.String({ maxLength: 32, description: 'One diamond in the currency’s major unit, such as "0.006".' }),
            effectiveFrom: Type.String({ maxLength: 40, description: 'ISO 8601 instant in the future.' }),
          },
          strict,
        ),
        response: { 201: Type.Object({ diamondValue: DiamondRateSchema }) },
      },
    },
    async (request, reply) => {
      const rate = await values.set(principalOf(request).userId, request.body);
      return reply.code(201).send({ diamondValue: rateJson(rate) });
    },
  );
};
