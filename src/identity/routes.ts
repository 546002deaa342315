import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BirthDate, Email, originOf, principalOf } from '../accounts/index.js';
import { PERSON_NAME_MAX_CHARS, PERSON_NAME_MIN_CHARS } from './fields.js';
import type { IdentityService } from './index.js';
import { AdminIdentitySchema, DocumentTypeSchema, IdentitySchema, PayoutMethodSchema } from './views.js';

const strict = { additionalProperties: false } as const;

const PersonName = (description: string) =>
  Type.String({ minLength: 1, maxLength: PERSON_NAME_MAX_CHARS * 2, description: `${description} ${PERSON_NAME_MIN_CHARS} to ${PERSON_NAME_MAX_CHARS} characters on one line.` });
const Country = Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2 country code, such as US or DE.' });
const MethodEnvelope = Type.Object({ method: PayoutMethodSchema });
const AdminIdentityEnvelope = Type.Object({ identity: AdminIdentitySchema });
const CheckParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Reason = Type.String({ minLength: 3, maxLength: 500, description: 'Words the creator can act on: they read it.' });

export interface IdentityRoutesOptions {
  identity: IdentityService;
  /** Holds a creator's payouts not yet sent for review, when their identity is revoked. */
  holdPayouts: (userId: string, message: string) => Promise<unknown>;
}

/** A creator's identity check and payout methods; admins' review of identity checks. */
export const identityRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { identity, holdPayouts }) => {
  app.post(
    '/api/v1/creator/identity',
    {
      schema: {
        tags: ['creators'],
        summary: 'Verify your identity (KYC) for payouts',
        description:
          'Creators only. The birth date must be the one on the account, and an adult’s. The answer carries the provider’s decision: ' +
          'verified, rejected or needs_more_info with a reason, or pending. Anything but a verified identity may be submitted again; ' +
          'a verified one answers 409 identity_already_verified. The sandbox decides by test document numbers (docs/creators.md).',
        body: Type.Object(
          {
            legalName: PersonName('Your full name as on the document:'),
            country: Country,
            birthDate: BirthDate,
            documentType: DocumentTypeSchema,
            documentNumber: Type.String({ minLength: 1, maxLength: 64, description: '4 to 40 letters and digits; spaces and hyphens are ignored. Only its last four characters are kept.' }),
          },
          strict,
        ),
        response: { 201: Type.Object({ identity: IdentitySchema }) },
      },
    },
    async (request, reply) => reply.code(201).send({ identity: await identity.submit(principalOf(request).userId, request.body, originOf(request)) }),
  );

  app.get(
    '/api/v1/creator/identity',
    {
      schema: {
        tags: ['creators'],
        summary: 'Your identity check',
        description: 'Creators only. The newest submission, or null when there is none.',
        response: { 200: Type.Object({ identity: Type.Union([IdentitySchema, Type.Null()]) }) },
      },
    },
    async (request) => ({ identity: await identity.current(principalOf(request).userId) }),
  );

  app.get(
    '/api/v1/creator/payout-methods',
    {
      schema: {
        tags: ['creators'],
        summary: 'Your payout methods',
        description: 'Creators only. The methods that can take payouts, oldest first.',
        response: { 200: Type.Object({ methods: Type.Array(PayoutMethodSchema) }) },
      },
    },
    async (request) => ({ methods: await identity.listPayoutMethods(principalOf(request).userId) }),
  );

  app.post(
    '/api/v1/creator/payout-methods',
    {
      schema: {
        tags: ['creators'],
        summary: 'Add a payout method',
        description:
          'Creators only, in a session that proved two-factor in the last TWO_FACTOR_RECENT_MINUTES (else 403 two_factor_required without two-factor, ' +
          'or 403 two_factor_recent_required: prove it with POST /api/v1/me/two-factor/verify), ' +
          'with a verified identity (else 403 identity_not_verified). A bank_account needs country, currency and accountNumber ' +
          '(routingCode when the bank uses one); a wallet needs email. The holder must be the verified person: names are compared without case, ' +
          'accents or extra spaces, else 422 holder_name_mismatch.',
        body: Type.Object(
          {
            type: Type.Union([Type.Literal('bank_account'), Type.Literal('wallet')]),
            holderName: PersonName('The account holder, as on the verified identity:'),
            country: Type.Optional(Type.String({ minLength: 2, maxLength: 2, description: 'Bank accounts: ISO 3166-1 alpha-2 country code of the bank.' })),
            currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3, description: 'Bank accounts: ISO 4217 currency of the account, such as USD.' })),
            accountNumber: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: 'Bank accounts: the account number or IBAN, 4 to 34 letters and digits; spaces and hyphens are ignored.' }),
            ),
            routingCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Bank accounts: routing, sort, BIC or similar code, 3 to 20 letters and digits.' })),
            email: Type.Optional(Email),
          },
          strict,
        ),
        response: { 201: MethodEnvelope },
      },
    },
    async (request, reply) => reply.code(201).send({ method: await identity.addPayoutMethod(principalOf(request).userId, request.body, originOf(request)) }),
  );

  app.delete(
    '/api/v1/creator/payout-methods/:id',
    {
      schema: {
        tags: ['creators'],
        summary: 'Remove a payout method',
        description: 'Creators only. The method takes no new payouts; payouts already sent to it keep naming it. Removing it again answers it unchanged.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: MethodEnvelope },
      },
    },
    async (request) => ({ method: await identity.removePayoutMethod(principalOf(request).userId, request.params.id, originOf(request)) }),
  );

  app.get(
    '/api/v1/admin/identity-checks',
    {
      schema: {
        tags: ['admin'],
        summary: "Creators' identity checks: each creator's newest submission, oldest first",
        description: 'status=pending is the queue of checks the provider left to manual review.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('verified'), Type.Literal('rejected'), Type.Literal('needs_more_info'), Type.Literal('pending')])),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          strict,
        ),
        response: { 200: Type.Object({ identities: Type.Array(AdminIdentitySchema) }) },
      },
    },
    async (request) => ({ identities: await identity.listChecks({ status: request.query.status, limit: request.query.limit ?? 50 }) }),
  );

  app.post(
    '/api/v1/admin/identity-checks/:id/decision',
    {
      schema: {
        tags: ['admin'],
        summary: 'Decide a pending identity check by hand',
        description:
          'Only the creator’s newest submission, and only while pending (409 identity_check_not_pending, identity_check_superseded). ' +
          'Rejecting or asking for more needs a reason (400 reason_required), which the creator reads.',
        params: CheckParams,
        body: Type.Object({ status: Type.Union([Type.Literal('verified'), Type.Literal('rejected'), Type.Literal('needs_more_info')]), reason: Type.Optional(Reason) }, strict),
        response: { 200: AdminIdentityEnvelope },
      },
    },
    async (request) => ({
      identity: await identity.decide({
        checkId: request.params.id,
        status: request.body.status,
        reason: request.body.reason?.trim() ?? null,
        byUserId: principalOf(request).userId,
      }),
    }),
  );

  app.post(
    '/api/v1/admin/identity-checks/:id/revoke',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke a verified identity',
        description:
          'The creator’s identity becomes rejected with the reason, so they cannot request payouts until they verify again, and their payouts not yet sent wait for review. ' +
          '409 identity_not_verified when the check is not verified.',
        params: CheckParams,
        body: Type.Object({ reason: Reason }, strict),
        response: { 200: AdminIdentityEnvelope },
      },
    },
    async (request) => {
      const revoked = await identity.revoke({ checkId: request.params.id, reason: request.body.reason.trim(), byUserId: principalOf(request).userId });
      await holdPayouts(revoked.userId, `The creator's verified identity was revoked: ${request.body.reason.trim()}`);
      return { identity: revoked };
    },
  );
};
