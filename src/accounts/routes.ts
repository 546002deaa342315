import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config/index.js';
import { CSRF_COOKIE, originOf, principalOf, SESSION_COOKIE } from './caller.js';
import { safeNumber } from '../shared/integers.js';
import type { Accounts } from './index.js';
import { ActivityPageSchema, ActivityQuery, BirthDate, CaseSchema, DisplayName, Email, Handle, Ok, Password, Region, Token, UserEnvelope } from './schemas.js';

export interface AccountRoutesOptions {
  accounts: Accounts;
  config: Pick<Config, 'publicUrl'>;
  /** What other domains keep about a user (orders, payouts, identity checks), added to the data export under these names. */
  exportSections?: Readonly<Record<string, (userId: string) => Promise<unknown>>>;
}

const Body = Type.Object;
const strict = { additionalProperties: false } as const;
const TotpCode = Type.String({ minLength: 6, maxLength: 20, description: 'A 6-digit code from the authenticator app, or a recovery code.' });

const SessionSchema = Type.Object({
  id: Type.String(),
  ip: Type.String(),
  userAgent: Type.String(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  current: Type.Boolean(),
});

const ProfileSchema = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  displayName: Type.String(),
  isCreator: Type.Boolean(),
  followers: Type.Integer(),
  following: Type.Boolean(),
});

const bearer = [{ bearerAuth: [] }];

/** Sign-up, sign-in, sessions, two-factor and everything under /me. */
export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, { accounts, config, exportSections = {} }) => {
  const secureCookies = config.publicUrl.startsWith('https:');
  const setSessionCookies = (reply: FastifyReply, token: string, csrfToken: string, expiresAt: string) => {
    const expires = new Date(expiresAt);
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/', expires });
    reply.setCookie(CSRF_COOKIE, csrfToken, { httpOnly: false, sameSite: 'lax', secure: secureCookies, path: '/', expires });
  };

  app.post(
    '/api/v1/auth/signup',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account; a confirmation link is mailed',
        body: Body(
          {
            email: Email,
            password: Password,
            displayName: DisplayName,
            birthDate: BirthDate,
            region: Type.Optional(Region),
            handle: Type.Optional(Handle),
          },
          strict,
        ),
        response: { 201: UserEnvelope },
      },
    },
    async (request, reply) => {
      const user = await accounts.signup(request.body, originOf(request));
      return reply.code(201).send({ user });
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign in; answers a bearer token and sets the same session as a cookie',
        description:
          'With two-factor on, send `totp` (or `recoveryCode`); without it the answer is 401 `two_factor_required`. ' + 'Ten wrong passwords in a row lock the account (429 with Retry-After).',
        body: Body({ email: Email, password: Password, totp: Type.Optional(Type.String({ maxLength: 10 })), recoveryCode: Type.Optional(Type.String({ maxLength: 20 })) }, strict),
        response: { 200: Type.Object({ token: Type.String(), csrfToken: Type.String(), expiresAt: Type.String(), user: UserEnvelope.properties.user }) },
      },
    },
    async (request, reply) => {
      const result = await accounts.login(request.body, originOf(request));
      setSessionCookies(reply, result.token, result.csrfToken, result.expiresAt);
      return result;
    },
  );

  app.post('/api/v1/auth/logout', { schema: { tags: ['accounts'], summary: 'Sign out this session', security: bearer, response: { 200: Ok } } }, async (request, reply) => {
    const principal = principalOf(request);
    await accounts.logout(principal.userId, principal.sessionId, originOf(request));
    reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  app.post(
    '/api/v1/auth/verify-email',
    { schema: { tags: ['accounts'], summary: 'Confirm an email address with the mailed token', body: Body({ token: Token }, strict), response: { 200: UserEnvelope } } },
    async (request) => ({ user: await accounts.verifyEmail(request.body.token, originOf(request)) }),
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Mail a single-use password reset link (answers the same whether or not the address has an account)',
        body: Body({ email: Email }, strict),
        response: { 202: Ok },
      },
    },
    async (request, reply) => {
      await accounts.requestPasswordReset(request.body.email, originOf(request));
      return reply.code(202).send({ ok: true as const });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Set a new password with the mailed token; signs out every session',
        body: Body({ token: Token, password: Password }, strict),
        response: { 200: Ok },
      },
    },
    async (request) => {
      await accounts.resetPassword(request.body.token, request.body.password, originOf(request));
      return { ok: true as const };
    },
  );

  app.get('/api/v1/me', { schema: { tags: ['accounts'], summary: 'The signed-in user', security: bearer, response: { 200: UserEnvelope } } }, async (request) => ({
    user: await accounts.getUser(principalOf(request).userId),
  }));

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Change the password; signs out the other sessions',
        security: bearer,
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

  app.post('/api/v1/me/email/verification', { schema: { tags: ['accounts'], summary: 'Mail a new confirmation link', security: bearer, response: { 202: Ok } } }, async (request, reply) => {
    await accounts.resendVerification(principalOf(request).userId, originOf(request));
    return reply.code(202).send({ ok: true as const });
  });

  app.get(
    '/api/v1/me/sessions',
    { schema: { tags: ['accounts'], summary: 'Active sessions', security: bearer, response: { 200: Type.Object({ sessions: Type.Array(SessionSchema) }) } } },
    async (request) => ({ sessions: await accounts.listSessions(principalOf(request)) }),
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Revoke a session; its token stops working at once',
        security: bearer,
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
        security: bearer,
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
        security: bearer,
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
    { schema: { tags: ['accounts'], summary: 'Turn two-factor off with a code or a recovery code', security: bearer, body: Body({ code: TotpCode }, strict), response: { 200: Ok } } },
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
        security: bearer,
        body: Body({ code: TotpCode }, strict),
        response: { 200: Type.Object({ verifiedAt: Type.String(), recentUntil: Type.String() }) },
      },
    },
    async (request) => accounts.verifyTwoFactor(principalOf(request), request.body.code, originOf(request)),
  );

  app.get(
    '/api/v1/me/activity',
    { schema: { tags: ['accounts'], summary: 'The account activity log, newest first', security: bearer, querystring: ActivityQuery, response: { 200: ActivityPageSchema } } },
    async (request) => accounts.listActivity(principalOf(request).userId, { before: request.query.before, limit: request.query.limit ?? 50 }),
  );

  app.post(
    '/api/v1/me/report-unauthorized-activity',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Report activity that was not you: freezes spending and cash-out, signs out other sessions, opens a case',
        security: bearer,
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
        security: bearer,
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
        security: bearer,
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

  app.get('/api/v1/me/export', { schema: { tags: ['accounts'], summary: "Download the account's own records as JSON", security: bearer } }, async (request, reply) => {
    const principal = principalOf(request);
    const data = await accounts.exportUserData(principal, originOf(request));
    for (const [name, section] of Object.entries(exportSections)) data[name] = await section(principal.userId);
    return reply
      .header('content-disposition', 'attachment; filename="ovation-export.json"')
      .type('application/json')
      .send(JSON.stringify(data, null, 2));
  });

  app.post(
    '/api/v1/creator/apply',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Apply to become a creator (adults who accept the creator terms)',
        security: bearer,
        body: Body({ acceptTerms: Type.Boolean() }, strict),
        response: { 200: UserEnvelope },
      },
    },
    async (request) => ({ user: await accounts.applyForCreator(principalOf(request).userId, request.body.acceptTerms, originOf(request)) }),
  );

  const HandleParams = Type.Object({ handle: Type.String({ maxLength: 24 }) });
  app.get(
    '/api/v1/users/:handle',
    { schema: { tags: ['accounts'], summary: 'A public profile', params: HandleParams, response: { 200: Type.Object({ profile: ProfileSchema }) } } },
    async (request) => ({ profile: await accounts.profile(request.params.handle, request.principal?.userId) }),
  );
  app.put(
    '/api/v1/users/:handle/follow',
    { schema: { tags: ['accounts'], summary: 'Follow a user', security: bearer, params: HandleParams, response: { 200: Type.Object({ profile: ProfileSchema }) } } },
    async (request) => ({ profile: await accounts.follow(principalOf(request).userId, request.params.handle) }),
  );
  app.delete(
    '/api/v1/users/:handle/follow',
    { schema: { tags: ['accounts'], summary: 'Stop following a user', security: bearer, params: HandleParams, response: { 200: Type.Object({ profile: ProfileSchema }) } } },
    async (request) => ({ profile: await accounts.unfollow(principalOf(request).userId, request.params.handle) }),
  );
};
