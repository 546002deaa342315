import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, DIAMOND } from './assets.js';
import { LedgerError, type LedgerErrorCode } from './errors.js';
import { platformAccountId, userDiamondWalletId } from './accounts.js';
import { auditViolations, coinMove, fundedUser, ISSUANCE, journalSize, ledgerFixture, type LedgerFixture } from './testing/fixtures.js';
import type { TransferRequest } from './types.js';

async function refusal(promise: Promise<unknown>): Promise<LedgerErrorCode> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LedgerError, `expected a LedgerError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected the ledger to refuse the request');
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`ledger on ${engine}`, { skip }, () => {
    let fixture: LedgerFixture;
    before(async () => {
      fixture = await ledgerFixture(engine);
    });
    after(async () => fixture?.destroy());

    const balance = async (accountId: string) => (await fixture.ledger.getAccount(accountId))!.posted;

    it('moves coins between wallets and keeps each asset summing to zero', async () => {
      const alice = await fundedUser(fixture.ledger, 'alice', 100);
      const bob = await fundedUser(fixture.ledger, 'bob', 0);
      const transfer = await fixture.ledger.submit({
        type: 'posted',
        idempotencyKey: 'alice-pays-bob',
        legs: coinMove(alice, bob, 30),
        metadata: { reason: 'test', nested: { b: 1, a: [1, 2] } },
      });
      assert.match(transfer.id, /^tr_\d+$/);
      assert.equal(transfer.replayed, false);
      assert.deepEqual(transfer.metadata, { reason: 'test', nested: { b: 1, a: [1, 2] } });
      assert.equal(await balance(alice), 70n);
      assert.equal(await balance(bob), 30n);
      assert.equal(await balance(ISSUANCE), -100n);
      assert.deepEqual(await fixture.ledger.getTransfer(transfer.id), { ...transfer, replayed: false });
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('answers every type of transfer alike when it is made, when a retry replays it and when it is read back', async () => {
      const nina = await fundedUser(fixture.ledger, 'nina', 100);
      const sink = platformAccountId('gift_sink', COIN);
      const held = await fixture.ledger.submit({ type: 'pending', idempotencyKey: 'alike-hold', legs: coinMove(nina, sink, 10), metadata: { step: 'hold' } });
      const released = await fixture.ledger.submit({ type: 'pending', idempotencyKey: 'alike-hold-2', legs: coinMove(nina, sink, 5) });
      const requests: TransferRequest[] = [
        { type: 'posted', idempotencyKey: 'alike-posted', legs: coinMove(nina, sink, 7), metadata: { step: 'posted', nested: { list: [1, 'two'] } } },
        { type: 'post_pending', idempotencyKey: 'alike-post', pendingId: held.id, metadata: { step: 'post' } },
        { type: 'void_pending', idempotencyKey: 'alike-void', pendingId: released.id },
        { type: 'sweep', idempotencyKey: 'alike-sweep', sweeps: [{ from: nina, to: sink, asset: COIN }], metadata: { step: 'sweep' } },
      ];
      const made = [held];
      for (const request of requests) made.push(await fixture.ledger.submit(request));
      made.push(await fixture.ledger.submit({ type: 'reversal', idempotencyKey: 'alike-reversal', transferId: made[1]!.id, metadata: { step: 'reversal' } }));
      assert.deepEqual(
        made.map((transfer) => transfer.legs.map((leg) => `${leg.direction} ${leg.amount}`)),
        [['debit 10', 'credit 10'], ['debit 7', 'credit 7'], ['debit 10', 'credit 10'], [], ['debit 83', 'credit 83'], ['credit 7', 'debit 7']],
      );
      assert.deepEqual(
        made.map((transfer) => [transfer.type, transfer.pendingId, transfer.reversesId]),
        [
          ['pending', null, null],
          ['posted', null, null],
          ['post_pending', held.id, null],
          ['void_pending', released.id, null],
          ['posted', null, null],
          ['reversal', null, made[1]!.id],
        ],
      );
      const again = [
        await fixture.ledger.submit({ type: 'pending', idempotencyKey: 'alike-hold', legs: coinMove(nina, sink, 10), metadata: { step: 'hold' } }),
        ...(await Promise.all(requests.map((request) => fixture.ledger.submit(request)))),
        await fixture.ledger.submit({ type: 'reversal', idempotencyKey: 'alike-reversal', transferId: made[1]!.id, metadata: { step: 'reversal' } }),
      ];
      assert.deepEqual(
        again,
        made.map((transfer) => ({ ...transfer, replayed: true })),
      );
      assert.deepEqual(await Promise.all(made.map((transfer) => fixture.ledger.getTransfer(transfer.id))), made);
    });

    it('moves several assets in one atomic transfer (a gift: coins to the sink, diamonds to the creator)', async () => {
      const viewer = await fundedUser(fixture.ledger, 'gift-viewer', 10);
      await fundedUser(fixture.ledger, 'gift-creator', 0);
      const legs = [
        ...coinMove(viewer, platformAccountId('gift_sink', COIN), 5),
        { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit' as const, amount: 2 },
        { accountId: userDiamondWalletId('gift-creator'), asset: DIAMOND, direction: 'credit' as const, amount: 2 },
      ];
      await fixture.ledger.submit({ type: 'posted', idempotencyKey: 'gift-1', legs });
      assert.equal(await balance(viewer), 5n);
      assert.equal(await balance(userDiamondWalletId('gift-creator')), 2n);
      // The same gift again is more than the viewer has: neither asset moves.
      assert.equal(await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: 'gift-2', legs: legs.map((l) => ({ ...l, amount: 6 })) })), 'insufficient_funds');
      assert.equal(await balance(viewer), 5n);
      assert.equal(await balance(userDiamondWalletId('gift-creator')), 2n);
    });

    it('returns the original transfer for a retry and refuses the key with other content', async () => {
      const carol = await fundedUser(fixture.ledger, 'carol', 50);
      const request: TransferRequest = { type: 'posted', idempotencyKey: 'carol-spends', legs: coinMove(carol, ISSUANCE, 20) };
      const first = await fixture.ledger.submit(request);
      const retried = await fixture.ledger.submit(request);
      assert.equal(retried.id, first.id);
      assert.equal(retried.replayed, true);
      assert.equal(await balance(carol), 30n, 'a retry moves nothing twice');
      const before = await journalSize(fixture);
      const conflict = await refusal(fixture.ledger.submit({ ...request, legs: coinMove(carol, ISSUANCE, 21) }));
      assert.equal(conflict, 'idempotency_conflict');
      assert.deepEqual(await journalSize(fixture), before);
      assert.equal(await balance(carol), 30n);
    });

    it('refuses bad input with a typed error and changes nothing', async () => {
      const dave = await fundedUser(fixture.ledger, 'dave', 40);
      const before = await journalSize(fixture);
      const attempt = (legs: unknown, key = `bad-${Math.random()}`) => refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: key, legs } as TransferRequest));
      const cases: [string, unknown, LedgerErrorCode][] = [
        [
          'unbalanced legs',
          [
            { accountId: dave, asset: COIN, direction: 'debit', amount: 5 },
            { accountId: ISSUANCE, asset: COIN, direction: 'credit', amount: 4 },
          ],
          'unbalanced',
        ],
        ['unknown account', coinMove(dave, 'user:nobody:coin', 5), 'unknown_account'],
        ['negative amount', coinMove(dave, ISSUANCE, -5), 'invalid_amount'],
        ['zero amount', coinMove(dave, ISSUANCE, 0), 'invalid_amount'],
        ['fractional amount', coinMove(dave, ISSUANCE, 1.5), 'invalid_amount'],
        ['amount as a decimal string', coinMove(dave, ISSUANCE, '1.5'), 'invalid_amount'],
        ['unsafe float amount', coinMove(dave, ISSUANCE, 2 ** 60), 'invalid_amount'],
        ['amount past 2^63-1', coinMove(dave, ISSUANCE, 2n ** 63n), 'invalid_amount'],
        [
          'asset mismatch',
          [
            { accountId: dave, asset: DIAMOND, direction: 'debit', amount: 5 },
            { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'credit', amount: 5 },
          ],
          'asset_mismatch',
        ],
        [
          'unknown asset',
          [
            { accountId: dave, asset: 'GOLD', direction: 'debit', amount: 5 },
            { accountId: ISSUANCE, asset: 'GOLD', direction: 'credit', amount: 5 },
          ],
          'invalid_asset',
        ],
        ['no legs', [], 'invalid_request'],
        ['one account twice', [...coinMove(dave, ISSUANCE, 5), ...coinMove(ISSUANCE, dave, 5)], 'invalid_request'],
        ['bad direction', [{ accountId: dave, asset: COIN, direction: 'sideways', amount: 5 }], 'invalid_request'],
        ['more than the balance', coinMove(dave, ISSUANCE, 41), 'insufficient_funds'],
      ];
      for (const [name, legs, code] of cases) assert.equal(await attempt(legs), code, name);
      assert.equal(await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: '', legs: coinMove(dave, ISSUANCE, 1) })), 'invalid_request');
      assert.equal(await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: 'meta', legs: coinMove(dave, ISSUANCE, 1), metadata: { big: 1n } })), 'invalid_request');
      assert.equal(await refusal(fixture.ledger.submit({ type: 'reversal', idempotencyKey: 'rev-bad', transferId: 'not-an-id' })), 'transfer_not_found');
      const postWithLegs = { type: 'post_pending', idempotencyKey: 'post-legs', pendingId: 'tr_1', legs: coinMove(dave, ISSUANCE, 1) };
      assert.equal(await refusal(fixture.ledger.submit(postWithLegs as TransferRequest)), 'invalid_request');
      assert.deepEqual(await journalSize(fixture), before);
      assert.equal(await balance(dave), 40n);
    });

    it('takes the largest amount a signed 64-bit balance holds, and refuses to overflow it', async () => {
      const whale = await fundedUser(fixture.ledger, 'whale', 0);
      const max = 2n ** 63n - 1n;
      const whaleIssuance = platformAccountId('promotions', COIN);
      await fixture.ledger.submit({ type: 'posted', idempotencyKey: 'whale-max', legs: coinMove(whaleIssuance, whale, max) });
      assert.equal(await balance(whale), max);
      assert.equal(await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: 'whale-more', legs: coinMove(ISSUANCE, whale, 1) })), 'balance_overflow');
      await fixture.ledger.submit({ type: 'posted', idempotencyKey: 'whale-back', legs: coinMove(whale, whaleIssuance, max) });
      assert.equal(await balance(whale), 0n);
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('lets only a forced clawback take a wallet below zero, and the audit accepts it', async () => {
      const erin = await fundedUser(fixture.ledger, 'erin', 10);
      assert.equal(await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: 'erin-over', legs: coinMove(erin, ISSUANCE, 25) })), 'insufficient_funds');
      const clawback = await fixture.ledger.submit({ type: 'posted', idempotencyKey: 'erin-clawback', legs: coinMove(erin, ISSUANCE, 25), forceNegative: true });
      assert.equal(clawback.forceNegative, true);
      assert.equal(await balance(erin), -15n);
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('reserves funds with a pending transfer, then posts or voids it exactly once', async () => {
      const frank = await fundedUser(fixture.ledger, 'frank', 100);
      const held = await fixture.ledger.submit({ type: 'pending', idempotencyKey: 'hold-1', legs: coinMove(frank, ISSUANCE, 60) });
      let account = (await fixture.ledger.getAccount(frank))!;
      assert.deepEqual([account.posted, account.pendingDebits, account.available], [100n, 60n, 40n]);
      assert.equal(await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: 'spend-held', legs: coinMove(frank, ISSUANCE, 41) })), 'insufficient_funds');
      assert.equal(await refusal(fixture.ledger.submit({ type: 'pending', idempotencyKey: 'hold-2', legs: coinMove(frank, ISSUANCE, 41) })), 'insufficient_funds');

      const posted = await fixture.ledger.submit({ type: 'post_pending', idempotencyKey: 'post-1', pendingId: held.id });
      assert.equal(posted.pendingId, held.id);
      assert.deepEqual(posted.legs, held.legs);
      account = (await fixture.ledger.getAccount(frank))!;
      assert.deepEqual([account.posted, account.pendingDebits, account.available], [40n, 0n, 40n]);
      assert.equal(await refusal(fixture.ledger.submit({ type: 'post_pending', idempotencyKey: 'post-again', pendingId: held.id })), 'pending_already_resolved');
      assert.equal(await refusal(fixture.ledger.submit({ type: 'void_pending', idempotencyKey: 'void-after-post', pendingId: held.id })), 'pending_already_resolved');
      assert.equal((await fixture.ledger.submit({ type: 'post_pending', idempotencyKey: 'post-1', pendingId: held.id })).id, posted.id, 'a retry of the post replays it');

      const second = await fixture.ledger.submit({ type: 'pending', idempotencyKey: 'hold-3', legs: coinMove(frank, ISSUANCE, 30) });
      const voided = await fixture.ledger.submit({ type: 'void_pending', idempotencyKey: 'void-3', pendingId: second.id });
      assert.deepEqual(voided.legs, []);
      account = (await fixture.ledger.getAccount(frank))!;
      assert.deepEqual([account.posted, account.pendingDebits], [40n, 0n]);
      assert.equal(await refusal(fixture.ledger.submit({ type: 'post_pending', idempotencyKey: 'post-voided', pendingId: second.id })), 'pending_already_resolved');
      assert.equal(await refusal(fixture.ledger.submit({ type: 'post_pending', idempotencyKey: 'post-posted', pendingId: posted.id })), 'pending_not_found');
      assert.equal(await refusal(fixture.ledger.submit({ type: 'void_pending', idempotencyKey: 'void-missing', pendingId: 'tr_999999999' })), 'pending_not_found');
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('reverses a posted transfer once, with a new transfer, within balance limits', async () => {
      const gina = await fundedUser(fixture.ledger, 'gina', 50);
      const hank = await fundedUser(fixture.ledger, 'hank', 0);
      const paid = await fixture.ledger.submit({ type: 'posted', idempotencyKey: 'gina-hank', legs: coinMove(gina, hank, 20) });
      const reversal = await fixture.ledger.submit({ type: 'reversal', idempotencyKey: 'undo-gina-hank', transferId: paid.id });
      assert.equal(reversal.reversesId, paid.id);
      assert.deepEqual([await balance(gina), await balance(hank)], [50n, 0n]);
      assert.equal(await refusal(fixture.ledger.submit({ type: 'reversal', idempotencyKey: 'undo-again', transferId: paid.id })), 'already_reversed');
      assert.equal(await refusal(fixture.ledger.submit({ type: 'reversal', idempotencyKey: 'undo-undo', transferId: reversal.id })), 'not_reversible');
      // Reversing a payment whose receiver already spent it needs the clawback flag.
      const again = await fixture.ledger.submit({ type: 'posted', idempotencyKey: 'gina-hank-2', legs: coinMove(gina, hank, 20) });
      await fixture.ledger.submit({ type: 'posted', idempotencyKey: 'hank-spends', legs: coinMove(hank, ISSUANCE, 15) });
      assert.equal(await refusal(fixture.ledger.submit({ type: 'reversal', idempotencyKey: 'undo-2', transferId: again.id })), 'insufficient_funds');
      await fixture.ledger.submit({ type: 'reversal', idempotencyKey: 'undo-2-forced', transferId: again.id, forceNegative: true });
      assert.deepEqual([await balance(gina), await balance(hank)], [50n, -15n]);
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('lists an account history oldest first, page by page', async () => {
      const ivy = await fundedUser(fixture.ledger, 'ivy', 100);
      for (let i = 0; i < 5; i++) await fixture.ledger.submit({ type: 'posted', idempotencyKey: `ivy-${i}`, legs: coinMove(ivy, ISSUANCE, i + 1) });
      const first = await fixture.ledger.listEntries(ivy, { limit: 4 });
      assert.deepEqual(
        first.entries.map((e) => e.amount),
        [100n, -1n, -2n, -3n],
      );
      assert.ok(first.nextCursor !== null);
      const second = await fixture.ledger.listEntries(ivy, { limit: 4, after: first.nextCursor });
      assert.deepEqual(
        second.entries.map((e) => e.amount),
        [-4n, -5n],
      );
      assert.equal(second.nextCursor, null);
      assert.equal(first.entries[1]!.transferType, 'posted');
      assert.equal(first.entries[0]!.asset, COIN);
    });

    it('applies concurrent requests in one batch where a refused one fails alone', async () => {
      const jack = await fundedUser(fixture.ledger, 'jack', 10);
      const kim = await fundedUser(fixture.ledger, 'kim', 0);
      const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => fixture.ledger.submit({ type: 'posted', idempotencyKey: `jack-kim-${i}`, legs: coinMove(jack, kim, 1) })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10, 'exactly the first ten fit the balance');
      assert.ok(
        results.slice(0, 10).every((r) => r.status === 'fulfilled'),
        'in submission order',
      );
      assert.ok(results.slice(10).every((r) => r.status === 'rejected' && (r.reason as LedgerError).code === 'insufficient_funds'));
      assert.deepEqual([await balance(jack), await balance(kim)], [0n, 10n]);
      // Duplicates of one key inside a batch are one transfer.
      const duplicates = await Promise.all(Array.from({ length: 5 }, () => fixture.ledger.submit({ type: 'posted', idempotencyKey: 'kim-once', legs: coinMove(kim, jack, 3) })));
      assert.equal(new Set(duplicates.map((t) => t.id)).size, 1);
      assert.deepEqual(
        duplicates.map((t) => t.replayed),
        [false, true, true, true, true],
      );
      assert.deepEqual([await balance(jack), await balance(kim)], [3n, 7n]);
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('sweeps what an account has when the batch applies it, whatever was spent concurrently, and once per key', async () => {
      const mia = await fundedUser(fixture.ledger, 'mia', 50);
      const ned = await fundedUser(fixture.ledger, 'ned', 0);
      const sink = platformAccountId('forfeits', COIN);
      const sweep: TransferRequest = { type: 'sweep', idempotencyKey: 'sweep-mia', sweeps: [{ from: mia, to: sink, asset: COIN }] };
      // Spends queued before and after the sweep: whichever order the batch takes, nothing is left and nothing fails for want of funds at the sweep.
      const spends = (from: number) => Array.from({ length: 10 }, (_, i) => fixture.ledger.submit({ type: 'posted', idempotencyKey: `mia-ned-${from + i}`, legs: coinMove(mia, ned, 3) }));
      const results = await Promise.allSettled([...spends(0), fixture.ledger.submit(sweep), ...spends(10)]);
      const swept = results[10]!;
      assert.equal(swept.status, 'fulfilled');
      const transfer = (swept as PromiseFulfilledResult<Awaited<ReturnType<typeof fixture.ledger.submit>>>).value;
      assert.equal(transfer.type, 'posted');
      assert.deepEqual(
        transfer.legs.map((leg) => leg.amount),
        [20n, 20n],
        'ten spends of 3 came first; the sweep took the 20 left',
      );
      assert.equal(await balance(mia), 0n);
      assert.equal(await balance(ned), 30n);
      assert.ok(results.slice(11).every((r) => r.status === 'rejected' && (r.reason as LedgerError).code === 'insufficient_funds'));
      // The same key answers the first sweep; an empty account has nothing to sweep and stores nothing.
      assert.equal((await fixture.ledger.submit(sweep)).id, transfer.id);
      const before = await journalSize(fixture);
      assert.equal(await refusal(fixture.ledger.submit({ ...sweep, idempotencyKey: 'sweep-mia-again' })), 'nothing_to_sweep');
      assert.deepEqual(await journalSize(fixture), before);
      assert.equal(await refusal(fixture.ledger.submit({ ...sweep, idempotencyKey: 'sweep-mia', sweeps: [{ from: ned, to: sink, asset: COIN }] })), 'idempotency_conflict');
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it('refuses a request decided under an authorization version that has moved, inside the batch that would apply it', async () => {
      const viewer = await fundedUser(fixture.ledger, 'authorized-viewer', 10);
      const [version] = (await fixture.ledger.authorizationVersions([viewer])).values();
      assert.equal(version, 0n);
      const spend = (key: string, authorizedVersion: bigint) =>
        fixture.ledger.submit({ type: 'posted', idempotencyKey: key, legs: coinMove(viewer, ISSUANCE, 1), authorizedVersions: [{ accountId: viewer, version: authorizedVersion }] });
      await spend('authorized-1', 0n);
      // What the owner may do changes (a restriction, a closure, a session ended) and the version moves.
      await fixture.db.kysely
        .updateTable('ledger_accounts')
        .set((eb) => ({ authorization_version: eb('authorization_version', '+', 1n) }))
        .where('id', '=', viewer)
        .execute();
      const before = await journalSize(fixture);
      // Requests queued together: the stale one fails alone, the fresh one is applied.
      const [stale, fresh] = await Promise.allSettled([spend('authorized-2', 0n), spend('authorized-3', 1n)]);
      assert.equal(stale.status, 'rejected');
      assert.equal((stale as PromiseRejectedResult).reason.code, 'authorization_changed');
      assert.equal(fresh.status, 'fulfilled');
      assert.deepEqual(await journalSize(fixture), { transfers: before.transfers + 1, entries: before.entries + 2 });
      assert.equal(await balance(viewer), 8n);
      // A retry of a transfer already made answers it whatever the version: it was authorized when it was made.
      assert.equal((await spend('authorized-1', 0n)).replayed, true);
    });

    it("sees an authorization version moved by a trigger on a table the ledger's own batch wrote", async () => {
      const viewer = await fundedUser(fixture.ledger, 'trigger-viewer', 10);
      await fixture.db.kysely.schema
        .createTable('restrictions_under_test')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .execute();
      const bump = `UPDATE ledger_accounts SET authorization_version = authorization_version + 1 WHERE id = NEW.account_id`;
      await sql
        .raw(
          engine === 'sqlite'
            ? `CREATE TRIGGER restriction_under_test AFTER INSERT ON restrictions_under_test FOR EACH ROW BEGIN ${bump}; END`
            : `CREATE FUNCTION restriction_under_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${bump}; RETURN NEW; END $$;
               CREATE TRIGGER restriction_under_test AFTER INSERT ON restrictions_under_test FOR EACH ROW EXECUTE FUNCTION restriction_under_test();`,
        )
        .execute(fixture.db.kysely);
      const spend = (key: string, version: bigint, records: TransferRequest['records'] = []) =>
        fixture.ledger.submit({ type: 'posted', idempotencyKey: key, legs: coinMove(viewer, ISSUANCE, 1), authorizedVersions: [{ accountId: viewer, version }], records });
      // The ledger's own batch writes the row whose trigger moves the version: no other connection commits.
      await spend('trigger-1', 0n, [{ table: 'restrictions_under_test', row: { account_id: viewer } }]);
      assert.equal(await refusal(spend('trigger-2', 0n)), 'authorization_changed');
      await spend('trigger-3', 1n);
      assert.equal(await balance(viewer), 8n);
    });

    it('keeps keys, metadata, messages, records and counter keys exactly as sent, whatever characters they hold', async () => {
      await fixture.db.kysely.schema
        .createTable('awkward_under_test')
        .addColumn('transfer_id', 'text', (c) => c.primaryKey())
        .addColumn('note', 'text', (c) => c.notNull())
        .execute();
      await fixture.db.kysely.schema
        .createTable('awkward_totals_under_test')
        .addColumn('subject', 'text', (c) => c.primaryKey())
        .addColumn('coins', 'bigint', (c) => c.notNull())
        .execute();
      const awkward = ["it's", 'back\\slash \\', 'quote " and {braces}, commas', '$1 and $2::text', "'); DROP TABLE ledger_transfers; --", 'é 🎁 \u2028', '12 starts with digits'];
      const viewer = await fundedUser(fixture.ledger, 'awkward-viewer', 50);
      // Sent at once, so they share batches with each other's statements.
      const transfers = await Promise.all(
        awkward.map((text, index) =>
          fixture.ledger.submit({
            type: 'posted',
            idempotencyKey: `awkward ${text}`,
            legs: coinMove(viewer, ISSUANCE, index + 1),
            metadata: { text },
            outbox: [{ topic: `awkward:${text}`, payload: { text } }],
            records: [{ table: 'awkward_under_test', transferIdColumn: 'transfer_id', row: { note: text } }],
            counters: [{ table: 'awkward_totals_under_test', key: { subject: text }, add: { coins: index + 1 }, totals: true }],
          }),
        ),
      );
      for (const [index, text] of awkward.entries()) {
        const transfer = transfers[index]!;
        assert.deepEqual((await fixture.ledger.getTransfer(transfer.id))?.metadata, { text });
        assert.deepEqual(transfer.counterTotals, [{ coins: BigInt(index + 1) }]);
        assert.equal((await fixture.ledger.submit({ type: 'posted', idempotencyKey: `awkward ${text}`, legs: coinMove(viewer, ISSUANCE, index + 1), metadata: { text } })).id, transfer.id);
      }
      const messages = await fixture.db.kysely.selectFrom('outbox').select(['topic', 'payload']).where('topic', 'like', 'awkward:%').execute();
      assert.deepEqual(new Set(messages.map((message) => [message.topic, JSON.parse(message.payload).text].join('|'))), new Set(awkward.map((text) => `awkward:${text}|${text}`)));
      const notes = await fixture.db.kysely
        .selectFrom('awkward_under_test' as never)
        .select(['note' as never])
        .execute();
      assert.deepEqual(new Set((notes as { note: string }[]).map((row) => row.note)), new Set(awkward));
      const totals = await fixture.db.kysely
        .selectFrom('awkward_totals_under_test' as never)
        .selectAll()
        .execute();
      assert.deepEqual(new Map((totals as { subject: string; coins: bigint }[]).map((row) => [row.subject, Number(row.coins)])), new Map(awkward.map((text, index) => [text, index + 1])));
      assert.equal(await balance(viewer), 50n - 28n);
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it("writes records of other tables in the transfer's own transaction: with the transfer, never without it, once", async () => {
      await fixture.db.kysely.schema
        .createTable('projection_under_test')
        .addColumn('transfer_id', 'text', (c) => c.primaryKey())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .execute();
      const viewer = await fundedUser(fixture.ledger, 'recorded-viewer', 5);
      const spend = (key: string, coins: number) =>
        fixture.ledger.submit({
          type: 'posted',
          idempotencyKey: key,
          legs: coinMove(viewer, ISSUANCE, coins),
          records: [{ table: 'projection_under_test', transferIdColumn: 'transfer_id', row: { note: key, amount: BigInt(coins) } }],
        });
      const [first, tooMuch, second] = await Promise.allSettled([spend('recorded-1', 2), spend('recorded-2', 50), spend('recorded-3', 3)]);
      assert.equal(tooMuch.status, 'rejected');
      const rows = await fixture.db.kysely
        .selectFrom('projection_under_test' as never)
        .selectAll()
        .orderBy('note' as never)
        .execute();
      assert.deepEqual(rows, [
        { transfer_id: (first as PromiseFulfilledResult<{ id: string }>).value.id, note: 'recorded-1', amount: 2n },
        { transfer_id: (second as PromiseFulfilledResult<{ id: string }>).value.id, note: 'recorded-3', amount: 3n },
      ]);
      assert.equal((await spend('recorded-1', 2)).replayed, true);
      assert.equal(
        (
          await fixture.db.kysely
            .selectFrom('projection_under_test' as never)
            .selectAll()
            .execute()
        ).length,
        2,
        'a replay writes no record',
      );
      assert.equal(
        await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: 'recorded-4', legs: coinMove(viewer, ISSUANCE, 0), records: [{ table: 'ledger_entries', row: {} }] })),
        'invalid_request',
      );
    });

    it('writes a batch of more rows than one statement takes whole: every transfer, entry, message, record, counter and balance, the refused one and a taken key alone left out', async () => {
      await fixture.db.kysely.schema
        .createTable('chunked_records_under_test')
        .addColumn('tag', 'text', (c) => c.primaryKey())
        .addColumn('transfer_id', 'text', (c) => c.notNull())
        .execute();
      await fixture.db.kysely.schema
        .createTable('chunked_totals_under_test')
        .addColumn('subject', 'text', (c) => c.primaryKey())
        .addColumn('coins', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`insert into chunked_records_under_test (tag, transfer_id) values ('tag-70', 'earlier')`.execute(fixture.db.kysely);
      const payments = 150;
      const viewers = await Promise.all(Array.from({ length: payments }, (_, i) => fundedUser(fixture.ledger, `chunked-viewer-${i}`, 5)));
      const journalBefore = await journalSize(fixture);
      // Submitted in one tick, so they share a batch: past 64 rows each table's rows take several statements.
      const results = await Promise.allSettled(
        viewers.map((viewer, i) =>
          fixture.ledger.submit({
            type: 'posted',
            idempotencyKey: `chunked-${i}`,
            legs: coinMove(viewer, ISSUANCE, i === 100 ? 6 : 1 + (i % 5)),
            outbox: [{ topic: 'chunked', payload: { i } }],
            records: [{ table: 'chunked_records_under_test', transferIdColumn: 'transfer_id', row: { tag: `tag-${i}` } }],
            counters: [{ table: 'chunked_totals_under_test', key: { subject: `subject-${i}` }, add: { coins: 1 + (i % 5) } }],
          }),
        ),
      );
      assert.deepEqual(
        results.flatMap((result, i) => (result.status === 'rejected' ? [i] : [])),
        [100],
        'only the payment over its balance is refused',
      );
      const accepted = payments - 1;
      assert.deepEqual(await journalSize(fixture), { transfers: journalBefore.transfers + accepted, entries: journalBefore.entries + 2 * accepted });
      const balances = await Promise.all(viewers.map(balance));
      assert.deepEqual(
        balances.flatMap((coins, i) => (coins === (i === 100 ? 5n : BigInt(5 - 1 - (i % 5))) ? [] : [i])),
        [],
        'every sender paid what it sent, the refused one nothing',
      );
      const records = await fixture.db.kysely
        .selectFrom('chunked_records_under_test' as never)
        .selectAll()
        .execute();
      assert.equal(records.length, accepted, 'one record per accepted payment, the taken key once');
      assert.deepEqual(
        records.find((row) => (row as { tag: string }).tag === 'tag-70'),
        { tag: 'tag-70', transfer_id: 'earlier' },
        'a record whose key is taken is skipped',
      );
      const totals = await fixture.db.kysely
        .selectFrom('chunked_totals_under_test' as never)
        .selectAll()
        .execute();
      assert.equal(totals.length, accepted);
      assert.equal(
        totals.reduce<bigint>((sum, row) => sum + (row as { coins: bigint }).coins, 0n),
        BigInt(viewers.reduce((sum, _viewer, i) => sum + (i === 100 ? 0 : 1 + (i % 5)), 0)),
      );
      const messages = await fixture.db.kysely.selectFrom('outbox').select('payload').where('topic', '=', 'chunked').execute();
      assert.equal(messages.length, accepted);
      assert.deepEqual(await auditViolations(fixture), []);
    });

    it("adds counters to other tables' rows in the transfer's own transaction: created at zero, summed across a batch, never for a refused request or a replay", async () => {
      await fixture.db.kysely.schema
        .createTable('totals_under_test')
        .addColumn('board', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('coins', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('gifts', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('totals_under_test_pk', ['board', 'subject'])
        .execute();
      const viewer = await fundedUser(fixture.ledger, 'counted-viewer', 10);
      // The all-time row's totals are asked for unless `allTotals` is false: the answer carries only what was asked.
      const spend = (key: string, coins: number, subject = 'ann', allTotals = true) =>
        fixture.ledger.submit({
          type: 'posted',
          idempotencyKey: key,
          legs: coinMove(viewer, ISSUANCE, coins),
          counters: [
            { table: 'totals_under_test', key: { board: 'day', subject }, add: { coins, gifts: 1 }, totals: true },
            { table: 'totals_under_test', key: { board: 'all', subject }, add: { coins: BigInt(coins) }, totals: allTotals },
          ],
        });
      const totals = async () =>
        (
          await fixture.db.kysely
            .selectFrom('totals_under_test' as never)
            .selectAll()
            .orderBy(['board', 'subject'] as never)
            .execute()
        ).map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value)));
      // Submitted together, so on both engines they share a batch: two rows, each written once with the sum.
      const results = await Promise.allSettled([spend('counted-1', 2), spend('counted-2', 50), spend('counted-3', 3, 'ann', false), spend('counted-4', 1, 'bob')]);
      assert.deepEqual(
        results.map((result) => result.status),
        ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      // Each transfer learns the totals it asked for right after it, in commit order, whether or not it shared a batch.
      const totalsAfter = results.map((result) => (result.status === 'fulfilled' ? result.value.counterTotals : undefined));
      assert.deepEqual(totalsAfter, [[{ coins: 2n, gifts: 1n }, { coins: 2n }], undefined, [{ coins: 5n, gifts: 2n }, null], [{ coins: 1n, gifts: 1n }, { coins: 1n }]]);
      assert.deepEqual(await totals(), [
        '{"board":"all","subject":"ann","coins":5,"gifts":0}',
        '{"board":"all","subject":"bob","coins":1,"gifts":0}',
        '{"board":"day","subject":"ann","coins":5,"gifts":2}',
        '{"board":"day","subject":"bob","coins":1,"gifts":1}',
      ]);
      const replay = await spend('counted-1', 2);
      assert.equal(replay.replayed, true);
      assert.equal(replay.counterTotals, undefined, 'a replay moved nothing');
      assert.deepEqual((await spend('counted-5', 1)).counterTotals, [{ coins: 6n, gifts: 3n }, { coins: 6n }]);
      assert.deepEqual((await totals())[0], '{"board":"all","subject":"ann","coins":6,"gifts":0}', 'a replay adds nothing; a later transfer adds to the same row');
      const taking = await fixture.ledger.submit({
        type: 'posted',
        idempotencyKey: 'counted-6',
        legs: coinMove(ISSUANCE, viewer, 4),
        counters: [{ table: 'totals_under_test', key: { board: 'all', subject: 'ann' }, add: { coins: -4 } }],
        // Tied to a counter that always moves its row, though its totals are not read back.
        records: [{ table: 'totals_under_test', row: { board: 'tag', subject: 'counted-6', coins: 0, gifts: 0 }, ifCounted: 0 }],
      });
      assert.equal(taking.replayed, false);
      assert.deepEqual(taking.counterTotals, [null], 'totals not asked for');
      assert.deepEqual((await totals())[0], '{"board":"all","subject":"ann","coins":2,"gifts":0}', 'a negative amount takes away');
      assert.ok((await totals()).includes('{"board":"tag","subject":"counted-6","coins":0,"gifts":0}'), 'the row tied to the counter is written');
      for (const counters of [
        [{ table: 'ledger_accounts', key: { id: 'x' }, add: { posted: 1 } }],
        [{ table: 'totals_under_test', key: {}, add: { coins: 1 } }],
        [{ table: 'totals_under_test', key: { board: 'all', subject: 'ann' }, add: { coins: 1.5 } }],
        [{ table: 'totals_under_test', key: { board: 'all', subject: 'ann' }, add: { subject: 1 } }],
        [{ table: 'totals_under_test', key: { 'board; drop table x': 'all' }, add: { coins: 1 } }],
      ]) {
        assert.equal(await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: 'counted-7', legs: coinMove(viewer, ISSUANCE, 1), counters: counters as never })), 'invalid_request');
      }
      assert.deepEqual((await totals())[0], '{"board":"all","subject":"ann","coins":2,"gifts":0}');
    });
    it("writes a record with a counter's total right after its transfer, in commit order, whether or not the transfers share a batch", async () => {
      await fixture.db.kysely.schema
        .createTable('marked_totals_under_test')
        .addColumn('subject', 'text', (c) => c.primaryKey())
        .addColumn('coins', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await fixture.db.kysely.schema
        .createTable('marks_under_test')
        .addColumn('transfer_id', 'text', (c) => c.primaryKey())
        .addColumn('coins_before', 'bigint', (c) => c.notNull())
        .execute();
      const viewer = await fundedUser(fixture.ledger, 'marked-viewer', 20);
      const counter = (coins: number, totals = true) => ({ table: 'marked_totals_under_test', key: { subject: 'ann' }, add: { coins }, totals });
      const coinsOf: Record<string, bigint> = { 'marked-1': 2n, 'marked-2': 3n, 'marked-3': 4n, 'marked-4': 5n };
      // Each record holds the row's coins before its transfer: the total right after it, less its own coins.
      const spend = (key: string, coins: number) =>
        fixture.ledger.submit({
          type: 'posted',
          idempotencyKey: key,
          legs: coinMove(viewer, ISSUANCE, coins),
          // Two counters of the row: each is told the row's total right after the transfer, both counted.
          counters: [counter(coins), counter(0)],
          records: [{ table: 'marks_under_test', transferIdColumn: 'transfer_id', row: { coins_before: -coins }, addTotal: { column: 'coins_before', counter: 1, counterColumn: 'coins' } }],
        });
      const marks = async () => {
        const rows = (await fixture.db.kysely
          .selectFrom('marks_under_test' as never)
          .selectAll()
          .execute()) as { transfer_id: string; coins_before: bigint | number }[];
        return new Map(rows.map((row) => [row.transfer_id, BigInt(row.coins_before)]));
      };
      const together = await Promise.all([spend('marked-1', 2), spend('marked-2', 3), spend('marked-3', 4)]);
      const alone = await spend('marked-4', 5);
      const written = await marks();
      // Commit order is transfer id order; each saw exactly the coins of the transfers before it.
      const ordered = [...together, alone].sort((a, b) => (BigInt(a.id.slice(3)) < BigInt(b.id.slice(3)) ? -1 : 1));
      let before = 0n;
      for (const transfer of ordered) {
        assert.equal(written.get(transfer.id), before, `${transfer.idempotencyKey} recorded the total before it`);
        before += coinsOf[transfer.idempotencyKey]!;
      }
      assert.equal(before, 14n);
      assert.equal((await spend('marked-1', 2)).replayed, true);
      assert.equal((await marks()).size, 4, 'a replay writes no record');
      for (const [records, counters] of [
        [[{ table: 'marks_under_test', row: { coins_before: 0 }, addTotal: { column: 'coins_before', counter: 0, counterColumn: 'coins' } }], [counter(1, false)]],
        [[{ table: 'marks_under_test', row: { coins_before: 0 }, addTotal: { column: 'coins_before', counter: 1, counterColumn: 'coins' } }], [counter(1)]],
        [[{ table: 'marks_under_test', row: { coins_before: 0 }, addTotal: { column: 'coins_before', counter: 0, counterColumn: 'gifts' } }], [counter(1)]],
        [[{ table: 'marks_under_test', row: { coins_before: 'x' }, addTotal: { column: 'coins_before', counter: 0, counterColumn: 'coins' } }], [counter(1)]],
        [[{ table: 'marks_under_test', row: {}, addTotal: { column: 'coins_before', counter: 0, counterColumn: 'coins' } }], [counter(1)]],
      ]) {
        assert.equal(
          await refusal(fixture.ledger.submit({ type: 'posted', idempotencyKey: 'marked-5', legs: coinMove(viewer, ISSUANCE, 1), counters: counters as never, records: records as never })),
          'invalid_request',
        );
      }
      assert.equal((await marks()).size, 4, 'a refused request writes nothing');
    });
    it("moves a windowed counter only inside its row's window by the writer's clock, writes the rows tied to it only then, and moves it no more once the window closed", async () => {
      const clockOffsetMs = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
      const windowed = await ledgerFixture(engine, { clockOffsetMs });
      try {
        const kysely = windowed.db.kysely;
        await kysely.schema
          .createTable('window_scores_under_test')
          .addColumn('subject', 'text', (c) => c.primaryKey())
          .addColumn('counts_from_ms', 'bigint', (c) => c.notNull())
          .addColumn('counts_until_ms', 'bigint', (c) => c.notNull())
          .addColumn('score', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await kysely.schema
          .createTable('window_tags_under_test')
          .addColumn('transfer_id', 'text', (c) => c.primaryKey())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('score', 'bigint', (c) => c.notNull())
          .execute();
        const startMs = Date.now();
        await kysely
          .insertInto('window_scores_under_test' as never)
          .values({ subject: 'duel', counts_from_ms: BigInt(startMs - 1000), counts_until_ms: BigInt(startMs + 60_000), score: 0n } as never)
          .execute();
        const viewer = await fundedUser(windowed.ledger, 'window-viewer', 1000);
        const spend = (key: string, coins: number, subject = 'duel') =>
          windowed.ledger.submit({
            type: 'posted',
            idempotencyKey: key,
            legs: coinMove(viewer, ISSUANCE, coins),
            counters: [{ table: 'window_scores_under_test', key: { subject }, add: { score: coins }, window: { from: 'counts_from_ms', until: 'counts_until_ms' }, totals: true }],
            records: [{ table: 'window_tags_under_test', transferIdColumn: 'transfer_id', row: { subject, score: BigInt(coins) }, ifCounted: 0 }],
          });
        const scoreOf = async () =>
          (
            await kysely
              .selectFrom('window_scores_under_test' as never)
              .select('score' as never)
              .executeTakeFirstOrThrow()
          ).score as bigint;
        const tagged = async () => {
          const rows = (await kysely
            .selectFrom('window_tags_under_test' as never)
            .select(['transfer_id', 'score'] as never)
            .execute()) as { transfer_id: string; score: bigint }[];
          return new Map(rows.map((row) => [row.transfer_id, BigInt(row.score)]));
        };

        const inside = await Promise.all([spend('window-1', 2), spend('window-2', 3)]);
        assert.deepEqual(
          inside.map((transfer) => transfer.counterTotals),
          [[{ score: 2n }], [{ score: 5n }]],
        );
        const missing = await spend('window-3', 1, 'nobody');
        assert.deepEqual(missing.counterTotals, [null], 'a windowed counter never creates its row');
        assert.equal((await windowed.ledger.getTransfer(missing.id))?.replayed, false);

        // The writer's clock passes the window's end: the payment is made, its counter and tagged row are not.
        clockOffsetMs[0] = 61_000;
        const late = await spend('window-4', 7);
        assert.deepEqual(late.counterTotals, [null]);
        clockOffsetMs[0] = 0;

        // Closing the window serializes with every batch holding the row: a spend committed after the close never counts.
        const racing = Array.from({ length: 20 }, (_, index) => spend(`window-race-${index}`, 1));
        await kysely
          .updateTable('window_scores_under_test' as never)
          .set({ counts_until_ms: BigInt(startMs - 1000) } as never)
          .execute();
        const closedScore = await scoreOf();
        await Promise.all(racing);
        const after = await spend('window-after-close', 5);
        assert.deepEqual(after.counterTotals, [null]);
        assert.equal(await scoreOf(), closedScore, 'nothing counted after the close committed');
        const tags = await tagged();
        assert.equal(
          [...tags.values()].reduce((sum, score) => sum + score, 0n),
          closedScore,
          'the score equals the tagged rows',
        );
        assert.deepEqual(
          [...tags.keys()].filter((id) => [missing.id, late.id, after.id].includes(id)),
          [],
          'no tag without its counter',
        );

        for (const [counters, records] of [
          [[{ table: 'window_scores_under_test', key: { subject: 'duel' }, add: { score: 1 }, window: { from: 'subject', until: 'counts_until_ms' } }], []],
          [[{ table: 'window_scores_under_test', key: { subject: 'duel' }, add: { score: 1 }, window: { from: 'counts_from_ms' } }], []],
          [[], [{ table: 'window_tags_under_test', row: { subject: 'duel', score: 1 }, ifCounted: 0 }]],
        ]) {
          assert.equal(
            await refusal(windowed.ledger.submit({ type: 'posted', idempotencyKey: 'window-invalid', legs: coinMove(viewer, ISSUANCE, 1), counters: counters as never, records: records as never })),
            'invalid_request',
          );
        }
      } finally {
        await windowed.destroy();
      }
    });

    it('refuses requests past its queue bound at once with ledger_overloaded, writing nothing for them; the same keys go through later', async () => {
      const bounded = await ledgerFixture(engine, { maxQueued: 5 });
      try {
        const olga = await fundedUser(bounded.ledger, 'olga', 100);
        const piet = await fundedUser(bounded.ledger, 'piet', 0);
        const request = (i: number): TransferRequest => ({ type: 'posted', idempotencyKey: `olga-piet-${i}`, legs: coinMove(olga, piet, 1) });
        const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => bounded.ledger.submit(request(i))));
        const accepted = results.filter((r) => r.status === 'fulfilled').length;
        const refused = results.filter((r) => r.status === 'rejected');
        assert.equal(accepted, 5, 'the five that fit the queue are written');
        for (const r of refused) assert.equal(((r as PromiseRejectedResult).reason as LedgerError).code, 'ledger_overloaded');
        assert.equal((await bounded.ledger.getAccount(piet))!.posted, 5n, 'a refused request moved nothing');
        for (let i = 0; i < 30; i++) await bounded.ledger.submit(request(i));
        assert.equal((await bounded.ledger.getAccount(piet))!.posted, 30n, 'each key moved once');
        assert.deepEqual(await auditViolations(bounded), []);
      } finally {
        await bounded.destroy();
      }
    });

    it('writes outbox messages with the transfer that creates them, never with a replay or a refused request', async () => {
      const lena = await fundedUser(fixture.ledger, 'lena', 10);
      const outboxOf = (transferId: string) =>
        fixture.db.kysely
          .selectFrom('outbox')
          .selectAll()
          .where('transfer_seq', '=', BigInt(transferId.slice(3)))
          .orderBy('position')
          .execute();
      const request: TransferRequest = {
        type: 'posted',
        idempotencyKey: 'lena-gift',
        legs: coinMove(lena, platformAccountId('gift_sink', COIN), 4),
        outbox: [
          { topic: 'live:1', payload: { type: 'gift', coins: 4 } },
          { topic: 'webhook', payload: { event: 'gift.sent' } },
        ],
      };
      const [first, replayed] = await Promise.all([fixture.ledger.submit(request), fixture.ledger.submit(request)]);
      assert.equal(replayed!.id, first!.id);
      const messages = await outboxOf(first!.id);
      assert.deepEqual(
        messages.map((m) => [m.position, m.topic, JSON.parse(m.payload), m.published_at]),
        [
          [0n, 'live:1', { type: 'gift', coins: 4 }, null],
          [1n, 'webhook', { event: 'gift.sent' }, null],
        ],
      );
      await fixture.ledger.submit(request);
      assert.equal((await outboxOf(first!.id)).length, 2, 'a later replay writes nothing');

      const before = await fixture.db.kysely
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const refused = await refusal(fixture.ledger.submit({ ...request, idempotencyKey: 'lena-too-much', legs: coinMove(lena, platformAccountId('gift_sink', COIN), 100) }));
      assert.equal(refused, 'insufficient_funds');
      const after = await fixture.db.kysely
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(String(after.n), String(before.n), 'a refused transfer leaves no message');
      assert.equal(await refusal(fixture.ledger.submit({ ...request, idempotencyKey: 'bad-topic', outbox: [{ topic: '', payload: {} }] })), 'invalid_request');
    });
  });
}
