/**
 * The one way pages talk to the server. The session rides in the HttpOnly
 * cookie set at sign-in (no token in page storage for a script to steal);
 * state changes echo the CSRF cookie in x-csrf-token, as the server requires
 * of cookie sessions (docs/api.md, Authentication).
 */

/** A refusal in the API's error shape, or a network failure (status 0, code network_error). */
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
    super(message);
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

type Query = Record<string, string | number | boolean | null | undefined>;

/** `path` with the defined entries of `query` as its query string. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

let sessionLost: () => void = () => {};
/** Called when the server says the session has ended (401 on a call made while signed in). */
export function onSessionLost(handler: () => void): void {
  sessionLost = handler;
}

interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  query?: Query;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const csrf = method === 'GET' ? undefined : csrfToken();
  if (csrf) headers[CSRF_HEADER] = csrf;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (response.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string; param?: string; resetsAt?: string } } | undefined)?.error;
  if (response.status === 401 && (error?.code === 'session_invalid' || error?.code === 'authentication_required')) sessionLost();
  throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${response.status}.`, error?.param, error?.resetsAt);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
