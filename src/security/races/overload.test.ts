import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpCreator, type SignedInUser } from '../../accounts/testing/users.js';
import { auditEverything } from '../../audit/index.js';
import { enginesUnderTest } from '../../db/testing/databases.js';
import { balanceOf, journalPayments, viewerWithCoins } from '../../gifts/testing/payments.js';
import { userCoinWalletId } from '../../ledger/index.js';
import { createTestApp, type TestApp } from '../../server/testing/app.js';

/** A burst of gifts against a ledger whose queue holds one request: what it cannot take it refuses at once, and loses nothing it acknowledged. */
for (const { engine, skip } of await enginesUnderTest()) {
  describe(`an overloaded ledger on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine, { env: { LEDGER_MAX_QUEUE: '1', STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
    });
    after(async () => {
      await t?.destroy();
    });

    it('answers 503 ledger_overloaded with Retry-After past its bound; retries with the same keys send each gift exactly once', async () => {
      const creator = await signUpCreator(t);
      const live = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Rush hour' } });
      const liveId = live.json().live.id as string;
      const viewers: SignedInUser[] = [];
      for (let i = 0; i < 4; i++) viewers.push(await viewerWithCoins(t));
      const send = (index: number) =>
        t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/gifts`, headers: { ...viewers[index % 4]!.headers, 'idempotency-key': `rush-${index}` }, payload: { giftId: 'gift_rose' } });
      const GIFTS = 120;
      const burst = await Promise.all(Array.from({ length: GIFTS }, (_, index) => send(index)));
      const refused = burst.flatMap((answer, index) => {
        if (answer.statusCode === 201) return [];
        assert.equal(answer.statusCode, 503, answer.body);
        assert.equal(answer.json().error.code, 'ledger_overloaded');
        assert.equal(answer.headers['retry-after'], '1');
        return [index];
      });
      assert.ok(refused.length > 0, 'the burst overloaded the ledger');
      assert.ok(refused.length < GIFTS, 'the ledger kept taking what fit');
      // The client retries after Retry-After with the same keys; alone, each goes through.
      for (const index of refused) assert.equal((await send(index)).statusCode, 201);
      // And the gifts acknowledged in the burst answer their first result, not a second gift.
      for (const [index, answer] of burst.entries()) {
        if (answer.statusCode !== 201) continue;
        const again = await send(index);
        assert.equal(again.json().gift.id, answer.json().gift.id);
      }
      const gifts = (await journalPayments(t)).filter((payment) => payment.liveId === liveId);
      assert.equal(gifts.length, GIFTS, 'each gift is in the journal once');
      for (const viewer of viewers) assert.equal(await balanceOf(t, userCoinWalletId(viewer.id)), 840n - BigInt(GIFTS / 4));
      const report = await auditEverything(t.db);
      assert.equal(report.ok, true, report.violations.join('\n'));
    });
  });
}
