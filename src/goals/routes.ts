import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { GOAL_MAX_TARGET, GOAL_TITLE_MAX_CHARS, type Goals } from './goals.js';

const strict = { additionalProperties: false } as const;
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const GoalKindSchema = Type.Union([Type.Literal('coins'), Type.Literal('gift'), Type.Literal('subscribers')], {
  description: 'coins: every coin paid into the live; gift: how many of one gift; subscribers: new subscriptions to the creator, taken or gifted while the live is on.',
});

const GoalSchema = Type.Object({
  id: Type.String(),
  liveId: Type.String(),
  kind: GoalKindSchema,
  giftId: Type.Union([Type.String(), Type.Null()], { description: 'The gift counted, for a gift goal; null for the other kinds.' }),
  title: Type.String(),
  target: Type.Integer({ minimum: 1, description: 'Coins, gifts of giftId, or new subscribers to reach.' }),
  progress: Type.Integer({ minimum: 0, description: 'Coins or gifts paid into the live, or new subscribers, since the goal was set; keeps counting past the target.' }),
  completedAt: Type.Union([Type.String(), Type.Null()], { description: 'When a payment reached the target; null until then.' }),
  createdAt: Type.String(),
});

/** A live's goal: set and cleared by its creator, read by anyone. */
export const goalRoutes: FastifyPluginAsyncTypebox<{ goals: Goals }> = async (app, { goals }) => {
  app.get(
    '/api/v1/lives/:id/goal',
    {
      schema: {
        tags: ['live'],
        summary: "A live's goal and its progress",
        description: 'Null when the live shows no goal. The room socket carries the same goal in its welcome and goal events (docs/live-protocol.md).',
        params: IdParams,
        response: { 200: Type.Object({ goal: Type.Union([GoalSchema, Type.Null()]) }) },
      },
    },
    async (request) => ({ goal: await goals.current(request.params.id) }),
  );

  app.put(
    '/api/v1/lives/:id/goal',
    {
      schema: {
        tags: ['live'],
        summary: 'Set a goal for your live',
        description:
          'Coins paid into the live (gifts, paid messages and cheers), or a count of one gift, counted from now on. The goal completes once, with the payment that reaches it ' +
          '(a `goal.completed` webhook event and a `goal_completed` room event). One goal at a time: 409 goal_in_progress while the shown one is not reached (clear it first); ' +
          "a goal reached is replaced. The live's creator only (others: 403 not_your_live); 409 live_ended once over.",
        params: IdParams,
        body: Type.Object(
          {
            kind: GoalKindSchema,
            target: Type.Integer({ minimum: 1, maximum: GOAL_MAX_TARGET }),
            giftId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The gift a gift goal counts; left out for the other kinds.' })),
            title: Type.Optional(Type.String({ maxLength: 200, description: `1 to ${GOAL_TITLE_MAX_CHARS} characters; the target in words when left out.` })),
          },
          strict,
        ),
        response: { 200: Type.Object({ goal: GoalSchema }) },
      },
    },
    async (request) => ({ goal: await goals.set(request.params.id, principalOf(request).userId, request.body) }),
  );

  app.delete(
    '/api/v1/lives/:id/goal',
    {
      schema: {
        tags: ['live'],
        summary: "Take your live's goal down",
        description: "The room hears a `goal_cleared` event. The live's creator only (others: 403 not_your_live); 404 goal_not_found when none is shown.",
        params: IdParams,
        response: { 200: Type.Object({ goal: GoalSchema }) },
      },
    },
    async (request) => ({ goal: await goals.clear(request.params.id, principalOf(request).userId) }),
  );
};
