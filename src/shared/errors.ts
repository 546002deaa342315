import type { DomainErrorCodeOf } from './error-codes.js';

/**
 * What kind of refusal an error is, in the domain's words. Callers branch on
 * the kind; the HTTP server maps each one to a status and error type in one
 * table (src/server/errors.ts), and the room socket sends only the code.
 */
export type DomainErrorKind =
  /** The request is malformed, or one of its values is out of range. */
  | 'invalid'
  /** The caller is not signed in, or the credentials or session are not valid. */
  | 'unauthenticated'
  /** The payer's balance is too low; adding funds (buying coins) fixes it. */
  | 'insufficient_funds'
  /** A card or payment method was declined by its issuer or the payment provider; another card may work. */
  | 'declined'
  /** The caller is known but not allowed to do this (role, age, restriction, budget). */
  | 'forbidden'
  /** A named object does not exist, or is not the caller's to see. */
  | 'not_found'
  /** The request contradicts the current state, such as a taken handle or an already decided payout. */
  | 'conflict'
  /** An idempotency key is being reused for a different request. */
  | 'idempotency_conflict'
  /** An identifier is longer than any the service issues. */
  | 'too_long'
  /** Well formed, but it does not match what is on record (a verified name, a birth date). */
  | 'mismatch'
  /** The address is reached with the wrong protocol, such as a plain request to a WebSocket. */
  | 'wrong_protocol'
  /** Too many attempts for now; `retryAfterMs` says when to try again. */
  | 'limited'
  /** The service cannot take the request right now (shutting down, database unreachable); retry later. */
  | 'unavailable';

export interface DomainErrorDetails {
  /** The input field at fault, when one field caused the error. */
  param?: string;
  /** How long to wait before retrying. */
  retryAfterMs?: number;
  /** For a spending limit or budget: when it resets (ISO 8601, UTC). */
  resetsAt?: string;
}

/**
 * An error a service throws on purpose: `kind` says what sort of refusal, `code` exactly which one,
 * a code described in src/shared/error-codes.ts for that kind.
 */
export class DomainError<K extends DomainErrorKind = DomainErrorKind> extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: K,
    readonly code: DomainErrorCodeOf<K>,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
  }

  static unauthenticated(code: DomainErrorCodeOf<'unauthenticated'>, message: string): DomainError {
    return new DomainError('unauthenticated', code, message);
  }

  static forbidden(code: DomainErrorCodeOf<'forbidden'>, message: string): DomainError {
    return new DomainError('forbidden', code, message);
  }

  static conflict(code: DomainErrorCodeOf<'conflict'>, message: string): DomainError {
    return new DomainError('conflict', code, message);
  }

  /** Too many attempts; the message ends with how long to wait, in the same whole seconds the caller is told to wait. */
  static rateLimited(code: DomainErrorCodeOf<'limited'>, message: string, retryAfterMs: number): DomainError {
    return new DomainError('limited', code, `${message} Try again in ${describeWait(waitSeconds(retryAfterMs))}.`, { retryAfterMs });
  }

  /** A refusal about one field of the input. */
  static invalidField(param: string, code: DomainErrorCodeOf<'invalid'>, message: string): DomainError {
    return new DomainError('invalid', code, message, { param });
  }

  static notFound(code: DomainErrorCodeOf<'not_found'>, message: string): DomainError {
    return new DomainError('not_found', code, message);
  }

  static invalidRequest(code: DomainErrorCodeOf<'invalid'>, message: string): DomainError {
    return new DomainError('invalid', code, message);
  }

  /**
   * A card's decline, carrying the payment provider's own decline code (such as `expired_card`) when it
   * gave one: those codes are the provider's, so no table here lists them (docs/errors.md says so).
   */
  static declined(providerCode: string, message: string, details: DomainErrorDetails = {}): DomainError {
    return new DomainError('declined', providerCode as DomainErrorCodeOf<'declined'>, message, details);
  }
}

/** A wait in whole seconds, at least one, so a caller never retries at once. */
export function waitSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}
