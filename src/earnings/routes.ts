import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { answersCsv, CSV_MAX_ROWS, csvDownload, CsvFormatParam } from '../shared/csv.js';
import { safeNumber } from '../shared/integers.js';
import { timeBound } from '../wallet/index.js';
import { BY_LIVE_MAX, DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, TOP_SUPPORTERS_MAX, type Earnings } from './earnings.js';
import { statementCsv, type MonthlyStatement } from './statements.js';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;

const Diamonds = (description: string) => Type.Integer({ description });
const Money = (description: string) => Type.Object({ amount: Type.Integer({ description: 'In the minor unit, rounded down.' }), currency: Type.String() }, { description });

const EarningsSchema = Type.Object({
  diamonds: Diamonds('The diamond balance, diamonds held by payouts included.'),
  cashValue: Money('What the diamond balance is worth at PAYOUT_DIAMOND_VALUE.'),
  availableDiamonds: Diamonds('What a payout may take now: the balance less held diamonds.'),
  heldDiamonds: Diamonds('Reserved by payouts not yet paid.'),
  period: Type.Object({ from: Type.String({ description: 'Inclusive.' }), to: Type.String({ description: 'Exclusive.' }) }),
  totals: Type.Object(
    {
      diamonds: Diamonds('Earned in the period.'),
      coins: Type.Integer({ description: 'Coins viewers paid.' }),
      gifts: Type.Integer({ description: 'Gifts received (three roses in one send are 3), paid messages and cheers.' }),
      supporters: Type.Integer({ description: 'Different viewers who paid.' }),
      clawedBackDiamonds: Diamonds('Taken back in the period because the coins that paid for them were charged back; `diamonds` still counts those payments.'),
    },
    { description: 'What gifts, paid messages and cheers brought in the period.' },
  ),
  byDay: Type.Array(Type.Object({ date: Type.String({ description: 'YYYY-MM-DD, UTC.' }), diamonds: Type.Integer(), coins: Type.Integer(), gifts: Type.Integer() }), {
    description: 'Every UTC day of the period, oldest first.',
  }),
  byLive: Type.Array(Type.Object({ liveId: Type.String(), title: Type.String(), startedAt: Type.String(), diamonds: Type.Integer(), gifts: Type.Integer() }), {
    description: `The ${BY_LIVE_MAX} lives that earned most in the period, most first. Gifts to the profile or videos are in no live.`,
  }),
  byGift: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('gift'), Type.Literal('paid_message'), Type.Literal('cheer')]),
      giftId: Type.Union([Type.String(), Type.Null()], { description: 'Null for paid messages and cheers.' }),
      name: Type.String({ description: 'The gift’s name, or "Paid messages" or "Cheers".' }),
      diamonds: Type.Integer(),
      quantity: Type.Integer(),
    }),
    { description: 'By gift, most diamonds first; paid messages and cheers each as one row.' },
  ),
  topSupporters: Type.Array(Type.Object({ userId: Type.String(), handle: Type.String(), displayName: Type.String(), diamonds: Type.Integer() }), {
    description: `The ${TOP_SUPPORTERS_MAX} viewers whose payments earned most in the period.`,
  }),
  subscriptions: Type.Object(
    {
      diamonds: Diamonds('Earned from subscriptions in the period.'),
      coins: Type.Integer({ description: 'Coins subscribers (and viewers gifting subscriptions) paid.' }),
      months: Type.Integer({ description: 'Months paid.' }),
      byTier: Type.Array(
        Type.Object({
          tierLevel: Type.Integer(),
          name: Type.String({ description: 'The tier’s name now.' }),
          diamonds: Type.Integer(),
          coins: Type.Integer(),
          months: Type.Integer({ description: 'Months paid: first months, renewals and gifted months.' }),
          upgrades: Type.Integer({ description: 'Moves up to this tier paid (the prorated difference).' }),
          subscribers: Type.Integer({ description: 'Different subscribers paid for.' }),
        }),
        { description: 'By tier level, lowest first; tiers without payments in the period are left out.' },
      ),
    },
    { description: 'What subscriptions brought in the period, beside the gifts of totals.' },
  ),
  paidContent: Type.Object(
    { diamonds: Diamonds('Earned from unlocks in the period.'), coins: Type.Integer({ description: 'Coins viewers paid.' }), unlocks: Type.Integer({ description: 'Posts and videos bought.' }) },
    { description: 'What viewers’ unlocks of your locked posts and videos brought in the period.' },
  ),
});

const StatementSchema = Type.Object({
  month: Type.String({ description: 'YYYY-MM, UTC.' }),
  openingDiamonds: Type.Integer(),
  earnedDiamonds: Type.Integer({ description: 'Gifts, paid messages, cheers, subscriptions and paid content: giftDiamonds + subscriptionDiamonds + paidContentDiamonds.' }),
  giftDiamonds: Type.Integer({ description: 'Gifts, paid messages and cheers.' }),
  subscriptionDiamonds: Type.Integer({ description: 'Subscription months and moves up.' }),
  subscriptionsByTier: Type.Array(Type.Object({ tierLevel: Type.Integer(), diamonds: Type.Integer() }), { description: 'subscriptionDiamonds by the tier level paid for, lowest first.' }),
  paidContentDiamonds: Type.Integer({ description: 'Unlocks of locked posts and videos.' }),
  paidOutDiamonds: Type.Integer({ description: 'Payouts paid, less payouts returned.' }),
  clawedBackDiamonds: Type.Integer({ description: 'Taken back after payers’ purchases were charged back.' }),
  otherDiamonds: Type.Integer({ description: 'Anything else, signed, such as reversals.' }),
  closingDiamonds: Type.Integer({ description: 'opening + earned − paidOut − clawedBack + other.' }),
});

const EntrySchema = Type.Object({
  transferId: Type.String(),
  at: Type.String(),
  kind: Type.String({
    description: 'gift, paid_message, cheer, subscription, content_unlock, payout_paid, payout_return, gift_clawback, …; reversal or transfer when the transfer names no kind.',
  }),
  description: Type.String(),
  diamondsIn: Type.Integer(),
  diamondsOut: Type.Integer(),
  balanceAfter: Type.Integer(),
  tierLevel: Type.Union([Type.Integer(), Type.Null()], { description: 'For a subscription payment, the tier level it paid for; null otherwise.' }),
});

function statementJson(statement: MonthlyStatement) {
  return {
    month: statement.month,
    openingDiamonds: safeNumber(statement.openingDiamonds),
    earnedDiamonds: safeNumber(statement.earnedDiamonds),
    giftDiamonds: safeNumber(statement.giftDiamonds),
    subscriptionDiamonds: safeNumber(statement.subscriptionDiamonds),
    subscriptionsByTier: statement.subscriptionsByTier.map((tier) => ({ tierLevel: tier.tierLevel, diamonds: safeNumber(tier.diamonds) })),
    paidContentDiamonds: safeNumber(statement.paidContentDiamonds),
    paidOutDiamonds: safeNumber(statement.paidOutDiamonds),
    clawedBackDiamonds: safeNumber(statement.clawedBackDiamonds),
    otherDiamonds: safeNumber(statement.otherDiamonds),
    closingDiamonds: safeNumber(statement.closingDiamonds),
  };
}

/** A creator's earnings and monthly statements. */
export const earningsRoutes: FastifyPluginAsyncTypebox<{ earnings: Earnings }> = async (app, { earnings }) => {
  app.get(
    '/api/v1/creator/earnings',
    {
      schema: {
        tags: ['creators'],
        summary: 'Your diamonds, their cash value, and what a period earned',
        description:
          `Creators only. The period defaults to the ${DEFAULT_PERIOD_DAYS} days up to now and spans at most ${MAX_PERIOD_DAYS} days. ` +
          'diamonds and cashValue are the balance now; totals and the breakdowns count the gifts, paid messages and cheers of the period, subscriptions (by tier) and paidContent what those brought beside them.',
        querystring: Type.Object({ from: Type.Optional(timeBound('Start of the period, inclusive')), to: Type.Optional(timeBound('End of the period, exclusive')) }, { additionalProperties: false }),
        response: { 200: EarningsSchema },
      },
    },
    async (request) => {
      const summary = await earnings.summary(principalOf(request).userId, request.query);
      /** The row with its bigints as JSON numbers. */
      const numbers = <T extends object>(row: T) =>
        Object.fromEntries(Object.entries(row).map(([key, value]: [string, unknown]) => [key, typeof value === 'bigint' ? safeNumber(value) : value])) as {
          [K in keyof T]: T[K] extends bigint ? number : T[K];
        };
      return {
        ...numbers(summary),
        cashValue: numbers(summary.cashValue),
        period: summary.period,
        totals: numbers(summary.totals),
        byDay: summary.byDay.map(numbers),
        byLive: summary.byLive.map(numbers),
        byGift: summary.byGift.map(numbers),
        topSupporters: summary.topSupporters.map(numbers),
        subscriptions: { ...numbers(summary.subscriptions), byTier: summary.subscriptions.byTier.map(numbers) },
        paidContent: numbers(summary.paidContent),
      };
    },
  );

  app.get(
    '/api/v1/creator/statements',
    {
      schema: {
        tags: ['creators'],
        summary: 'Your monthly statements',
        description: 'Creators only. One statement for each month (UTC) in which diamonds moved, newest first, from the ledger.',
        response: { 200: Type.Object({ statements: Type.Array(StatementSchema) }) },
      },
    },
    async (request) => ({ statements: (await earnings.statements(principalOf(request).userId)).map(statementJson) }),
  );

  app.get(
    '/api/v1/creator/statements/:month',
    {
      schema: {
        tags: ['creators'],
        summary: "One month's statement with its ledger entries, as JSON pages or a CSV export",
        description:
          'Creators only. Entries are oldest first, each with the balance it left. ' +
          `format=csv (or Accept: text/csv) downloads up to ${CSV_MAX_ROWS} entries (a subscription payment's row names its tierLevel); when more match, the response carries x-truncated: true and x-next-cursor to continue from.`,
        params: Type.Object({ month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM.' }) }),
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Entries per page (JSON only).' })),
            cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'nextCursor of the previous page.' })),
            format: CsvFormatParam,
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            content: {
              'application/json': { schema: Type.Object({ statement: StatementSchema, entries: Type.Array(EntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
              'text/csv': {
                schema: Type.String({
                  description:
                    'Header row date,kind,description,diamondsIn,diamondsOut,balanceAfter,transferId,tierLevel and one row per entry, RFC 4180; tierLevel is empty but for subscription payments.',
                }),
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { format, limit = DEFAULT_PAGE_SIZE, cursor } = request.query;
      const csv = answersCsv(request, reply, format);
      const { month } = request.params;
      const page = await earnings.statement(principalOf(request).userId, month, { limit: csv ? CSV_MAX_ROWS : limit, cursor });
      if (csv) return csvDownload(reply, `ovation-statement-${month}.csv`, statementCsv(page.entries), page.nextCursor);
      return {
        statement: statementJson(page.statement),
        entries: page.entries.map((entry) => ({
          ...entry,
          diamondsIn: safeNumber(entry.diamondsIn),
          diamondsOut: safeNumber(entry.diamondsOut),
          balanceAfter: safeNumber(entry.balanceAfter),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );
};
