import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, platformAccountId, runAudit, userCoinWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { SANDBOX_SIGNATURE_HEADER } from './sandbox.js';

const CARDS = {
  succeeds: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
  challenge: '4000 0000 0000 3220',
  disputedLater: '4000 0000 0000 0259',
};

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`coin orders and the sandbox provider on ${engine}`, { skip }, () => {
    let t: TestApp;
    let keyCounter = 0;
    before(async () => {
      // Tests here buy more often than a new account may in a day; the limits have their own tests.
      t = await createTestApp(engine, { env: { SANDBOX_DISPUTE_DELAY_MS: '30', STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
    });
    after(async () => {
      await t?.destroy();
    });

    const coins = async (user: SignedInUser) => (await t.ledger.getAccount(userCoinWalletId(user.id)))!.posted;
    const order = (user: SignedInUser, body: Record<string, unknown>, key = `key-${++keyCounter}`) =>
      t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...user.headers, 'idempotency-key': key }, payload: body });
    const pay = (user: SignedInUser, orderId: string, card: string, webhooks = 'chaos') =>
      t.app.inject({ method: 'POST', url: `/api/v1/sandbox/checkout/${orderId}`, headers: user.headers, payload: { card, webhooks } });
    const getOrder = async (user: SignedInUser, orderId: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${orderId}`, headers: user.headers })).json().order;
    async function placeOrder(user: SignedInUser, body: Record<string, unknown> = { packageId: 'pkg_web_700' }) {
      const response = await order(user, body);
      assert.equal(response.statusCode, 201, response.body);
      return response.json().order;
    }

    it('lists the web packages for a region in its currency, from 70 coins for 0.74 USD', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/store/packages?region=US&channel=web' });
      assert.equal(response.statusCode, 200);
      const packages = response.json().packages;
      assert.deepEqual(packages[0], { id: 'pkg_web_70', coins: 70, bonusCoins: 0, price: { amount: 74, currency: 'USD' } });
      assert.deepEqual(packages.at(-1).price, { amount: 7499, currency: 'USD' });
      const japan = await t.app.inject({ method: 'GET', url: '/api/v1/store/packages?region=JP&channel=web' });
      assert.equal(japan.json().packages[0].price.currency, 'JPY');
    });

    it('a 4242 card: the server prices the order, the webhook credits coins and the first-purchase bonus exactly once', async () => {
      const user = await signUpAndLogIn(t);
      const created = await placeOrder(user);
      assert.equal(created.status, 'created');
      assert.equal(created.coins, 700);
      assert.deepEqual(created.price, { amount: 740, currency: 'USD' });
      assert.equal(created.bonusCoins, 140, '20% first-purchase bonus');
      assert.ok(created.checkout);

      const paid = await pay(user, created.id, CARDS.succeeds, 'twice');
      assert.equal(paid.statusCode, 200, paid.body);
      assert.ok(['processing', 'succeeded'].includes(paid.json().order.status));
      await t.sandbox.idle();
      const settled = await getOrder(user, created.id);
      assert.equal(settled.status, 'succeeded');
      assert.ok(settled.creditTransferId);
      assert.equal(await coins(user), 840n);
      const wallet = await t.app.inject({ method: 'GET', url: '/api/v1/wallet', headers: user.headers });
      assert.deepEqual(wallet.json(), { coins: 840, diamonds: 0 });

      // A second purchase gets no first-purchase bonus.
      const second = await placeOrder(user, { packageId: 'pkg_web_70' });
      assert.equal(second.bonusCoins, 0);

      // The paid order has a receipt; the unpaid one has none yet, and nobody else sees either.
      const receipt = await t.app.inject({ method: 'GET', url: `/api/v1/orders/${created.id}/receipt`, headers: user.headers });
      assert.equal(receipt.statusCode, 200, receipt.body);
      assert.deepEqual(
        { ...receipt.json().receipt, issuedAt: undefined },
        {
          number: created.id,
          issuedAt: undefined,
          description: '700 coins + 140 bonus (coin package)',
          coins: 700,
          bonusCoins: 140,
          total: { amount: 740, currency: 'USD', formatted: '$7.40' },
          // No tax rate is set for the region: the whole total is the subtotal.
          subtotal: { amount: 740, currency: 'USD', formatted: '$7.40' },
          tax: null,
          channel: 'web',
          paidWith: 'sandbox',
          paymentReference: (await t.sandbox.paymentForOrder(created.id))!.id,
          status: 'paid',
          note: 'Coins are a licence to use virtual items; they are not refundable and cannot be exchanged for money.',
        },
      );
      const unpaid = await t.app.inject({ method: 'GET', url: `/api/v1/orders/${second.id}/receipt`, headers: user.headers });
      assert.equal(unpaid.statusCode, 409);
      assert.equal(unpaid.json().error.code, 'receipt_unavailable');
      const stranger = await signUpAndLogIn(t);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${created.id}/receipt`, headers: stranger.headers })).statusCode, 404);
    });

    it('declined and insufficient-funds cards fail the order with a clear reason and credit nothing', async () => {
      const user = await signUpAndLogIn(t);
      for (const [card, code] of [
        [CARDS.declined, 'card_declined'],
        [CARDS.insufficientFunds, 'insufficient_funds'],
      ] as const) {
        const created = await placeOrder(user);
        const response = await pay(user, created.id, card);
        assert.equal(response.statusCode, 200);
        assert.equal(response.json().order.status, 'failed');
        assert.equal(response.json().order.failure.code, code);
      }
      await t.sandbox.idle();
      assert.equal(await coins(user), 0n);
    });

    it('the challenge card needs the challenge step: approved it credits, failed it does not', async () => {
      const user = await signUpAndLogIn(t);
      const created = await placeOrder(user);
      const response = await pay(user, created.id, CARDS.challenge);
      assert.equal(response.json().order.status, 'requires_action');
      await t.sandbox.idle();
      assert.equal(await coins(user), 0n);
      const approved = await t.app.inject({ method: 'POST', url: `/api/v1/sandbox/checkout/${created.id}/challenge`, headers: user.headers, payload: { approve: true } });
      assert.equal(approved.statusCode, 200, approved.body);
      await t.sandbox.idle();
      assert.equal((await getOrder(user, created.id)).status, 'succeeded');
      assert.equal(await coins(user), 840n);

      const other = await placeOrder(user);
      await pay(user, other.id, CARDS.challenge);
      const refused = await t.app.inject({ method: 'POST', url: `/api/v1/sandbox/checkout/${other.id}/challenge`, headers: user.headers, payload: { approve: false } });
      assert.equal(refused.json().order.status, 'failed');
      await t.sandbox.idle();
      assert.equal(await coins(user), 840n);
    });

    it('many duplicate and out-of-order webhooks credit each order once', async () => {
      const user = await signUpAndLogIn(t);
      const created = await Promise.all(Array.from({ length: 8 }, () => placeOrder(user, { packageId: 'pkg_web_70' })));
      await Promise.all(created.map((each) => pay(user, each.id, CARDS.succeeds, 'chaos')));
      await t.sandbox.idle();
      // Redeliver every order's success again, concurrently, alongside polling and reconciliation.
      await Promise.all([...created.map((each) => t.app.inject({ method: 'POST', url: `/api/v1/orders/${each.id}/check`, headers: user.headers })), t.orders.reconcile()]);
      const orders = await Promise.all(created.map((each) => getOrder(user, each.id)));
      assert.ok(orders.every((each) => each.status === 'succeeded'));
      const expected = orders.reduce((sum, each) => sum + BigInt(each.totalCoins), 0n);
      assert.equal(await coins(user), expected);
      const transfers = new Set(orders.map((each) => each.creditTransferId));
      assert.equal(transfers.size, 8);
    });

    it('a dropped webhook leaves the order processing until "where are my coins?" or reconciliation credits it', async () => {
      const user = await signUpAndLogIn(t);
      const first = await placeOrder(user);
      await pay(user, first.id, CARDS.succeeds, 'drop');
      await t.sandbox.idle();
      assert.equal((await getOrder(user, first.id)).status, 'processing');
      assert.equal(await coins(user), 0n);
      const checked = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${first.id}/check`, headers: user.headers });
      assert.equal(checked.json().order.status, 'succeeded');
      assert.equal(await coins(user), 840n);

      const second = await placeOrder(user, { packageId: 'pkg_web_70' });
      await pay(user, second.id, CARDS.succeeds, 'drop');
      await t.sandbox.idle();
      const report = await t.orders.reconcile();
      assert.ok(report.credited.includes(second.id), JSON.stringify(report));
      assert.equal(await coins(user), 910n);
      assert.equal((await t.orders.reconcile()).credited.length, 0, 'nothing left to fix');
    });

    it('reconciliation cancels an order left unpaid for a day, and leaves a fresh one alone', async () => {
      const user = await signUpAndLogIn(t);
      const stale = await placeOrder(user);
      t.clock.advance(25 * 3_600_000);
      const fresh = await placeOrder(user);
      const report = await t.orders.reconcile();
      assert.ok(report.canceled.includes(stale.id));
      assert.ok(!report.canceled.includes(fresh.id));
      assert.equal((await getOrder(user, stale.id)).status, 'canceled');
      assert.equal((await getOrder(user, fresh.id)).status, 'created');
      assert.equal((await pay(user, stale.id, CARDS.succeeds)).statusCode, 409, 'a canceled order cannot be paid');
    });

    it('a reconciliation whose signal is aborted stops before the next order, leaving it to the next run', async () => {
      const user = await signUpAndLogIn(t);
      const order = await placeOrder(user);
      await pay(user, order.id, CARDS.succeeds, 'drop');
      await t.sandbox.idle();
      assert.equal((await t.orders.reconcile({ signal: AbortSignal.abort() })).checked, 0);
      assert.equal(await coins(user), 0n);
      assert.ok((await t.orders.reconcile()).credited.includes(order.id));
    });

    it('refuses forged, tampered and replayed-too-late webhooks with 400 and changes nothing', async () => {
      const user = await signUpAndLogIn(t);
      const created = await placeOrder(user);
      await pay(user, created.id, CARDS.succeeds, 'drop');
      await t.sandbox.idle();
      const payment = await t.sandbox.paymentForOrder(created.id);
      const body = JSON.stringify({ id: 'evt_forged', type: 'payment.succeeded', data: { paymentId: payment!.id, orderId: created.id, failureCode: null } });
      const send = (raw: string, signature: string | undefined) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/webhooks/sandbox',
          headers: { 'content-type': 'application/json', ...(signature ? { [SANDBOX_SIGNATURE_HEADER]: signature } : {}) },
          payload: raw,
        });
      const forged = `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`;
      for (const [raw, signature] of [
        [body, undefined],
        [body, forged],
        [body.replace('payment.succeeded', 'payment.disputed'), t.sandbox.sign(body)],
        [body, t.sandbox.sign(body, new Date(Date.now() - 10 * 60_000))],
      ] as const) {
        const response = await send(raw, signature);
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().error.code, 'invalid_signature');
      }
      assert.equal(await coins(user), 0n);
      assert.equal((await getOrder(user, created.id)).status, 'processing');

      // A correctly signed event is accepted once; replaying it is a duplicate.
      const signature = t.sandbox.sign(body);
      assert.equal((await send(body, signature)).json().result, 'processed');
      assert.equal((await send(body, signature)).json().result, 'duplicate');
      assert.equal(await coins(user), 840n);
    });

    it('the same Idempotency-Key answers the same order; with other parameters it is refused', async () => {
      const user = await signUpAndLogIn(t);
      const first = await order(user, { packageId: 'pkg_web_350' }, 'same-key');
      const again = await order(user, { packageId: 'pkg_web_350' }, 'same-key');
      assert.equal(again.statusCode, 201);
      assert.equal(again.json().order.id, first.json().order.id);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      const other = await order(user, { packageId: 'pkg_web_700' }, 'same-key');
      assert.equal(other.statusCode, 409);
      assert.equal(other.json().error.type, 'idempotency_error');
      const missing = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: user.headers, payload: { packageId: 'pkg_web_70' } });
      assert.equal(missing.statusCode, 400);
      assert.equal(missing.json().error.code, 'idempotency_key_required');
    });

    it('refuses a client-sent price, unknown packages and out-of-range custom amounts, creating no order', async () => {
      const user = await signUpAndLogIn(t);
      for (const [body, status, code] of [
        [{ packageId: 'pkg_web_70', price: 1 }, 400, 'validation_failed'],
        [{ packageId: 'pkg_nope' }, 404, 'package_not_found'],
        [{ customCoins: 1 }, 400, 'custom_amount_out_of_range'],
        [{ customCoins: -5 }, 400, 'validation_failed'],
        [{ customCoins: '500' }, 400, 'validation_failed'],
        [{}, 400, 'package_or_custom_required'],
      ] as const) {
        const response = await order(user, body);
        assert.equal(response.statusCode, status, `${JSON.stringify(body)}: ${response.body}`);
        assert.equal(response.json().error.code, code);
      }
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: user.headers });
      assert.deepEqual(list.json().orders, []);
      const custom = await placeOrder(user, { customCoins: 1000 });
      assert.deepEqual(custom.price, { amount: 1050, currency: 'USD' });
    });

    it('a minor cannot buy coins: 403 age_restricted and no order', async () => {
      const minor = await signUpAndLogIn(t, { ageYears: 16 });
      const response = await order(minor, { packageId: 'pkg_web_70' });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().error.code, 'age_restricted');
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: minor.headers });
      assert.deepEqual(list.json().orders, []);
    });

    it("another user's order is not found, and cannot be paid", async () => {
      const owner = await signUpAndLogIn(t);
      const stranger = await signUpAndLogIn(t);
      const created = await placeOrder(owner);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/orders/${created.id}`, headers: stranger.headers })).statusCode, 404);
      assert.equal((await pay(stranger, created.id, CARDS.succeeds)).statusCode, 404);
    });

    it('the disputed card: coins clawed back even when spent, account restricted, case opened, audit passes', async () => {
      const user = await signUpAndLogIn(t);
      const created = await placeOrder(user);
      await pay(user, created.id, CARDS.disputedLater, 'once');
      await t.sandbox.idle();
      const disputed = await getOrder(user, created.id);
      assert.equal(disputed.status, 'disputed');
      assert.equal(await coins(user), 0n);
      const me = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers })).json().user;
      assert.deepEqual(me.restrictions.map((r: { kind: string }) => r.kind).sort(), ['gifting', 'spending']);
      const again = await order(user, { packageId: 'pkg_web_70' });
      assert.equal(again.statusCode, 403);
      assert.equal(again.json().error.code, 'account_restricted');
      const cases = await t.accounts.listCases({ userId: user.id });
      assert.equal(cases[0]?.kind, 'chargeback');
      assert.match(cases[0]!.description, new RegExp(created.id));
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });

    it('a chargeback after the coins were spent: the wallet goes negative, and the case and the admin view say where the coins went', async () => {
      const user = await signUpAndLogIn(t);
      const created = await placeOrder(user);
      await pay(user, created.id, CARDS.succeeds, 'once');
      await t.sandbox.idle();
      assert.equal(await coins(user), 840n);
      await t.ledger.submit({
        type: 'posted',
        idempotencyKey: `spend-before-dispute-${created.id}`,
        legs: [
          { accountId: userCoinWalletId(user.id), asset: COIN, direction: 'debit', amount: 500 },
          { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit', amount: 500 },
        ],
        metadata: { kind: 'gift_sent' },
      });
      // The card's issuer disputes the payment; the provider reports it when asked.
      await t.db.kysely.updateTable('sandbox_payments').set({ status: 'disputed' }).where('order_id', '=', created.id).execute();
      const checked = await t.app.inject({ method: 'POST', url: `/api/v1/orders/${created.id}/check`, headers: user.headers });
      assert.equal(checked.json().order.status, 'disputed');
      assert.equal(await coins(user), -500n, 'the 500 coins already spent are owed');

      const [chargeback] = await t.accounts.listCases({ userId: user.id });
      assert.match(chargeback!.description, /Coins spent since the purchase \(newest first\): Debited 500 coins/);
      const admin = await createSignedInAdmin(t);
      const view = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/orders/${created.id}`, headers: admin.headers })).json().order;
      assert.equal(view.status, 'disputed');
      assert.deepEqual(
        view.spentAfter.map((each: { kind: string; coins: number }) => [each.kind, each.coins]),
        [['gift_sent', 500]],
      );
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true);
    });
  });
}
