import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { IdempotencyHeaders, requireIdempotencyKey } from '../shared/idempotency.js';
import { GOODWILL_APPROVAL_DAYS, grantJson, type GoodwillGrants } from './goodwill.js';

const strict = { additionalProperties: false } as const;
const StatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('expired')]);

const GrantSchema = Type.Object(
  {
    id: Type.String(),
    userId: Type.String({ description: 'Who receives the coins.' }),
    coins: Type.Integer(),
    reason: Type.String(),
    status: StatusSchema,
    proposedBy: Type.String({ description: 'The admin who proposed it.' }),
    proposedAt: Type.String(),
    expiresAt: Type.String({ description: `A grant still pending then can no longer be approved (${GOODWILL_APPROVAL_DAYS} days after it was proposed).` }),
    decidedBy: Type.Union([Type.String(), Type.Null()], { description: 'The second admin, who approved or rejected it.' }),
    decidedAt: Type.Union([Type.String(), Type.Null()]),
    note: Type.Union([Type.String(), Type.Null()], { description: 'The rejecting admin’s note.' }),
    transferId: Type.Union([Type.String(), Type.Null()], { description: 'The ledger transfer that moved the coins, once approved.' }),
  },
  { description: 'Coins support gives a user from the promotions account once a second admin approves.' },
);
const GrantParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Goodwill coins under four eyes: one admin proposes, another approves, and only then the coins move (docs/operations.md#goodwill-coins). */
export const goodwillRoutes: FastifyPluginAsyncTypebox<{ goodwill: GoodwillGrants }> = async (app, { goodwill }) => {
  app.post(
    '/api/v1/admin/goodwill-grants',
    {
      schema: {
        tags: ['admin'],
        summary: 'Propose goodwill coins for a user, to be approved by another admin',
        description:
          'Nothing moves yet: the grant waits for a second admin. Requires an Idempotency-Key (a retry answers the first grant; the key with another body is 409 idempotency_key_reused). A grant to yourself is 403 own_goodwill_grant; an unknown user 404 user_not_found; a closed account 409 account_closed.',
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            userId: Type.String({ minLength: 1, maxLength: 64 }),
            coins: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Whole coins, at most 1,000,000 per grant.' }),
            reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why: shown to the approving admin and kept in the audit log.' }),
          },
          strict,
        ),
        response: { 201: Type.Object({ grant: GrantSchema }) },
      },
    },
    async (request, reply) => {
      const idempotencyKey = requireIdempotencyKey(request.headers, 'propose the grant twice', 'grant');
      const grant = await goodwill.propose(principalOf(request).userId, { ...request.body, idempotencyKey });
      return reply.code(201).send({ grant: grantJson(grant) });
    },
  );

  app.get(
    '/api/v1/admin/goodwill-grants',
    {
      schema: {
        tags: ['admin'],
        summary: 'Goodwill grants, newest first, by status (pending awaits a second admin)',
        querystring: Type.Object(
          {
            status: Type.Optional(StatusSchema),
            cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page.' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          strict,
        ),
        response: { 200: Type.Object({ grants: Type.Array(GrantSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const page = await goodwill.list({ ...request.query, limit: request.query.limit ?? 50 });
      return { grants: page.grants.map(grantJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/admin/goodwill-grants/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One goodwill grant',
        description: 'An unknown grant is 404 goodwill_grant_not_found.',
        params: GrantParams,
        response: { 200: Type.Object({ grant: GrantSchema }) },
      },
    },
    async (request) => ({ grant: grantJson(await goodwill.get(request.params.id)) }),
  );

  app.post(
    '/api/v1/admin/goodwill-grants/:id/approve',
    {
      schema: {
        tags: ['admin'],
        summary: 'Approve a pending goodwill grant: the coins move from the promotions account',
        description:
          'Only an admin other than the proposer (403 second_admin_required) and the recipient (403 own_goodwill_grant). The coins move once in one ledger transfer however many approvals race; a grant already approved by another admin, rejected or expired is 409 goodwill_grant_not_pending; an unknown grant 404 goodwill_grant_not_found. Your own approval retried answers the grant.',
        params: GrantParams,
        response: { 200: Type.Object({ grant: GrantSchema }) },
      },
    },
    async (request) => ({ grant: grantJson(await goodwill.approve(principalOf(request).userId, request.params.id)) }),
  );

  app.post(
    '/api/v1/admin/goodwill-grants/:id/reject',
    {
      schema: {
        tags: ['admin'],
        summary: 'Reject a pending goodwill grant: nothing moves',
        description:
          'Only an admin other than the proposer (403 second_admin_required) and the recipient (403 own_goodwill_grant); an unknown grant is 404 goodwill_grant_not_found; a grant no longer pending is 409 goodwill_grant_not_pending.',
        params: GrantParams,
        body: Type.Object({ note: Type.String({ minLength: 3, maxLength: 500, description: 'Why, for the proposer and the audit log.' }) }, strict),
        response: { 200: Type.Object({ grant: GrantSchema }) },
      },
    },
    async (request) => ({ grant: grantJson(await goodwill.reject(principalOf(request).userId, request.params.id, request.body.note)) }),
  );
};
