import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { BlockList, isIP } from 'node:net';
import { Type } from 'typebox';
import { DomainError } from '../shared/errors.js';
import type { DevMailbox } from './mailer.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** IPv4 rules also match IPv4-mapped IPv6 addresses (::ffff:127.0.0.1). */
function isLoopback(address: string | undefined): boolean {
  const family = address === undefined ? 0 : isIP(address);
  return family !== 0 && LOOPBACK.check(address!, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * True only for a request made on this machine: the connection itself comes from a loopback address, and no proxy
 * forwarded it (a proxy on this machine connects from loopback for every client). X-Forwarded-For is never believed
 * here, whatever TRUST_PROXY says: request.ip would take a loopback address a client wrote in it.
 */
function fromThisMachine(request: FastifyRequest): boolean {
  return isLoopback(request.socket.remoteAddress) && request.headers['x-forwarded-for'] === undefined && request.headers.forwarded === undefined;
}

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
      if (!fromThisMachine(request)) throw DomainError.forbidden('loopback_only', 'The dev mailbox answers only requests from the server machine itself.');
      return { mails: mailbox.list(request.query.to) };
    },
  );
};
