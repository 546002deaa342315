import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError, type LedgerErrorCode } from '../ledger/errors.js';
import { ApiError, toErrorAnswer } from './errors.js';

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
    ['idempotency_conflict', 409, 'idempotency_error'],
    ['ledger_closed', 503, 'api_error'],
  ];
  for (const [code, status, type] of ledgerCases) {
    it(`maps LedgerError ${code} to ${status} ${type}`, () => {
      const answer = toErrorAnswer(new LedgerError(code, `refused: ${code}`));
      assert.equal(answer.statusCode, status);
      assert.deepEqual(answer.body, { error: { type, code, message: `refused: ${code}` } });
    });
  }

  it('passes an ApiError through as written', () => {
    const answer = toErrorAnswer(ApiError.notFound('order_not_found', 'No order ord_1.'));
    assert.equal(answer.statusCode, 404);
    assert.deepEqual(answer.body, { error: { type: 'invalid_request_error', code: 'order_not_found', message: 'No order ord_1.' } });
    assert.equal(answer.unexpected, false);
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
