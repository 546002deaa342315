import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { auditEverything } from '../audit/index.js';
import { platformAccountId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

/** A web package at round prices, so the examples read as in docs/finance.md: 10.00 in every currency with cents. */
const PACKAGE = 'pkg_web_tax_1000';
const PRICES = { USD: 1000, EUR: 1000, GBP: 1000, JPY: 1000, KRW: 10000 };

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`tax on sales on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    let keys = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', SANDBOX_DISPUTE_DELAY_MS: '30' } });
      admin = await createSignedInAdmin(t);
      const made = await t.app.inject({ method: 'PUT', url: `/api/v1/admin/store/packages/${PACKAGE}`, headers: admin.headers, payload: { channel: 'web', coins: 1000, prices: PRICES } });
      assert.equal(made.statusCode, 201, made.body);
    });
    after(async () => {
      await t?.destroy();
    });

    const call = (user: SignedInUser, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload }) });
    const setRate = (as: SignedInUser, body: Record<string, unknown>) => call(as, 'POST', '/api/v1/admin/tax-rates', body);
    async function assertAuditPasses(): Promise<void> {
      const report = await auditEverything(t.db);
      assert.equal(report.ok, true, JSON.stringify(report.checks.filter((check) => check.violations.length > 0)));
    }
    const taxPayable = async (currency: string) => (await t.ledger.getAccount(platformAccountId('tax_payable', currency)))?.posted ?? 0n;

    /** Places and pays an order for the package; answers it as the buyer then sees it. */
    async function buy(buyer: SignedInUser, card = '4242424242424242') {
      const placed = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...buyer.headers, 'idempotency-key': `tax-${++keys}` }, payload: { packageId: PACKAGE } });
      assert.equal(placed.statusCode, 201, placed.body);
      const id = placed.json().order.id as string;
      const paid = await call(buyer, 'POST', `/api/v1/sandbox/checkout/${id}`, { card, webhooks: 'once' });
      assert.equal(paid.statusCode, 200, paid.body);
      await t.sandbox.idle();
      const order = (await call(buyer, 'GET', `/api/v1/orders/${id}`)).json().order;
      assert.notEqual(order.creditTransferId, null);
      return { placed: placed.json().order, order };
    }
    /** The credit transfer's money legs, by platform account. */
    async function moneyLegs(transferId: string): Promise<Record<string, number>> {
      const transfer = await t.ledger.getTransfer(transferId);
      const legs: Record<string, number> = {};
      for (const leg of transfer!.legs)
        if (leg.accountId.startsWith('platform:') && !['COIN', 'DIAMOND'].includes(leg.asset)) legs[leg.accountId.split(':')[1]!] = Number(leg.amount) * (leg.direction === 'credit' ? 1 : -1);
      return legs;
    }

    it('only admins set and read tax rates; a rate starts now or later, once per region and instant, also when two admins send it at once', async () => {
      const viewer = await signUpAndLogIn(t);
      const creator = await signUpCreator(t);
      for (const user of [viewer, creator]) {
        assert.equal((await setRate(user, { region: 'IT', ratePercent: '22', pricing: 'inclusive' })).statusCode, 403);
        assert.equal((await call(user, 'GET', '/api/v1/admin/tax-rates')).statusCode, 403);
      }
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/admin/tax-rates' })).statusCode, 401);

      const past = await setRate(admin, { region: 'IT', ratePercent: '22', pricing: 'inclusive', effectiveFrom: new Date(t.clock.now().getTime() - 60_000).toISOString() });
      assert.equal(past.statusCode, 400, past.body);
      assert.equal(past.json().error.code, 'effective_date_in_past');
      for (const ratePercent of ['100', '-1', '7.12345', 'twenty']) {
        const bad = await setRate(admin, { region: 'IT', ratePercent, pricing: 'inclusive' });
        assert.equal(bad.statusCode, 400, `${ratePercent}: ${bad.body}`);
      }
      assert.equal((await setRate(admin, { region: 'XX1', ratePercent: '22', pricing: 'inclusive' })).statusCode, 400);

      const secondAdmin = await createSignedInAdmin(t);
      const effectiveFrom = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
      const raced = await Promise.all([admin, secondAdmin, admin, secondAdmin].map((as, index) => setRate(as, { region: 'IT', ratePercent: String(20 + index), pricing: 'inclusive', effectiveFrom })));
      assert.deepEqual(raced.map((response) => response.statusCode).sort(), [201, 409, 409, 409]);
      assert.ok(raced.filter((response) => response.statusCode === 409).every((response) => response.json().error.code === 'tax_rate_exists'));
      const listed = (await call(admin, 'GET', '/api/v1/admin/tax-rates?region=it')).json().taxRates;
      assert.equal(listed.length, 1);
      assert.equal(listed[0].effectiveFrom, effectiveFrom);
      assert.equal(listed[0].pricing, 'inclusive');
    });

    it('an inclusive price carries its tax: a 10.00 EUR sale at 20% books 1.67 tax payable in the sale’s transfer, and an admin refund takes it back', async () => {
      assert.equal((await setRate(admin, { region: 'DE', ratePercent: '20', pricing: 'inclusive' })).statusCode, 201);
      const buyer = await signUpAndLogIn(t, { region: 'DE' });
      const before = await taxPayable('EUR');
      const { order } = await buy(buyer);
      assert.deepEqual(order.price, { amount: 1000, currency: 'EUR' });
      assert.deepEqual(order.tax, { amount: 167, currency: 'EUR', ratePercent: '20', pricing: 'inclusive' });
      // 1000 paid: 29 card fee, 167 tax, 804 revenue (833 net of tax, less the fee).
      assert.deepEqual(await moneyLegs(order.creditTransferId), { payment_clearing: -1000, store_fees: 29, tax_payable: 167, revenue: 804 });
      assert.equal((await taxPayable('EUR')) - before, 167n);

      const receipt = (await call(buyer, 'GET', `/api/v1/orders/${order.id}/receipt`)).json().receipt;
      assert.equal(receipt.total.formatted, '€10.00');
      assert.equal(receipt.subtotal.formatted, '€8.33');
      assert.equal(receipt.tax.formatted, '€1.67');
      assert.equal(receipt.tax.label, 'VAT 20% included');

      const refunded = await call(admin, 'POST', `/api/v1/admin/orders/${order.id}/refund`, { reason: 'Bought by mistake' });
      assert.equal(refunded.statusCode, 200, refunded.body);
      assert.equal(await taxPayable('EUR'), before);
      await assertAuditPasses();
    });

    it('an exclusive price has the tax added: the buyer pays 10.00 + 8.875% = 10.89 USD and the receipt shows it', async () => {
      assert.equal((await setRate(admin, { region: 'US', ratePercent: '8.875', pricing: 'exclusive' })).statusCode, 201);
      const buyer = await signUpAndLogIn(t, { region: 'US' });
      const before = await taxPayable('USD');
      const { placed, order } = await buy(buyer);
      // The provider is asked for the total, tax included.
      assert.deepEqual(placed.price, { amount: 1089, currency: 'USD' });
      assert.deepEqual(order.tax, { amount: 89, currency: 'USD', ratePercent: '8.875', pricing: 'exclusive' });
      assert.deepEqual(await moneyLegs(order.creditTransferId), { payment_clearing: -1089, store_fees: 32, tax_payable: 89, revenue: 968 });
      assert.equal((await taxPayable('USD')) - before, 89n);
      const receipt = (await call(buyer, 'GET', `/api/v1/orders/${order.id}/receipt`)).json().receipt;
      assert.equal(receipt.subtotal.formatted, '$10.00');
      assert.equal(receipt.tax.label, 'Tax 8.875%');
      assert.equal(receipt.total.formatted, '$10.89');
    });

    it('a new rate counts for orders priced from its start; orders priced before keep theirs, paid before or after', async () => {
      assert.equal((await setRate(admin, { region: 'FR', ratePercent: '20', pricing: 'inclusive' })).statusCode, 201);
      const buyer = await signUpAndLogIn(t, { region: 'FR' });
      const first = await buy(buyer);
      const waiting = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...buyer.headers, 'idempotency-key': `tax-${++keys}` }, payload: { packageId: PACKAGE } });
      const from = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
      assert.equal((await setRate(admin, { region: 'FR', ratePercent: '5.5', pricing: 'inclusive', effectiveFrom: from })).statusCode, 201);
      t.clock.advance(2 * 3_600_000);
      const later = await buy(buyer);
      assert.equal(later.order.tax.amount, 52); // 1000 × 5.5 / 105.5 = 52.13
      assert.equal(later.order.tax.ratePercent, '5.5');
      // Paid after the change, priced before it: 20%.
      const paid = await call(buyer, 'POST', `/api/v1/sandbox/checkout/${waiting.json().order.id}`, { card: '4242424242424242', webhooks: 'once' });
      assert.equal(paid.statusCode, 200, paid.body);
      await t.sandbox.idle();
      const waited = (await call(buyer, 'GET', `/api/v1/orders/${waiting.json().order.id}`)).json().order;
      assert.equal(waited.tax.amount, 167);
      const firstAgain = (await call(buyer, 'GET', `/api/v1/orders/${first.order.id}/receipt`)).json().receipt;
      assert.equal(firstAgain.tax.amount, 167);
      assert.equal(firstAgain.tax.ratePercent, '20');
    });

    it('a chargeback takes the sale’s tax back with its coins', async () => {
      const buyer = await signUpAndLogIn(t, { region: 'DE' });
      const before = await taxPayable('EUR');
      const { order } = await buy(buyer, '4000000000000259');
      assert.equal(order.tax.amount, 167);
      for (let waited = 0; waited < 100; waited += 1) {
        await t.sandbox.idle();
        if ((await call(buyer, 'GET', `/api/v1/orders/${order.id}`)).json().order.status === 'disputed') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal((await call(buyer, 'GET', `/api/v1/orders/${order.id}`)).json().order.status, 'disputed');
      assert.equal(await taxPayable('EUR'), before);
      const receipt = (await call(buyer, 'GET', `/api/v1/orders/${order.id}/receipt`)).json().receipt;
      assert.equal(receipt.status, 'charged_back');
      await assertAuditPasses();
    });

    it('an app-store sale is taxed too, with the store’s commission on the price net of tax', async () => {
      assert.equal((await setRate(admin, { region: 'AT', ratePercent: '20', pricing: 'inclusive' })).statusCode, 201);
      const buyer = await signUpAndLogIn(t, { region: 'AT' });
      const receipt = (await call(buyer, 'POST', '/api/v1/sandbox/app-store/purchases', { productId: 'pkg_app_700', storefront: 'AT' })).json().receipt;
      const credited = await call(buyer, 'POST', '/api/v1/orders/app-receipts', { receipt });
      assert.equal(credited.statusCode, 201, credited.body);
      const order = credited.json().order;
      // 9.99 EUR: 999 × 20 / 120 = 166.5, rounded half up to 167; 30% of the 832 net is 249.6, rounded up to 250.
      assert.deepEqual(order.tax, { amount: 167, currency: 'EUR', ratePercent: '20', pricing: 'inclusive' });
      assert.deepEqual(await moneyLegs(order.creditTransferId), { payment_clearing: -999, store_fees: 250, tax_payable: 167, revenue: 582 });
    });

    it('the tax report’s figures are the tax legs of the ledger: sales less refunds, by currency, for any period', async () => {
      const report = await call(admin, 'GET', `/api/v1/admin/finance/tax?from=2000-01-01T00:00:00Z&to=${encodeURIComponent(new Date(t.clock.now().getTime() + 1000).toISOString())}`);
      assert.equal(report.statusCode, 200, report.body);
      const byCurrency = new Map((report.json().currencies as { currency: string; collected: number; reversed: number; payable: number }[]).map((row) => [row.currency, row]));
      for (const currency of ['EUR', 'USD']) {
        assert.equal(byCurrency.get(currency)!.payable, Number(await taxPayable(currency)), currency);
        assert.equal(byCurrency.get(currency)!.collected - byCurrency.get(currency)!.reversed, byCurrency.get(currency)!.payable);
      }
      // EUR: DE 167 refunded and 167 charged back, FR 167 + 52 + 167, AT 167.
      assert.deepEqual(byCurrency.get('EUR'), { currency: 'EUR', collected: 167 * 5 + 52, reversed: 167 * 2, payable: 167 * 3 + 52, sales: 6, reversals: 2 });
      const csv = await call(admin, 'GET', `/api/v1/admin/finance/tax?from=2000-01-01T00:00:00Z&format=csv`);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      assert.ok(csv.body.startsWith('at,transferId,kind,orderId,currency,tax\r\n'), csv.body);
      assert.equal(csv.body.trim().split('\r\n').length, 1 + 9 + 2, csv.body);
      for (const user of [await signUpAndLogIn(t), await signUpCreator(t)]) {
        assert.equal((await call(user, 'GET', '/api/v1/admin/finance/tax')).statusCode, 403);
        assert.equal((await call(user, 'GET', '/api/v1/admin/orders?format=csv')).statusCode, 403);
      }

      // The orders export carries each sale's tax: the US order's 10.89 is 0.89 tax on 10.00.
      const orders = await call(admin, 'GET', '/api/v1/admin/orders?format=csv');
      assert.match(orders.headers['content-type'] as string, /^text\/csv/);
      const [header, ...rows] = orders.body.trim().split('\r\n');
      assert.equal(header, 'id,createdAt,creditedAt,userId,status,channel,region,coins,bonusCoins,currency,total,tax,taxRatePercent,taxPricing,netOfTax,provider,providerPaymentId');
      assert.ok(
        rows.some((row) => row.includes(',US,1000,') && row.includes(',USD,1089,89,8.875,exclusive,1000,sandbox,')),
        orders.body,
      );
      assert.equal(rows.filter((row) => row.includes(',EUR,1000,167,20,inclusive,833,')).length, 4, orders.body);
      await assertAuditPasses();
    });
  });
}
