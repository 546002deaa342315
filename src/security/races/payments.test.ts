import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, type SignedInUser } from '../../accounts/testing/users.js';
import { enginesUnderTest } from '../../db/testing/databases.js';
import { userCoinWalletId } from '../../ledger/index.js';
import { payoutReadyCreator } from '../../payouts/testing/creators.js';
import { assertRefused } from '../../server/testing/errors.js';
import { createTestApp, type TestApp } from '../../server/testing/app.js';

const DAY_MS = 86_400_000;

/** How many answers had each status code, such as `{ 200: 5, 429: 8 }`. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`payment races on ${engine}`, { skip }, () => {
    let t: TestApp;
    let keys = 0;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.destroy();
    });

    const placeOrder = (user: SignedInUser, body: Record<string, unknown>, key = `race-${++keys}`) =>
      t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...user.headers, 'idempotency-key': key }, payload: body });
    const checkout = (user: SignedInUser, orderId: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/sandbox/checkout/${orderId}`, headers: user.headers, payload: { card: '4242424242424242', webhooks: 'once' } });
    const coinsOf = async (user: SignedInUser) => (await t.ledger.getAccount(userCoinWalletId(user.id)))?.posted ?? 0n;
    /** Orders of the user that count against limits now: paid or being paid. */
    const paidOrders = async (user: SignedInUser) =>
      t.db.kysely.selectFrom('orders').select(['id', 'coins']).where('user_id', '=', user.id).where('status', 'in', ['requires_action', 'processing', 'succeeded']).execute();
    async function placeOrders(user: SignedInUser, count: number, body: Record<string, unknown>): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const placed = await placeOrder(user, body);
        assert.equal(placed.statusCode, 201, placed.body);
        ids.push(placed.json().order.id);
      }
      return ids;
    }

    describe('purchase limits under concurrent checkouts', () => {
      it('a new account paying 13 orders at once gets at most 5 purchases, within 30,000 coins', async () => {
        const buyer = await signUpAndLogIn(t);
        const orders = await placeOrders(buyer, 13, { customCoins: 5000 });
        const answers = await Promise.all(orders.map((id) => checkout(buyer, id)));
        await t.sandbox.idle();
        const paid = answers.filter((answer) => answer.statusCode === 200);
        const refused = answers.filter((answer) => answer.statusCode !== 200);
        for (const answer of refused) assertRefused(answer, 429, 'purchase_limit_reached');
        assert.equal(paid.length, 5, JSON.stringify(tally(answers.map((answer) => answer.statusCode))));
        assert.equal((await paidOrders(buyer)).length, 5);
        assert.ok((await coinsOf(buyer)) <= 25_000n + 1000n, `${await coinsOf(buyer)} coins (25,000 bought and the first-purchase bonus)`);
      });

      it('a new account paying 8 orders of 7,000 coins at once buys at most 30,000 coins', async () => {
        const buyer = await signUpAndLogIn(t);
        const orders = await placeOrders(buyer, 8, { customCoins: 7000 });
        const answers = await Promise.all(orders.map((id) => checkout(buyer, id)));
        await t.sandbox.idle();
        for (const answer of answers.filter((each) => each.statusCode !== 200)) assertRefused(answer, 429, 'purchase_limit_reached');
        const bought = (await paidOrders(buyer)).reduce((sum, order) => sum + order.coins, 0n);
        assert.equal(bought, 28_000n, `4 of the 8 orders fit in 30,000 coins: ${JSON.stringify(tally(answers.map((answer) => answer.statusCode)))}`);
      });

      it('a daily budget of 3,000 coins holds against 6 orders of 1,000 paid at once', async () => {
        const buyer = await signUpAndLogIn(t);
        await t.db.kysely
          .updateTable('users')
          .set({ created_at: new Date(t.clock.now().getTime() - 30 * DAY_MS).toISOString() })
          .where('id', '=', buyer.id)
          .execute();
        const set = await t.app.inject({ method: 'PUT', url: '/api/v1/me/budget', headers: buyer.headers, payload: { daily: 3000, weekly: null, monthly: null } });
        assert.equal(set.statusCode, 200, set.body);
        const orders = await placeOrders(buyer, 6, { customCoins: 1000 });
        const answers = await Promise.all(orders.map((id) => checkout(buyer, id)));
        await t.sandbox.idle();
        for (const answer of answers.filter((each) => each.statusCode !== 200)) assertRefused(answer, 403, 'budget_exceeded');
        const bought = (await paidOrders(buyer)).reduce((sum, order) => sum + order.coins, 0n);
        assert.equal(bought, 3000n, JSON.stringify(tally(answers.map((answer) => answer.statusCode))));
        const budget = (await t.app.inject({ method: 'GET', url: '/api/v1/me/budget', headers: buyer.headers })).json().budget;
        assert.equal(budget.used.daily, 3000);
      });

      it('an order whose checkout is refused before the card is charged does not count against the limits', async () => {
        const buyer = await signUpAndLogIn(t);
        const [first, second] = await placeOrders(buyer, 2, { customCoins: 16_000, confirm: true });
        const typo = await t.app.inject({ method: 'POST', url: `/api/v1/sandbox/checkout/${first}`, headers: buyer.headers, payload: { card: '4242424242424241' } });
        assertRefused(typo, 400, 'unknown_test_card');
        assert.equal((await checkout(buyer, second!)).statusCode, 200, 'the typo left room for the other order');
        assertRefused(await checkout(buyer, first!), 429, 'purchase_limit_reached');
      });
    });

    describe('the payout-method cap', () => {
      it('20 payout methods added at once leave at most 10', async () => {
        const creator = await payoutReadyCreator(t);
        const add = (i: number) =>
          t.app.inject({
            method: 'POST',
            url: '/api/v1/creator/payout-methods',
            headers: creator.headers,
            payload: { type: 'bank_account', holderName: 'Dana Creator', country: 'US', currency: 'USD', accountNumber: `5000000${String(i).padStart(3, '0')}`, routingCode: '110000000' },
          });
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => add(i)));
        for (const answer of answers.filter((each) => each.statusCode !== 201)) assertRefused(answer, 409, 'too_many_payout_methods');
        assert.equal(tally(answers.map((answer) => answer.statusCode))[201], 9, 'the creator had one method; nine more fit');
        const listed = (await t.app.inject({ method: 'GET', url: '/api/v1/creator/payout-methods', headers: creator.headers })).json().methods;
        assert.equal(listed.length, 10);
      });
    });

    describe('the region of an order', () => {
      it('is the account’s: a US account sending region DE is refused, never priced in DE or given a DE-only promotion', async () => {
        await t.catalog.upsertPromotion({ id: 'de_only_race', kind: 'seasonal', bonusPercent: 50, startsAt: '2020-01-01', endsAt: '2099-01-01', regions: ['DE'] });
        const buyer = await signUpAndLogIn(t, { region: 'US' });
        const asDe = await placeOrder(buyer, { packageId: 'pkg_web_700', region: 'DE' });
        assertRefused(asDe, 400, 'region_mismatch');
        assert.equal(asDe.json().error.param, 'region');
        const orders = await t.db.kysely.selectFrom('orders').select('id').where('user_id', '=', buyer.id).execute();
        assert.equal(orders.length, 0, 'nothing was ordered');

        for (const region of [undefined, 'US', 'us']) {
          const placed = await placeOrder(buyer, region === undefined ? { packageId: 'pkg_web_700' } : { packageId: 'pkg_web_700', region });
          assert.equal(placed.statusCode, 201, placed.body);
          const order = placed.json().order;
          assert.equal(order.region, 'US');
          assert.equal(order.price.currency, 'USD');
          assert.ok(!order.promotions.some((promotion: { id: string }) => promotion.id === 'de_only_race'), JSON.stringify(order.promotions));
        }
      });
    });

    describe('retries of one order', () => {
      it('20 concurrent retries with one Idempotency-Key all answer the one stored order', async () => {
        const buyer = await signUpAndLogIn(t);
        const answers = await Promise.all(Array.from({ length: 20 }, () => placeOrder(buyer, { packageId: 'pkg_web_700' }, 'one-key-twenty-tries')));
        assert.deepEqual(tally(answers.map((answer) => answer.statusCode)), { 201: 20 }, answers.map((answer) => answer.body).join('\n'));
        const ids = new Set(answers.map((answer) => answer.json().order.id as string));
        assert.equal(ids.size, 1, 'every retry answers the same order');
        const stored = await t.db.kysely.selectFrom('orders').select('id').where('user_id', '=', buyer.id).execute();
        assert.deepEqual(stored.map((row) => row.id), [...ids]);
        const [id] = ids;
        assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: buyer.headers })).statusCode, 200);
        assert.equal(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true').length, 19);
      });
    });
  });
}
