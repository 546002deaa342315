import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeRequest } from './requests.js';
import type { TransferRequest } from './types.js';
import { fromWire, toWire } from './writer-wire.js';

const debit = (accountId: string, amount: number) => ({ accountId, asset: 'COIN', direction: 'debit' as const, amount });
const credit = (accountId: string, amount: number) => ({ accountId, asset: 'COIN', direction: 'credit' as const, amount });

/** Requests of every type, between them setting every field a request has to something other than its default. */
const REQUESTS: Record<string, TransferRequest> = {
  'a payment with messages, versions, records and counters': {
    type: 'posted',
    idempotencyKey: 'gift:1',
    legs: [debit('user:a:coin', 5), credit('platform:gift_sink:COIN', 5)],
    forceNegative: true,
    metadata: { giftId: 'gift_rose', quantity: 1 },
    outbox: [
      { topic: 'live:l1', payload: { type: 'gift', icon: '🌹' } },
      { topic: 'webhook', payload: { event: 'gift.sent' } },
    ],
    authorizedVersions: [
      { accountId: 'user:a:coin', version: 3n },
      { accountId: 'user:b:diamond', version: 0n },
    ],
    counters: [
      { table: 'gifter_totals', key: { sender_id: 'a' }, add: { coins: 5 }, totals: true },
      { table: 'goal_progress', key: { goal_id: 'g1' }, add: { coins: 5n, gifts: 1 }, window: { from: 'opens_at_ms', until: 'closes_at_ms' } },
    ],
    records: [
      {
        table: 'gift_events',
        row: { kind: 'gift', coins: 5n, quantity: 1, video_id: null, combo_count: 0n },
        transferIdColumn: 'transfer_id',
        addTotal: { column: 'combo_count', counter: 0, counterColumn: 'coins' },
      },
      { table: 'goal_contributions', row: { goal_id: 'g1', coins: 5 }, ifCounted: 1 },
    ],
  },
  'a plain payment': { type: 'posted', idempotencyKey: 'gift:2', legs: [debit('user:a:coin', 1), credit('user:b:coin', 1)] },
  'a hold': { type: 'pending', idempotencyKey: 'hold:1', legs: [debit('user:a:coin', 7), credit('user:b:coin', 7)], metadata: { reason: 'payout' } },
  'posting a hold': { type: 'post_pending', idempotencyKey: 'post:1', pendingId: 'tr_41' },
  'voiding a hold': { type: 'void_pending', idempotencyKey: 'void:1', pendingId: 'tr_42' },
  'a reversal': { type: 'reversal', idempotencyKey: 'reverse:1', transferId: 'tr_43', forceNegative: true },
  'a sweep': {
    type: 'sweep',
    idempotencyKey: 'sweep:1',
    sweeps: [
      { from: 'user:a:coin', to: 'platform:gift_sink:COIN', asset: 'COIN' },
      { from: 'user:a:diamond', to: 'platform:diamond_issuance:DIAMOND', asset: 'DIAMOND' },
    ],
  },
};

describe('requests as they travel to the SQLite writer thread', () => {
  for (const [name, request] of Object.entries(REQUESTS)) {
    it(`arrive as they were sent: ${name}`, () => {
      const normalized = normalizeRequest(request);
      // structuredClone copies as postMessage does.
      assert.deepEqual(fromWire(structuredClone(toWire(normalized))), normalized);
    });
  }

  it('leave out what a request does not have: a plain payment travels as its type, key, hash, metadata and legs', () => {
    assert.equal(toWire(normalizeRequest(REQUESTS['a plain payment']!)).length, 5);
    assert.equal(toWire(normalizeRequest(REQUESTS['posting a hold']!)).length, 6);
  });

  it("keep each record's row and each counter's key and amounts with their columns in the caller's order", () => {
    const normalized = normalizeRequest(REQUESTS['a payment with messages, versions, records and counters']!);
    const arrived = fromWire(structuredClone(toWire(normalized)));
    assert.deepEqual(Object.keys(arrived.records[0]!.row), ['kind', 'coins', 'quantity', 'video_id', 'combo_count']);
    assert.deepEqual(Object.keys(arrived.counters[1]!.add), ['coins', 'gifts']);
    assert.equal(typeof arrived.counters[1]!.add.coins, 'bigint');
    assert.equal(typeof arrived.counters[1]!.add.gifts, 'number');
  });
});
