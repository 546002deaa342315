import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf } from '../gifts/testing/payments.js';
import { COIN, platformAccountId, userCoinWalletId } from '../ledger/index.js';
import { auditEverything } from '../audit/index.js';
import { assertAuditPasses } from '../payouts/testing/creators.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`goodwill coins on ${engine}`, { skip }, () => {
    let t: TestApp;
    let proposer: SignedInUser;
    let approver: SignedInUser;
    let thirdAdmin: SignedInUser;
    let keys = 0;
    before(async () => {
      t = await createTestApp(engine);
      [proposer, approver, thirdAdmin] = [await createSignedInAdmin(t), await createSignedInAdmin(t), await createSignedInAdmin(t)];
    });
    after(async () => {
      await t?.destroy();
    });

    const call = (as: SignedInUser, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
      t.app.inject({ method, url, headers: { ...as.headers, ...headers }, ...(payload === undefined ? {} : { payload }) });
    const propose = (as: SignedInUser, body: object, key = `goodwill-${++keys}`) => call(as, 'POST', '/api/v1/admin/goodwill-grants', body, { 'idempotency-key': key });
    const coinsOf = (user: SignedInUser) => balanceOf(t, userCoinWalletId(user.id));
    const promotions = () => balanceOf(t, platformAccountId('promotions', COIN));

    it('moves the coins only when a second admin approves: once, however many approvals race; in the wallet history, the webhook and the audit log', async () => {
      const viewer = await signUpAndLogIn(t);
      const reason = 'The live froze while the gift was sent; support makes it good.';
      const proposed = await propose(proposer, { userId: viewer.id, coins: 500, reason });
      assert.equal(proposed.statusCode, 201, proposed.body);
      const grant = proposed.json().grant;
      assert.deepEqual([grant.status, grant.coins, grant.proposedBy, grant.transferId], ['pending', 500, proposer.id, null]);
      assert.equal(await coinsOf(viewer), 0n, 'a proposal moves nothing');
      // A retried proposal answers the first; the key with another body is refused.
      const retried = await propose(proposer, { userId: viewer.id, coins: 500, reason }, `goodwill-${keys}`);
      assert.equal(retried.json().grant.id, grant.id);
      assertRefused(await propose(proposer, { userId: viewer.id, coins: 900, reason }, `goodwill-${keys}`), 409, 'idempotency_key_reused');

      // Its proposer cannot approve it, not even all at once.
      const own = await Promise.all(Array.from({ length: 3 }, () => call(proposer, 'POST', `/api/v1/admin/goodwill-grants/${grant.id}/approve`)));
      for (const response of own) assertRefused(response, 403, 'second_admin_required');
      assert.equal(await coinsOf(viewer), 0n);

      const promotionsBefore = await promotions();
      const approvals = await Promise.all([
        ...Array.from({ length: 3 }, () => call(approver, 'POST', `/api/v1/admin/goodwill-grants/${grant.id}/approve`)),
        ...Array.from({ length: 2 }, () => call(thirdAdmin, 'POST', `/api/v1/admin/goodwill-grants/${grant.id}/approve`)),
      ]);
      const approved = approvals.filter((response) => response.statusCode === 200);
      for (const response of approvals.filter((each) => each.statusCode !== 200)) assertRefused(response, 409, 'goodwill_grant_not_pending');
      assert.ok(approved.length >= 1, approvals.map((response) => response.body).join('\n'));
      const deciders = new Set(approved.map((response) => response.json().grant.decidedBy));
      assert.equal(deciders.size, 1, 'one admin’s approval won');
      const transferIds = new Set(approved.map((response) => response.json().grant.transferId));
      assert.equal(transferIds.size, 1);
      assert.equal(await coinsOf(viewer), 500n, 'credited once');
      assert.equal(await promotions(), promotionsBefore - 500n, 'from the promotions account');
      const [transferId] = [...transferIds] as [string];
      const transfer = (await t.ledger.getTransfer(transferId))!;
      assert.equal(transfer.metadata.kind, 'goodwill');

      // Approving again, as anyone, moves nothing more.
      assertRefused(await call(thirdAdmin, 'POST', `/api/v1/admin/goodwill-grants/${grant.id}/approve`), 409, 'goodwill_grant_not_pending');
      assert.equal(await coinsOf(viewer), 500n);

      const history = (await call(viewer, 'GET', '/api/v1/wallet/transactions?asset=coins')).json().transactions;
      assert.deepEqual(
        history.map((line: { kind: string; description: string; amount: number; direction: string }) => [line.kind, line.direction, line.amount, line.description]),
        [['goodwill', 'credit', 500, 'Goodwill from support: 500 coins']],
      );
      const webhooks = await t.db.kysely.selectFrom('outbox').select('payload').where('topic', '=', 'webhook').where('payload', 'like', `%${grant.id}%`).execute();
      assert.deepEqual(
        webhooks.map((row) => [JSON.parse(row.payload).event, JSON.parse(row.payload).data.coins, JSON.parse(row.payload).data.userId]),
        [['goodwill.granted', 500, viewer.id]],
      );
      const activity = async (user: SignedInUser) =>
        ((await call(approver, 'GET', `/api/v1/admin/users/${user.id}/activity`)).json().activity as { kind: string; detail: { grantId?: string } }[])
          .filter((entry) => entry.detail.grantId === grant.id)
          .map((entry) => entry.kind);
      assert.deepEqual(await activity(viewer), ['goodwill_granted']);
      assert.deepEqual(await activity(proposer), ['goodwill_proposed']);
      const winner = [approver, thirdAdmin].find((admin) => deciders.has(admin.id))!;
      assert.deepEqual(await activity(winner), ['goodwill_approved']);
      await assertAuditPasses(t);
      // The audit holds the coins to the grant: a grant that says it was not approved is reported.
      await t.db.kysely.updateTable('goodwill_grants').set({ status: 'rejected' }).where('id', '=', grant.id).execute();
      const audit = await auditEverything(t.db);
      assert.ok(
        audit.checks.some((check) => check.violations.some((violation) => violation.includes(`grant ${grant.id}, which is rejected`))),
        JSON.stringify(audit.checks),
      );
      await t.db.kysely.updateTable('goodwill_grants').set({ status: 'approved' }).where('id', '=', grant.id).execute();
    });

    it('a rejected or expired grant moves nothing; only admins see and decide grants', async () => {
      const viewer = await signUpAndLogIn(t);
      const rejected = (await propose(proposer, { userId: viewer.id, coins: 300, reason: 'Duplicate complaint' })).json().grant;
      assertRefused(await call(approver, 'POST', `/api/v1/admin/goodwill-grants/${rejected.id}/reject`, {}), 400, 'validation_failed');
      assertRefused(await call(proposer, 'POST', `/api/v1/admin/goodwill-grants/${rejected.id}/reject`, { note: 'My own' }), 403, 'second_admin_required');
      const decision = await call(approver, 'POST', `/api/v1/admin/goodwill-grants/${rejected.id}/reject`, { note: 'Already compensated.' });
      assert.equal(decision.statusCode, 200, decision.body);
      assert.deepEqual([decision.json().grant.status, decision.json().grant.note], ['rejected', 'Already compensated.']);
      assertRefused(await call(thirdAdmin, 'POST', `/api/v1/admin/goodwill-grants/${rejected.id}/approve`), 409, 'goodwill_grant_not_pending');

      const expiring = (await propose(proposer, { userId: viewer.id, coins: 200, reason: 'Stream outage' })).json().grant;
      await t.db.kysely.updateTable('goodwill_grants').set({ expires_at: t.clock.now().toISOString() }).where('id', '=', expiring.id).execute();
      assertRefused(await call(approver, 'POST', `/api/v1/admin/goodwill-grants/${expiring.id}/approve`), 409, 'goodwill_grant_not_pending');
      assert.equal(await coinsOf(viewer), 0n, 'neither grant moved coins');
      const expired = (await call(approver, 'GET', '/api/v1/admin/goodwill-grants?status=expired')).json().grants;
      assert.ok(expired.some((each: { id: string; status: string }) => each.id === expiring.id && each.status === 'expired'));
      const pending = (await call(approver, 'GET', '/api/v1/admin/goodwill-grants?status=pending')).json().grants;
      assert.ok(!pending.some((each: { id: string }) => each.id === expiring.id || each.id === rejected.id));

      // Bad input changes nothing; an admin cannot propose coins to themselves.
      assertRefused(await propose(proposer, { userId: viewer.id, coins: 100 }), 400, 'validation_failed');
      assertRefused(await propose(proposer, { userId: viewer.id, coins: 0, reason: 'Zero' }), 400, 'validation_failed');
      assertRefused(await call(proposer, 'POST', '/api/v1/admin/goodwill-grants', { userId: viewer.id, coins: 100, reason: 'No key' }), 400, 'idempotency_key_required');
      assertRefused(await propose(proposer, { userId: 'usr_nobody', coins: 100, reason: 'Nobody' }), 404, 'user_not_found');
      assertRefused(await propose(proposer, { userId: proposer.id, coins: 100, reason: 'Myself' }), 403, 'own_goodwill_grant');

      const creator = await signUpCreator(t);
      const open = (await propose(proposer, { userId: viewer.id, coins: 50, reason: 'Wrong role check' })).json().grant;
      for (const user of [viewer, creator]) {
        assertRefused(await propose(user, { userId: user.id, coins: 100, reason: 'For me' }), 403, 'role_required');
        assertRefused(await call(user, 'GET', '/api/v1/admin/goodwill-grants'), 403, 'role_required');
        assertRefused(await call(user, 'POST', `/api/v1/admin/goodwill-grants/${open.id}/approve`), 403, 'role_required');
      }
      assert.equal(await coinsOf(viewer), 0n);
      assert.equal((await call(approver, 'GET', `/api/v1/admin/goodwill-grants/${open.id}`)).json().grant.status, 'pending');
    });
  });
}
