/**
 * The one way pages talk to the server. The session rides in the HttpOnly
 * cookie set at sign-in (no token in page storage for a script to steal);
 * state changes echo the CSRF cookie in x-csrf-token, as the server requires
 * of cookie sessions (docs/api.md, Authentication).
 */
import { createOvationClient } from '../../../client/src/index';
import { localizeInstants } from './format';

/** A refusal in the API's error shape (over HTTP or the room socket), or a network failure (status 0, code network_error). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field at fault, when one is. */
    readonly param?: string,
    /** When a spending limit resets. */
    readonly resetsAt?: string,
  ) {
    // The API's messages name instants in ISO 8601 (UTC); people read them in their own time.
    super(localizeInstants(message));
  }
}

const CSRF_COOKIE = 'ovation_csrf';
const CSRF_HEADER = 'x-csrf-token';

/** The CSRF cookie comes and goes with the session cookie: without it there is no session to ask about. */
export function hasSessionCookie(): boolean {
  return csrfToken() !== undefined;
}

function csrfToken(): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** A fresh Idempotency-Key. Not crypto.randomUUID: that needs a secure context, and a self-hosted server may be plain http. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

type Query = Record<string, unknown>;

/** The defined, non-empty entries of `query` as a query string, without its `?`. */
function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  return params.toString();
}

/** `path` with the defined entries of `query` as its query string. */
export function withQuery(path: string, query: Query = {}): string {
  const search = queryString(query);
  return search ? `${path}?${search}` : path;
}

let sessionLost: () => void = () => {};
/** Called when the server says the session has ended (401 on a call made while signed in). */
export function onSessionLost(handler: () => void): void {
  sessionLost = handler;
}

/**
 * The typed client of every route (client/openapi.json): a wrong path, parameter, body or answer field
 * does not compile. Pages pass its calls to `call`, which answers the data or throws an ApiError.
 */
export const api = createOvationClient({ credentials: 'same-origin', headers: { accept: 'application/json' }, querySerializer: queryString });
api.use({
  onRequest({ request }) {
    const csrf = request.method === 'GET' ? undefined : csrfToken();
    if (csrf) request.headers.set(CSRF_HEADER, csrf);
    return request;
  },
});

/** What a call of the typed client resolves to: its answer's data on success, the error body otherwise. */
interface Outcome<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** The answer of a call of `api`; throws an ApiError for a refusal (status 0, network_error, when the server was not reached). */
export async function call<Data>(pending: Promise<Outcome<Data>>): Promise<Data> {
  let outcome: Outcome<Data>;
  try {
    outcome = await pending;
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  const { data, error, response } = outcome;
  if (response.ok) return data as Data;
  const refusal = (error as { error?: { code?: string; message?: string; param?: string; resetsAt?: string } } | undefined)?.error;
  if (response.status === 401 && (refusal?.code === 'session_invalid' || refusal?.code === 'authentication_required')) sessionLost();
  throw new ApiError(response.status, refusal?.code ?? 'http_error', refusal?.message ?? `The server answered ${response.status}.`, refusal?.param, refusal?.resetsAt);
}
