import { Type } from 'typebox';
import { DomainError } from './errors.js';

/** The header every route that moves value reads: a retry with the same key answers the first result. */
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

/** The request's Idempotency-Key; `what` names the thing a retry must not do twice, such as "buy twice". */
export function requireIdempotencyKey(headers: { 'idempotency-key'?: string }, what: string, per: string): string {
  const key = headers['idempotency-key'];
  if (key === undefined) throw DomainError.invalidRequest('idempotency_key_required', `Send an Idempotency-Key header (a new random value per ${per}) so a retry cannot ${what}.`);
  return key;
}
