import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { STORE_ROUTE_ACCESS } from './routes.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`store routes on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    let viewer: SignedInUser;

    before(async () => {
      // The app registers the store routes and seeds the default catalog, as `ovation serve` does.
      t = await createTestApp(engine);
      admin = await createSignedInAdmin(t);
      viewer = await signUpAndLogIn(t);
    });
    after(async () => {
      await t?.destroy();
    });

    const get = (url: string, user?: SignedInUser) => t.app.inject({ method: 'GET', url, headers: user?.headers ?? {} });
    const send = (method: 'PUT' | 'POST', url: string, payload: unknown, user: SignedInUser | undefined = admin) =>
      t.app.inject({ method, url, payload: payload as Record<string, unknown>, headers: user?.headers ?? {} });

    describe('public catalog', () => {
      it('lists web packages for the US by default, with custom amounts', async () => {
        const response = await get('/api/v1/store/packages');
        assert.equal(response.statusCode, 200, response.body);
        const body = response.json();
        assert.equal(body.currency, 'USD');
        assert.equal(body.region, 'US');
        assert.equal(body.channel, 'web');
        assert.deepEqual(body.packages[0], { id: 'pkg_web_70', coins: 70, bonusCoins: 0, price: { amount: 74, currency: 'USD' } });
        assert.deepEqual(
          body.packages.map((p: { coins: number }) => p.coins),
          [70, 350, 700, 1400, 3500, 7000],
        );
        assert.deepEqual(body.packages.at(-1).price, { amount: 7499, currency: 'USD' });
        assert.deepEqual(body.custom, { minCoins: 30, maxCoins: 2_500_000, pricePerCoinMicros: 10_500, currency: 'USD' });
      });

      it("prices in the region's currency, per channel, for anyone signed in or not", async () => {
        const response = await get('/api/v1/store/packages?region=jp&channel=app', viewer);
        assert.equal(response.statusCode, 200, response.body);
        const body = response.json();
        assert.equal(body.currency, 'JPY');
        assert.equal(body.custom, null, 'no custom amounts in the app');
        assert.deepEqual(body.packages[0], { id: 'pkg_app_70', coins: 70, bonusCoins: 0, price: { amount: 160, currency: 'JPY' } });
        assert.equal((await get('/api/v1/store/packages?region=DE')).json().packages[0].price.currency, 'EUR');
      });

      it('refuses bad queries with the field at fault', async () => {
        for (const [query, code, param] of [
          ['region=ZZ', 'invalid_region', 'region'],
          ['region=USA', 'validation_failed', 'region'],
          ['channel=tv', 'validation_failed', 'channel'],
          ['currency=EUR', 'validation_failed', 'currency'],
        ] as const) {
          const response = await get(`/api/v1/store/packages?${query}`);
          assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
          assert.equal(response.json().error.code, code, query);
          assert.equal(response.json().error.param, param, query);
        }
      });

      it('quotes custom amounts and refuses those out of range', async () => {
        const quote = await get('/api/v1/store/custom-price?customCoins=100&region=KR');
        assert.equal(quote.statusCode, 200, quote.body);
        assert.deepEqual(quote.json(), { coins: 100, price: { amount: 1430, currency: 'KRW' } });
        const refused = await get('/api/v1/store/custom-price?customCoins=10');
        assert.equal(refused.statusCode, 400);
        assert.equal(refused.json().error.code, 'custom_amount_out_of_range');
        assert.equal(refused.json().error.param, 'customCoins');
        assert.match(refused.json().error.message, /30 to 2,500,000/);
      });
    });

    describe('admin', () => {
      it('needs an admin', async () => {
        assert.equal((await get('/api/v1/admin/store/packages')).statusCode, 401);
        assert.equal((await get('/api/v1/admin/store/packages', viewer)).statusCode, 403);
        assert.equal((await send('PUT', '/api/v1/admin/store/promotions/x', { kind: 'first_purchase', bonusPercent: 10 }, viewer)).statusCode, 403);
        const response = await get('/api/v1/admin/store/packages', admin);
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(response.json().packages.length, 12);
        assert.deepEqual(response.json().packages.find((p: { id: string }) => p.id === 'pkg_app_70').prices, { EUR: 99, GBP: 99, JPY: 160, KRW: 1500, USD: 99 });
      });

      it('creates, updates, disables and re-enables a package', async () => {
        const prices = { USD: 1050, EUR: 980, GBP: 840, JPY: 1570, KRW: 14_300 };
        const created = await send('PUT', '/api/v1/admin/store/packages/pkg_web_1000', { channel: 'web', coins: 1000, prices });
        assert.equal(created.statusCode, 201, created.body);
        assert.equal(created.json().package.enabled, true);
        const updated = await send('PUT', '/api/v1/admin/store/packages/pkg_web_1000', { bonusCoins: 100 });
        assert.equal(updated.statusCode, 200, updated.body);
        assert.equal(updated.json().package.bonusCoins, 100);
        assert.deepEqual(updated.json().package.prices, prices);

        const listed = (await get('/api/v1/store/packages?region=GB')).json().packages;
        assert.deepEqual(listed[3], { id: 'pkg_web_1000', coins: 1000, bonusCoins: 100, price: { amount: 840, currency: 'GBP' } });

        const disabled = await send('POST', '/api/v1/admin/store/packages/pkg_web_1000/enabled', { enabled: false });
        assert.equal(disabled.statusCode, 200, disabled.body);
        assert.equal(disabled.json().package.enabled, false);
        assert.equal((await get('/api/v1/store/packages')).json().packages.length, 6);
        assert.equal((await send('POST', '/api/v1/admin/store/packages/pkg_web_1000/enabled', { enabled: true })).json().package.enabled, true);
        assert.equal((await send('POST', '/api/v1/admin/store/packages/pkg_nope/enabled', { enabled: true })).statusCode, 404);
      });

      it('answers invalid packages with 400 and the field at fault', async () => {
        for (const [payload, code, param] of [
          [{ channel: 'web', coins: 10, prices: { USD: 11 } }, 'prices_incomplete', 'prices'],
          [{ channel: 'web', coins: 0, prices: {} }, 'invalid_coins', 'coins'],
          [{ channel: 'web', coins: 10, prices: { USD: 0.74 } }, 'validation_failed', 'prices.USD'],
          [{ channel: 'web', coins: '10' }, 'validation_failed', 'coins'],
          [{ channel: 'web', coins: 10, price: 5 }, 'validation_failed', 'price'],
        ] as const) {
          const response = await send('PUT', '/api/v1/admin/store/packages/pkg_bad', payload);
          assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
          assert.equal(response.json().error.code, code, JSON.stringify(payload));
          assert.equal(response.json().error.param, param, JSON.stringify(payload));
        }
      });

      it('creates and changes promotions', async () => {
        const created = await send('PUT', '/api/v1/admin/store/promotions/spring_2027', {
          kind: 'seasonal',
          bonusPercent: 15,
          startsAt: '2027-03-01T00:00:00+09:00',
          endsAt: '2027-03-15',
          regions: ['jp', 'kr'],
        });
        assert.equal(created.statusCode, 201, created.body);
        assert.deepEqual(
          { ...created.json().promotion, createdAt: undefined },
          {
            id: 'spring_2027',
            kind: 'seasonal',
            bonusPercent: 15,
            startsAt: '2027-02-28T15:00:00.000Z',
            endsAt: '2027-03-15T00:00:00.000Z',
            regions: ['JP', 'KR'],
            maxUsesPerUser: null,
            enabled: true,
            createdAt: undefined,
          },
        );
        const updated = await send('PUT', '/api/v1/admin/store/promotions/spring_2027', { enabled: false, maxUsesPerUser: 3 });
        assert.equal(updated.statusCode, 200, updated.body);
        assert.equal(updated.json().promotion.enabled, false);
        assert.equal(updated.json().promotion.maxUsesPerUser, 3);

        const invalid = await send('PUT', '/api/v1/admin/store/promotions/spring_2027', { endsAt: '2027-02-01' });
        assert.equal(invalid.statusCode, 400);
        assert.equal(invalid.json().error.code, 'ends_before_start');
        assert.equal(invalid.json().error.param, 'endsAt');
        const tooMuch = await send('PUT', '/api/v1/admin/store/promotions/big', { kind: 'first_purchase', bonusPercent: 501 });
        assert.equal(tooMuch.json().error.code, 'invalid_bonus_percent');

        const list = await get('/api/v1/admin/store/promotions', admin);
        assert.equal(list.statusCode, 200, list.body);
        assert.deepEqual(
          list
            .json()
            .promotions.map((p: { id: string }) => p.id)
            .sort(),
          ['promo_first_purchase', 'spring_2027'],
        );
      });
    });

    it('describes every store route in the OpenAPI document', async () => {
      const document = (await get('/api/openapi.json')).json();
      for (const key of Object.keys(STORE_ROUTE_ACCESS)) {
        const [method, path] = key.split(' ') as [string, string];
        const operation = document.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
        assert.ok(operation?.summary, `${key} has a summary`);
      }
    });
  });
}
