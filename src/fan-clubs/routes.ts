import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { FAN_CLUB_NAME_MAX_CHARS, MAX_FAN_LEVEL, type FanClubs } from './fan-clubs.js';

const HandleParams = Type.Object({ handle: Type.String({ maxLength: 64 }) });

const FanClubSchema = Type.Object({
  creatorId: Type.String(),
  name: Type.String({ description: 'Shown on the badge of its members in the creator’s room.' }),
  giftId: Type.String({ description: 'Send this gift to the creator to join.' }),
  giftName: Type.String(),
  giftCoins: Type.Integer(),
});

/** Creators' fan clubs: set by the creator, joined by sending its gift, read by anyone; a viewer reads their own standing. */
export const fanClubRoutes: FastifyPluginAsyncTypebox<{ fanClubs: FanClubs }> = async (app, { fanClubs }) => {
  app.put(
    '/api/v1/creator/fan-club',
    {
      schema: {
        tags: ['creators'],
        summary: 'Set up your fan club: the gift viewers send to join, and its badge name',
        description: `A viewer joins by sending you the gift; members already in stay in when it changes. \`name\` is 1 to ${FAN_CLUB_NAME_MAX_CHARS} characters. Creators only.`,
        body: Type.Object({ giftId: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ fanClub: FanClubSchema }) },
      },
    },
    async (request) => ({ fanClub: await fanClubs.setClub(principalOf(request).userId, request.body) }),
  );

  app.get(
    '/api/v1/creators/:handle/fan-club',
    {
      schema: {
        tags: ['creators'],
        summary: "A creator's fan club: how to join",
        description: '404 user_not_found, or fan_club_not_found when the creator has none.',
        params: HandleParams,
        response: { 200: Type.Object({ fanClub: FanClubSchema }) },
      },
    },
    async (request) => ({ fanClub: await fanClubs.clubOf(request.params.handle) }),
  );

  app.get(
    '/api/v1/creators/:handle/fan-club/me',
    {
      schema: {
        tags: ['creators'],
        summary: "Your standing in a creator's fan club: your fan level and what it comes from",
        description: 'The rule is in docs/levels.md (Fan clubs). A viewer not in the club is answered `member: false`, level 0.',
        params: HandleParams,
        response: {
          200: Type.Object({
            standing: Type.Object({
              member: Type.Boolean(),
              clubName: Type.Union([Type.String(), Type.Null()]),
              level: Type.Integer({ minimum: 0, maximum: MAX_FAN_LEVEL, description: 'Shown now, decay applied; 0 when not a member.' }),
              points: Type.Integer(),
              coins: Type.Integer({ description: 'Coins paid the creator since joining, the joining gift included.' }),
              daysWatched: Type.Integer(),
              lastActiveDay: Type.Union([Type.String(), Type.Null()], { description: 'The last UTC day with a payment to the creator or a watch.' }),
            }),
          }),
        },
      },
    },
    async (request) => ({ standing: await fanClubs.standingIn(request.params.handle, principalOf(request).userId) }),
  );
};
