import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout } from 'node:timers/promises';
import { createSignedInAdmin, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, buyCoins, viewerWithCoins } from '../gifts/testing/payments.js';
import { platformAccountId } from '../ledger/index.js';
import { deliverDispute } from '../payments/testing/disputes.js';
import { earnDiamonds, PAYOUTS_APPROVED_AT_ONCE, payoutReadyCreator } from '../payouts/testing/creators.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

interface Figure {
  section: string;
  name: string;
  channel: string | null;
  provider: string | null;
  asset: string;
  amount: number;
  count: number | null;
  ledger: string;
}

/** The rows of an RFC 4180 document: quoted cells may hold commas, quotes (doubled) and line breaks. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted && char === '"' && text[index + 1] === '"') {
      cell += '"';
      index += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (quoted || (char !== ',' && char !== '\r')) {
      cell += char;
    } else if (char === ',') {
      row.push(cell);
      cell = '';
    } else {
      // \r\n ends a row.
      rows.push([...row, cell]);
      row = [];
      cell = '';
      index += 1;
    }
  }
  return rows;
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`finance reports on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    before(async () => {
      t = await createTestApp(engine, { env: PAYOUTS_APPROVED_AT_ONCE });
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });

    const get = (user: SignedInUser, url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...user.headers, ...headers } });
    const walletOf = async (user: SignedInUser) => (await get(user, '/api/v1/wallet')).json() as { coins: number; diamonds: number };

    it('coins outstanding equal the sum of every wallet, diamonds outstanding the creators’, then and now; only admins read it', async () => {
      const creator = await signUpCreator(t);
      const viewers = [await viewerWithCoins(t), await viewerWithCoins(t, ['pkg_web_700', 'pkg_web_700'])];
      const handle = (await t.accounts.getUser(creator.id)).handle;
      const sent = await t.app.inject({
        method: 'POST',
        url: `/api/v1/users/${handle}/gifts`,
        headers: { ...viewers[0]!.headers, 'idempotency-key': `finance-report-gift-${viewers[0]!.id}` },
        payload: { giftId: 'gift_rose', quantity: 3 },
      });
      assert.equal(sent.statusCode, 201, sent.body);
      const before = new Date().toISOString();
      const beforeWallets = await Promise.all(viewers.map(walletOf));

      // Later coins do not reach a report of an earlier instant.
      const later = await viewerWithCoins(t);
      const wallets = [...(await Promise.all(viewers.map(walletOf))), await walletOf(later), await walletOf(admin)];
      const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

      const now = await get(admin, '/api/v1/admin/finance/balances');
      assert.equal(now.statusCode, 200, now.body);
      assert.equal(now.json().coinsOutstanding, sum(wallets.map((wallet) => wallet.coins)));
      assert.equal(now.json().diamondsOutstanding, (await walletOf(creator)).diamonds);
      assert.ok(now.json().diamondsOutstanding > 0);
      const byAsset = new Map<string, number>();
      for (const row of now.json().byKind as { asset: string; balance: number }[]) byAsset.set(row.asset, (byAsset.get(row.asset) ?? 0) + row.balance);
      for (const [asset, total] of byAsset) assert.equal(total, 0, `${asset} sums to zero`);

      const then = await get(admin, `/api/v1/admin/finance/balances?at=${encodeURIComponent(before)}`);
      assert.equal(then.json().coinsOutstanding, sum(beforeWallets.map((wallet) => wallet.coins)));

      const csv = await get(admin, '/api/v1/admin/finance/balances?format=csv');
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      assert.ok(csv.body.startsWith('at,kind,asset,balance\r\n'));
      assert.ok(csv.body.includes(`,coins_outstanding,COIN,${now.json().coinsOutstanding}\r\n`), csv.body);

      for (const user of [creator, viewers[0]!]) assert.equal((await get(user, '/api/v1/admin/finance/balances')).statusCode, 403);
      const bad = await get(admin, '/api/v1/admin/finance/balances?at=yesterday');
      assert.equal(bad.statusCode, 400, bad.body);
    });

    it('the period report sums what sales, refunds, chargebacks, payouts and goodwill moved, by source and currency, exactly; CSV as JSON; boundaries; only admins', async () => {
      const secondAdmin = await createSignedInAdmin(t);
      const from = t.clock.now().toISOString();
      const revenueBefore = await balanceOf(t, platformAccountId('revenue', 'USD'));

      const kept = await viewerWithCoins(t);
      const refunded = await viewerWithCoins(t);
      const disputed = await viewerWithCoins(t);
      const appBuyer = await signUpAndLogIn(t);
      const receipt = (await t.app.inject({ method: 'POST', url: '/api/v1/sandbox/app-store/purchases', headers: appBuyer.headers, payload: { productId: 'pkg_app_700', storefront: 'US' } })).json()
        .receipt;
      const credited = await t.app.inject({ method: 'POST', url: '/api/v1/orders/app-receipts', headers: appBuyer.headers, payload: { receipt } });
      assert.ok([200, 201].includes(credited.statusCode), credited.body);
      const creator = await payoutReadyCreator(t);
      const galaxyBuyer = await earnDiamonds(t, creator, 4);
      const payout = await t.app.inject({
        method: 'POST',
        url: '/api/v1/payouts',
        headers: { ...creator.headers, 'idempotency-key': `finance-payout-${creator.id}` },
        payload: { diamonds: 4000, methodId: creator.methodId },
      });
      assert.equal(payout.json().payout.status, 'paid', payout.body);

      const orderOf = (user: SignedInUser) => t.db.kysely.selectFrom('orders').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
      const refundedOrder = await orderOf(refunded);
      const refund = await t.app.inject({ method: 'POST', url: `/api/v1/admin/orders/${refundedOrder.id}/refund`, headers: admin.headers, payload: { reason: 'Bought by mistake' } });
      assert.equal(refund.statusCode, 200, refund.body);
      assert.equal((await deliverDispute(t, disputed)).response.statusCode, 200);
      const grant = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/admin/goodwill-grants',
          headers: { ...admin.headers, 'idempotency-key': `finance-goodwill-${kept.id}` },
          payload: { userId: kept.id, coins: 250, reason: 'Stream outage' },
        })
      ).json().grant;
      const approved = await t.app.inject({ method: 'POST', url: `/api/v1/admin/goodwill-grants/${grant.id}/approve`, headers: secondAdmin.headers });
      assert.equal(approved.statusCode, 200, approved.body);
      // A sale where tax applies: its tax_payable leg is not revenue.
      const taxRate = await t.app.inject({ method: 'POST', url: '/api/v1/admin/tax-rates', headers: admin.headers, payload: { region: 'DE', ratePercent: '20', pricing: 'inclusive' } });
      assert.equal(taxRate.statusCode, 201, taxRate.body);
      const taxedBuyer = await signUpAndLogIn(t, { region: 'DE' });
      await buyCoins(t, taxedBuyer, ['pkg_web_700']);
      const to = new Date(t.clock.now().getTime() + 1).toISOString();

      const report = await get(admin, `/api/v1/admin/finance/report?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      assert.equal(report.statusCode, 200, report.body);
      const figures = report.json().figures as Figure[];
      const figure = (section: string, name: string, asset: string, channel: string | null = null) =>
        figures.filter((each) => each.section === section && each.name === name && each.asset === asset && (channel === null || each.channel === channel)).reduce((sum, each) => sum + each.amount, 0);

      // What the orders say, independently of the ledger: each sale's price, fee and tax; coins and bonus.
      const orders = await Promise.all([kept, refunded, disputed, appBuyer, galaxyBuyer].map(orderOf));
      const taxed = await orderOf(taxedBuyer);
      assert.ok(orders.every((order) => order.currency === 'USD') && taxed.currency === 'EUR' && taxed.tax_minor > 0n, 'the sale in Germany is in EUR and carries VAT');
      const net = (order: (typeof orders)[number]) => Number(order.amount_minor - order.fee_minor - order.tax_minor);
      const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
      const web = orders.filter((order) => order.channel === 'web');
      const app = orders.filter((order) => order.channel === 'app');
      assert.deepEqual([web.length, app.length], [4, 1]);
      assert.equal(figure('sales', 'gross', 'USD', 'web'), sum(web.map((order) => Number(order.amount_minor))));
      assert.equal(figure('sales', 'gross', 'USD', 'app'), sum(app.map((order) => Number(order.amount_minor))));
      assert.equal(figure('sales', 'fees', 'USD', 'app'), Number(app[0]!.fee_minor));
      assert.ok(app[0]!.fee_minor > 0n, 'the app store’s commission');
      assert.equal(figure('sales', 'revenue', 'USD'), sum(orders.map(net)), 'net of fees and of the tax payable');
      const appSales = figures.find((each) => each.section === 'sales' && each.name === 'gross' && each.channel === 'app')!;
      assert.deepEqual([appSales.provider, appSales.count], [app[0]!.provider, 1]);
      const disputedOrder = orders[2]!;
      assert.equal(figure('refunds', 'gross', 'USD'), Number(refundedOrder.amount_minor));
      assert.equal(figure('refunds', 'revenue', 'USD'), net(refundedOrder));
      assert.equal(figure('chargebacks', 'gross', 'USD'), Number(disputedOrder.amount_minor));
      assert.equal(figure('chargebacks', 'coins', 'COIN'), Number(disputedOrder.coins + disputedOrder.bonus_coins));
      const revenueNet = sum(orders.map(net)) - net(refundedOrder) - net(disputedOrder);
      assert.equal(figure('revenue', 'net', 'USD'), revenueNet);
      assert.equal(figure('fees', 'store', 'USD', 'app'), Number(app[0]!.fee_minor));
      assert.equal(figure('payouts', 'sent', 'USD'), 2000, '4,000 diamonds at 0.005 USD');
      assert.equal(figure('payouts', 'diamonds', 'DIAMOND'), 4000);
      // The revenue account moved by exactly what the report says came in and went out.
      assert.equal(Number((await balanceOf(t, platformAccountId('revenue', 'USD'))) - revenueBefore), revenueNet - 2000);
      assert.equal(figure('coins', 'sold', 'COIN'), sum([...orders, taxed].map((order) => Number(order.coins))));
      assert.equal(figure('coins', 'bonus', 'COIN'), sum([...orders, taxed].map((order) => Number(order.bonus_coins))));
      assert.equal(figure('coins', 'goodwill', 'COIN'), 250);
      assert.equal(figure('diamonds', 'earned', 'DIAMOND'), 4000);
      assert.equal(figure('diamonds', 'earned_value', 'USD'), 2000);
      assert.equal(figure('take', 'platform', 'USD'), revenueNet - 2000);
      assert.equal(figure('sales', 'gross', 'EUR'), Number(taxed.amount_minor));
      assert.equal(figure('sales', 'fees', 'EUR'), Number(taxed.fee_minor));
      assert.equal(figure('revenue', 'net', 'EUR'), net(taxed), 'net of the tax payable');
      const balances = (await get(admin, `/api/v1/admin/finance/balances?at=${encodeURIComponent(to)}`)).json();
      assert.equal(figure('outstanding', 'coins', 'COIN'), balances.coinsOutstanding);
      assert.equal(figure('outstanding', 'diamonds', 'DIAMOND'), balances.diamondsOutstanding);
      const creators = await t.db.kysely.selectFrom('ledger_accounts').select('owner_id').where('kind', '=', 'user_diamond').where('posted', '!=', 0n).execute();
      const values = await Promise.all(creators.map((row) => t.services.diamondValues.balanceValue(row.owner_id!)));
      assert.equal(figure('outstanding', 'diamonds_value', 'USD'), Number(values.reduce((total, value) => total + value.amount, 0n)));
      for (const each of figures) assert.ok(each.ledger.length > 10, `${each.section}.${each.name} says how it ties to the ledger`);

      // The CSV holds the same figures, line for line.
      const csv = await get(admin, `/api/v1/admin/finance/report?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { accept: 'text/csv' });
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      const [header, ...rows] = csvRows(csv.body);
      assert.deepEqual(header, ['from', 'to', 'section', 'name', 'channel', 'provider', 'asset', 'amount', 'count', 'ledger']);
      assert.deepEqual(
        rows,
        figures.map((each) => [
          from,
          to,
          each.section,
          each.name,
          each.channel ?? '',
          each.provider ?? '',
          each.asset,
          String(each.amount),
          each.count === null ? '' : String(each.count),
          each.ledger,
        ]),
      );

      // Boundaries: a transfer at `from` is in, one at `to` is not.
      const goodwillAt = (await t.ledger.getTransfer(approved.json().grant.transferId))!.createdAt;
      const goodwillIn = async (start: string, end: string) => {
        const answer = await get(admin, `/api/v1/admin/finance/report?from=${encodeURIComponent(start)}&to=${encodeURIComponent(end)}`);
        assert.equal(answer.statusCode, 200, answer.body);
        return (answer.json().figures as Figure[]).find((each) => each.section === 'coins' && each.name === 'goodwill')!.amount;
      };
      assert.equal(await goodwillIn(goodwillAt, new Date(new Date(goodwillAt).getTime() + 1).toISOString()), 250);
      assert.equal(await goodwillIn(from, goodwillAt), 0);

      assertRefused(await get(admin, `/api/v1/admin/finance/report?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`), 400, 'invalid_date_range');
      assert.equal((await get(admin, '/api/v1/admin/finance/report?from=yesterday')).statusCode, 400);
      for (const user of [creator, kept]) assertRefused(await get(user, '/api/v1/admin/finance/report'), 403, 'role_required');
    });

    it('diamonds earned across a change of the diamond value are each worth the value in force when earned', async () => {
      const creator = await signUpCreator(t);
      // The ledger stamps transfers with the real time, which the test clock does not move: the value starts soon, and the test waits for it.
      const from = new Date().toISOString();
      const effectiveFrom = new Date(Date.now() + 1500).toISOString();
      const scheduled = await t.app.inject({ method: 'POST', url: '/api/v1/admin/diamond-values', headers: admin.headers, payload: { amount: '0.006', effectiveFrom } });
      assert.equal(scheduled.statusCode, 201, scheduled.body);
      await earnDiamonds(t, creator, 1);
      await setTimeout(1600);
      await earnDiamonds(t, creator, 1);
      const to = new Date(Date.now() + 1).toISOString();
      const report = await get(admin, `/api/v1/admin/finance/report?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      const figures = report.json().figures as Figure[];
      const amountOf = (section: string, name: string) => figures.find((each) => each.section === section && each.name === name)!.amount;
      assert.equal(amountOf('diamonds', 'earned'), 2000);
      assert.equal(amountOf('diamonds', 'earned_value'), 500 + 600, '1,000 diamonds at 0.005 USD, then 1,000 at 0.006 USD');
      assert.equal((await t.services.diamondValues.balanceValue(creator.id)).amount, 1100n);
    });
  });
}
