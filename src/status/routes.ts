import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { DomainError } from '../shared/errors.js';
import { MAX_GIFTER_LEVEL } from './levels.js';
import type { Status } from './status.js';

export interface StatusRoutesOptions {
  status: Status;
}

const Ranked = {
  rank: Type.Integer({ minimum: 1 }),
  userId: Type.String(),
  handle: Type.String(),
  displayName: Type.String(),
  coins: Type.Integer(),
};
const RankingFields = {
  periodStart: Type.Union([Type.String(), Type.Null()], { description: 'The first instant of the period (UTC); null for all time.' }),
};
const GifterLevelSchema = Type.Object({
  level: Type.Integer({ minimum: 1, maximum: MAX_GIFTER_LEVEL }),
  coins: Type.Integer({ description: 'Lifetime coins paid to creators in gifts, paid messages and cheers.' }),
  nextLevelCoins: Type.Union([Type.Integer(), Type.Null()], { description: 'Lifetime coins the next level needs; null at the top level.' }),
});
const RankingQuery = {
  at: Type.Optional(Type.String({ maxLength: 40, description: 'An instant (ISO 8601) in the period to show; now when left out.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

/** The instant a ranking request asks about, if it names one. */
function instantOf(at: string | undefined): Date | undefined {
  if (at === undefined) return undefined;
  const instant = new Date(at);
  if (!/^\d{4}-\d{2}-\d{2}/.test(at) || Number.isNaN(instant.getTime()))
    throw DomainError.invalidField('at', 'invalid_at', `at must be an ISO 8601 instant such as 2026-12-06T12:00:00Z, not ${JSON.stringify(at)}.`);
  return instant;
}

/** Rankings of creators and of each creator's gifters by period, and viewers' gifter levels. */
export const statusRoutes: FastifyPluginAsyncTypebox<StatusRoutesOptions> = async (app, { status }) => {
  app.get(
    '/api/v1/rankings/creators',
    {
      schema: {
        tags: ['rankings'],
        summary: 'Creators paid the most diamonds in an hour, a day or a week',
        description: 'Periods are UTC; a week starts on Monday. Counts gifts, paid messages and cheers from the moment they are sent.',
        querystring: Type.Object({ period: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')], { default: 'day' })), ...RankingQuery }),
        response: {
          200: Type.Object({
            period: Type.String(),
            ...RankingFields,
            creators: Type.Array(Type.Object({ ...Ranked, diamonds: Type.Integer() })),
          }),
        },
      },
    },
    async (request) => {
      const ranking = await status.topCreators(request.query.period ?? 'day', instantOf(request.query.at), request.query.limit ?? 20);
      return { period: ranking.period, periodStart: ranking.periodStart, creators: ranking.entries };
    },
  );

  app.get(
    '/api/v1/rankings/creators/:handle/gifters',
    {
      schema: {
        tags: ['rankings'],
        summary: "A creator's biggest gifters by coins in a day, a week, a month or all time, with their gifter levels",
        description: 'Periods are UTC; a week starts on Monday. 404 user_not_found or creator_not_found.',
        params: Type.Object({ handle: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({
          period: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month'), Type.Literal('all')], { default: 'week' })),
          ...RankingQuery,
        }),
        response: {
          200: Type.Object({
            period: Type.String(),
            ...RankingFields,
            gifters: Type.Array(Type.Object({ ...Ranked, level: Type.Integer({ minimum: 1, maximum: MAX_GIFTER_LEVEL }) })),
          }),
        },
      },
    },
    async (request) => {
      const ranking = await status.topGiftersOf(request.params.handle, request.query.period ?? 'week', instantOf(request.query.at), request.query.limit ?? 20);
      return { period: ranking.period, periodStart: ranking.periodStart, gifters: ranking.entries };
    },
  );

  app.get(
    '/api/v1/me/gifter-level',
    {
      schema: {
        tags: ['rankings'],
        summary: 'Your gifter level: from your lifetime coins paid to creators',
        response: { 200: GifterLevelSchema },
      },
    },
    async (request) => status.gifterLevel(principalOf(request).userId),
  );
};
