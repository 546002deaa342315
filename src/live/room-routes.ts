import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../accounts/index.js';
import { DomainError } from '../shared/errors.js';
import type { Lives } from './lives.js';
import type { RoomAccess } from './room-access.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Tickets onto a room's socket, and a clear answer to a plain GET of a socket address. */
export const roomRoutes: FastifyPluginAsyncTypebox<{ lives: Pick<Lives, 'requireLive'>; access: RoomAccess }> = async (app, { lives, access }) => {
  app.post(
    '/api/v1/lives/:id/tickets',
    {
      schema: {
        tags: ['live'],
        summary: 'Get a ticket to join a room signed in',
        description:
          'A single-use ticket valid for 60 seconds: open `/api/v1/lives/:id/ws?ticket=<ticket>` with it (docs/live-protocol.md). Browsers cannot set headers on a WebSocket, so the session proves itself here instead. The socket acts for this session: once it ends (sign-out, password change, account closure), the ticket no longer joins and the socket is closed with 4440. The live’s creator joins as `creator`, an admin signed in with two-factor as `admin`, anyone else as `viewer`.',
        params: IdParams,
        response: {
          201: Type.Object({
            ticket: Type.String(),
            expiresAt: Type.String(),
            role: Type.Union([Type.Literal('viewer'), Type.Literal('creator'), Type.Literal('admin')]),
            url: Type.String({ description: 'The socket path with the ticket, relative to the API origin.' }),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const live = await lives.requireLive(request.params.id);
      const role = live.creatorId === principal.userId ? 'creator' : principal.roles.includes('admin') && principal.twoFactorVerified ? 'admin' : 'viewer';
      const ticket = await access.issueTicket(live.id, principal.userId, principal.sessionId, role);
      return reply.code(201).send({ ...ticket, role, url: `/api/v1/lives/${live.id}/ws?ticket=${ticket.ticket}` });
    },
  );

  const upgradeRequired = async () => {
    throw new DomainError('wrong_protocol', 'upgrade_required', 'This address is a WebSocket: connect with a WebSocket client (docs/live-protocol.md).');
  };
  const socketDoc = { tags: ['live'], description: 'A WebSocket (docs/live-protocol.md); a plain GET answers 426.' };
  app.get('/api/v1/lives/:id/ws', { schema: { ...socketDoc, summary: 'The room socket', params: IdParams } }, upgradeRequired);
  app.get('/api/v1/overlay/:handle/ws', { schema: { ...socketDoc, summary: 'The stream overlay’s socket', params: Type.Object({ handle: Type.String({ maxLength: 64 }) }) } }, upgradeRequired);
};
