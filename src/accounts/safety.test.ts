import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, DIAMOND, platformAccountId, runAudit, userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { createSignedInAdmin, signUpAndLogIn, signUpCreator, type SignedInUser } from './testing/users.js';
import { refusal } from '../server/testing/errors.js';

/** Gives a user coins and diamonds the way purchases and gifts will: from the issuance accounts. */
async function fund(t: TestApp, userId: string, coins: bigint, diamonds: bigint) {
  const legs = [
    { accountId: platformAccountId('coin_issuance', COIN), asset: COIN, direction: 'debit' as const, amount: coins },
    { accountId: userCoinWalletId(userId), asset: COIN, direction: 'credit' as const, amount: coins },
    { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit' as const, amount: diamonds },
    { accountId: userDiamondWalletId(userId), asset: DIAMOND, direction: 'credit' as const, amount: diamonds },
  ].filter((leg) => leg.amount > 0n);
  await t.ledger.submit({ type: 'posted', idempotencyKey: `test-fund:${userId}`, legs });
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`account safety on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    before(async () => {
      t = await createTestApp(engine);
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });
    const call = (user: { headers: Record<string, string> }, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

    describe('minors', () => {
      it('may sign up and watch, but every money capability and the creator role answer 403 age_restricted', async () => {
        const minor = await signUpAndLogIn(t, { ageYears: 16 });
        const profile = (await call(minor, 'GET', '/api/v1/me')).json().user;
        assert.equal(profile.isAdult, false);
        for (const capability of ['buy_coins', 'send_gifts', 'receive_gifts', 'go_live'] as const) {
          const error = await refusal(t.accounts.assertCapability(minor.id, capability));
          assert.equal(error.kind, 'forbidden');
          assert.equal(error.code, 'age_restricted', capability);
        }
        const apply = await call(minor, 'POST', '/api/v1/creator/apply', { acceptTerms: true });
        assert.equal(apply.statusCode, 403);
        assert.equal(apply.json().error.code, 'age_restricted');
        assert.equal((await call(minor, 'GET', '/api/v1/wallet')).statusCode, 200, 'a minor can still see the wallet');
      });

      it('a KR adult at 18 elsewhere is still a minor there', async () => {
        const kr = await signUpAndLogIn(t, { ageYears: 18, region: 'KR' });
        assert.equal((await refusal(t.accounts.assertCapability(kr.id, 'buy_coins'))).code, 'age_restricted');
        const us = await signUpAndLogIn(t, { ageYears: 18, region: 'US' });
        await t.accounts.assertCapability(us.id, 'buy_coins');
      });
    });

    describe('creator role', () => {
      it('is granted to an adult who accepts the terms; refused without them', async () => {
        const user = await signUpAndLogIn(t);
        const noTerms = await call(user, 'POST', '/api/v1/creator/apply', { acceptTerms: false });
        assert.equal(noTerms.statusCode, 400);
        assert.equal(noTerms.json().error.code, 'terms_not_accepted');
        const granted = await call(user, 'POST', '/api/v1/creator/apply', { acceptTerms: true });
        assert.equal(granted.statusCode, 200);
        assert.deepEqual(granted.json().user.roles, ['viewer', 'creator']);
        assert.equal((await refusal(t.accounts.assertCapability(user.id, 'cash_out'))).code, 'two_factor_required', 'cash-out needs two-factor');
        await t.accounts.assertCapability(user.id, 'go_live');
      });

      it('with CREATOR_APPROVAL=admin and a follower minimum: refused below it, then queued, then approved by an admin', async () => {
        const strict = await createTestApp(engine, { env: { CREATOR_APPROVAL: 'admin', CREATOR_MIN_FOLLOWERS: '2' } });
        try {
          const applicant = await signUpAndLogIn(strict);
          const handle = (await strict.app.inject({ method: 'GET', url: '/api/v1/me', headers: applicant.headers })).json().user.handle;
          const apply = () => strict.app.inject({ method: 'POST', url: '/api/v1/creator/apply', headers: applicant.headers, payload: { acceptTerms: true } });
          const tooFew = await apply();
          assert.equal(tooFew.statusCode, 403);
          assert.equal(tooFew.json().error.code, 'not_enough_followers');
          for (let i = 0; i < 2; i += 1) {
            const fan = await signUpAndLogIn(strict);
            const followed = await strict.app.inject({ method: 'PUT', url: `/api/v1/users/${handle}/follow`, headers: fan.headers });
            assert.equal(followed.statusCode, 200);
            assert.equal(followed.json().profile.following, true);
          }
          const queued = await apply();
          assert.equal(queued.statusCode, 200);
          assert.deepEqual(queued.json().user.roles, ['viewer']);
          assert.equal(queued.json().user.creatorApplication.status, 'pending');

          const strictAdmin = await createSignedInAdmin(strict);
          const approved = await strict.app.inject({
            method: 'POST',
            url: `/api/v1/admin/users/${applicant.id}/creator`,
            headers: strictAdmin.headers,
            payload: { approve: true, reason: 'meets the bar' },
          });
          assert.equal(approved.statusCode, 200, approved.body);
          assert.deepEqual(approved.json().user.roles, ['viewer', 'creator']);
        } finally {
          await strict.destroy();
        }
      });
    });

    describe('restrictions', () => {
      it('an admin restricts with a reason the user sees, and lifts it', async () => {
        const user = await signUpAndLogIn(t);
        const restrict = await call(admin, 'POST', `/api/v1/admin/users/${user.id}/restrictions`, { kind: 'gifting', reason: 'Gifting paused while we review chargebacks.' });
        assert.equal(restrict.statusCode, 200, restrict.body);
        const seen = (await call(user, 'GET', '/api/v1/me')).json().user.restrictions;
        assert.deepEqual(
          seen.map((r: { kind: string; reason: string }) => [r.kind, r.reason]),
          [['gifting', 'Gifting paused while we review chargebacks.']],
        );
        const blocked = await refusal(t.accounts.assertCapability(user.id, 'send_gifts'));
        assert.equal(blocked.code, 'account_restricted');
        assert.match(blocked.message, /review chargebacks/);
        await t.accounts.assertCapability(user.id, 'buy_coins');

        const lift = await call(admin, 'POST', `/api/v1/admin/users/${user.id}/restrictions/gifting/lift`, { reason: 'Review done.' });
        assert.equal(lift.statusCode, 200);
        await t.accounts.assertCapability(user.id, 'send_gifts');
        const again = await call(admin, 'POST', `/api/v1/admin/users/${user.id}/restrictions/gifting/lift`, { reason: 'twice' });
        assert.equal(again.statusCode, 404);

        const activity = await call(admin, 'GET', `/api/v1/admin/users/${user.id}/activity`);
        const kinds = activity.json().activity.map((entry: { kind: string }) => entry.kind);
        assert.ok(kinds.includes('restriction_added') && kinds.includes('restriction_lifted'));
      });

      it('admins find users by email fragment or id', async () => {
        const user = await signUpAndLogIn(t);
        const byEmail = await call(admin, 'GET', `/api/v1/admin/users?query=${encodeURIComponent(user.email.slice(0, 12))}`);
        assert.ok(byEmail.json().users.some((found: { id: string }) => found.id === user.id));
        const byId = await call(admin, 'GET', `/api/v1/admin/users?query=${user.id}`);
        assert.deepEqual(
          byId.json().users.map((found: { id: string }) => found.id),
          [user.id],
        );
        const nothing = await call(admin, 'GET', `/api/v1/admin/users?query=${encodeURIComponent("' or 1=1 --")}`);
        assert.deepEqual(nothing.json().users, []);
      });
    });

    describe('report unauthorized activity', () => {
      it('freezes spending and cash-out at once, signs out other sessions, opens a case an admin resolves', async () => {
        const victim = await signUpCreator(t);
        const stolenSession = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: victim.email, password: victim.password } });
        const stolen = { headers: { authorization: `Bearer ${stolenSession.json().token}` } };

        const report = await call(victim, 'POST', '/api/v1/me/report-unauthorized-activity', { description: 'I did not buy these coins.' });
        assert.equal(report.statusCode, 201, report.body);
        const opened = report.json().case;
        assert.equal(opened.status, 'open');
        assert.equal((await refusal(t.accounts.assertCapability(victim.id, 'buy_coins'))).code, 'account_restricted');
        assert.equal((await refusal(t.accounts.assertCapability(victim.id, 'send_gifts'))).code, 'account_restricted');
        assert.equal((await call(stolen, 'GET', '/api/v1/me')).statusCode, 401, 'other sessions end');
        assert.equal((await call(victim, 'GET', '/api/v1/me')).statusCode, 200, 'the reporting session stays');

        const queue = await call(admin, 'GET', '/api/v1/admin/cases?status=open');
        assert.ok(queue.json().cases.some((found: { id: string }) => found.id === opened.id));
        const resolved = await call(admin, 'POST', `/api/v1/admin/cases/${opened.id}/resolve`, { resolution: 'Card holder confirmed; password reset.', liftFreeze: true });
        assert.equal(resolved.statusCode, 200, resolved.body);
        assert.equal(resolved.json().case.status, 'resolved');
        await t.accounts.assertCapability(victim.id, 'buy_coins');
        const twice = await call(admin, 'POST', `/api/v1/admin/cases/${opened.id}/resolve`, { resolution: 'again', liftFreeze: true });
        assert.equal(twice.statusCode, 409);
      });
    });

    describe('closure and export', () => {
      it('warns, needs confirmation to forfeit, records the forfeit in the ledger, and the audit stays clean', async () => {
        const user = await signUpAndLogIn(t);
        await fund(t, user.id, 120n, 40n);
        const preview = await call(user, 'GET', '/api/v1/me/closure');
        assert.equal(preview.statusCode, 200);
        assert.equal(preview.json().coins, 120);
        assert.equal(preview.json().diamonds, 40);
        assert.ok(preview.json().warnings.some((warning: string) => /120 coins will be forfeited/.test(warning)));

        const exported = await call(user, 'GET', '/api/v1/me/export');
        assert.equal(exported.statusCode, 200);
        assert.match(exported.headers['content-disposition'] as string, /attachment/);
        const data = exported.json();
        assert.equal(data.user.id, user.id);
        assert.ok(data.activity.some((entry: { kind: string }) => entry.kind === 'signed_up'));
        assert.equal(data.ledger.coinEntries.length, 1);

        const forfeitsBefore = (await t.ledger.getAccount(platformAccountId('forfeits', COIN)))!.posted;
        const wrongPassword = await call(user, 'POST', '/api/v1/me/close', { password: 'not my password', confirmForfeit: true });
        assert.equal(wrongPassword.statusCode, 400);
        const unconfirmed = await call(user, 'POST', '/api/v1/me/close', { password: user.password });
        assert.equal(unconfirmed.statusCode, 409);
        assert.equal(unconfirmed.json().error.code, 'forfeit_confirmation_required');
        assert.equal((await t.ledger.getAccount(userCoinWalletId(user.id)))!.posted, 120n, 'nothing moved');

        const closed = await call(user, 'POST', '/api/v1/me/close', { password: user.password, confirmForfeit: true });
        assert.equal(closed.statusCode, 200, closed.body);
        assert.equal((await t.ledger.getAccount(userCoinWalletId(user.id)))!.posted, 0n);
        assert.equal((await t.ledger.getAccount(userDiamondWalletId(user.id)))!.posted, 0n);
        assert.equal((await t.ledger.getAccount(platformAccountId('forfeits', COIN)))!.posted - forfeitsBefore, 120n);
        assert.equal((await call(user, 'GET', '/api/v1/me')).statusCode, 401, 'sessions end');
        const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: user.password } });
        assert.equal(login.statusCode, 401);
        assert.equal((await refusal(t.accounts.assertCapability(user.id, 'receive_gifts'))).code, 'account_closed');
        assert.deepEqual(await t.accounts.completePendingClosures(), { finished: 0, skipped: [] });
        const audit = await runAudit(t.db);
        assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
      });

      it('a closure interrupted before its ledger transfer is finished at the next start, exactly once', async () => {
        const user = await signUpAndLogIn(t);
        await fund(t, user.id, 7n, 0n);
        // The state a crash between the two steps leaves: closed, amounts recorded, no transfer yet.
        await t.db.kysely.updateTable('users').set({ closed_at: new Date().toISOString(), closure_coins: 7n, closure_diamonds: 0n }).where('id', '=', user.id).execute();
        assert.deepEqual(await t.accounts.completePendingClosures(), { finished: 1, skipped: [] });
        assert.deepEqual(await t.accounts.completePendingClosures(), { finished: 0, skipped: [] });
        assert.equal((await t.ledger.getAccount(userCoinWalletId(user.id)))!.posted, 0n);
      });
    });
  });
}
