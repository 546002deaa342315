import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, platformAccountId, runAudit, userCoinWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

const CARDS = {
  succeeds: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  disputedLater: '4000 0000 0000 0259',
};

interface ApiOrder {
  id: string;
  status: string;
  packageId: string | null;
  channel: string;
  coins: number;
  bonusCoins: number;
  totalCoins: number;
  price: { amount: number; currency: string };
  provider: string;
  creditTransferId: string | null;
  refund: { transferId: string; reason: string } | null;
  createdAt: string;
  userId?: string;
  providerPaymentId?: string | null;
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`app-store receipts, admin refunds and admin order views on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    const run = randomBytes(4).toString('hex');
    let keyCounter = 0;
    before(async () => {
      // Tests here buy more often than a new account may in a day; the limits have their own tests.
      t = await createTestApp(engine, { env: { SANDBOX_DISPUTE_DELAY_MS: '30', STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });

    const key = () => `refunds-receipts:${run}:${++keyCounter}`;
    const call = (user: SignedInUser, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload }) });

    /** The coins the user sees in their wallet. */
    async function walletCoins(user: SignedInUser): Promise<number> {
      const response = await call(user, 'GET', '/api/v1/wallet');
      assert.equal(response.statusCode, 200, response.body);
      return response.json().coins;
    }
    async function ordersOf(user: SignedInUser): Promise<ApiOrder[]> {
      const response = await call(user, 'GET', '/api/v1/orders');
      assert.equal(response.statusCode, 200, response.body);
      return response.json().orders;
    }
    async function assertAuditPasses(): Promise<void> {
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    }

    /** What the store's device SDK hands the app after a purchase. */
    async function buyInApp(user: SignedInUser, productId = 'pkg_app_700', storefront = 'US'): Promise<string> {
      const response = await call(user, 'POST', '/api/v1/sandbox/app-store/purchases', { productId, storefront });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().receipt;
    }
    const sendReceipt = (user: SignedInUser, receipt: string) => call(user, 'POST', '/api/v1/orders/app-receipts', { receipt });

    async function placeOrder(user: SignedInUser, packageId = 'pkg_web_700'): Promise<ApiOrder> {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...user.headers, 'idempotency-key': key() }, payload: { packageId } });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().order;
    }
    async function pay(user: SignedInUser, orderId: string, card: string): Promise<ApiOrder> {
      const response = await call(user, 'POST', `/api/v1/sandbox/checkout/${orderId}`, { card, webhooks: 'once' });
      assert.equal(response.statusCode, 200, response.body);
      await t.sandbox.idle();
      return response.json().order;
    }
    async function adminOrder(orderId: string): Promise<ApiOrder> {
      const response = await call(admin, 'GET', `/api/v1/admin/orders/${orderId}`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json().order;
    }
    /** Polls with short waits until the order reaches `status`. */
    async function waitForStatus(orderId: string, status: string): Promise<ApiOrder> {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        await t.sandbox.idle();
        const found = await adminOrder(orderId);
        if (found.status === status) return found;
        await sleep(20);
      }
      assert.fail(`order ${orderId} never became ${status} (is ${(await adminOrder(orderId)).status})`);
    }
    /** A web order paid with the 4242 card and credited. */
    async function paidOrder(user: SignedInUser, packageId = 'pkg_web_700'): Promise<ApiOrder> {
      const created = await placeOrder(user, packageId);
      await pay(user, created.id, CARDS.succeeds);
      return waitForStatus(created.id, 'succeeded');
    }
    const refund = (as: SignedInUser, orderId: string, reason: string) => call(as, 'POST', `/api/v1/admin/orders/${orderId}/refund`, { reason });

    describe('app-store receipts', () => {
      it('credits a genuine receipt at once at the app price; the same receipt again answers the same order', async () => {
        const listing = await t.app.inject({ method: 'GET', url: '/api/v1/store/packages?region=US&channel=app' });
        assert.equal(listing.statusCode, 200, listing.body);
        const appPackage = listing.json().packages.find((p: { id: string }) => p.id === 'pkg_app_700');
        assert.deepEqual(appPackage.price, { amount: 999, currency: 'USD' });

        const user = await signUpAndLogIn(t);
        const receipt = await buyInApp(user);
        const credited = await sendReceipt(user, receipt);
        assert.equal(credited.statusCode, 201, credited.body);
        assert.equal(credited.headers['idempotent-replayed'], undefined);
        const order: ApiOrder = credited.json().order;
        assert.equal(order.channel, 'app');
        assert.equal(order.status, 'succeeded');
        assert.equal(order.packageId, 'pkg_app_700');
        assert.deepEqual(order.price, appPackage.price);
        assert.equal(order.coins, 700);
        assert.equal(order.bonusCoins, appPackage.bonusCoins + 140, 'the package bonus and the 20% first-purchase bonus');
        assert.equal(order.totalCoins, order.coins + order.bonusCoins);
        assert.ok(order.creditTransferId);
        assert.equal(await walletCoins(user), order.totalCoins);

        const again = await sendReceipt(user, receipt);
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.headers['idempotent-replayed'], 'true');
        assert.equal(again.json().order.id, order.id);
        assert.equal(again.json().order.creditTransferId, order.creditTransferId);
        assert.equal(await walletCoins(user), order.totalCoins);
        assert.deepEqual(
          (await ordersOf(user)).map((each) => each.id),
          [order.id],
        );
      });

      it('five concurrent sends of one receipt credit it exactly once', async () => {
        const user = await signUpAndLogIn(t);
        const receipt = await buyInApp(user, 'pkg_app_350');
        const responses = await Promise.all(Array.from({ length: 5 }, () => sendReceipt(user, receipt)));
        assert.deepEqual(responses.map((response) => response.statusCode).sort(), [200, 200, 200, 200, 201], responses.map((response) => response.body).join('\n'));
        const ids = new Set(responses.map((response) => response.json().order.id));
        assert.equal(ids.size, 1);
        const order: ApiOrder = responses[0]!.json().order;
        assert.equal(order.coins, 350);
        assert.equal(await walletCoins(user), order.totalCoins);
        const purchases = await call(user, 'GET', '/api/v1/wallet/transactions?kind=coin_purchase');
        assert.equal(purchases.json().transactions.length, 1);
        assert.equal((await ordersOf(user)).length, 1);
      });

      it('the first-purchase bonus is given once, even to two receipts sent at once', async () => {
        const user = await signUpAndLogIn(t);
        const receipts = [await buyInApp(user), await buyInApp(user)];
        const responses = await Promise.all(receipts.map((receipt) => sendReceipt(user, receipt)));
        for (const response of responses) assert.equal(response.statusCode, 201, response.body);
        const later = await sendReceipt(user, await buyInApp(user));
        assert.equal(later.json().order.bonusCoins, 0, 'no bonus after the first purchase');
        const bonuses = responses.map((response) => response.json().order.bonusCoins as number).sort((a, b) => a - b);
        assert.deepEqual(bonuses, [0, 140], 'one 20% first-purchase bonus, on one of the two');
        assert.equal(await walletCoins(user), 3 * 700 + 140);
      });

      it('a receipt already credited to one account is refused for another with 409 receipt_already_used', async () => {
        const buyer = await signUpAndLogIn(t);
        const other = await signUpAndLogIn(t);
        const receipt = await buyInApp(buyer);
        assert.equal((await sendReceipt(buyer, receipt)).statusCode, 201);
        const buyerCoins = await walletCoins(buyer);

        const stolen = await sendReceipt(other, receipt);
        assert.equal(stolen.statusCode, 409, stolen.body);
        assert.equal(stolen.json().error.code, 'receipt_already_used');
        assert.equal(await walletCoins(other), 0);
        assert.deepEqual(await ordersOf(other), []);
        assert.equal(await walletCoins(buyer), buyerCoins);
      });

      it('refuses tampered and garbage receipts with 400 invalid_receipt, creating no order; the genuine one still credits', async () => {
        const user = await signUpAndLogIn(t);
        const receipt = await buyInApp(user, 'pkg_app_70');
        const [head, payload, signature] = receipt.split('.') as [string, string, string];
        const middle = Math.floor(payload.length / 2);
        const flipped = `${head}.${payload.slice(0, middle)}${payload[middle] === 'A' ? 'B' : 'A'}${payload.slice(middle + 1)}.${signature}`;
        // A bigger package named in an otherwise untouched receipt.
        const transaction = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        const upgraded = `${head}.${Buffer.from(JSON.stringify({ ...transaction, productId: 'pkg_app_7000' })).toString('base64url')}.${signature}`;
        for (const tampered of [flipped, upgraded, 'not-a-receipt', `${head}.${payload}.`, `${receipt}.extra`]) {
          const response = await sendReceipt(user, tampered);
          assert.equal(response.statusCode, 400, `${tampered}: ${response.body}`);
          assert.equal(response.json().error.code, 'invalid_receipt');
          assert.equal(response.json().error.param, 'receipt');
        }
        const empty = await sendReceipt(user, '');
        assert.equal(empty.statusCode, 400);
        assert.equal(empty.json().error.param, 'receipt');
        assert.equal(await walletCoins(user), 0);
        assert.deepEqual(await ordersOf(user), []);

        const genuine = await sendReceipt(user, receipt);
        assert.equal(genuine.statusCode, 201, genuine.body);
        assert.equal(genuine.json().order.coins, 70);
      });

      it('a receipt for a product the store does not sell in the app credits nothing', async () => {
        const user = await signUpAndLogIn(t);
        for (const [productId, status, code] of [
          ['pkg_app_nope', 404, 'package_not_found'],
          ['pkg_web_700', 400, 'package_not_offered'],
        ] as const) {
          const response = await sendReceipt(user, await buyInApp(user, productId));
          assert.equal(response.statusCode, status, `${productId}: ${response.body}`);
          assert.equal(response.json().error.code, code);
        }
        assert.equal(await walletCoins(user), 0);
        assert.deepEqual(await ordersOf(user), []);
      });

      it('a minor is refused with 403 age_restricted and credited nothing', async () => {
        const minor = await signUpAndLogIn(t, { ageYears: 15 });
        const response = await sendReceipt(minor, await buyInApp(minor));
        assert.equal(response.statusCode, 403, response.body);
        assert.equal(response.json().error.code, 'age_restricted');
        assert.equal(await walletCoins(minor), 0);
        assert.deepEqual(await ordersOf(minor), []);
      });

      it('a web order on the app channel is refused: app purchases are credited from receipts', async () => {
        const user = await signUpAndLogIn(t);
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/orders',
          headers: { ...user.headers, 'idempotency-key': key() },
          payload: { packageId: 'pkg_app_700', channel: 'app' },
        });
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().error.code, 'app_purchase_requires_receipt');
        assert.equal(response.json().error.param, 'channel');
        assert.deepEqual(await ordersOf(user), []);
      });

      it('an admin cannot refund an app-store order: the store refunds it', async () => {
        const user = await signUpAndLogIn(t);
        const order: ApiOrder = (await sendReceipt(user, await buyInApp(user))).json().order;
        const response = await refund(admin, order.id, 'Customer asked for a refund.');
        assert.equal(response.statusCode, 409, response.body);
        assert.equal(response.json().error.code, 'refund_through_store');
        assert.equal(await walletCoins(user), order.totalCoins);
        assert.equal((await adminOrder(order.id)).status, 'succeeded');
      });

      it('the ledger audit passes', assertAuditPasses);
    });

    describe('admin exceptional refunds', () => {
      it('refunds a paid order whose coins are unspent: coins and payment go back, once', async () => {
        const user = await signUpAndLogIn(t);
        await paidOrder(user, 'pkg_web_70');
        const before = await walletCoins(user);
        assert.equal(before, 84, '70 coins and the first-purchase bonus');
        const order = await paidOrder(user);
        assert.equal(await walletCoins(user), before + 700);

        const reason = 'Bought by mistake; support approved an exception.';
        const response = await refund(admin, order.id, reason);
        assert.equal(response.statusCode, 200, response.body);
        const refunded: ApiOrder = response.json().order;
        assert.equal(refunded.status, 'refunded');
        assert.equal(refunded.refund?.reason, reason);
        assert.ok(refunded.refund?.transferId);
        assert.equal(refunded.userId, user.id);
        assert.equal(await walletCoins(user), before);
        assert.equal((await t.sandbox.paymentForOrder(order.id))?.status, 'refunded');
        assert.equal((await call(user, 'GET', `/api/v1/orders/${order.id}`)).json().order.status, 'refunded');

        const again = await refund(admin, order.id, 'Pressed twice.');
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.json().order.status, 'refunded');
        assert.deepEqual(again.json().order.refund, refunded.refund, 'the first refund stands');
        assert.equal(await walletCoins(user), before);

        const history = await call(user, 'GET', '/api/v1/wallet/transactions?kind=coin_refund');
        assert.equal(history.statusCode, 200, history.body);
        const entries = history.json().transactions;
        assert.equal(entries.length, 1);
        assert.equal(entries[0].id, refunded.refund?.transferId);
        assert.equal(entries[0].direction, 'debit');
        assert.equal(entries[0].amount, 700);
        assert.equal(entries[0].reference.orderId, order.id);
      });

      it('two refunds of one order at once take the coins back once', async () => {
        const user = await signUpAndLogIn(t);
        const order = await paidOrder(user);
        const responses = await Promise.all([refund(admin, order.id, 'First click.'), refund(admin, order.id, 'Second click.')]);
        for (const response of responses) assert.equal(response.statusCode, 200, response.body);
        assert.equal(await walletCoins(user), 0);
        assert.equal((await adminOrder(order.id)).status, 'refunded');
        assert.equal((await call(user, 'GET', '/api/v1/wallet/transactions?kind=coin_refund')).json().transactions.length, 1);
      });

      it('refuses with 409 coins_already_spent once part of the coins were spent, changing nothing', async () => {
        const user = await signUpAndLogIn(t);
        const order = await paidOrder(user);
        assert.equal(order.totalCoins, 840);
        await t.ledger.submit({
          type: 'posted',
          idempotencyKey: key(),
          legs: [
            { accountId: userCoinWalletId(user.id), asset: COIN, direction: 'debit', amount: 100 },
            { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit', amount: 100 },
          ],
          metadata: { kind: 'gift' },
        });
        assert.equal(await walletCoins(user), 740);

        const response = await refund(admin, order.id, 'Customer asked for a refund.');
        assert.equal(response.statusCode, 409, response.body);
        assert.equal(response.json().error.code, 'coins_already_spent');
        const unchanged = await adminOrder(order.id);
        assert.equal(unchanged.status, 'succeeded');
        assert.equal(unchanged.refund, null);
        assert.equal(await walletCoins(user), 740);
        assert.equal((await t.sandbox.paymentForOrder(order.id))?.status, 'succeeded', 'the money stays paid');
      });

      it('refuses an unpaid or failed order with 409 order_not_paid', async () => {
        const user = await signUpAndLogIn(t);
        const unpaid = await placeOrder(user);
        const failed = await placeOrder(user);
        assert.equal((await pay(user, failed.id, CARDS.declined)).status, 'failed');
        for (const order of [unpaid, failed]) {
          const response = await refund(admin, order.id, 'Customer asked for a refund.');
          assert.equal(response.statusCode, 409, response.body);
          assert.equal(response.json().error.code, 'order_not_paid');
        }
        assert.equal((await adminOrder(unpaid.id)).status, 'created');
        assert.equal(await walletCoins(user), 0);
      });

      it('refuses a charged-back order with 409 order_disputed', async () => {
        const user = await signUpAndLogIn(t);
        const created = await placeOrder(user);
        await pay(user, created.id, CARDS.disputedLater);
        await waitForStatus(created.id, 'disputed');
        assert.equal(await walletCoins(user), 0, 'clawed back');

        const response = await refund(admin, created.id, 'Customer asked for a refund.');
        assert.equal(response.statusCode, 409, response.body);
        assert.equal(response.json().error.code, 'order_disputed');
        const unchanged = await adminOrder(created.id);
        assert.equal(unchanged.status, 'disputed');
        assert.equal(unchanged.refund, null);
        assert.equal(await walletCoins(user), 0);
      });

      it('is for admins only, needs a reason of 3 characters or more, and answers 404 for an unknown order', async () => {
        const user = await signUpAndLogIn(t);
        const order = await paidOrder(user);
        const byUser = await refund(user, order.id, 'I want my money back.');
        assert.equal(byUser.statusCode, 403, byUser.body);
        const short = await refund(admin, order.id, 'no');
        assert.equal(short.statusCode, 400, short.body);
        assert.equal(short.json().error.param, 'reason');
        const unknown = await refund(admin, 'ord_does_not_exist', 'Customer asked for a refund.');
        assert.equal(unknown.statusCode, 404, unknown.body);
        assert.equal((await adminOrder(order.id)).status, 'succeeded');
        assert.equal(await walletCoins(user), 840);
      });

      it('the ledger audit passes', assertAuditPasses);
    });

    describe('admin order views', () => {
      let buyer: SignedInUser;
      let buyerOrders: ApiOrder[];
      let disputedId: string;
      let paidId: string;
      before(async () => {
        buyer = await signUpAndLogIn(t);
        buyerOrders = await Promise.all(Array.from({ length: 5 }, () => placeOrder(buyer, 'pkg_web_70')));
        // Three orders made in the same millisecond, as under load: pagination must break the tie.
        const tied = buyerOrders.slice(2).map((order) => order.id);
        await t.db.kysely.updateTable('orders').set({ created_at: buyerOrders[2]!.createdAt }).where('id', 'in', tied).execute();
        paidId = buyerOrders[0]!.id;
        disputedId = buyerOrders[1]!.id;
        await pay(buyer, paidId, CARDS.succeeds);
        await pay(buyer, disputedId, CARDS.disputedLater);
        await waitForStatus(paidId, 'succeeded');
        await waitForStatus(disputedId, 'disputed');
        // Another buyer's order, which the buyer filter must leave out.
        await placeOrder(await signUpAndLogIn(t), 'pkg_web_70');
      });

      async function list(query: string): Promise<{ orders: ApiOrder[]; nextCursor: string | null }> {
        const response = await call(admin, 'GET', `/api/v1/admin/orders${query}`);
        assert.equal(response.statusCode, 200, response.body);
        return response.json();
      }

      it('?status=disputed lists only disputed orders, with their buyer', async () => {
        const { orders } = await list('?status=disputed');
        assert.ok(orders.length >= 1);
        assert.ok(
          orders.every((order) => order.status === 'disputed'),
          JSON.stringify(orders.map((order) => order.status)),
        );
        assert.equal(orders.find((order) => order.id === disputedId)?.userId, buyer.id);
        const mine = await list(`?status=created&userId=${buyer.id}`);
        assert.deepEqual(
          mine.orders.map((order) => order.id).sort(),
          buyerOrders
            .slice(2)
            .map((order) => order.id)
            .sort(),
        );
      });

      it('?userId= lists exactly that buyer’s orders, newest first', async () => {
        const { orders, nextCursor } = await list(`?userId=${buyer.id}`);
        assert.equal(nextCursor, null);
        assert.deepEqual(orders.map((order) => order.id).sort(), buyerOrders.map((order) => order.id).sort());
        assert.ok(orders.every((order) => order.userId === buyer.id));
        const times = orders.map((order) => order.createdAt);
        assert.deepEqual(times, [...times].sort().reverse());
      });

      it('pages of 2 with after=nextCursor return every order of the buyer exactly once, in order', async () => {
        const all = (await list(`?userId=${buyer.id}`)).orders.map((order) => order.id);
        const paged: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: { orders: ApiOrder[]; nextCursor: string | null } = await list(`?userId=${buyer.id}&limit=2${cursor === null ? '' : `&after=${cursor}`}`);
          assert.ok(page.orders.length <= 2);
          paged.push(...page.orders.map((order) => order.id));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== null && pages < 10);
        assert.equal(pages, 3);
        assert.deepEqual(paged, all);
        const bad = await call(admin, 'GET', '/api/v1/admin/orders?after=ord_nope');
        assert.equal(bad.statusCode, 400, bad.body);
        assert.equal(bad.json().error.param, 'after');
      });

      it('GET /admin/orders/:id shows the buyer and the provider payment; an unknown id is 404', async () => {
        const order = await adminOrder(paidId);
        assert.equal(order.userId, buyer.id);
        assert.equal(order.status, 'succeeded');
        assert.equal(order.providerPaymentId, (await t.sandbox.paymentForOrder(paidId))?.id);
        assert.ok(order.providerPaymentId);
        const unknown = await call(admin, 'GET', '/api/v1/admin/orders/ord_does_not_exist');
        assert.equal(unknown.statusCode, 404, unknown.body);
        assert.equal(unknown.json().error.code, 'order_not_found');
      });

      it('a viewer gets 403 on every admin order route', async () => {
        const viewer = await signUpAndLogIn(t);
        for (const [method, url] of [
          ['GET', '/api/v1/admin/orders'],
          ['GET', `/api/v1/admin/orders/${paidId}`],
          ['POST', `/api/v1/admin/orders/${paidId}/refund`],
        ] as const) {
          const response = await call(viewer, method, url, method === 'POST' ? { reason: 'Let me in.' } : undefined);
          assert.equal(response.statusCode, 403, `${method} ${url}: ${response.body}`);
        }
        const buyerToo = await call(buyer, 'GET', `/api/v1/admin/orders/${paidId}`);
        assert.equal(buyerToo.statusCode, 403, 'not even the buyer');
        assert.equal((await adminOrder(paidId)).status, 'succeeded');
      });
    });
  });
}
