import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { runAudit, userCoinWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

const CARDS = {
  succeeds: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
  challenge: '4000 0000 0000 3220',
  disputedLater: '4000 0000 0000 0259',
  declinesAfterFirstCharge: '4000 0000 0000 0341',
};

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`saved cards and off-session coin purchases on ${engine}`, { skip }, () => {
    let t: TestApp;
    let keyCounter = 0;
    before(async () => {
      // A custom minimum above a month of a small subscription: such purchases are still priced per coin.
      t = await createTestApp(engine, { env: { SANDBOX_DISPUTE_DELAY_MS: '30', STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', STORE_CUSTOM_COINS_MIN: '500' } });
    });
    after(async () => {
      await t?.destroy();
    });

    const newKey = () => `renewal-${++keyCounter}`;
    const coins = async (user: SignedInUser) => (await t.ledger.getAccount(userCoinWalletId(user.id)))?.posted ?? 0n;
    const saveCard = (user: SignedInUser, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/me/cards', headers: user.headers, payload });
    const listCards = async (user: SignedInUser) => (await t.app.inject({ method: 'GET', url: '/api/v1/me/cards', headers: user.headers })).json().cards;
    async function savedCard(user: SignedInUser, card: string): Promise<string> {
      const response = await saveCard(user, { card });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().card.id;
    }
    const sandboxPayments = async (user: SignedInUser) =>
      t.db.kysely
        .selectFrom('sandbox_payments')
        .innerJoin('orders', 'orders.id', 'sandbox_payments.order_id')
        .select(['sandbox_payments.id', 'sandbox_payments.status'])
        .where('orders.user_id', '=', user.id)
        .execute();
    const creditTransfers = async (orderId: string) => (await t.db.kysely.selectFrom('ledger_transfers').select('seq').where('idempotency_key', '=', `order_credit:${orderId}`).execute()).length;
    const ordersOf = async (user: SignedInUser) => t.db.kysely.selectFrom('orders').selectAll().where('user_id', '=', user.id).orderBy('created_at').orderBy('idempotency_key').execute();

    it('saves, lists and removes cards; answers never carry the number or the provider references', async () => {
      const user = await signUpAndLogIn(t);
      const first = await saveCard(user, { card: CARDS.succeeds });
      assert.equal(first.statusCode, 201, first.body);
      const card = first.json().card;
      assert.deepEqual(Object.keys(card).sort(), ['brand', 'createdAt', 'id', 'last4']);
      assert.match(card.id, /^card_/);
      assert.equal(card.last4, '4242');
      assert.ok(!first.body.includes('sbpm_') && !first.body.includes('sbcus_') && !first.body.includes('4242424242424242'));
      const second = await savedCard(user, CARDS.insufficientFunds);

      assert.deepEqual(
        (await listCards(user)).map((each: { id: string }) => each.id),
        [second, card.id],
      );
      // Both cards are one customer at the provider.
      const customers = await t.db.kysely.selectFrom('saved_cards').select('customer_ref').where('user_id', '=', user.id).execute();
      assert.equal(new Set(customers.map((each) => each.customer_ref)).size, 1);

      const unknown = await saveCard(user, { card: '4111 1111 1111 1111' });
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json().error.code, 'unknown_test_card');
      const declined = await saveCard(user, { card: CARDS.declined });
      assert.equal(declined.statusCode, 402, declined.body);
      assert.deepEqual({ ...declined.json().error, message: undefined }, { type: 'card_error', code: 'card_declined', param: 'card', message: undefined });
      assert.equal((await saveCard(user, {})).statusCode, 400);

      // Another user's card is not found, to see, remove or charge.
      const stranger = await signUpAndLogIn(t);
      const notTheirs = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/cards/${card.id}`, headers: stranger.headers });
      assert.equal(notTheirs.statusCode, 404);
      assert.equal(notTheirs.json().error.code, 'card_not_found');
      assert.deepEqual(await listCards(stranger), []);
      const charged = await t.orders.buyWithSavedCard({ userId: stranger.id, cardId: card.id, coins: 700, idempotencyKey: newKey() });
      assert.equal(charged.status, 'failed');
      assert.deepEqual(charged, { status: 'failed', orderId: null, code: 'card_not_found', message: charged.status === 'failed' ? charged.message : '' });

      const removed = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/cards/${card.id}`, headers: user.headers });
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal(removed.json().card.id, card.id);
      assert.deepEqual(
        (await listCards(user)).map((each: { id: string }) => each.id),
        [second],
      );
      const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/cards/${card.id}`, headers: user.headers });
      assert.equal(again.statusCode, 404);
      const afterRemoval = await t.orders.buyWithSavedCard({ userId: user.id, cardId: card.id, coins: 700, idempotencyKey: newKey() });
      assert.equal(afterRemoval.status === 'failed' && afterRemoval.code, 'card_not_found');
      assert.equal((await sandboxPayments(user)).length, 0, 'nothing was charged');
    });

    it('credits the coins at once, once: a retry with the key answers the same order without charging again, and the late webhooks change nothing', async () => {
      const user = await signUpAndLogIn(t);
      const cardId = await savedCard(user, CARDS.succeeds);
      const key = newKey();
      const bought = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 700, idempotencyKey: key });
      assert.equal(bought.status, 'succeeded', JSON.stringify(bought));
      assert.equal(await coins(user), 840n, '700 coins and the first-purchase bonus, credited before any webhook');

      const retried = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 700, idempotencyKey: key });
      assert.deepEqual(retried, bought);
      await t.sandbox.idle();
      assert.equal((await sandboxPayments(user)).length, 1);
      assert.equal(await creditTransfers(bought.orderId), 1);
      assert.equal(await coins(user), 840n);

      // The order is a coin purchase like any other: in the orders, the wallet history and the receipt.
      const orders = (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: user.headers })).json().orders;
      assert.deepEqual(
        orders.map((each: { id: string; status: string; coins: number; checkout: unknown }) => [each.id, each.status, each.coins, each.checkout]),
        [[bought.orderId, 'succeeded', 700, null]],
      );
      const history = (await t.app.inject({ method: 'GET', url: '/api/v1/wallet/transactions', headers: user.headers })).json().transactions;
      assert.equal(history[0].reference.orderId, bought.orderId);
      const receipt = await t.app.inject({ method: 'GET', url: `/api/v1/orders/${bought.orderId}/receipt`, headers: user.headers });
      assert.equal(receipt.statusCode, 200, receipt.body);
      assert.equal((await t.orders.reconcile()).credited.length, 0);

      // The same key for another amount is a different purchase.
      await assert.rejects(t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 70, idempotencyKey: key }), { code: 'idempotency_key_reused' });
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });

    it('8 calls at once with one key charge the card once and credit once', async () => {
      const user = await signUpAndLogIn(t);
      const cardId = await savedCard(user, CARDS.succeeds);
      const key = newKey();
      const results = await Promise.all(Array.from({ length: 8 }, () => t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 300, idempotencyKey: key })));
      const orderIds = new Set(results.map((each) => (each.status === 'succeeded' ? each.orderId : `failed: ${JSON.stringify(each)}`)));
      assert.equal(orderIds.size, 1, JSON.stringify(results));
      assert.equal((await ordersOf(user)).length, 1);
      await t.sandbox.idle();
      assert.equal((await sandboxPayments(user)).length, 1);
      assert.equal(await coins(user), 360n);
    });

    it('8 calls at once with one key on a declined card: each attempt is charged once, and one is made only after the one before was declined', async () => {
      const user = await signUpAndLogIn(t);
      const cardId = await savedCard(user, CARDS.insufficientFunds);
      const results = await Promise.all(Array.from({ length: 8 }, () => t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 300, idempotencyKey: 'one-key' })));
      assert.ok(
        results.every((each) => each.status === 'failed' && each.code === 'insufficient_funds'),
        JSON.stringify(results),
      );
      const attempts = await ordersOf(user);
      // A call that finds the attempt declined already is a later call: it makes the next attempt.
      assert.deepEqual(
        attempts.map((each) => [each.idempotency_key, each.status]),
        attempts.map((_, index) => [index === 0 ? 'one-key' : `one-key#${index + 1}`, 'failed']),
      );
      assert.equal((await sandboxPayments(user)).length, attempts.length, 'one charge per attempt');
    });

    it('a declined card answers failed with its reason, and a later call with the same key makes a new attempt', async () => {
      const user = await signUpAndLogIn(t);
      const declined = await savedCard(user, CARDS.insufficientFunds);
      const key = newKey();
      const first = await t.orders.buyWithSavedCard({ userId: user.id, cardId: declined, coins: 700, idempotencyKey: key });
      assert.equal(first.status, 'failed');
      assert.equal(first.status === 'failed' && first.code, 'insufficient_funds');
      assert.ok(first.orderId);
      const order = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${first.orderId}`, headers: user.headers })).json().order;
      assert.equal(order.status, 'failed');
      assert.equal(order.failure.code, 'insufficient_funds');

      const second = await t.orders.buyWithSavedCard({ userId: user.id, cardId: declined, coins: 700, idempotencyKey: key });
      assert.equal(second.status === 'failed' && second.code, 'insufficient_funds');
      assert.notEqual(second.orderId, first.orderId);

      // The user saves a card that works; the renewal's retry under the same key succeeds with it.
      const working = await savedCard(user, CARDS.succeeds);
      const third = await t.orders.buyWithSavedCard({ userId: user.id, cardId: working, coins: 700, idempotencyKey: key });
      assert.equal(third.status, 'succeeded', JSON.stringify(third));
      const again = await t.orders.buyWithSavedCard({ userId: user.id, cardId: working, coins: 700, idempotencyKey: key });
      assert.deepEqual(again, third);
      assert.deepEqual(
        (await ordersOf(user)).map((each) => [each.idempotency_key, each.status]),
        [
          [key, 'failed'],
          [`${key}#2`, 'failed'],
          [`${key}#3`, 'succeeded'],
        ],
      );
      await t.sandbox.idle();
      assert.equal((await sandboxPayments(user)).length, 3);
      assert.equal(await coins(user), 840n);
    });

    it('the 0341 card: saved fine, its first purchase succeeds and every later one is declined', async () => {
      const user = await signUpAndLogIn(t);
      const cardId = await savedCard(user, CARDS.declinesAfterFirstCharge);
      const first = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 500, idempotencyKey: newKey() });
      assert.equal(first.status, 'succeeded', JSON.stringify(first));
      const key = newKey();
      const second = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 500, idempotencyKey: key });
      assert.equal(second.status === 'failed' && second.code, 'card_declined', JSON.stringify(second));
      const retried = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 500, idempotencyKey: key });
      assert.equal(retried.status === 'failed' && retried.code, 'card_declined');
      await t.sandbox.idle();
      assert.equal(await coins(user), 600n);
    });

    it('prices a purchase below the custom minimum per coin, as a custom web order in the account currency', async () => {
      const user = await signUpAndLogIn(t);
      const cardId = await savedCard(user, CARDS.succeeds);
      const bought = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 100, idempotencyKey: newKey() });
      assert.equal(bought.status, 'succeeded', JSON.stringify(bought));
      const order = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${bought.status === 'succeeded' ? bought.orderId : ''}`, headers: user.headers })).json().order;
      assert.deepEqual([order.coins, order.price, order.packageId, order.channel], [100, { amount: 105, currency: 'USD' }, null, 'web']);
    });

    it('a budget that would be exceeded refuses before anything is charged', async () => {
      const user = await signUpAndLogIn(t);
      const cardId = await savedCard(user, CARDS.succeeds);
      const set = await t.app.inject({ method: 'PUT', url: '/api/v1/me/budget', headers: user.headers, payload: { daily: 600, weekly: null, monthly: null } });
      assert.equal(set.statusCode, 200, set.body);
      const refused = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 700, idempotencyKey: newKey() });
      assert.equal(refused.status, 'failed');
      assert.equal(refused.status === 'failed' && refused.code, 'budget_exceeded');
      assert.equal(refused.orderId, null);
      assert.match(refused.status === 'failed' ? refused.message : '', /daily budget of 600 coins/);
      assert.equal((await ordersOf(user)).length, 0);
      assert.equal((await sandboxPayments(user)).length, 0);

      // Purchases at once cannot all pass the budget together.
      const results = await Promise.all(Array.from({ length: 4 }, () => t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 200, idempotencyKey: newKey() })));
      assert.equal(results.filter((each) => each.status === 'succeeded').length, 3, JSON.stringify(results));
      assert.equal(await coins(user), 640n, 'three purchases of 200, and the first-purchase bonus on one');
    });

    it('a minor, or a restricted account, is refused before anything is charged', async () => {
      const minor = await signUpAndLogIn(t, { ageYears: 16 });
      const refused = await saveCard(minor, { card: CARDS.succeeds });
      assert.equal(refused.statusCode, 403);
      const bought = await t.orders.buyWithSavedCard({ userId: minor.id, cardId: 'card_anything', coins: 700, idempotencyKey: newKey() });
      assert.deepEqual(bought.status === 'failed' && [bought.code, bought.orderId], ['age_restricted', null]);

      const user = await signUpAndLogIn(t);
      const cardId = await savedCard(user, CARDS.succeeds);
      await t.accounts.addRestriction({ userId: user.id, kind: 'spending', reason: 'test', byUserId: null });
      const restricted = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 700, idempotencyKey: newKey() });
      assert.equal(restricted.status === 'failed' && restricted.code, 'account_restricted');
      assert.equal((await sandboxPayments(user)).length, 0);
    });

    it('a chargeback of an off-session purchase claws its coins back as any other', async () => {
      const user = await signUpAndLogIn(t);
      const cardId = await savedCard(user, CARDS.disputedLater);
      const bought = await t.orders.buyWithSavedCard({ userId: user.id, cardId, coins: 700, idempotencyKey: newKey() });
      assert.equal(bought.status, 'succeeded');
      await new Promise((resolve) => setTimeout(resolve, 60));
      await t.sandbox.idle();
      const order = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${bought.status === 'succeeded' ? bought.orderId : ''}`, headers: user.headers })).json().order;
      assert.equal(order.status, 'disputed');
      assert.equal(await coins(user), 0n);
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });
  });
}
