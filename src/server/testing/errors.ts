import assert from 'node:assert/strict';
import { DomainError, type DomainErrorKind } from '../../shared/errors.js';

/** The DomainError a call is refused with; fails the test when it succeeds or throws anything else. */
export async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<DomainError> {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DomainError, `expected a DomainError, got ${String(caught)}`);
  return caught;
}

/** Asserts the refusal's kind, code and (when given) the field it names. */
export async function rejectsWith(promise: Promise<unknown> | (() => unknown), kind: DomainErrorKind, code: string, param?: string): Promise<DomainError> {
  const error = await refusal(promise);
  assert.equal(error.code, code, error.message);
  assert.equal(error.kind, kind, error.message);
  if (param !== undefined) assert.equal(error.details.param, param, error.message);
  return error;
}

/** Asserts an HTTP answer is the error object `{ error: { type, code, message } }` with this status and code. */
export function assertRefused(response: { statusCode: number; body: string; json(): unknown }, status: number, code: string): void {
  assert.equal(response.statusCode, status, response.body);
  const { error } = response.json() as { error: { type: string; code: string; message: string } };
  assert.equal(error.code, code, response.body);
  assert.ok(error.type && error.message, response.body);
}
