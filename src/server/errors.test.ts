import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LedgerError, type LedgerErrorCode } from '../ledger/errors.js';
import { DOMAIN_ERROR_CODES, isDomainErrorCodeOf, type DomainErrorCodeOf } from '../shared/error-codes.js';
import { DomainError, type DomainErrorKind } from '../shared/errors.js';
import { HTTP_ERROR_CODES, LEDGER_ERRORS, toErrorAnswer, type ApiErrorType } from './errors.js';

/** A code described as thrown as `kind`. */
function codeOfKind<K extends DomainErrorKind>(kind: K): DomainErrorCodeOf<K> {
  const code = Object.keys(DOMAIN_ERROR_CODES).find((candidate): candidate is DomainErrorCodeOf<K> => isDomainErrorCodeOf(candidate, kind));
  assert.ok(code, `no error code is described as ${kind}`);
  return code;
}

describe('toErrorAnswer', () => {
  const ledgerCases: [LedgerErrorCode, number, string][] = [
    ['invalid_request', 400, 'invalid_request_error'],
    ['invalid_amount', 400, 'invalid_request_error'],
    ['invalid_asset', 400, 'invalid_request_error'],
    ['unbalanced', 400, 'invalid_request_error'],
    ['asset_mismatch', 400, 'invalid_request_error'],
    ['insufficient_funds', 402, 'invalid_request_error'],
    ['unknown_account', 404, 'invalid_request_error'],
    ['transfer_not_found', 404, 'invalid_request_error'],
    ['pending_not_found', 404, 'invalid_request_error'],
    ['balance_overflow', 409, 'invalid_request_error'],
    ['pending_already_resolved', 409, 'invalid_request_error'],
    ['not_reversible', 409, 'invalid_request_error'],
    ['already_reversed', 409, 'invalid_request_error'],
    ['nothing_to_sweep', 409, 'invalid_request_error'],
    ['authorization_changed', 409, 'invalid_request_error'],
    ['idempotency_conflict', 409, 'idempotency_error'],
    ['ledger_closed', 503, 'api_error'],
    ['ledger_overloaded', 503, 'api_error'],
  ];
  for (const [code, status, type] of ledgerCases) {
    it(`maps LedgerError ${code} to ${status} ${type}`, () => {
      const answer = toErrorAnswer(new LedgerError(code, `refused: ${code}`));
      assert.equal(answer.statusCode, status);
      assert.deepEqual(answer.body, { error: { type, code, message: `refused: ${code}` } });
      assert.equal(answer.headers?.['retry-after'], status === 503 ? '1' : undefined);
    });
  }

  // Written out rather than read from the table, so a wrong mapping fails here.
  const domainCases: Record<DomainErrorKind, [number, ApiErrorType]> = {
    invalid: [400, 'invalid_request_error'],
    unauthenticated: [401, 'authentication_error'],
    insufficient_funds: [402, 'invalid_request_error'],
    declined: [402, 'card_error'],
    forbidden: [403, 'permission_error'],
    not_found: [404, 'invalid_request_error'],
    conflict: [409, 'invalid_request_error'],
    idempotency_conflict: [409, 'idempotency_error'],
    too_long: [414, 'invalid_request_error'],
    mismatch: [422, 'invalid_request_error'],
    wrong_protocol: [426, 'invalid_request_error'],
    limited: [429, 'rate_limit_error'],
    unavailable: [503, 'api_error'],
  };
  for (const [kind, [status, type]] of Object.entries(domainCases) as [DomainErrorKind, [number, ApiErrorType]][]) {
    it(`maps DomainError ${kind} to ${status} ${type}`, () => {
      const code = codeOfKind(kind);
      const answer = toErrorAnswer(new DomainError(kind, code, `refused: ${kind}`));
      assert.deepEqual(answer, { statusCode: status, body: { error: { type, code, message: `refused: ${kind}` } }, unexpected: false });
    });
  }

  it('answers a field refusal with the field as param', () => {
    const answer = toErrorAnswer(DomainError.invalidField('email', 'invalid_email', 'Give a valid email address.'));
    assert.equal(answer.statusCode, 400);
    assert.deepEqual(answer.body, { error: { type: 'invalid_request_error', code: 'invalid_email', message: 'Give a valid email address.', param: 'email' } });
    assert.equal(answer.headers, undefined);
  });

  it('answers a rate limit with Retry-After in whole seconds, at least one, and the wait in the message', () => {
    const answer = toErrorAnswer(DomainError.rateLimited('too_many_attempts', 'Too many sign-in attempts.', 90_001));
    assert.equal(answer.statusCode, 429);
    assert.deepEqual(answer.headers, { 'retry-after': '91' });
    assert.deepEqual(answer.body, { error: { type: 'rate_limit_error', code: 'too_many_attempts', message: 'Too many sign-in attempts. Try again in 91 seconds.' } });
    assert.equal(toErrorAnswer(DomainError.rateLimited('too_many_connections', 'Close a socket first.', 0)).headers?.['retry-after'], '1');
    assert.match(DomainError.rateLimited('rate_limited', 'Slow down.', 3 * 3600_000).message, /Try again in 3 hours\.$/);
  });

  it('answers a spending limit with when it resets', () => {
    const resetsAt = '2026-11-23T00:00:00.000Z';
    const answer = toErrorAnswer(new DomainError('limited', 'purchase_limit_reached', `The limit resets at ${resetsAt}.`, { resetsAt, retryAfterMs: 1_500 }));
    assert.equal(answer.body.error.resetsAt, resetsAt);
    assert.deepEqual(answer.headers, { 'retry-after': '2' });
  });

  it('keeps the status of a framework 4xx error', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    assert.deepEqual(toErrorAnswer(tooLarge), {
      statusCode: 413,
      body: { error: { type: 'invalid_request_error', code: 'body_too_large', message: 'Request body is too large' } },
      unexpected: false,
    });
    const limited = Object.assign(new Error('Slow down'), { statusCode: 429 });
    assert.equal(toErrorAnswer(limited).body.error.type, 'rate_limit_error');
  });

  it('hides the details of anything else behind 500 api_error', () => {
    for (const thrown of [new Error('password=hunter2'), 'a string', undefined, Object.assign(new Error('boom'), { statusCode: 502 })]) {
      const answer = toErrorAnswer(thrown);
      assert.equal(answer.statusCode, 500);
      assert.equal(answer.body.error.type, 'api_error');
      assert.equal(answer.body.error.code, 'internal_error');
      assert.doesNotMatch(answer.body.error.message, /hunter2|boom|string/);
      assert.equal(answer.unexpected, true);
    }
  });
});

describe('the catalogue of error codes (docs/errors.md)', () => {
  it('describes every code the OpenAPI document says a route can answer', () => {
    const document: unknown = JSON.parse(readFileSync(new URL('../../client/openapi.json', import.meta.url), 'utf8'));
    const named = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== 'object' || node === null) return;
      const listed = (node as { 'x-error-codes'?: unknown })['x-error-codes'];
      const admitted = (node as { properties?: { code?: { enum?: unknown } } }).properties?.code?.enum;
      for (const codes of [listed, admitted]) if (Array.isArray(codes)) for (const code of codes) named.add(String(code));
      Object.values(node).forEach(visit);
    };
    visit(document);
    assert.ok(named.has('insufficient_coins') && named.has('validation_failed'), 'the document names the error codes of its responses');
    const described = new Set([...Object.keys(DOMAIN_ERROR_CODES), ...Object.keys(LEDGER_ERRORS), ...Object.keys(HTTP_ERROR_CODES)]);
    assert.deepEqual(
      [...named].filter((code) => !described.has(code)),
      [],
    );
  });
});
