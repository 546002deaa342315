import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { CSRF_HEADER, SESSION_COOKIE, type Access } from '../accounts/index.js';
import { accessOf, RECENT_TWO_FACTOR_ROUTES } from './access.js';
import { ErrorBody, errorCodesByStatus } from './errors.js';
import { exampleOf } from './openapi-examples.js';
import { DOCUMENTED_ERRORS, OPERATION_IDS, SPECIAL_SECURITY, type SecurityRequirement } from './operations.js';

const OPENAPI_JSON_PATH = '/api/openapi.json';
const API_DOCS_PATH = '/api/docs';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const SECURITY_SCHEMES = {
  bearerAuth: { type: 'http', scheme: 'bearer', description: 'The session token POST /api/v1/auth/login answers: `Authorization: Bearer <token>`.' },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `The session cookie sign-in sets, for the web app. Requests that change state must also send the ${CSRF_HEADER} header (csrfToken).`,
  },
  csrfToken: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'The CSRF token the sign-in answers: required with the session cookie on every request but GET.' },
  overlayKey: { type: 'apiKey', in: 'query', name: 'key', description: 'The overlay key from GET /api/v1/me/overlay.' },
  roomTicket: { type: 'apiKey', in: 'query', name: 'ticket', description: 'A ticket from POST /api/v1/lives/{id}/tickets, to join a room signed in; without one the socket watches anonymously.' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for Prometheus.' },
  streamCallbackSecret: { type: 'http', scheme: 'bearer', description: 'STREAM_CALLBACK_SECRET, sent by the media server.' },
  sandboxSignature: { type: 'apiKey', in: 'header', name: 'ovation-sandbox-signature', description: 'The sandbox provider’s HMAC over the raw body.' },
  stripeSignature: { type: 'apiKey', in: 'header', name: 'stripe-signature', description: 'Stripe’s signature over the raw body (STRIPE_WEBHOOK_SECRET).' },
  wiseSignature: { type: 'apiKey', in: 'header', name: 'x-signature-sha256', description: 'Wise’s RSA signature over the raw body.' },
  paypalSignature: { type: 'apiKey', in: 'header', name: 'paypal-transmission-sig', description: 'PayPal’s transmission signature, verified with PayPal’s verify-webhook-signature API.' },
  pubSubToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The OIDC token Google Pub/Sub signs for the push subscription.' },
} as const;

/** Every error body has this shape; each response narrows `code` to the codes it can carry. */
const ApiError = { ...ErrorBody.properties.error, additionalProperties: false };

/**
 * Collects every route's schema into an OpenAPI 3.1 document served at /api/openapi.json, with
 * browsable docs at /api/docs, and completes each operation from the rules the server enforces (see
 * completeOperation). Must be registered on the root instance before any route, so it sees all of them.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  {
    publicUrl,
    extraAccess = {},
  }: { /** PUBLIC_URL when set, else undefined: the server is where the document came from. */ publicUrl: string | undefined; extraAccess?: Readonly<Record<string, Access>> },
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ovation API',
        version: packageVersion(),
        description:
          'Coin and live-gifting economy. Amounts are integers in the smallest unit; errors are `{ "error": { "type", "code", "message" } }`, each response listing the codes it can carry; ' +
          'requests that move value take an `Idempotency-Key` header. docs/api.md explains how to generate a client in another language from this document.',
        license: { name: 'MIT', identifier: 'MIT' },
        contact: { name: 'Ovation maintainers', url: 'https://github.com/ovation-live/ovation' },
      },
      servers: [publicUrl === undefined ? { url: '/', description: 'The server that serves this document' } : { url: publicUrl.replace(/\/+$/, ''), description: 'This server (PUBLIC_URL)' }],
      tags: [
        { name: 'health', description: 'Liveness and readiness probes' },
        { name: 'accounts', description: 'Sign-up, sign-in, sessions, two-factor, the activity log and account closure' },
        { name: 'wallet', description: 'Coin and diamond balances' },
        { name: 'store', description: 'Coin packages, prices, custom amounts and orders' },
        { name: 'gifts', description: 'The gift catalog, sending gifts into lives, and top-gifter boards' },
        { name: 'live', description: 'Going live, ending, listing live rooms and their summaries' },
        { name: 'creators', description: 'Identity checks, payout methods, earnings and monthly statements' },
        { name: 'sandbox', description: 'The simulated payment provider’s checkout (test cards)' },
        { name: 'webhooks', description: 'Signed events from payment providers' },
        { name: 'operator webhooks', description: 'Signed event callbacks to the operator’s endpoints, managed by admins (docs/webhooks.md)' },
        { name: 'admin', description: 'Operator tools; admins need two-factor authentication' },
        { name: 'development', description: 'Only outside production' },
      ],
      components: { securitySchemes: SECURITY_SCHEMES, schemas: { ApiError } },
    },
    // The plugin's own types are stricter than the fields read here, which the document still meets.
    transformObject: (documentObject) => {
      if (!('openapiObject' in documentObject)) throw new Error('the API document must be OpenAPI 3');
      return completeDocument(documentObject.openapiObject as OpenApiDocument, extraAccess) as typeof documentObject.openapiObject;
    },
  });

  await app.register(swaggerUi, { routePrefix: API_DOCS_PATH, staticCSP: true });

  app.get(OPENAPI_JSON_PATH, { schema: { hide: true } }, async () => app.swagger());
}

interface OpenApiDocument {
  paths?: Record<string, Partial<Record<(typeof HTTP_METHODS)[number], Operation>>>;
  [key: string]: unknown;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: SecurityRequirement[];
  parameters?: { in: string; name: string; required?: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown }> };
  responses: Record<string, ResponseObject>;
  [key: string]: unknown;
}

interface ResponseObject {
  /** The codes this route is known to answer with the status, for tools and readers. */
  'x-error-codes'?: string[];
  description: string;
  content?: Record<string, { schema?: unknown; example?: unknown }>;
  headers?: Record<string, { schema: unknown; description?: string; required?: boolean }>;
}

/** The route key of ROUTE_ACCESS for an operation: `POST /api/v1/lives/:id/gifts` for post /api/v1/lives/{id}/gifts. */
function routeKeyOf(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
}

function completeDocument(document: OpenApiDocument, extraAccess: Readonly<Record<string, Access>>): OpenApiDocument {
  const components = ((document.components as { schemas?: Record<string, unknown> } | undefined) ?? {}) as { schemas?: Record<string, unknown> };
  const schemas = (components.schemas ??= {});
  document.components = components;
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation) completeOperation(operation, method, path, accessOf(method.toUpperCase(), routeKeyOf(method, path).split(' ')[1]!, extraAccess) ?? 'admin', schemas);
    }
  }
  return document;
}

/** The name a route without an entry in OPERATION_IDS gets: its method and path, such as `postLivesIdGifts`. */
function derivedOperationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1\//, '/')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

const RETRY_AFTER = { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } };
const IDEMPOTENT_REPLAYED = { description: 'true when the answer is the first result for this Idempotency-Key, replayed.', schema: { type: 'string', enum: ['true'] } };

const SUCCESS_MEANINGS: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted: the work goes on after the answer.', '204': 'No content' };

const STATUS_MEANINGS: Record<string, string> = {
  '400': 'The request is invalid; nothing changed.',
  '401': 'Not signed in, or the session ended.',
  '402': 'Payment needed: not enough coins, or the card was declined.',
  '403': 'Not allowed for this caller.',
  '404': 'Not found.',
  '409': 'Conflicts with the current state or an earlier request with the same Idempotency-Key.',
  '413': 'The body is too large.',
  '414': 'A path parameter is too long.',
  '415': 'The body’s media type is not JSON.',
  '422': 'The request does not match what it refers to.',
  '426': 'Needs a WebSocket upgrade.',
  '429': 'Too many requests: retry after Retry-After seconds.',
  '500': 'An internal error: retry later; if it persists, report the request id.',
  '503': 'Unavailable for now (starting, shutting down or overloaded): retry after Retry-After seconds with the same Idempotency-Key.',
};

/** Error codes a route's own description names, as in "402 insufficient_coins" or "409 live_ended, gift_unavailable". */
function errorCodesInProse(text: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const match of text.matchAll(/\b([45]\d\d) ((?:[a-z][a-z0-9]*_[a-z0-9_]+)(?:(?:, | or | and |\/)[a-z][a-z0-9]*_[a-z0-9_]+)*)/g)) {
    const codes = found.get(match[1]!) ?? new Set<string>();
    for (const code of match[2]!.split(/, | or | and |\//)) codes.add(code);
    found.set(match[1]!, codes);
  }
  return found;
}

/**
 * The statuses and error codes every route can answer, from the rules the server applies to it: its
 * role (ROUTE_ACCESS), its input, whether it moves value (an Idempotency-Key) and the API's limits.
 */
function commonErrors(key: string, access: Access, operation: Operation, idempotent: boolean): Map<string, Set<string>> {
  const errors = new Map<string, Set<string>>();
  const add = (status: string, ...codes: string[]) => {
    const set = errors.get(status) ?? new Set<string>();
    for (const code of codes) set.add(code);
    errors.set(status, set);
  };
  const [method, url] = key.split(' ') as [string, string];
  const hasBody = operation.requestBody !== undefined;
  add('400', 'validation_failed');
  if (hasBody) {
    add('400', 'invalid_json', 'body_too_deep', 'invalid_text');
    add('413', 'body_too_large');
    add('415', 'unsupported_media_type');
  }
  if (url.includes('/:')) add('414', 'path_parameter_too_long');
  add('401', 'invalid_authorization');
  if (access !== 'public') {
    add('401', 'authentication_required', 'session_invalid');
    if (method !== 'GET') add('403', 'csrf_token_invalid');
  }
  if (access === 'creator' || access === 'admin') add('403', 'role_required');
  if (access === 'admin') add('403', 'two_factor_required');
  if (RECENT_TWO_FACTOR_ROUTES.has(key)) add('403', 'two_factor_required', 'two_factor_recent_required');
  if (idempotent) {
    add('400', 'idempotency_key_required');
    add('409', 'idempotency_key_reused');
    add('503', 'ledger_closed', 'ledger_overloaded');
  }
  if (url.startsWith('/api/') && !url.startsWith('/api/v1/webhooks/')) add('429', 'rate_limited');
  add('500', 'internal_error');
  add('503', 'shutting_down', 'service_unavailable');
  return errors;
}

/** The codes of the catalogue (docs/errors.md) by status, each status's list a shared schema of the document. */
const CATALOGUE_CODES = errorCodesByStatus();
/** Statuses whose codes are open-ended: a declined card carries the payment provider's own decline code. */
const OPEN_CODE_STATUSES = new Set(['402']);

/**
 * An error response: the codes the route is known to answer (its rules, its description, DOCUMENTED_ERRORS)
 * are listed, and `code` admits every code of the catalogue with this status, since a route's own
 * list comes from its rules and the suite's runs and cannot prove no other refusal of that status exists.
 */
function errorResponse(status: string, codes: ReadonlySet<string>, existing: ResponseObject | undefined, schemas: Record<string, unknown>): ResponseObject {
  const sorted = [...codes].sort();
  const response: ResponseObject = {
    'x-error-codes': sorted,
    description: `${STATUS_MEANINGS[status] ?? 'An error.'} Error codes this route answers: ${sorted.map((code) => `\`${code}\``).join(', ')}; any other code of this status in the catalogue (docs/errors.md) is possible.`,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: { error: { allOf: [{ $ref: '#/components/schemas/ApiError' }], properties: { code: codeSchema(status, sorted, schemas) } } },
        },
      },
    },
  };
  if (existing?.headers) response.headers = existing.headers;
  if (status === '429' || status === '503') response.headers = { ...response.headers, 'Retry-After': RETRY_AFTER };
  return response;
}

/** `ErrorCode<status>`, added to the document's schemas when first used: the catalogue's codes of the status and the route's. */
function codeSchema(status: string, routeCodes: readonly string[], schemas: Record<string, unknown>): unknown {
  if (OPEN_CODE_STATUSES.has(status)) return { type: 'string', examples: routeCodes };
  const catalogue = CATALOGUE_CODES.get(status) ?? new Set<string>();
  if (!routeCodes.every((code) => catalogue.has(code))) return { type: 'string', enum: [...new Set([...catalogue, ...routeCodes])].sort() };
  const name = `ErrorCode${status}`;
  schemas[name] ??= { type: 'string', description: `The error codes the API answers with status ${status} (docs/errors.md).`, enum: [...catalogue].sort() };
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * Fills in what a client generator, gateway or validator needs that a route's schema does not say:
 * the operationId (OPERATION_IDS), the security its ROUTE_ACCESS rule implies, every error status
 * with the codes it can carry (the common ones from the route's rules, those its description names,
 * DOCUMENTED_ERRORS), Retry-After on 429 and 503, Idempotent-Replayed where a retry replays, and
 * examples built from the schemas where the route gives none.
 */
function completeOperation(operation: Operation, method: string, path: string, access: Access, schemas: Record<string, unknown>): void {
  const resolve = (ref: string) => schemas[ref.replace('#/components/schemas/', '')];
  const key = routeKeyOf(method, path);
  operation.operationId ??= OPERATION_IDS[key] ?? derivedOperationId(method, path);
  operation.security = SPECIAL_SECURITY[key] ?? securityOf(access, method);

  for (const [status, response] of Object.entries(operation.responses)) {
    if (response.description === 'Default Response') response.description = SUCCESS_MEANINGS[status] ?? operation.summary ?? 'Success';
  }

  const idempotent = (operation.parameters ?? []).some((parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key');
  if (idempotent) {
    const header = operation.parameters!.find((parameter) => parameter.name === 'idempotency-key')!;
    header.description = 'A new random value per operation (up to 255 characters): a retry with the same key answers the first result and moves nothing again.';
    for (const [status, response] of Object.entries(operation.responses)) {
      if (status.startsWith('2')) response.headers = { ...response.headers, 'Idempotent-Replayed': IDEMPOTENT_REPLAYED };
    }
  }

  const errors = commonErrors(key, access, operation, idempotent);
  const declared = [errorCodesInProse(`${operation.summary ?? ''} ${operation.description ?? ''}`), DOCUMENTED_ERRORS[key] ?? {}];
  for (const source of declared) {
    for (const [status, codes] of source instanceof Map ? source : Object.entries(source)) {
      const set = errors.get(status) ?? new Set<string>();
      for (const code of codes) set.add(code);
      errors.set(status, set);
    }
  }
  for (const [status, codes] of [...errors].sort(([a], [b]) => a.localeCompare(b))) {
    const existing = operation.responses[status];
    // A route that describes an error status itself (as readiness's 503) keeps its own schema.
    if (existing?.content?.['application/json']?.schema && !isErrorBodySchema(existing.content['application/json'].schema)) continue;
    operation.responses[status] = errorResponse(status, codes, existing, schemas);
  }

  addExamples(operation, resolve);
}

function isErrorBodySchema(schema: unknown): boolean {
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  return properties !== undefined && Object.keys(properties).length === 1 && 'error' in properties;
}

function securityOf(access: Access, method: string): SecurityRequirement[] {
  if (access === 'public') return [];
  return [{ bearerAuth: [] }, method === 'get' ? { sessionCookie: [] } : { sessionCookie: [], csrfToken: [] }];
}

function addExamples(operation: Operation, resolve: (ref: string) => unknown): void {
  const body = operation.requestBody?.content['application/json'];
  if (body?.schema && body.example === undefined) body.example = exampleOf(body.schema, resolve);
  const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))?.[1];
  const json = success?.content?.['application/json'];
  if (json?.schema && json.example === undefined) json.example = exampleOf(json.schema, resolve);
}
