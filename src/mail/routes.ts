import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../server/errors.js';
import type { DevMailbox } from './mailer.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * The dev mailbox, for development and tests only: the server registers it
 * only outside production and without SMTP, and it answers only on the
 * machine itself, since its mails hold sign-in and password reset links.
 */
export const devMailboxRoutes: FastifyPluginAsyncTypebox<{ mailbox: DevMailbox }> = async (app, { mailbox }) => {
  app.get(
    '/api/v1/dev/mailbox',
    {
      schema: {
        tags: ['development'],
        summary: 'Mails the server would have sent (only when not in production and SMTP_URL is unset)',
        querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 254 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            mails: Type.Array(Type.Object({ id: Type.Integer(), to: Type.String(), subject: Type.String(), text: Type.String(), sentAt: Type.String() })),
          }),
        },
      },
    },
    async (request) => {
      if (!LOOPBACK.has(request.ip)) throw ApiError.forbidden('loopback_only', 'The dev mailbox answers only requests from the server machine itself.');
      return { mails: mailbox.list(request.query.to) };
    },
  );
};
