import type { FastifyRequest } from 'fastify';
import { DomainError } from '../shared/errors.js';
import type { RequestOrigin } from './context.js';
import type { Principal } from './sessions.js';

/**
 * Who may call a route:
 * - `public`: anyone; a valid session is still recognised.
 * - `user`: any signed-in account.
 * - `creator`: accounts with the creator role.
 * - `admin`: accounts with the admin role, in a session that proved a second factor.
 */
export type Access = 'public' | 'user' | 'creator' | 'admin';

export const SESSION_COOKIE = 'ovation_session';
/** Readable by the page's script, which echoes it in the CSRF header. */
export const CSRF_COOKIE = 'ovation_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller, or null. Set by the server's access control before the body is read. */
    principal: Principal | null;
  }
}

/** The caller of a route that is not public; those routes never run without one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw DomainError.unauthenticated('authentication_required', 'Sign in to use this route.');
  return request.principal;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip, userAgent: (request.headers['user-agent'] ?? '').slice(0, 512) };
}
