import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { LedgerError, type LedgerErrorCode } from '../ledger/errors.js';
import { DOMAIN_ERROR_CODES, type DomainErrorCode, type ErrorCodeDescription } from '../shared/error-codes.js';
import { DomainError, waitSeconds, type DomainErrorKind } from '../shared/errors.js';
import { fieldOf } from './validation.js';

/**
 * The kinds of error an API caller can receive, in the style of well-known
 * payment APIs. `type` says who should act; `code` says exactly what went wrong.
 */
export type ApiErrorType = 'invalid_request_error' | 'card_error' | 'authentication_error' | 'permission_error' | 'idempotency_error' | 'rate_limit_error' | 'api_error';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      type: Type.String({ description: 'Error category, such as invalid_request_error or api_error.' }),
      code: Type.String({ description: 'A stable, machine-readable error code, such as insufficient_funds.' }),
      message: Type.String({ description: 'A human-readable explanation.' }),
      param: Type.Optional(Type.String({ description: 'The request field at fault, such as `email`, when one field caused the error.' })),
      resetsAt: Type.Optional(Type.String({ description: 'For a spending limit or budget: when it resets (ISO 8601, UTC).' })),
    }),
  },
  { description: 'Every error the API returns has this shape.' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/**
 * How each kind of domain error reaches an API caller. A `Record` over the
 * kind union, so a new kind fails to compile until it is mapped here.
 */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorKind, { status: number; type: ApiErrorType }> = {
  invalid: { status: 400, type: 'invalid_request_error' },
  unauthenticated: { status: 401, type: 'authentication_error' },
  insufficient_funds: { status: 402, type: 'invalid_request_error' },
  declined: { status: 402, type: 'card_error' },
  forbidden: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  conflict: { status: 409, type: 'invalid_request_error' },
  idempotency_conflict: { status: 409, type: 'idempotency_error' },
  too_long: { status: 414, type: 'invalid_request_error' },
  mismatch: { status: 422, type: 'invalid_request_error' },
  wrong_protocol: { status: 426, type: 'invalid_request_error' },
  limited: { status: 429, type: 'rate_limit_error' },
  unavailable: { status: 503, type: 'api_error' },
};

/** A code the server answers with, described for docs/errors.md (scripts/error-docs.ts). */
export interface AnsweredCode {
  readonly meaning: string;
  readonly action?: string;
}

/**
 * The kind of each ledger refusal, so it reaches an API caller through the table above, and what it means.
 * A `Record` over the code union, so a new ledger code fails to compile until it is mapped and described.
 */
export const LEDGER_ERRORS: Record<LedgerErrorCode, AnsweredCode & { readonly kind: DomainErrorKind }> = {
  invalid_request: { kind: 'invalid', meaning: 'The ledger refused a malformed transfer.' },
  invalid_amount: { kind: 'invalid', meaning: 'An amount is not a positive whole number of minor units in range.' },
  invalid_asset: { kind: 'invalid', meaning: 'The asset is not one the ledger keeps (COIN, DIAMOND or a currency).' },
  unbalanced: { kind: 'invalid', meaning: 'The transfer does not balance for each asset.' },
  asset_mismatch: { kind: 'invalid', meaning: 'An account holds another asset than the transfer moves.' },
  unknown_account: { kind: 'not_found', meaning: 'A transfer names an account the ledger does not have.' },
  transfer_not_found: { kind: 'not_found', meaning: 'No transfer has this id.' },
  pending_not_found: { kind: 'not_found', meaning: 'No pending hold has this id.' },
  insufficient_funds: { kind: 'insufficient_funds', meaning: "The payer's balance is too low for the transfer.", action: 'Add funds (buy coins), then retry with the same Idempotency-Key.' },
  balance_overflow: { kind: 'conflict', meaning: 'The transfer would take a balance beyond what the ledger can hold.' },
  pending_already_resolved: { kind: 'conflict', meaning: 'The pending hold was already posted or voided.' },
  not_reversible: { kind: 'conflict', meaning: 'This transfer cannot be reversed.' },
  already_reversed: { kind: 'conflict', meaning: 'This transfer was already reversed.' },
  nothing_to_sweep: { kind: 'conflict', meaning: 'There is nothing to sweep from this account.' },
  authorization_changed: {
    kind: 'conflict',
    meaning: 'The account changed (closed, restricted, signed out) between the check and the transfer; nothing moved.',
    action: 'Read the account again; retry only if it still may do this.',
  },
  idempotency_conflict: { kind: 'idempotency_conflict', meaning: 'The idempotency key was used before for a different transfer.' },
  ledger_closed: { kind: 'unavailable', meaning: 'The ledger is shutting down; nothing moved.' },
  ledger_overloaded: { kind: 'unavailable', meaning: 'Too many transfers are waiting for the ledger; nothing moved.' },
};

/**
 * The codes the HTTP layer answers with itself: the framework's refusals of a request before any route
 * runs, an unknown route, and outages. The tables below name only these, so each is described.
 */
export const HTTP_ERROR_CODES = {
  validation_failed: { status: 400, meaning: "The request does not match the route's schema (see `param` and the message)." },
  invalid_json: { status: 400, meaning: 'The body is not valid JSON, or is empty while declared as JSON.' },
  invalid_content_length: { status: 400, meaning: 'The Content-Length header does not match the body.' },
  invalid_url: { status: 400, meaning: 'The URL is malformed (bad percent-encoding).' },
  invalid_request: { status: 400, meaning: 'The request is refused for a reason the framework gives in the message.' },
  body_too_deep: { status: 400, meaning: 'The JSON body nests more than 32 levels.' },
  unauthenticated: { status: 401, meaning: 'The request needs valid credentials.', action: 'Sign in, then send the session token or cookie.' },
  forbidden: { status: 403, meaning: 'The caller may not do this.' },
  not_found: { status: 404, meaning: 'Nothing was found at this address.' },
  route_not_found: { status: 404, meaning: 'No route matches the method and path.', action: 'Check the method and path against the OpenAPI document.' },
  method_not_allowed: { status: 405, meaning: 'The path exists but not for this method.' },
  not_acceptable: { status: 406, meaning: 'The server cannot answer in a media type the Accept header allows.' },
  request_timeout: { status: 408, meaning: 'The request took too long to arrive.' },
  body_too_large: { status: 413, meaning: 'The body is larger than the server takes.', action: 'Send a smaller body.' },
  unsupported_media_type: { status: 415, meaning: "The body's media type is not JSON.", action: 'Send `Content-Type: application/json`.' },
  internal_error: {
    status: 500,
    meaning: 'Something failed on the server; it is logged with the request id.',
    action: 'Retry later (with the same Idempotency-Key); if it persists, report the request id (X-Request-Id).',
  },
  service_unavailable: { status: 503, meaning: 'The server cannot take requests right now (starting, or the database unreachable).', action: 'Retry after a few seconds.' },
} as const satisfies Record<string, AnsweredCode & { readonly status: number }>;
type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;

/**
 * Every code the API answers, by HTTP status: the services' (by the kinds each is thrown as), the
 * ledger's and the HTTP layer's. A declined card (402 `card_error`) may also carry the payment
 * provider's own decline code, which no table can list.
 */
export function errorCodesByStatus(): ReadonlyMap<string, ReadonlySet<string>> {
  const byStatus = new Map<string, Set<string>>();
  const add = (status: number, code: string) => {
    const codes = byStatus.get(String(status)) ?? new Set<string>();
    codes.add(code);
    byStatus.set(String(status), codes);
  };
  for (const [code, described] of Object.entries(DOMAIN_ERROR_CODES) as [string, ErrorCodeDescription][]) {
    for (const kind of described.kinds) add(DOMAIN_ERROR_STATUS[kind].status, code);
  }
  for (const [code, described] of Object.entries(LEDGER_ERRORS)) add(DOMAIN_ERROR_STATUS[described.kind].status, code);
  for (const [code, described] of Object.entries(HTTP_ERROR_CODES)) add(described.status, code);
  return byStatus;
}

/** Friendlier codes for the framework's own request errors. */
const FRAMEWORK_ERROR_CODES: Record<string, HttpErrorCode | DomainErrorCode> = {
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'path_parameter_too_long',
};

/** Codes of their own for validation errors found before the schema's (src/server/validation.ts), by their keyword. */
const VALIDATION_KEYWORD_CODES: Record<string, HttpErrorCode | DomainErrorCode> = {
  maxDepth: 'body_too_deep',
  loneSurrogate: 'invalid_text',
};

const GENERIC_CODES: Record<number, HttpErrorCode | DomainErrorCode> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

export interface ErrorAnswer {
  statusCode: number;
  body: ErrorBody;
  headers?: Record<string, string>;
  /** True for an error nobody threw on purpose (a bug or an outage): logged as an error with its stack. */
  unexpected: boolean;
}

/** Turns anything thrown while handling a request into the status and body the caller receives. */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  const answer = (statusCode: number, type: ApiErrorType, code: HttpErrorCode | DomainErrorCode | LedgerErrorCode, message: string, unexpected = false, param?: string): ErrorAnswer => ({
    statusCode,
    body: { error: param === undefined ? { type, code, message } : { type, code, message, param } },
    unexpected,
  });

  if (error instanceof DomainError) {
    const { status, type } = DOMAIN_ERROR_STATUS[(error as DomainError).kind];
    const { param, resetsAt, retryAfterMs } = error.details;
    const answered = answer(status, type, error.code, error.message, false, param);
    if (resetsAt !== undefined) answered.body.error.resetsAt = resetsAt;
    if (retryAfterMs !== undefined) answered.headers = { 'retry-after': String(waitSeconds(retryAfterMs)) };
    return answered;
  }

  if (error instanceof LedgerError) {
    const kind: DomainErrorKind | undefined = LEDGER_ERRORS[error.code]?.kind;
    const mapped = kind === undefined ? { status: 500, type: 'api_error' as const } : DOMAIN_ERROR_STATUS[kind];
    // A busy or restarting ledger is worth another try in a moment, with the same Idempotency-Key.
    return { ...answer(mapped.status, mapped.type, error.code, error.message), ...(kind === 'unavailable' ? { headers: { 'retry-after': '1' } } : {}) };
  }

  const fastifyError = error as Partial<FastifyError> | undefined;
  const statusCode = fastifyError?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const keyword = fastifyError?.code === 'FST_ERR_VALIDATION' ? fastifyError.validation?.[0]?.keyword : undefined;
    const frameworkCode = (keyword === undefined ? undefined : VALIDATION_KEYWORD_CODES[keyword]) ?? (typeof fastifyError?.code === 'string' ? FRAMEWORK_ERROR_CODES[fastifyError.code] : undefined);
    const code: HttpErrorCode | DomainErrorCode = frameworkCode ?? (error instanceof SyntaxError ? 'invalid_json' : (GENERIC_CODES[statusCode] ?? 'invalid_request'));
    const type: ApiErrorType = statusCode === 401 ? 'authentication_error' : statusCode === 403 ? 'permission_error' : statusCode === 429 ? 'rate_limit_error' : 'invalid_request_error';
    return answer(statusCode, type, code, fastifyError?.message || 'The request is invalid.', false, validationParam(fastifyError));
  }

  if (statusCode === 503) return answer(503, 'api_error', 'service_unavailable', 'The service is unavailable; retry later.');

  // Anything else is a bug or an outage: say so without leaking internals.
  return answer(500, 'api_error', 'internal_error', 'An internal error occurred. Retry later; if it persists, report the request id.', true);
}

/** The field a schema validation error is about: `email` for body/email, `region` for a missing required region. */
function validationParam(error: Partial<FastifyError> | undefined): string | undefined {
  const first = error?.validation?.[0];
  if (!first) return undefined;
  const { field } = fieldOf(first);
  return field === '' ? undefined : field;
}

/**
 * Answers an error with the error object and logs it. Also Fastify's `frameworkErrors` option: the
 * router refuses a malformed URL or an over-long path parameter before any route's error handler runs.
 */
export function answerError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { statusCode, body, unexpected, headers } = toErrorAnswer(error);
  if (headers) void reply.headers(headers);
  if (unexpected) request.log.error({ err: error }, 'request failed');
  else if (statusCode >= 500) request.log.warn({ code: body.error.code, statusCode }, body.error.message);
  else request.log.info({ code: body.error.code, statusCode }, body.error.message);
  return reply.code(statusCode).send(body);
}

/** Installs the error and not-found handlers that give every error the `{ error: { type, code, message } }` shape. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(answerError);

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const body: ErrorBody = {
      error: { type: 'invalid_request_error', code: 'route_not_found' satisfies HttpErrorCode, message: `No route matches ${request.method} ${request.url.split('?')[0]}.` },
    };
    return reply.code(404).send(body);
  });
}
