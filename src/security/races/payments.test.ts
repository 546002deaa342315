import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../../accounts/testing/users.js';
import { enginesUnderTest } from '../../db/testing/databases.js';
import { userCoinWalletId } from '../../ledger/index.js';
import type { ProviderPayment } from '../../payments/provider.js';
import { SANDBOX_SIGNATURE_HEADER } from '../../payments/sandbox.js';
import { assertAuditPasses, diamondsOf, earnDiamonds, payoutReadyCreator } from '../../payouts/testing/creators.js';
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
    let admin: SignedInUser;
    let keys = 0;
    before(async () => {
      // No wait before a creator's first payout, so a payout can be asked for at once after the gifts.
      t = await createTestApp(engine, { env: { PAYOUT_FIRST_HOLD_DAYS: '0' } });
      admin = await createSignedInAdmin(t);
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

    describe('a refund made at the payment provider after the coins were gifted', () => {
      /** The provider refunds the payment on its side (as in the Stripe Dashboard) and tells the server with a signed webhook. */
      async function deliverEvent(orderId: string, type: 'payment.refunded' | 'payment.disputed', eventId: string) {
        const payment = await t.sandbox.paymentForOrder(orderId);
        const body = JSON.stringify({ id: eventId, type, data: { paymentId: payment!.id, orderId, failureCode: null } });
        return t.app.inject({
          method: 'POST',
          url: '/api/v1/webhooks/sandbox',
          headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: t.sandbox.sign(body) },
          payload: body,
        });
      }
      const orderOf = (buyer: SignedInUser) => t.db.kysely.selectFrom('orders').selectAll().where('user_id', '=', buyer.id).executeTakeFirstOrThrow();
      const refundAtProvider = (orderId: string) => t.db.kysely.updateTable('sandbox_payments').set({ status: 'refunded' }).where('order_id', '=', orderId).execute();
      const casesOf = async (user: SignedInUser) => (await t.accounts.listCases({ userId: user.id })).map((each) => each.kind).sort();
      const restrictionsOf = async (user: SignedInUser) =>
        (await t.db.kysely.selectFrom('user_restrictions').select('kind').where('user_id', '=', user.id).orderBy('kind').execute()).map((row) => row.kind);
      const requestPayout = (creator: SignedInUser & { methodId: string }, diamonds: number, key: string) =>
        t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: { ...creator.headers, 'idempotency-key': key }, payload: { diamonds, methodId: creator.methodId } });

      it('is clawed back as a chargeback is, once, though the refund event arrives twice at once: the diamonds, a held payout, a restricted buyer and cases', async () => {
        const creator = await payoutReadyCreator(t);
        const buyer = await earnDiamonds(t, creator, 8);
        const requested = await requestPayout(creator, 8000, 'cash-out-refunded');
        assert.equal(requested.statusCode, 201, requested.body);
        const payout = requested.json().payout;

        const order = await orderOf(buyer);
        await refundAtProvider(order.id);
        const answers = await Promise.all([deliverEvent(order.id, 'payment.refunded', `evt_refund_${order.id}`), deliverEvent(order.id, 'payment.refunded', `evt_refund_${order.id}`)]);
        for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);

        const settled = await orderOf(buyer);
        assert.equal(settled.status, 'refunded');
        assert.equal(await coinsOf(buyer), -8000n, "the buyer's 8,400 coins were taken back once, though 8,000 were gifted");
        assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: -8000n }, "the creator's 8,000 diamonds from those coins were clawed back, once");
        assert.deepEqual(await restrictionsOf(buyer), ['gifting', 'spending'], 'the buyer may no longer buy or gift');
        assert.deepEqual(await casesOf(buyer), ['provider_refund'], 'one case about the buyer');
        assert.deepEqual(await casesOf(creator), ['gift_clawback'], "one case about the creator's clawback");

        const held = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/payouts/${payout.id}`, headers: admin.headers })).json().payout;
        assert.equal(held.status, 'in_review');
        assert.ok(
          held.riskReasons.some((reason: { code: string }) => reason.code === 'chargeback_clawback'),
          JSON.stringify(held.riskReasons),
        );
        const approve = await t.app.inject({ method: 'POST', url: `/api/v1/admin/payouts/${payout.id}/approve`, headers: admin.headers, payload: { note: 'Reviewed.' } });
        assertRefused(approve, 409, 'clawback_shortfall');

        // Delivered again later, and asked about again: nothing more is taken.
        assert.equal((await deliverEvent(order.id, 'payment.refunded', `evt_refund_late_${order.id}`)).statusCode, 200);
        assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/check`, headers: buyer.headers })).statusCode, 200);
        assert.equal(await coinsOf(buyer), -8000n);
        assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: -8000n });
        assert.deepEqual(await casesOf(buyer), ['provider_refund']);
        await assertAuditPasses(t, 'after the provider refund');
      });

      it('racing a chargeback of the same order, refund and dispute events at once take everything back exactly once', async () => {
        const creator = await payoutReadyCreator(t);
        const buyer = await earnDiamonds(t, creator, 5);
        const order = await orderOf(buyer);
        await refundAtProvider(order.id);
        // The provider reports the payment refunded to some of the handlers and charged back to the others, as a charge that was both would be.
        const retrieve = t.sandbox.retrievePayment.bind(t.sandbox);
        let calls = 0;
        t.sandbox.retrievePayment = async (paymentId: string): Promise<ProviderPayment | undefined> => {
          const payment = await retrieve(paymentId);
          calls += 1;
          return payment && payment.orderId === order.id ? { ...payment, status: calls % 2 === 0 ? 'disputed' : 'refunded' } : payment;
        };
        let answers;
        try {
          answers = await Promise.all([
            deliverEvent(order.id, 'payment.refunded', `evt_r1_${order.id}`),
            deliverEvent(order.id, 'payment.disputed', `evt_d1_${order.id}`),
            deliverEvent(order.id, 'payment.refunded', `evt_r2_${order.id}`),
            deliverEvent(order.id, 'payment.disputed', `evt_d2_${order.id}`),
            deliverEvent(order.id, 'payment.refunded', `evt_r1_${order.id}`),
            deliverEvent(order.id, 'payment.disputed', `evt_d1_${order.id}`),
          ]);
        } finally {
          t.sandbox.retrievePayment = retrieve;
        }
        assert.deepEqual(tally(answers.map((answer) => answer.statusCode)), { 200: 6 }, answers.map((answer) => answer.body).join('\n'));

        const settled = await orderOf(buyer);
        assert.ok(settled.status === 'refunded' || settled.status === 'disputed', settled.status);
        assert.notEqual(settled.clawback_transfer_id, null);
        const reversals = await t.db.kysely.selectFrom('ledger_transfers').select('seq').where('type', '=', 'reversal').where('idempotency_key', 'like', `%${order.id}`).execute();
        assert.equal(reversals.length, 1, 'the purchase was reversed once');
        assert.equal(await coinsOf(buyer), 3400n - 8400n, "the buyer's coins were taken back once");
        assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: 0n }, "the creator's diamonds were taken back once");
        assert.deepEqual(await restrictionsOf(buyer), ['gifting', 'spending']);
        assert.equal((await casesOf(buyer)).length, 1, 'one case about the buyer');
        assert.deepEqual(await casesOf(creator), ['gift_clawback']);
        await assertAuditPasses(t, 'after the raced refund and chargeback');
      });

      it("the sandbox's own refund is told by a payment.refunded webhook, delivered twice, and clawed back once", async () => {
        const creator = await payoutReadyCreator(t);
        const buyer = await earnDiamonds(t, creator, 3);
        const order = await orderOf(buyer);
        await t.sandbox.refundAtProvider(order.id, 'twice');
        await t.sandbox.idle();
        assert.equal((await orderOf(buyer)).status, 'refunded');
        assert.equal(await coinsOf(buyer), 5400n - 8400n);
        assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: 0n });
        assert.deepEqual(await restrictionsOf(buyer), ['gifting', 'spending']);
        assert.deepEqual(await casesOf(buyer), ['provider_refund']);
        const refund = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: buyer.headers })).json().order.refund;
        assert.equal(refund.reason, 'The payment was refunded at the payment provider.');
        await assertAuditPasses(t, "after the sandbox's refund");
      });

      it("an admin's refund of unspent coins is no clawback: the provider's refund webhook that follows restricts nothing", async () => {
        const buyer = await signUpAndLogIn(t);
        const [orderId] = await placeOrders(buyer, 1, { packageId: 'pkg_web_700' });
        assert.equal((await checkout(buyer, orderId!)).statusCode, 200);
        await t.sandbox.idle();
        const refunded = await t.app.inject({ method: 'POST', url: `/api/v1/admin/orders/${orderId}/refund`, headers: admin.headers, payload: { reason: 'Bought twice by mistake' } });
        assert.equal(refunded.statusCode, 200, refunded.body);
        await t.sandbox.idle();
        const order = await orderOf(buyer);
        assert.equal(order.status, 'refunded');
        assert.equal(order.clawback_transfer_id, null);
        assert.equal(order.refund_reason, 'Bought twice by mistake');
        assert.equal(await coinsOf(buyer), 0n);
        assert.deepEqual(await restrictionsOf(buyer), []);
        assert.deepEqual(await casesOf(buyer), []);
      });
    });

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
        assert.deepEqual(
          stored.map((row) => row.id),
          [...ids],
        );
        const [id] = ids;
        assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: buyer.headers })).statusCode, 200);
        assert.equal(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true').length, 19);
      });
    });
  });
}
