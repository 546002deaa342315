/**
 * Ovation's typed client: every route of the API (paths, parameters, bodies and answers, from the
 * OpenAPI document in ../openapi.json) through openapi-fetch, and the room socket's messages.
 * It imports nothing of the server, so an operator's app and the web app can both build on it.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';
export type * from './protocol.js';

/** Answers are read as JSON: the types of `data` are those of each route's application/json answer. */
export type OvationClient = Client<paths, 'application/json'>;

export interface OvationClientOptions extends ClientOptions {
  /** A session token from POST /api/v1/auth/login, sent as `Authorization: Bearer <token>`. */
  token?: string;
}

/** A client of the server at `baseUrl` (such as http://localhost:3000; empty for the page's own origin). */
export function createOvationClient({ token, ...options }: OvationClientOptions = {}): OvationClient {
  const client = createClient<paths, 'application/json'>(options);
  if (token) client.use({ onRequest: ({ request }) => void request.headers.set('authorization', `Bearer ${token}`) });
  return client;
}

/** A path of the API that answers `method`. */
export type PathOf<Method extends string> = { [Path in keyof paths]: paths[Path] extends Record<Method, object> ? Path : never }[keyof paths];

type JsonContent<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;
type SuccessOf<Responses> = Responses[Extract<keyof Responses, 200 | 201 | 202>];

/** The JSON answer of a successful `method` call on `path`, such as `Answer<'get', '/api/v1/wallet'>`. */
export type Answer<Method extends string, Path extends PathOf<Method>> = paths[Path] extends Record<Method, { responses: infer Responses }> ? JsonContent<SuccessOf<Responses>> : never;

/** The JSON body a `method` call on `path` takes. */
export type RequestBody<Method extends string, Path extends PathOf<Method>> = paths[Path] extends Record<Method, { requestBody?: infer Body }> ? JsonContent<NonNullable<Body>> : never;
