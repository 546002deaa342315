import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { runAudit, userCoinWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { periodBounds } from './spending.js';

const DAY_MS = 86_400_000;

describe('budget periods', () => {
  it('are UTC calendar days, ISO weeks from Monday, and months', () => {
    const sunday = new Date('2026-11-22T23:59:59.999Z');
    assert.deepEqual(periodBounds('daily', sunday), { start: new Date('2026-11-22T00:00:00Z'), end: new Date('2026-11-23T00:00:00Z') });
    assert.deepEqual(periodBounds('weekly', sunday), { start: new Date('2026-11-16T00:00:00Z'), end: new Date('2026-11-23T00:00:00Z') });
    const monday = new Date('2026-11-23T00:00:00Z');
    assert.deepEqual(periodBounds('weekly', monday), { start: monday, end: new Date('2026-11-30T00:00:00Z') });
    assert.deepEqual(periodBounds('monthly', new Date('2026-12-31T12:00:00Z')), { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`spending controls on ${engine}`, { skip }, () => {
    let t: TestApp;
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.destroy();
    });

    const order = (user: SignedInUser, body: Record<string, unknown>, key = `spend-${++keyCounter}`) =>
      t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...user.headers, 'idempotency-key': key }, payload: body });
    const pay = (user: SignedInUser, orderId: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/sandbox/checkout/${orderId}`, headers: user.headers, payload: { card: '4242424242424242', webhooks: 'once' } });
    const setBudget = (user: SignedInUser, limits: Record<string, unknown>) => t.app.inject({ method: 'PUT', url: '/api/v1/me/budget', headers: user.headers, payload: limits });
    const getBudget = async (user: SignedInUser) => (await t.app.inject({ method: 'GET', url: '/api/v1/me/budget', headers: user.headers })).json().budget;
    const coins = async (user: SignedInUser) => (await t.ledger.getAccount(userCoinWalletId(user.id)))?.posted ?? 0n;
    async function buy(user: SignedInUser, body: Record<string, unknown> = { packageId: 'pkg_web_700' }) {
      const placed = await order(user, body);
      assert.equal(placed.statusCode, 201, placed.body);
      const paid = await pay(user, placed.json().order.id);
      assert.equal(paid.statusCode, 200, paid.body);
      return placed.json().order;
    }
    /** An account past the new-account period, so the established limits apply. */
    async function establishedUser(): Promise<SignedInUser> {
      const user = await signUpAndLogIn(t);
      await t.db.kysely
        .updateTable('users')
        .set({ created_at: new Date(t.clock.now().getTime() - 30 * DAY_MS).toISOString() })
        .where('id', '=', user.id)
        .execute();
      return user;
    }

    it('a weekly budget refuses the purchase that would go over it, naming the budget, what was bought and when it resets', async () => {
      const user = await establishedUser();
      const set = await setBudget(user, { daily: null, weekly: 1000, monthly: null });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().budget.limits.weekly, 1000);
      await buy(user);
      await t.sandbox.idle();
      const budget = await getBudget(user);
      assert.equal(budget.used.weekly, 700, 'bought coins count; the first-purchase bonus does not');
      const weekEnd = periodBounds('weekly', t.clock.now()).end.toISOString();
      assert.equal(budget.resetsAt.weekly, weekEnd);

      const before = await coins(user);
      const refused = await order(user, { packageId: 'pkg_web_700' });
      assert.equal(refused.statusCode, 403, refused.body);
      const error = refused.json().error;
      assert.equal(error.code, 'budget_exceeded');
      assert.equal(error.resetsAt, weekEnd);
      assert.match(error.message, /weekly budget of 1,000 coins/);
      assert.match(error.message, /bought 700 coins this week/);
      assert.ok(error.message.includes(weekEnd));
      assert.equal(await coins(user), before);
      // 300 more still fit.
      assert.equal((await order(user, { customCoins: 300 })).statusCode, 201);
    });

    it('the budget is checked again at checkout, so orders placed earlier cannot be paid past it', async () => {
      const user = await establishedUser();
      await setBudget(user, { daily: 1000, weekly: null, monthly: null });
      const first = (await order(user, { packageId: 'pkg_web_700' })).json().order;
      const second = (await order(user, { packageId: 'pkg_web_700' })).json().order;
      assert.equal((await pay(user, first.id)).statusCode, 200);
      const refused = await pay(user, second.id);
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().error.code, 'budget_exceeded');
      assert.match(refused.json().error.message, /daily budget of 1,000 coins/);
      await t.sandbox.idle();
      const payment = await t.sandbox.paymentForOrder(second.id);
      assert.equal(payment?.status, 'requires_payment_method', 'the refused order was not charged');
    });

    it('lowering a budget applies at once; raising or removing it waits out the cooling-off day', async () => {
      const user = await establishedUser();
      await setBudget(user, { daily: null, weekly: 5000, monthly: null });
      const lowered = (await setBudget(user, { daily: null, weekly: 500, monthly: null })).json().budget;
      assert.equal(lowered.limits.weekly, 500);
      assert.equal(lowered.pending, null);
      assert.equal((await order(user, { packageId: 'pkg_web_700' })).json().error.code, 'budget_exceeded');

      const raised = (await setBudget(user, { daily: null, weekly: null, monthly: 20000 })).json().budget;
      assert.equal(raised.limits.weekly, 500, 'the raise is not in force yet');
      assert.equal(raised.limits.monthly, 20000, 'the new monthly limit is stricter than none, so it applies now');
      assert.deepEqual(raised.pending.limits, { daily: null, weekly: null, monthly: 20000 });
      assert.equal(Date.parse(raised.pending.effectiveAt) - t.clock.now().getTime() <= DAY_MS, true);
      assert.equal((await order(user, { packageId: 'pkg_web_700' })).statusCode, 403);

      t.clock.advance(DAY_MS + 1000);
      const applied = await getBudget(user);
      assert.equal(applied.limits.weekly, null);
      assert.equal(applied.pending, null);
      assert.equal((await order(user, { packageId: 'pkg_web_700' })).statusCode, 201);
    });

    it('a budget must be whole positive coins or null for every period', async () => {
      const user = await signUpAndLogIn(t);
      for (const [payload, param] of [
        [{ daily: -5, weekly: null, monthly: null }, 'daily'],
        [{ daily: 1.5, weekly: null, monthly: null }, 'daily'],
        [{ daily: null, weekly: '100', monthly: null }, 'weekly'],
        [{ daily: null, weekly: null }, 'monthly'],
      ] as const) {
        const response = await setBudget(user, payload);
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
        assert.equal(response.json().error.param, param);
      }
      assert.deepEqual((await getBudget(user)).limits, { daily: null, weekly: null, monthly: null });
    });

    it('a new account may buy only five times a day; the sixth is refused until the first purchase is a day old', async () => {
      const user = await signUpAndLogIn(t);
      const first = await buy(user, { packageId: 'pkg_web_70' });
      for (let purchase = 2; purchase <= 5; purchase += 1) await buy(user, { packageId: 'pkg_web_70' });
      const refused = await order(user, { packageId: 'pkg_web_70' });
      assert.equal(refused.statusCode, 429, refused.body);
      const error = refused.json().error;
      assert.equal(error.code, 'purchase_limit_reached');
      assert.match(error.message, /younger than 7 days may buy coins at most 5 times in 24 hours/);
      const resetsAt = Date.parse(first.createdAt) + DAY_MS;
      assert.equal(error.resetsAt, new Date(resetsAt).toISOString());
      const retryAfterSeconds = Number(refused.headers['retry-after']);
      assert.ok(Math.abs(retryAfterSeconds - (resetsAt - t.clock.now().getTime()) / 1000) <= 2, `Retry-After ${retryAfterSeconds}`);

      t.clock.advance(DAY_MS);
      assert.equal((await order(user, { packageId: 'pkg_web_70' })).statusCode, 201);
    });

    it('a new account may buy at most 30,000 coins a day; an established one more', async () => {
      const fresh = await signUpAndLogIn(t);
      await buy(fresh, { customCoins: 25_000, confirm: true });
      const refused = await order(fresh, { packageId: 'pkg_web_7000' });
      assert.equal(refused.statusCode, 429, refused.body);
      assert.match(refused.json().error.message, /at most 30,000 coins in 24 hours; you have bought 25,000 coins, so 7,000 coins more would go over/);
      assert.ok(refused.json().error.resetsAt);

      const established = await establishedUser();
      await buy(established, { customCoins: 25_000, confirm: true });
      assert.equal((await order(established, { packageId: 'pkg_web_7000' })).statusCode, 201);
      const tooBig = await order(established, { customCoins: 200_000, confirm: true });
      assert.equal(tooBig.statusCode, 429);
      assert.match(tooBig.json().error.message, /at most 150,000 coins in 24 hours, less than the 200,000 coins of this order/);
    });

    it('a large order needs an explicit confirmation, and the same key goes through once confirmed', async () => {
      const user = await signUpAndLogIn(t);
      const unconfirmed = await order(user, { customCoins: 10_000 }, 'large-1');
      assert.equal(unconfirmed.statusCode, 400, unconfirmed.body);
      assert.equal(unconfirmed.json().error.code, 'confirmation_required');
      assert.equal(unconfirmed.json().error.param, 'confirm');
      assert.match(unconfirmed.json().error.message, /10,000 coins \(\$105\.00\)/);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: user.headers })).json().orders.length, 0);

      const confirmed = await order(user, { customCoins: 10_000, confirm: true }, 'large-1');
      assert.equal(confirmed.statusCode, 201, confirmed.body);
      assert.equal(confirmed.json().order.coins, 10_000);
      assert.equal((await order(user, { customCoins: 9_999 })).statusCode, 201, 'below the threshold needs no confirmation');
    });

    it('a large order over a limit is refused at once, never asked to be confirmed first', async () => {
      const fresh = await signUpAndLogIn(t);
      const refused = await order(fresh, { customCoins: 35_000 });
      assert.equal(refused.statusCode, 429, refused.body);
      assert.equal(refused.json().error.code, 'purchase_limit_reached');
      assert.match(refused.json().error.message, /at most 30,000 coins in 24 hours, less than the 35,000 coins of this order/);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: fresh.headers })).json().orders.length, 0);
    });

    it('leaves the ledger consistent', async () => {
      await t.sandbox.idle();
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });
  });
}
