import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../../accounts/testing/users.js';
import { auditEverything } from '../../audit/index.js';
import { balanceOf, viewerWithCoins } from '../../gifts/testing/payments.js';
import { COIN, platformAccountId, userCoinWalletId, userDiamondWalletId } from '../../ledger/index.js';
import { earnDiamonds, payoutReadyCreator } from '../../payouts/testing/creators.js';
import { createTestApp, type TestApp } from '../../server/testing/app.js';
import { callServer, signUpOverNetwork, startServerProcess } from '../../server/testing/process.js';
import { createTestDatabase, enginesUnderTest } from '../../db/testing/databases.js';
import { ovation } from '../../cli/testing/run.js';

/**
 * Closing an account races what the account is doing: gifts and payouts in flight when the
 * closure commits. The closure and its forfeit must be one step whatever commits around it, and a
 * closure a restart finds unfinished must never stop the server from starting.
 */
for (const { engine, skip } of await enginesUnderTest()) {
  describe(`account closure under concurrent spending on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    let liveId: string;
    before(async () => {
      t = await createTestApp(engine, {
        env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', PAYOUT_REVIEW_YOUNG_ACCOUNT_DAYS: '0', PAYOUT_REVIEW_NEW_PAYER_DAYS: '0', PAYOUT_FIRST_HOLD_DAYS: '0', PAYOUT_REVIEW_SPIKE_FACTOR: '0' },
      });
      creator = await signUpCreator(t);
      const live = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Closing time' } });
      assert.equal(live.statusCode, 201, live.body);
      liveId = live.json().live.id;
    });
    after(async () => {
      await t?.destroy();
    });

    const close = (user: SignedInUser) => t.app.inject({ method: 'POST', url: '/api/v1/me/close', headers: user.headers, payload: { password: user.password, confirmForfeit: true } });
    const closureOf = (userId: string) =>
      t.db.kysely.selectFrom('users').select(['closed_at', 'closure_transfer_id', 'closure_coins', 'closure_diamonds']).where('id', '=', userId).executeTakeFirstOrThrow();
    const available = async (accountId: string) => (await t.ledger.getAccount(accountId))?.available ?? 0n;
    async function assertAuditClean(when: string) {
      const report = await auditEverything(t.db);
      assert.deepEqual(
        report.checks.filter((check) => check.violations.length > 0),
        [],
        when,
      );
    }

    it('closing while the same account sends 40 gifts: the close succeeds, forfeits exactly what the gifts left, and nothing is left behind', async () => {
      const viewer = await viewerWithCoins(t);
      const forfeitsBefore = await balanceOf(t, platformAccountId('forfeits', COIN));
      const gifts = Array.from({ length: 40 }, (_, i) =>
        t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/gifts`, headers: { ...viewer.headers, 'idempotency-key': `closing-gift-${i}` }, payload: { giftId: 'gift_rose' } }),
      );
      const [closed, ...sent] = await Promise.all([close(viewer), ...gifts]);
      assert.equal(closed!.statusCode, 200, closed!.body);
      const giftsCharged = BigInt(sent.filter((response) => response.statusCode === 201).length);
      for (const refused of sent.filter((response) => response.statusCode !== 201)) assert.ok([401, 402, 403].includes(refused.statusCode), refused.body);

      const closure = await closureOf(viewer.id);
      assert.notEqual(closure.closed_at, null);
      assert.match(closure.closure_transfer_id ?? '', /^tr_\d+$/, 'the forfeit transfer is recorded');
      assert.equal(await available(userCoinWalletId(viewer.id)), 0n, 'nothing is left in the wallet');
      const forfeited = (await balanceOf(t, platformAccountId('forfeits', COIN))) - forfeitsBefore;
      assert.equal(forfeited, 840n - giftsCharged, 'the forfeit took what the gifts left, no more, no less');
      assert.equal(closure.closure_coins, forfeited, 'the account records what it forfeited');
      assert.deepEqual(await t.accounts.completePendingClosures(), { finished: 0, skipped: [] }, 'a restart finds nothing to finish');
      await assertAuditClean('after the closure');
    });

    it('closing while the same creator requests payouts: the close answers once, the held diamonds stay with their payout, and the rest is forfeited', async () => {
      const payee = await payoutReadyCreator(t);
      await earnDiamonds(t, payee, 8);
      const payouts = Array.from({ length: 6 }, (_, i) =>
        t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: { ...payee.headers, 'idempotency-key': `closing-payout-${i}` }, payload: { diamonds: 1000 + i, methodId: payee.methodId } }),
      );
      const [closed, ...requested] = await Promise.all([close(payee), ...payouts]);
      const closure = await closureOf(payee.id);
      if (closed!.statusCode === 200) {
        assert.match(closure.closure_transfer_id ?? '', /^tr_\d+$/);
        assert.equal(await available(userDiamondWalletId(payee.id)), 0n, 'what no payout holds is forfeited');
      } else {
        // Refused (a payout committed its hold first): then the account is not closed at all.
        assert.equal(closed!.statusCode, 409, closed!.body);
        assert.equal(closed!.json().error.code, 'payout_in_progress');
        assert.equal(closure.closed_at, null, 'a refused closure changes nothing');
        assert.ok(requested.some((response) => response.statusCode === 201));
      }
      assert.deepEqual(await t.accounts.completePendingClosures(), { finished: 0, skipped: [] });
      await assertAuditClean('after the closure and payouts');
    });

    it('a closure a crash left unfinished, with more recorded than the wallet holds, is finished at start by forfeiting what is there', async () => {
      const viewer = await viewerWithCoins(t);
      // The state an earlier build left: closed, sessions revoked, the forfeit sized before a gift spent some of it.
      await t.db.kysely.updateTable('users').set({ closed_at: t.clock.now().toISOString(), closure_coins: 841n, closure_diamonds: 0n }).where('id', '=', viewer.id).execute();
      const audit = await auditEverything(t.db);
      assert.equal(audit.ok, false, 'the audit flags a closed account whose balances were not forfeited');
      assert.ok(
        audit.violations.some((line) => line.includes(viewer.id)),
        JSON.stringify(audit.violations),
      );

      assert.deepEqual(await t.accounts.completePendingClosures(), { finished: 1, skipped: [] });
      assert.equal(await available(userCoinWalletId(viewer.id)), 0n);
      assert.equal((await closureOf(viewer.id)).closure_coins, 840n);
      await assertAuditClean('after the repair');
    });

    it('a closure that cannot be finished is skipped and reported, and the others are still finished', async () => {
      const broken = await signUpAndLogIn(t);
      const fine = await viewerWithCoins(t);
      const at = t.clock.now().toISOString();
      await t.db.kysely.updateTable('users').set({ closed_at: at, closure_coins: 0n, closure_diamonds: 0n }).where('id', 'in', [broken.id, fine.id]).execute();
      // A wallet that cannot be swept: its ledger account is gone.
      await t.db.kysely
        .deleteFrom('ledger_accounts')
        .where('id', 'in', [userCoinWalletId(broken.id), userDiamondWalletId(broken.id)])
        .execute();

      const result = await t.accounts.completePendingClosures();
      assert.equal(result.finished, 1);
      assert.deepEqual(
        result.skipped.map((item) => item.id),
        [broken.id],
      );
      assert.match(result.skipped[0]!.reason, /account/);
      assert.equal(await available(userCoinWalletId(fine.id)), 0n);
      const audit = await auditEverything(t.db);
      assert.ok(
        audit.violations.some((line) => line.includes(broken.id)),
        'the audit keeps reporting it until an operator acts',
      );
      assert.equal(
        audit.violations.some((line) => line.includes(fine.id)),
        false,
      );
    });
  });
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`start-up with a closure it cannot finish on ${engine}`, { skip }, () => {
    it('logs the account, serves, reports it in /readyz, and `ovation audit` names it', { timeout: 120_000 }, async () => {
      const database = await createTestDatabase(engine);
      try {
        const env = { DATABASE_URL: database.url, RECONCILE_INTERVAL_MS: '0' };
        const first = startServerProcess(env);
        const user = await signUpOverNetwork(await first.listening, 'Closing Soon');
        first.child.kill('SIGTERM');
        assert.equal((await first.exited).code, 0);
        // A closure whose forfeit never committed, on an account whose wallets cannot be swept.
        await database.db.kysely.updateTable('users').set({ closed_at: new Date().toISOString() }).where('id', '=', user.id).execute();
        await database.db.kysely.deleteFrom('ledger_accounts').where('owner_id', '=', user.id).execute();

        const second = startServerProcess(env);
        try {
          const url = await second.listening;
          const ready = await callServer(url, 'GET', '/readyz');
          assert.equal(ready.status, 200);
          assert.deepEqual(ready.body, { status: 'ok', details: { skippedRepairs: [{ repair: 'account_closures', items: 1 }] } });
          const logged = second.logs.find((line) => line.msg.includes('start-up repair account_closures skipped'));
          assert.ok(logged, JSON.stringify(second.logs.map((line) => line.msg)));
          assert.ok(logged.msg.includes(user.id));
          assert.equal((await callServer(url, 'GET', '/api/v1/gifts')).status, 200, 'the server serves');
        } finally {
          second.child.kill('SIGTERM');
          await second.exited;
        }

        const audit = await ovation(['audit'], { DATABASE_URL: database.url });
        assert.equal(audit.code, 1, audit.stdout + audit.stderr);
        assert.match(audit.stdout, new RegExp(`account ${user.id} is closed but its forfeit was never made`));
      } finally {
        await database.destroy();
      }
    });
  });
}
