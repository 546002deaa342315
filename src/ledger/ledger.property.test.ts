import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { enginesUnderTest } from '../db/testing/databases.js';
import { userWalletSpecs, userCoinWalletId } from './accounts.js';
import { LedgerError } from './errors.js';
import { runAudit } from './audit.js';
import { coinMove, ISSUANCE, ledgerFixture, type LedgerFixture } from './testing/fixtures.js';
import type { Transfer, TransferRequest } from './types.js';

const WALLETS = 4;
/** Each run's wallets and keys are its own, so the runs share one database (and one writer thread) without meeting. */
const owner = (run: number, i: number) => `p${run}-${i}`;
const wallet = (run: number, i: number) => userCoinWalletId(owner(run, i));

/** One step of a random workload. Indexes pick earlier transfers modulo how many exist. */
type Op =
  | { kind: 'move'; from: number; to: number; amount: number }
  | { kind: 'issue'; to: number; amount: number }
  | { kind: 'hold'; from: number; to: number; amount: number }
  | { kind: 'post'; pick: number }
  | { kind: 'void'; pick: number }
  | { kind: 'reverse'; pick: number }
  | { kind: 'retry'; pick: number }
  | { kind: 'reuse-key'; pick: number };

const party = fc.integer({ min: 0, max: WALLETS - 1 });
const amount = fc.integer({ min: 1, max: 60 });
const pick = fc.nat();
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('move' as const), from: party, to: party, amount }),
  fc.record({ kind: fc.constant('issue' as const), to: party, amount }),
  fc.record({ kind: fc.constant('hold' as const), from: party, to: party, amount }),
  fc.record({ kind: fc.constant('post' as const), pick }),
  fc.record({ kind: fc.constant('void' as const), pick }),
  fc.record({ kind: fc.constant('reverse' as const), pick }),
  fc.record({ kind: fc.constant('retry' as const), pick }),
  fc.record({ kind: fc.constant('reuse-key' as const), pick }),
);

/** What the ledger should do, computed one request at a time in submission order. */
class Model {
  posted = new Map<string, bigint>();
  reserved = new Map<string, bigint>();
  pendings: { key: string; legs: [string, string, bigint] }[] = [];
  resolved = new Set<string>();
  postedTransfers: { key: string; from: string; to: string; amount: bigint }[] = [];
  reversed = new Set<string>();

  available(account: string): bigint {
    if (account === ISSUANCE) return 2n ** 62n;
    return (this.posted.get(account) ?? 0n) - (this.reserved.get(account) ?? 0n);
  }
  move(from: string, to: string, value: bigint): void {
    this.posted.set(from, (this.posted.get(from) ?? 0n) - value);
    this.posted.set(to, (this.posted.get(to) ?? 0n) + value);
  }
}

interface Submission {
  request: TransferRequest;
  /** The expected error code, or undefined when the request should succeed. */
  expectError: string | undefined;
  /** For a retry: the key whose original transfer must come back. */
  replayOf?: string;
}

/** Turns random ops into requests and the model's verdict on each. Ops that name a missing transfer are skipped. */
function plan(model: Model, ops: Op[], run: number, round: number, createdKeys: string[]): Submission[] {
  const submissions: Submission[] = [];
  ops.forEach((o, i) => {
    const key = `${run}-r${round}-${i}`;
    switch (o.kind) {
      case 'move':
      case 'issue': {
        const from = o.kind === 'issue' ? ISSUANCE : wallet(run, o.from);
        const to = wallet(run, o.to);
        if (from === to) return;
        const value = BigInt(o.amount);
        const ok = model.available(from) >= value;
        if (ok) {
          model.move(from, to, value);
          model.postedTransfers.push({ key, from, to, amount: value });
        }
        submissions.push({ request: { type: 'posted', idempotencyKey: key, legs: coinMove(from, to, o.amount) }, expectError: ok ? undefined : 'insufficient_funds' });
        return;
      }
      case 'hold': {
        const from = wallet(run, o.from);
        const to = wallet(run, o.to);
        if (from === to) return;
        const value = BigInt(o.amount);
        const ok = model.available(from) >= value;
        if (ok) {
          model.reserved.set(from, (model.reserved.get(from) ?? 0n) + value);
          model.pendings.push({ key, legs: [from, to, value] });
        }
        submissions.push({ request: { type: 'pending', idempotencyKey: key, legs: coinMove(from, to, o.amount) }, expectError: ok ? undefined : 'insufficient_funds' });
        return;
      }
      case 'post':
      case 'void': {
        const pending = model.pendings.filter((p) => createdKeys.includes(p.key))[o.pick % Math.max(1, model.pendings.length)];
        if (!pending) return;
        const alreadyResolved = model.resolved.has(pending.key);
        if (!alreadyResolved) {
          const [from, to, value] = pending.legs;
          model.reserved.set(from, model.reserved.get(from)! - value);
          if (o.kind === 'post') {
            model.move(from, to, value);
            model.postedTransfers.push({ key, from, to, amount: value });
          }
          model.resolved.add(pending.key);
        }
        submissions.push({
          request: { type: o.kind === 'post' ? 'post_pending' : 'void_pending', idempotencyKey: key, pendingId: `key:${pending.key}` },
          expectError: alreadyResolved ? 'pending_already_resolved' : undefined,
        });
        return;
      }
      case 'reverse': {
        const candidates = model.postedTransfers.filter((t) => createdKeys.includes(t.key));
        const target = candidates[o.pick % Math.max(1, candidates.length)];
        if (!target) return;
        let expectError: string | undefined;
        if (model.reversed.has(target.key)) expectError = 'already_reversed';
        else if (model.available(target.to) < target.amount) expectError = 'insufficient_funds';
        else {
          model.move(target.to, target.from, target.amount);
          model.reversed.add(target.key);
        }
        submissions.push({ request: { type: 'reversal', idempotencyKey: key, transferId: `key:${target.key}` }, expectError });
        return;
      }
      case 'retry':
      case 'reuse-key': {
        const earlier = createdKeys[o.pick % Math.max(1, createdKeys.length)];
        if (!earlier) return;
        submissions.push({ request: { type: 'posted', idempotencyKey: earlier, legs: [] }, expectError: o.kind === 'retry' ? undefined : 'idempotency_conflict', replayOf: earlier });
      }
    }
  });
  return submissions;
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`ledger properties on ${engine}`, { skip }, () => {
    let fixture: LedgerFixture;
    let runs = 0;
    before(async () => {
      fixture = await ledgerFixture(engine);
    });
    after(async () => {
      await fixture?.destroy();
    });

    it('random transfers, holds, posts, voids, reversals and retries keep every invariant', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 6 }), async (rounds) => {
          const run = runs++;
          for (let i = 0; i < WALLETS; i++) await fixture.ledger.ensureAccounts(userWalletSpecs(owner(run, i)));
          const model = new Model();
          const byKey = new Map<string, { request: TransferRequest; transfer: Transfer }>();
          for (const [round, ops] of rounds.entries()) {
            const submissions = plan(model, ops, run, round, [...byKey.keys()]);
            // Resolve references to earlier transfers, then send the whole round at once so it lands in one batch.
            const requests = submissions.map(({ request, replayOf, expectError }): TransferRequest => {
              if (replayOf) {
                const original = byKey.get(replayOf)!.request;
                return expectError ? { ...original, metadata: { changed: true } } : original;
              }
              if (request.type === 'post_pending' || request.type === 'void_pending') return { ...request, pendingId: byKey.get(request.pendingId.slice(4))!.transfer.id };
              if (request.type === 'reversal') return { ...request, transferId: byKey.get(request.transferId.slice(4))!.transfer.id };
              return request;
            });
            const outcomes = await Promise.allSettled(requests.map((r) => fixture.ledger.submit(r)));
            outcomes.forEach((outcome, i) => {
              const { expectError, replayOf } = submissions[i]!;
              if (expectError) {
                assert.equal(outcome.status, 'rejected', `${requests[i]!.idempotencyKey} should fail with ${expectError}`);
                assert.ok(outcome.reason instanceof LedgerError, String(outcome.reason));
                assert.equal(outcome.reason.code, expectError);
                return;
              }
              assert.equal(outcome.status, 'fulfilled', `${requests[i]!.idempotencyKey}: ${outcome.status === 'rejected' ? String(outcome.reason) : ''}`);
              if (replayOf) {
                assert.equal(outcome.value.replayed, true);
                assert.equal(outcome.value.id, byKey.get(replayOf)!.transfer.id, 'a retry returns the original transfer');
              } else {
                byKey.set(requests[i]!.idempotencyKey, { request: requests[i]!, transfer: outcome.value });
              }
            });
          }
          for (let i = 0; i < WALLETS; i++) {
            const account = (await fixture.ledger.getAccount(wallet(run, i)))!;
            assert.equal(account.posted, model.posted.get(wallet(run, i)) ?? 0n, `posted balance of ${wallet(run, i)}`);
            assert.equal(account.pendingDebits, model.reserved.get(wallet(run, i)) ?? 0n, `reserved balance of ${wallet(run, i)}`);
            assert.ok(account.available >= 0n, 'no wallet below zero');
          }
          const audit = await runAudit(fixture.db);
          assert.deepEqual(audit.violations, []);
          for (const total of audit.totals) assert.equal(total.postedSum, 0n, `${total.asset} sums to zero`);
        }),
        { numRuns: engine === 'sqlite' ? 40 : 20 },
      );
    });
  });
}
