import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from './caller.js';
import type { Accounts } from './index.js';
import { ActivityPageSchema, ActivityQuery, CaseSchema, Reason, RestrictionKindSchema, UserEnvelope, UserSchema } from './schemas.js';

const strict = { additionalProperties: false } as const;
const UserParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Admin tools for users: find, inspect, restrict, decide creator applications, and work cases. */
export const adminAccountRoutes: FastifyPluginAsyncTypebox<{ accounts: Accounts }> = async (app, { accounts }) => {
  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Find users by id, or by part of an email, handle or display name',
        querystring: Type.Object(
          {
            query: Type.Optional(Type.String({ maxLength: 254 })),
            after: Type.Optional(Type.String({ maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          strict,
        ),
        response: { 200: Type.Object({ users: Type.Array(UserSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => accounts.findUsers({ query: request.query.query, after: request.query.after, limit: request.query.limit ?? 50 }),
  );

  app.get('/api/v1/admin/users/:id', { schema: { tags: ['admin'], summary: 'One user', params: UserParams, response: { 200: UserEnvelope } } }, async (request) => ({
    user: await accounts.getUser(request.params.id),
  }));

  app.get(
    '/api/v1/admin/users/:id/activity',
    { schema: { tags: ['admin'], summary: "A user's activity log", params: UserParams, querystring: ActivityQuery, response: { 200: ActivityPageSchema } } },
    async (request) => {
      await accounts.getUser(request.params.id);
      return accounts.listActivity(request.params.id, { before: request.query.before, limit: request.query.limit ?? 50 });
    },
  );

  app.post(
    '/api/v1/admin/users/:id/restrictions',
    {
      schema: {
        tags: ['admin'],
        summary: 'Restrict spending, gifting, going live or cash-out; the reason is shown to the user',
        params: UserParams,
        body: Type.Object({ kind: RestrictionKindSchema, reason: Reason }, strict),
        response: { 200: UserEnvelope },
      },
    },
    async (request) => {
      await accounts.addRestriction({ userId: request.params.id, kind: request.body.kind, reason: request.body.reason, byUserId: principalOf(request).userId });
      return { user: await accounts.getUser(request.params.id) };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/restrictions/:kind/lift',
    {
      schema: {
        tags: ['admin'],
        summary: 'Lift a restriction',
        params: Type.Object({ id: Type.String({ maxLength: 64 }), kind: RestrictionKindSchema }),
        body: Type.Object({ reason: Reason }, strict),
        response: { 200: UserEnvelope },
      },
    },
    async (request) => {
      await accounts.liftRestriction({ userId: request.params.id, kind: request.params.kind, reason: request.body.reason, byUserId: principalOf(request).userId });
      return { user: await accounts.getUser(request.params.id) };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/creator',
    {
      schema: {
        tags: ['admin'],
        summary: 'Approve or reject a creator application (rejecting a creator removes the role)',
        params: UserParams,
        body: Type.Object({ approve: Type.Boolean(), reason: Type.Optional(Reason) }, strict),
        response: { 200: UserEnvelope },
      },
    },
    async (request) => ({
      user: await accounts.decideCreator({ userId: request.params.id, approve: request.body.approve, reason: request.body.reason ?? null, byUserId: principalOf(request).userId }),
    }),
  );

  app.get(
    '/api/v1/admin/cases',
    {
      schema: {
        tags: ['admin'],
        summary: 'Cases, such as reports of unauthorized activity',
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])), userId: Type.Optional(Type.String({ maxLength: 64 })) }, strict),
        response: { 200: Type.Object({ cases: Type.Array(CaseSchema) }) },
      },
    },
    async (request) => ({ cases: await accounts.listCases(request.query) }),
  );

  app.post(
    '/api/v1/admin/cases/:id/resolve',
    {
      schema: {
        tags: ['admin'],
        summary: 'Resolve a case, optionally lifting the freeze a report put on',
        params: UserParams,
        body: Type.Object({ resolution: Reason, liftFreeze: Type.Boolean() }, strict),
        response: { 200: Type.Object({ case: CaseSchema }) },
      },
    },
    async (request) => ({
      case: await accounts.resolveCase({ caseId: request.params.id, resolution: request.body.resolution, liftFreeze: request.body.liftFreeze, byUserId: principalOf(request).userId }),
    }),
  );
};
