import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { viewerWithCoins } from '../gifts/testing/payments.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`finance reports on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    before(async () => {
      t = await createTestApp(engine);
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
  });
}
