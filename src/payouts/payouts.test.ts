import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, enableTwoFactor, signUpAndLogIn, signUpCreator, stepUp, type SignedInUser } from '../accounts/testing/users.js';
import { auditEverything } from '../audit/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { platformAccountId } from '../ledger/index.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { addBankAccount, assertAuditPasses, diamondsOf, earnDiamonds, payoutReadyCreator, submitIdentity } from './testing/creators.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`payouts on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, {
        env: {
          STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50',
          // Review only payouts of 35 USD (7,000 diamonds) or more; the review rules have tests of their own below.
          PAYOUT_REVIEW_LARGE_MINOR: '3500',
          PAYOUT_REVIEW_YOUNG_ACCOUNT_DAYS: '0',
          PAYOUT_REVIEW_NEW_PAYER_DAYS: '0',
          PAYOUT_REVIEW_SPIKE_FACTOR: '0',
          PAYOUT_FIRST_HOLD_DAYS: '0',
          PAYOUT_DAILY_MAXIMUM_MINOR: '6000',
          PAYOUT_SANDBOX_RETURN_DELAY_MS: '2000',
        },
      });
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });

    const request = (creator: SignedInUser & { methodId?: string }, diamonds: number, key = `payout-${++keyCounter}`, methodId = creator.methodId) =>
      t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: { ...creator.headers, 'idempotency-key': key }, payload: { diamonds, methodId } });

    it('pays out within the rules: the diamonds leave, the cash legs post, the timeline tells each step, and the webhook event is committed', async () => {
      const creator = await payoutReadyCreator(t);
      await earnDiamonds(t, creator, 8);
      const rules = await t.app.inject({ method: 'GET', url: '/api/v1/payouts/rules', headers: creator.headers });
      assert.deepEqual(rules.json().rules, {
        minimumDiamonds: 2000,
        minimumAmount: { amount: 1000, currency: 'USD' },
        dailyMaximum: { amount: 6000, currency: 'USD' },
        firstPayoutHoldDays: 0,
      });
      const revenueBefore = (await t.ledger.getAccount(platformAccountId('revenue', 'USD')))!.posted;

      const response = await request(creator, 4000);
      assert.equal(response.statusCode, 201, response.body);
      const payout = response.json().payout;
      assert.equal(payout.status, 'paid');
      assert.deepEqual(payout.amount, { amount: 2000, currency: 'USD' }, '4,000 diamonds at 0.005 USD');
      assert.match(payout.method.label, /6789/);
      assert.deepEqual(
        payout.timeline.map((step: { status: string }) => step.status),
        ['requested', 'approved', 'processing', 'paid'],
      );
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 4000n });
      assert.equal((await t.ledger.getAccount(platformAccountId('revenue', 'USD')))!.posted, revenueBefore - 2000n, 'the money left the platform');
      assert.equal((await t.ledger.getAccount(platformAccountId('payout_clearing', 'USD')))!.posted > 0n, true);

      const listed = await t.app.inject({ method: 'GET', url: '/api/v1/payouts', headers: creator.headers });
      assert.deepEqual(
        listed.json().payouts.map((each: { id: string }) => each.id),
        [payout.id],
      );
      const events = await t.db.kysely.selectFrom('outbox').select('payload').where('topic', '=', 'webhook').where('payload', 'like', `%${payout.id}%`).execute();
      assert.deepEqual(
        events.map((event) => JSON.parse(event.payload).event),
        ['payout.paid'],
      );
      // A retry with the same key answers the same payout and pays nothing more.
      const retry = await request(creator, 4000, `payout-${keyCounter}`);
      assert.equal(retry.statusCode, 201);
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      assert.equal(retry.json().payout.id, payout.id);
      const reused = await request(creator, 3000, `payout-${keyCounter}`);
      assertRefused(reused, 409, 'idempotency_key_reused');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 4000n });
      await assertAuditPasses(t);
    });

    it('refuses payouts below the minimum and over the daily maximum with errors that say what is allowed, and changes nothing', async () => {
      const creator = await payoutReadyCreator(t);
      await earnDiamonds(t, creator, 8);
      const below = await request(creator, 1999);
      assertRefused(below, 400, 'below_minimum');
      assert.match(below.json().error.message, /2,000 diamonds \(\$10\.00\)/);

      assert.equal((await request(creator, 6000)).json().payout.status, 'paid', '30 USD of the 60 USD a day');
      const over = await request(creator, 6200);
      assertRefused(over, 400, 'daily_limit_exceeded');
      assert.match(over.json().error.message, /\$60\.00 in 24 hours; \$30\.00 is left/);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 2000n, available: 2000n });
      const { payouts } = (await t.app.inject({ method: 'GET', url: '/api/v1/payouts', headers: creator.headers })).json();
      assert.equal(payouts.length, 1, 'refused requests leave nothing behind');

      // A day later the allowance is back.
      t.clock.advance(24 * 3600_000 + 1000);
      await stepUp(t, creator);
      assert.equal((await request(creator, 2000)).statusCode, 201);
      await assertAuditPasses(t);
    });

    it('no payout without two-factor, a verified identity and a method of your own; viewers and strangers are refused', async () => {
      const creator = await signUpCreator(t);
      assertRefused(await request(creator, 2000, undefined, 'pm_none'), 403, 'two_factor_required');
      await enableTwoFactor(t, creator);
      assertRefused(await request(creator, 2000, undefined, 'pm_none'), 403, 'identity_not_verified');
      assert.equal((await submitIdentity(t, creator, 'REJECT123')).status, 'rejected');
      assertRefused(await request(creator, 2000, undefined, 'pm_none'), 403, 'identity_not_verified');

      const other = await payoutReadyCreator(t);
      const verified = await payoutReadyCreator(t);
      await earnDiamonds(t, verified, 3);
      assertRefused(await request(verified, 2000, undefined, other.methodId), 404, 'payout_method_not_found');

      const viewer = await signUpAndLogIn(t);
      assertRefused(await request(viewer, 2000, undefined, 'pm_none'), 403, 'role_required');
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: { 'idempotency-key': 'x' }, payload: { diamonds: 2000, methodId: 'pm' } })).statusCode, 401);
      const noKey = await t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: verified.headers, payload: { diamonds: 2000, methodId: verified.methodId } });
      assertRefused(noKey, 400, 'idempotency_key_required');
      for (const route of [
        'GET /api/v1/admin/payouts',
        'POST /api/v1/admin/payouts/po_x/approve',
        'POST /api/v1/admin/payouts/po_x/reject',
        'GET /api/v1/admin/creators/x/risk',
        'POST /api/v1/admin/audit',
      ]) {
        const [method, url] = route.split(' ') as ['GET' | 'POST', string];
        assertRefused(await t.app.inject({ method, url, headers: verified.headers, payload: method === 'POST' ? {} : undefined }), 403, 'role_required');
      }
      assert.deepEqual(await diamondsOf(t, verified), { posted: 3000n, available: 3000n });
    });

    it('reserves the diamonds: of two concurrent payouts for the whole balance exactly one succeeds', async () => {
      const creator = await payoutReadyCreator(t);
      await earnDiamonds(t, creator, 3);
      const both = await Promise.all([request(creator, 3000), request(creator, 3000)]);
      assert.deepEqual(both.map((response) => response.statusCode).sort(), [201, 409]);
      const refused = both.find((response) => response.statusCode === 409)!;
      assertRefused(refused, 409, 'insufficient_diamonds');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: 0n });
      // The same key sent twice at once is one payout.
      const again = await payoutReadyCreator(t);
      await earnDiamonds(t, again, 3);
      const [first, second] = await Promise.all([request(again, 2500, 'same-key'), request(again, 2500, 'same-key')]);
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(second.statusCode, 201, second.body);
      assert.equal(first.json().payout.id, second.json().payout.id);
      assert.deepEqual(await diamondsOf(t, again), { posted: 500n, available: 500n });
      await assertAuditPasses(t);
    });

    it('failed and returned payouts give the diamonds back and tell the creator why', async () => {
      const creator = await payoutReadyCreator(t, '000111110002');
      await earnDiamonds(t, creator, 6);
      const failed = (await request(creator, 3000)).json().payout;
      assert.equal(failed.status, 'failed');
      assert.match(failed.reason, /rejected the account/);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 6000n, available: 6000n });

      const returning = await addBankAccount(t, creator, '000111110003');
      const paid = (await request(creator, 3000, undefined, returning)).json().payout;
      assert.equal(paid.status, 'paid');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 3000n, available: 3000n });
      await t.services.payoutSandbox?.idle();
      const returned = (await t.app.inject({ method: 'GET', url: `/api/v1/payouts/${paid.id}`, headers: creator.headers })).json().payout;
      assert.equal(returned.status, 'returned');
      assert.match(returned.reason, /sent the money back/);
      assert.deepEqual(
        returned.timeline.map((step: { status: string }) => step.status),
        ['requested', 'approved', 'processing', 'paid', 'returned'],
      );
      assert.deepEqual(await diamondsOf(t, creator), { posted: 6000n, available: 6000n });
      const events = await t.db.kysely
        .selectFrom('outbox')
        .select('payload')
        .where('topic', '=', 'webhook')
        .where('payload', 'like', '%"event":"payout.%')
        .where('payload', 'like', `%${creator.id}%`)
        .execute();
      assert.deepEqual(events.map((event) => JSON.parse(event.payload).event).sort(), ['payout.failed', 'payout.paid', 'payout.returned']);
      // Other creators cannot see the payout.
      const stranger = await payoutReadyCreator(t);
      assertRefused(await t.app.inject({ method: 'GET', url: `/api/v1/payouts/${paid.id}`, headers: stranger.headers }), 404, 'payout_not_found');
      await assertAuditPasses(t);
    });

    it('large payouts wait in the review queue with their reasons; approval pays, rejection gives the diamonds back with the reason', async () => {
      const creator = await payoutReadyCreator(t);
      await earnDiamonds(t, creator, 8);
      const big = (await request(creator, 7000)).json().payout;
      assert.equal(big.status, 'in_review');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 8000n, available: 1000n }, 'reserved while in review');
      const queue = (await t.app.inject({ method: 'GET', url: '/api/v1/admin/payouts?status=in_review', headers: admin.headers })).json().payouts;
      const queued = queue.find((each: { id: string }) => each.id === big.id);
      assert.deepEqual(
        queued.riskReasons.map((reason: { code: string }) => reason.code),
        ['large_amount'],
      );
      assert.equal(queued.creator.id, creator.id);

      const rejected = await t.app.inject({ method: 'POST', url: `/api/v1/admin/payouts/${big.id}/reject`, headers: admin.headers, payload: { reason: 'Please verify your bank account first.' } });
      assert.equal(rejected.statusCode, 200, rejected.body);
      const seen = (await t.app.inject({ method: 'GET', url: `/api/v1/payouts/${big.id}`, headers: creator.headers })).json().payout;
      assert.equal(seen.status, 'rejected');
      assert.equal(seen.reason, 'Please verify your bank account first.');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 8000n, available: 8000n });
      const rejectedEvents = await t.db.kysely.selectFrom('outbox').select('payload').where('topic', '=', 'webhook').where('payload', 'like', `%${big.id}%`).execute();
      assert.deepEqual(
        rejectedEvents.map((event) => [JSON.parse(event.payload).event, JSON.parse(event.payload).data.status]),
        [['payout.rejected', 'rejected']],
        'operators hear of the rejection once, committed with the release of the diamonds',
      );
      assertRefused(await t.app.inject({ method: 'POST', url: `/api/v1/admin/payouts/${big.id}/approve`, headers: admin.headers, payload: { note: 'Reviewed.' } }), 409, 'payout_not_in_review');

      t.clock.advance(24 * 3600_000 + 1000);
      await stepUp(t, creator);
      const second = (await request(creator, 8000)).json().payout;
      assert.equal(second.status, 'in_review');
      const approved = await t.app.inject({ method: 'POST', url: `/api/v1/admin/payouts/${second.id}/approve`, headers: admin.headers, payload: { note: 'Known creator.' } });
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(approved.json().payout.status, 'paid');
      assert.equal(approved.json().payout.reviewedBy, admin.id);
      const noteOf = (payout: { timeline: { status: string; note: string | null }[] }) => payout.timeline.find((step) => step.status === 'approved')?.note;
      assert.equal(noteOf(approved.json().payout), 'Known creator.', 'admins keep the approval note on the timeline');
      const mine = (await t.app.inject({ method: 'GET', url: '/api/v1/payouts', headers: creator.headers })).json().payouts.find((payout: { id: string }) => payout.id === second.id);
      assert.equal(noteOf(mine), null, 'the creator sees that it was approved, not the admins’ note');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: 0n });
      const audit = await t.app.inject({ method: 'POST', url: '/api/v1/admin/audit', headers: admin.headers });
      assert.equal(audit.statusCode, 200, audit.body);
      assert.equal(audit.json().audit.ok, true, audit.body);
      assert.ok(audit.json().audit.checks.some((check: { name: string }) => check.name === 'every payout hold is open or settled as its payout says'));
    });

    it('the audit notices a payout whose hold does not match its status', async () => {
      const creator = await payoutReadyCreator(t);
      await earnDiamonds(t, creator, 8);
      const big = (await request(creator, 7000)).json().payout;
      await t.db.kysely.updateTable('payouts').set({ status: 'paid' }).where('id', '=', big.id).execute();
      const report = await auditEverything(t.db);
      assert.equal(report.ok, false);
      assert.ok(report.violations.includes(`payout ${big.id} is paid but its hold is still open`), report.violations.join('\n'));
      // The repair sweep settles what a status promises (here: posts the hold), and the audit passes again.
      await t.services.payouts.repair();
      await assertAuditPasses(t);
    });

    it('the data export holds the creator’s payouts, identity check and payout methods, and the buyer’s orders', async () => {
      const creator = await payoutReadyCreator(t);
      const viewer = await earnDiamonds(t, creator, 2);
      const paid = (await request(creator, 2000)).json().payout;
      const exportOf = async (user: SignedInUser) => {
        const response = await t.app.inject({ method: 'GET', url: '/api/v1/me/export', headers: user.headers });
        assert.equal(response.statusCode, 200, response.body);
        return response.json();
      };
      const creatorData = await exportOf(creator);
      assert.deepEqual(
        creatorData.payouts.map((payout: { id: string; status: string }) => [payout.id, payout.status]),
        [[paid.id, 'paid']],
      );
      assert.equal(creatorData.identityCheck.status, 'verified');
      assert.deepEqual(
        creatorData.payoutMethods.map((method: { id: string }) => method.id),
        [creator.methodId],
      );
      assert.deepEqual(creatorData.orders, []);
      const viewerData = await exportOf(viewer);
      assert.deepEqual(
        viewerData.orders.map((order: { packageId: string; status: string }) => [order.packageId, order.status]),
        [['pkg_web_7000', 'succeeded']],
      );
      assert.deepEqual(viewerData.payouts, []);
      assert.equal(viewerData.identityCheck, null);
    });

    it('revoking a verified identity holds the payouts not yet sent and refuses new ones until the creator verifies again', async () => {
      const creator = await payoutReadyCreator(t);
      await earnDiamonds(t, creator, 8);
      await earnDiamonds(t, creator, 2);
      const big = (await request(creator, 7000)).json().payout;
      assert.equal(big.status, 'in_review', 'large payouts wait for review');
      const identityId = (await t.app.inject({ method: 'GET', url: '/api/v1/creator/identity', headers: creator.headers })).json().identity.id;

      const revoke = (body: object) => t.app.inject({ method: 'POST', url: `/api/v1/admin/identity-checks/${identityId}/revoke`, headers: admin.headers, payload: body });
      const revoked = await revoke({ reason: 'The passport was reported stolen.' });
      assert.equal(revoked.statusCode, 200, revoked.body);
      const seen = (await t.app.inject({ method: 'GET', url: '/api/v1/creator/identity', headers: creator.headers })).json().identity;
      assert.deepEqual([seen.status, seen.reason], ['rejected', 'Revoked by support: The passport was reported stolen.']);
      const held = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/payouts/${big.id}`, headers: admin.headers })).json().payout;
      assert.ok(
        held.riskReasons.some((reason: { code: string }) => reason.code === 'identity_revoked'),
        JSON.stringify(held.riskReasons),
      );
      assertRefused(await request(creator, 2000), 403, 'identity_not_verified');
      assertRefused(await revoke({ reason: 'Again.' }), 409, 'identity_not_verified');

      assert.equal((await submitIdentity(t, creator, 'P9876543')).status, 'verified', 'the creator may verify again');
      assert.equal((await request(creator, 2000)).statusCode, 201);
      await assertAuditPasses(t);
    });
  });
}
