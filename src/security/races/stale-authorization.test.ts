import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpCreator, type SignedInUser } from '../../accounts/testing/users.js';
import { enginesUnderTest } from '../../db/testing/databases.js';
import { balanceOf, viewerWithCoins } from '../../gifts/testing/payments.js';
import { runAudit, userCoinWalletId, userDiamondWalletId } from '../../ledger/index.js';
import { createTestApp, type TestApp } from '../../server/testing/app.js';

const CONCURRENT_GIFTS = 20;
const ORIGIN = { ip: '127.0.0.1', userAgent: 'test' };

/**
 * Process A commits a change to what a user may do; process B, which holds that user in memory and
 * has not heard of the change (its bus hears nothing from A), is asked to spend at once.
 */
for (const { engine, skip } of await enginesUnderTest()) {
  describe(`spending stops in every process once a change commits, on ${engine}`, { skip }, () => {
    let a: TestApp;
    let b: TestApp;
    let creator: SignedInUser;
    let liveId: string;
    let keys = 0;
    before(async () => {
      a = await createTestApp(engine);
      b = await createTestApp(engine, { sharing: a });
      creator = await signUpCreator(a);
      const live = await a.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Two processes' } });
      assert.equal(live.statusCode, 201, live.body);
      liveId = live.json().live.id;
    });
    after(async () => {
      await b?.destroy();
      await a?.destroy();
    });

    const gift = (through: TestApp, viewer: SignedInUser) =>
      through.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/gifts`, headers: { ...viewer.headers, 'idempotency-key': `stale-${++keys}` }, payload: { giftId: 'gift_rose' } });

    /** A viewer with coins whose session and account process B has in memory, from a gift sent through it. */
    async function viewerKnownToB(): Promise<SignedInUser> {
      const viewer = await viewerWithCoins(a);
      const warm = await gift(b, viewer);
      assert.equal(warm.statusCode, 201, warm.body);
      return viewer;
    }

    /** Sends gifts through B at once and checks that none was accepted and no coin moved. */
    async function assertNoGiftThroughB(viewer: SignedInUser, status: number, code: string): Promise<void> {
      const coins = await balanceOf(a, userCoinWalletId(viewer.id));
      const diamonds = await balanceOf(a, userDiamondWalletId(creator.id));
      const answers = await Promise.all(Array.from({ length: CONCURRENT_GIFTS }, () => gift(b, viewer)));
      for (const answer of answers) {
        assert.equal(answer.statusCode, status, answer.body);
        assert.equal(answer.json().error.code, code);
      }
      assert.equal(await balanceOf(a, userCoinWalletId(viewer.id)), coins, 'no coin left the wallet');
      assert.equal(await balanceOf(a, userDiamondWalletId(creator.id)), diamonds, 'the creator earned nothing');
    }

    it('a sign-out through A: the signed-out session cannot gift through B', async () => {
      const viewer = await viewerKnownToB();
      const out = await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: viewer.headers });
      assert.ok(out.statusCode < 300, out.body);
      await assertNoGiftThroughB(viewer, 401, 'session_invalid');
    });

    it('a restriction put in force through A: the restricted viewer cannot gift through B', async () => {
      const viewer = await viewerKnownToB();
      await a.accounts.addRestriction({ userId: viewer.id, kind: 'gifting', reason: 'under review', byUserId: null });
      await assertNoGiftThroughB(viewer, 403, 'account_restricted');
      // Lifted through A, B lets the viewer gift again: what B held was dropped, not only refused.
      await a.accounts.liftRestriction({ userId: viewer.id, kind: 'gifting', reason: 'cleared', byUserId: creator.id });
      assert.equal((await gift(b, viewer)).statusCode, 201);
    });

    it('the viewer closes their account through A: nothing is spent through B', async () => {
      const viewer = await viewerKnownToB();
      await a.accounts.closeAccount(viewer.id, { password: viewer.password, confirmForfeit: true }, ORIGIN);
      await assertNoGiftThroughB(viewer, 401, 'session_invalid');
    });

    it('a creator closes their account through A: B sends them nothing more', async () => {
      const closing = await signUpCreator(a);
      const live = await a.app.inject({ method: 'POST', url: '/api/v1/lives', headers: closing.headers, payload: { title: 'Last one' } });
      const closingLive = live.json().live.id as string;
      const viewer = await viewerWithCoins(a);
      const toClosing = () =>
        b.app.inject({ method: 'POST', url: `/api/v1/lives/${closingLive}/gifts`, headers: { ...viewer.headers, 'idempotency-key': `stale-${++keys}` }, payload: { giftId: 'gift_rose' } });
      assert.equal((await toClosing()).statusCode, 201);
      await a.accounts.closeAccount(closing.id, { password: closing.password, confirmForfeit: true }, ORIGIN);
      const coins = await balanceOf(a, userCoinWalletId(viewer.id));
      const answers = await Promise.all(Array.from({ length: CONCURRENT_GIFTS }, toClosing));
      for (const answer of answers) assert.ok(answer.statusCode >= 400 && answer.statusCode < 500, answer.body);
      assert.equal(await balanceOf(a, userCoinWalletId(viewer.id)), coins, 'no coin left the viewer');
      assert.equal(await balanceOf(a, userDiamondWalletId(closing.id)), 0n, 'the closed account holds nothing');
    });

    it('leaves the ledger consistent in both processes', async () => {
      const report = await runAudit(a.db);
      assert.deepEqual(report.violations, []);
    });
  });
}
