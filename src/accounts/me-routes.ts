import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CSRF_COOKIE, originOf, principalOf, SESSION_COOKIE } from './caller.js';
import type { AccountRoutesOptions } from './routes.js';
import { ActivityPageSchema, ActivityQuery, CaseSchema, Ok, Password, SessionSchema, UserEnvelope } from './schemas.js';
import { safeNumber } from '../shared/integers.js';

const Body = Type.Object;
const strict = { additionalProperties: false } as const;
const TotpCode = Type.String({ minLength: 6, maxLength: 20, description: 'A 6-digit code from the authenticator app, or a recovery code.' });

/** Everything under /me: the account, its password, sessions, two-factor, activity log, closure and data export. */
export const meRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, { accounts, exportSections = {} }) => {
  app.get('/api/v1/me', { schema: { tags: ['accounts'], summary: 'The signed-in user', response: { 200: UserEnvelope } } }, async (request) => ({
    user: await accounts.getUser(principalOf(request).userId),
  }));

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Change the password; signs out the other sessions',
        body: Body({ currentPassword: Password, newPassword: Password }, strict),
        response: { 200: Ok },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await accounts.changePassword(principal.userId, request.body, principal.sessionId, originOf(request));
      return { ok: true as const };
    },
  );

  app.post('/api/v1/me/email/verification', { schema: { tags: ['accounts'], summary: 'Mail a new confirmation link', response: { 202: Ok } } }, async (request, reply) => {
    await accounts.resendVerification(principalOf(request).userId, originOf(request));
    return reply.code(202).send({ ok: true as const });
  });

  app.get('/api/v1/me/sessions', { schema: { tags: ['accounts'], summary: 'Active sessions', response: { 200: Type.Object({ sessions: Type.Array(SessionSchema) }) } } }, async (request) => ({
    sessions: await accounts.listSessions(principalOf(request)),
  }));

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Revoke a session; its token stops working at once',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      await accounts.revokeSession(principalOf(request).userId, request.params.id, originOf(request));
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/me/two-factor/setup',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Start two-factor enrolment: a secret, its otpauth:// URL and a QR code',
        response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrCodeDataUrl: Type.String() }) },
      },
    },
    async (request) => accounts.beginTwoFactorSetup(principalOf(request).userId),
  );

  app.post(
    '/api/v1/me/two-factor/confirm',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Turn two-factor on with a code; answers ten single-use recovery codes, shown only now; signs out the other sessions',
        body: Body({ code: TotpCode }, strict),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return { recoveryCodes: await accounts.confirmTwoFactor(principal.userId, principal.sessionId, request.body.code, originOf(request)) };
    },
  );

  app.post(
    '/api/v1/me/two-factor/disable',
    { schema: { tags: ['accounts'], summary: 'Turn two-factor off with a code or a recovery code', body: Body({ code: TotpCode }, strict), response: { 200: Ok } } },
    async (request) => {
      await accounts.disableTwoFactor(principalOf(request).userId, request.body.code, originOf(request));
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/me/two-factor/verify',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Prove two-factor again in this session (a step-up), as adding a payout method and requesting a payout need',
        description:
          'Send a current code from the authenticator app, or an unused recovery code. The session then counts as having proven two-factor ' +
          'until `recentUntil` (TWO_FACTOR_RECENT_MINUTES). A wrong code counts towards the sign-in lockout (400 `invalid_two_factor_code`, then 429 `account_locked`).',
        body: Body({ code: TotpCode }, strict),
        response: { 200: Type.Object({ verifiedAt: Type.String(), recentUntil: Type.String() }) },
      },
    },
    async (request) => accounts.verifyTwoFactor(principalOf(request), request.body.code, originOf(request)),
  );

  app.get(
    '/api/v1/me/activity',
    { schema: { tags: ['accounts'], summary: 'The account activity log, newest first', querystring: ActivityQuery, response: { 200: ActivityPageSchema } } },
    async (request) => accounts.listActivity(principalOf(request).userId, { before: request.query.before, limit: request.query.limit ?? 50 }),
  );

  app.post(
    '/api/v1/me/report-unauthorized-activity',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Report activity that was not you: freezes spending and cash-out, signs out other sessions, opens a case',
        body: Body({ description: Type.String({ minLength: 1, maxLength: 2000 }) }, strict),
        response: { 201: Type.Object({ case: CaseSchema }) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const opened = await accounts.reportUnauthorizedActivity(principal.userId, principal.sessionId, request.body.description, originOf(request));
      return reply.code(201).send({ case: opened });
    },
  );

  app.get(
    '/api/v1/me/closure',
    {
      schema: {
        tags: ['accounts'],
        summary: 'What closing the account would forfeit',
        response: { 200: Type.Object({ coins: Type.Integer(), diamonds: Type.Integer(), heldDiamonds: Type.Integer(), warnings: Type.Array(Type.String()) }) },
      },
    },
    async (request) => {
      const preview = await accounts.closurePreview(principalOf(request).userId);
      return { ...preview, coins: safeNumber(preview.coins), diamonds: safeNumber(preview.diamonds), heldDiamonds: safeNumber(preview.heldDiamonds) };
    },
  );

  app.post(
    '/api/v1/me/close',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Close the account; remaining coins and diamonds are forfeited when confirmForfeit is true',
        body: Body({ password: Password, confirmForfeit: Type.Optional(Type.Boolean()) }, strict),
        response: { 200: Ok },
      },
    },
    async (request, reply) => {
      await accounts.closeAccount(principalOf(request).userId, { password: request.body.password, confirmForfeit: request.body.confirmForfeit ?? false }, originOf(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get('/api/v1/me/export', { schema: { tags: ['accounts'], summary: "Download the account's own records as JSON" } }, async (request, reply) => {
    const principal = principalOf(request);
    const data = await accounts.exportUserData(principal, originOf(request));
    for (const [name, section] of Object.entries(exportSections)) data[name] = await section(principal.userId);
    return reply
      .header('content-disposition', 'attachment; filename="ovation-export.json"')
      .type('application/json')
      .send(JSON.stringify(data, null, 2));
  });
};
