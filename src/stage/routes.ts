import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { MAX_BATTLE_SECONDS, MIN_BATTLE_SECONDS, type Battles } from './battles.js';
import { MAX_GUESTS, type Guests } from './guests.js';

export interface StageRoutesOptions {
  guests: Guests;
  battles: Battles;
}

const strict = { additionalProperties: false } as const;
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Side = Type.Union([Type.Literal('a'), Type.Literal('b')]);

const GuestSchema = Type.Object({
  liveId: Type.String(),
  guestId: Type.String(),
  status: Type.Union([Type.Literal('invited'), Type.Literal('on_stage'), Type.Literal('left')]),
  invitedAt: Type.String(),
  joinedAt: Type.Union([Type.String(), Type.Null()]),
  leftAt: Type.Union([Type.String(), Type.Null()]),
});
const MemberSchema = Type.Object({ userId: Type.String(), handle: Type.String(), displayName: Type.String() });
const StageSchema = Type.Object({ liveId: Type.String(), host: MemberSchema, guests: Type.Array(MemberSchema) });
const SupporterSchema = Type.Object({ userId: Type.String(), displayName: Type.String(), score: Type.Integer() });
const BattleSchema = Type.Object({
  id: Type.String(),
  mode: Type.Union([Type.Literal('solo'), Type.Literal('team')], { description: "solo: gifts to each live's host score; team: gifts to anyone on each live's stage score." }),
  giftId: Type.Union([Type.String(), Type.Null()], { description: 'Only this gift scores; null: every gift, paid message and cheer.' }),
  durationSeconds: Type.Integer(),
  status: Type.Union([Type.Literal('proposed'), Type.Literal('running'), Type.Literal('ended'), Type.Literal('declined')]),
  proposedAt: Type.String(),
  startsAt: Type.Union([Type.String(), Type.Null()], { description: 'Scoring starts here, a few seconds after acceptance.' }),
  boostAt: Type.Union([Type.String(), Type.Null()], { description: 'From here to the end each scoring gift counts boostMultiplier times its coins.' }),
  endsAt: Type.Union([Type.String(), Type.Null()], { description: 'A gift that commits at or after this never scores.' }),
  boostMultiplier: Type.Integer(),
  sides: Type.Array(
    Type.Object({
      side: Side,
      liveId: Type.String(),
      creatorId: Type.String(),
      score: Type.Integer(),
      topSupporters: Type.Array(SupporterSchema, { description: 'Named with the result; empty until then.' }),
    }),
  ),
  winner: Type.Union([Side, Type.Literal('tie'), Type.Null()], { description: 'Recorded once when the battle ends; null before.' }),
  endedAt: Type.Union([Type.String(), Type.Null()]),
});
const BattleEnvelope = Type.Object({ battle: BattleSchema });
const GuestEnvelope = Type.Object({ guest: GuestSchema });

/** Guests on a live's stage, and battles between lives. */
export const stageRoutes: FastifyPluginAsyncTypebox<StageRoutesOptions> = async (app, { guests, battles }) => {
  app.post(
    '/api/v1/lives/:id/guests',
    {
      schema: {
        tags: ['live'],
        summary: 'Invite a creator on your live’s stage',
        description: `The live's host only (others: 403 not_your_live). The invited creator accepts with POST /api/v1/lives/:id/guests/accept; a live has at most ${MAX_GUESTS} guests on stage.`,
        params: IdParams,
        body: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) }, strict),
        response: { 201: GuestEnvelope },
      },
    },
    async (request, reply) => reply.code(201).send({ guest: await guests.invite(request.params.id, principalOf(request).userId, request.body.userId) }),
  );

  app.post(
    '/api/v1/lives/:id/guests/accept',
    {
      schema: {
        tags: ['live'],
        summary: 'Step on a live’s stage you were invited to',
        description: `404 no_invitation without an invitation; 409 stage_full when ${MAX_GUESTS} guests are on stage. The room hears of it (a stage event).`,
        params: IdParams,
        response: { 200: GuestEnvelope },
      },
    },
    async (request) => ({ guest: await guests.accept(request.params.id, principalOf(request).userId) }),
  );

  app.post(
    '/api/v1/lives/:id/guests/:userId/leave',
    {
      schema: {
        tags: ['live'],
        summary: 'Leave a live’s stage, or take a guest off your live’s stage',
        description: 'The guest themself or the live’s host (others: 403 not_your_live).',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), userId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: GuestEnvelope },
      },
    },
    async (request) => ({ guest: await guests.leave(request.params.id, request.params.userId, principalOf(request).userId) }),
  );

  app.get(
    '/api/v1/lives/:id/stage',
    {
      schema: {
        tags: ['live'],
        summary: 'Who is on a live’s stage',
        description: 'The host and the guests on stage now; gift a guest with recipientId on POST /api/v1/lives/:id/gifts.',
        params: IdParams,
        response: { 200: Type.Object({ stage: StageSchema }) },
      },
    },
    async (request) => ({ stage: await guests.stageOf(request.params.id) }),
  );

  app.post(
    '/api/v1/battles',
    {
      schema: {
        tags: ['battles'],
        summary: 'Propose a battle between your live and another creator’s',
        description:
          `From the creator of liveId (others: 403 not_your_live). ${MIN_BATTLE_SECONDS} to ${MAX_BATTLE_SECONDS} seconds; 409 live_in_battle when either live already has a battle proposed or running. ` +
          'The other creator accepts or declines it.',
        body: Type.Object(
          {
            liveId: Type.String({ minLength: 1, maxLength: 64 }),
            opponentLiveId: Type.String({ minLength: 1, maxLength: 64 }),
            durationSeconds: Type.Integer(),
            mode: Type.Optional(Type.Union([Type.Literal('solo'), Type.Literal('team')], { default: 'solo' })),
            giftId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only this gift scores.' })),
          },
          strict,
        ),
        response: { 201: BattleEnvelope },
      },
    },
    async (request, reply) => {
      const { liveId, opponentLiveId, durationSeconds, mode, giftId } = request.body;
      const battle = await battles.propose(principalOf(request).userId, { liveId, opponentLiveId, durationSeconds, mode: mode ?? 'solo', giftId });
      return reply.code(201).send({ battle });
    },
  );

  app.post(
    '/api/v1/battles/:id/accept',
    {
      schema: {
        tags: ['battles'],
        summary: 'Accept a battle proposed to you',
        description: 'The creator it was proposed to only (others: 403 not_your_battle); 409 battle_not_proposed once answered. Scoring starts a few seconds later (startsAt).',
        params: IdParams,
        response: { 200: BattleEnvelope },
      },
    },
    async (request) => ({ battle: await battles.accept(request.params.id, principalOf(request).userId) }),
  );

  app.post(
    '/api/v1/battles/:id/decline',
    {
      schema: {
        tags: ['battles'],
        summary: 'Decline a battle proposed to you, or withdraw yours',
        description: 'Either of its two creators (others: 403 not_your_battle), while it is proposed.',
        params: IdParams,
        response: { 200: BattleEnvelope },
      },
    },
    async (request) => ({ battle: await battles.decline(request.params.id, principalOf(request).userId) }),
  );

  app.get('/api/v1/battles/:id', { schema: { tags: ['battles'], summary: 'One battle, with its score or result', params: IdParams, response: { 200: BattleEnvelope } } }, async (request) => ({
    battle: await battles.get(request.params.id),
  }));

  app.get(
    '/api/v1/lives/:id/battle',
    {
      schema: {
        tags: ['battles'],
        summary: 'A live’s battle proposed or running, if any',
        params: IdParams,
        response: { 200: Type.Object({ battle: Type.Union([BattleSchema, Type.Null()]) }) },
      },
    },
    async (request) => ({ battle: await battles.currentOf(request.params.id) }),
  );
};
