import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';
import { CSRF_COOKIE, originOf, principalOf, SESSION_COOKIE } from './caller.js';
import type { AccountRoutesOptions } from './routes.js';
import { BirthDate, DisplayName, Email, Handle, LoginResultSchema, Ok, Password, Region, Token, UserEnvelope } from './schemas.js';

const Body = Type.Object;
const strict = { additionalProperties: false } as const;

/** Sign-up, sign-in and sign-out (with the session and CSRF cookies), email confirmation and password reset. */
export const authRoutes: FastifyPluginAsyncTypebox<AccountRoutesOptions> = async (app, { accounts, config }) => {
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
        response: { 200: LoginResultSchema },
      },
    },
    async (request, reply) => {
      const result = await accounts.login(request.body, originOf(request));
      setSessionCookies(reply, result.token, result.csrfToken, result.expiresAt);
      return result;
    },
  );

  app.post('/api/v1/auth/logout', { schema: { tags: ['accounts'], summary: 'Sign out this session', response: { 200: Ok } } }, async (request, reply) => {
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
};
