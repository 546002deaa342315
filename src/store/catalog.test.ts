import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../config/index.js';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../db/testing/databases.js';
import { minorUnitDigits } from '../ledger/index.js';
import { createCatalog, currencyForRegion, customPriceMinor, loadStoreConfig, type Catalog, type SalesChannel } from './catalog.js';
import { rejectsWith } from '../server/testing/errors.js';

const STORE_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'KRW'] as const;
const COIN_AMOUNTS = [70, 350, 700, 1400, 3500, 7000];

describe('store configuration', () => {
  it('has the documented defaults', () => {
    const config = loadStoreConfig({});
    assert.equal(config.appFeePercent, 30);
    assert.equal(config.customCoinsMin, 30);
    assert.equal(config.customCoinsMax, 2_500_000);
    assert.equal(config.customPricePerCoinMicros.USD, 10_500n);
    for (const currency of STORE_CURRENCIES) assert.ok(config.customPricePerCoinMicros[currency]! > 0n, currency);
  });

  it('reads the variables and names the one at fault', () => {
    const config = loadStoreConfig({ STORE_APP_FEE_PERCENT: '15', STORE_CUSTOM_COINS_MIN: '100', STORE_CUSTOM_COINS_MAX: ' 1000 ', STORE_CUSTOM_COIN_PRICE_MICROS: 'usd:12000, CAD:14000' });
    assert.deepEqual([config.appFeePercent, config.customCoinsMin, config.customCoinsMax], [15, 100, 1000]);
    assert.equal(config.customPricePerCoinMicros.USD, 12_000n);
    assert.equal(config.customPricePerCoinMicros.CAD, 14_000n);
    assert.equal(config.customPricePerCoinMicros.EUR, 9_800n, 'currencies not named keep their default');

    const cases: [Record<string, string>, string][] = [
      [{ STORE_APP_FEE_PERCENT: 'thirty' }, 'STORE_APP_FEE_PERCENT'],
      [{ STORE_APP_FEE_PERCENT: '100' }, 'STORE_APP_FEE_PERCENT'],
      [{ STORE_CUSTOM_COINS_MIN: '0' }, 'STORE_CUSTOM_COINS_MIN'],
      [{ STORE_CUSTOM_COINS_MAX: '1.5' }, 'STORE_CUSTOM_COINS_MAX'],
      [{ STORE_CUSTOM_COINS_MIN: '500', STORE_CUSTOM_COINS_MAX: '100' }, 'STORE_CUSTOM_COINS_MAX'],
      [{ STORE_CUSTOM_COIN_PRICE_MICROS: 'XYZ:100' }, 'STORE_CUSTOM_COIN_PRICE_MICROS'],
      [{ STORE_CUSTOM_COIN_PRICE_MICROS: 'USD:0' }, 'STORE_CUSTOM_COIN_PRICE_MICROS'],
      [{ STORE_CUSTOM_COIN_PRICE_MICROS: 'USD=10500' }, 'STORE_CUSTOM_COIN_PRICE_MICROS'],
    ];
    for (const [env, variable] of cases) {
      assert.throws(
        () => loadStoreConfig(env),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(`${variable}: `),
        JSON.stringify(env),
      );
    }
  });
});

describe('region to currency', () => {
  it('maps regions to their currency among the store currencies', () => {
    const expected: Record<string, string> = {
      US: 'USD',
      us: 'USD',
      DE: 'EUR',
      FR: 'EUR',
      IT: 'EUR',
      HR: 'EUR',
      BG: 'EUR',
      MC: 'EUR',
      GB: 'GBP',
      JP: 'JPY',
      KR: 'KRW',
      BR: 'USD',
      CA: 'USD',
      IN: 'USD',
    };
    for (const [region, currency] of Object.entries(expected)) assert.equal(currencyForRegion(region, STORE_CURRENCIES), currency, region);
    assert.equal(currencyForRegion('JP', ['USD', 'EUR']), 'USD', 'a currency the store does not sell in falls back to USD');
    assert.equal(currencyForRegion('US', ['EUR', 'GBP']), 'EUR', 'without USD, the first store currency');
    assert.equal(currencyForRegion('CA', [...STORE_CURRENCIES, 'CAD']), 'CAD', "a region's own currency once the store sells in it");
  });

  it('prices custom amounts exactly, rounding up to the minor unit', () => {
    // $0.0105 a coin: 70 coins are 73.5 cents, charged 74; 100 coins are exactly $1.05.
    assert.equal(customPriceMinor(70n, 10_500n, 'USD'), 74n);
    assert.equal(customPriceMinor(100n, 10_500n, 'USD'), 105n);
    assert.equal(customPriceMinor(2_500_000n, 10_500n, 'USD'), 2_625_000n);
    // Zero-decimal currencies: ¥1.57 a coin, 70 coins are ¥109.9, charged ¥110.
    assert.equal(customPriceMinor(70n, 1_570_000n, 'JPY'), 110n);
    assert.equal(customPriceMinor(1234n, 14_300_000n, 'KRW'), 17_647n);
    // Exact for every amount: the price is the least whole minor unit covering the exact value.
    for (let coins = 1n; coins <= 5000n; coins += 7n) {
      for (const [currency, micros] of [
        ['USD', 10_500n],
        ['EUR', 9_800n],
        ['JPY', 1_570_000n],
        ['KRW', 14_300_000n],
      ] as const) {
        const price = customPriceMinor(coins, micros, currency);
        const exact = coins * micros * 10n ** BigInt(minorUnitDigits(currency)); // in millionths of a minor unit
        assert.ok(price * 1_000_000n >= exact && (price - 1n) * 1_000_000n < exact, `${coins} coins in ${currency}: ${price}`);
      }
    }
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`store catalog on ${engine}`, { skip }, () => {
    let testDb: TestDatabase;
    let catalog: Catalog;
    let nowMs = Date.parse('2026-11-25T12:00:00Z');
    const now = () => new Date(nowMs);
    const config = loadStoreConfig({});

    before(async () => {
      testDb = await createTestDatabase(engine);
      catalog = createCatalog({ db: testDb.db, config, currencies: STORE_CURRENCIES, now });
    });
    after(async () => {
      await testDb?.destroy();
    });

    const REGION_OF: Record<string, string> = { USD: 'US', EUR: 'DE', GBP: 'GB', JPY: 'JP', KRW: 'KR' };

    describe('default catalog', () => {
      it('seeds once, even when two instances start together', async () => {
        const results = await Promise.all([catalog.seedDefaults(), catalog.seedDefaults()]);
        assert.ok(results.some((result) => result.seeded));
        assert.deepEqual(await catalog.seedDefaults(), { seeded: false });
        const all = await catalog.listAllPackages();
        assert.equal(all.length, 12);
        for (const pkg of all) {
          assert.deepEqual(Object.keys(pkg.prices).sort(), [...STORE_CURRENCIES].sort(), pkg.id);
          assert.deepEqual(pkg.missingCurrencies, []);
          assert.equal(pkg.enabled, true);
          assert.equal(pkg.bonusCoins, 0);
        }
        const promotions = await catalog.listPromotions();
        assert.equal(promotions.length, 1);
        assert.deepEqual(
          { ...promotions[0], createdAt: undefined },
          { id: 'promo_first_purchase', kind: 'first_purchase', bonusPercent: 20, startsAt: null, endsAt: null, regions: [], maxUsesPerUser: 1, enabled: true, createdAt: undefined },
        );
      });

      it('offers web packages in the US from 70 coins for $0.74 to 7,000 for $74.99', async () => {
        const packages = await catalog.listPackages('US', 'web');
        assert.deepEqual(
          packages.map((p) => [p.id, p.coins, p.price.amount, p.price.currency]),
          [
            ['pkg_web_70', 70, 74, 'USD'],
            ['pkg_web_350', 350, 370, 'USD'],
            ['pkg_web_700', 700, 740, 'USD'],
            ['pkg_web_1400', 1400, 1480, 'USD'],
            ['pkg_web_3500', 3500, 3700, 'USD'],
            ['pkg_web_7000', 7000, 7499, 'USD'],
          ],
        );
        const app = await catalog.listPackages('us', 'app');
        assert.deepEqual(
          app.map((p) => p.price.amount),
          [99, 499, 999, 1999, 4999, 9999],
        );
        assert.ok(app.every((p) => p.channel === 'app'));
      });

      it('charges at least 25% more in the app, for every package in every currency', async () => {
        for (const currency of STORE_CURRENCIES) {
          const region = REGION_OF[currency]!;
          const web = await catalog.listPackages(region, 'web');
          const app = await catalog.listPackages(region, 'app');
          assert.deepEqual(
            web.map((p) => p.coins),
            COIN_AMOUNTS,
            currency,
          );
          assert.deepEqual(
            app.map((p) => p.coins),
            COIN_AMOUNTS,
            currency,
          );
          for (const [index, webPackage] of web.entries()) {
            const appPackage = app[index]!;
            assert.equal(webPackage.price.currency, currency);
            assert.equal(appPackage.price.currency, currency);
            assert.ok(appPackage.price.amount * 100 >= webPackage.price.amount * 125, `${currency} ${webPackage.coins}: web ${webPackage.price.amount}, app ${appPackage.price.amount}`);
          }
        }
      });

      it('prices yen and won in whole, round units', async () => {
        assert.equal(minorUnitDigits('JPY'), 0);
        assert.equal(minorUnitDigits('KRW'), 0);
        const jp = await catalog.listPackages('JP', 'web');
        const kr = await catalog.listPackages('KR', 'web');
        assert.deepEqual(jp[0]!.price, { amount: 110, currency: 'JPY' });
        assert.deepEqual(kr[0]!.price, { amount: 1000, currency: 'KRW' });
        for (const channel of ['web', 'app'] as const) {
          for (const p of await catalog.listPackages('JP', channel)) assert.ok(Number.isInteger(p.price.amount) && p.price.amount % 10 === 0, `JPY ${p.price.amount}`);
          for (const p of await catalog.listPackages('KR', channel)) assert.ok(Number.isInteger(p.price.amount) && p.price.amount % 100 === 0, `KRW ${p.price.amount}`);
        }
        // Per coin, every currency is within a sensible band of the USD price.
        const usd = await catalog.listPackages('US', 'web');
        const eur = await catalog.listPackages('FR', 'web');
        assert.ok(eur.every((p, i) => p.price.amount < usd[i]!.price.amount && p.price.amount * 100 > usd[i]!.price.amount * 80));
      });

      it('shows each region its currency and refuses unknown regions and channels', async () => {
        assert.equal(catalog.currencyForRegion('de'), 'EUR');
        assert.equal(catalog.currencyForRegion('BR'), 'USD');
        assert.equal((await catalog.listPackages('BR', 'web'))[0]!.price.currency, 'USD');
        await rejectsWith(catalog.listPackages('ZZ', 'web'), 'invalid', 'invalid_region', 'region');
        await rejectsWith(catalog.listPackages('USA', 'web'), 'invalid', 'invalid_region', 'region');
        await rejectsWith(catalog.listPackages('US', 'tv' as SalesChannel), 'invalid', 'invalid_channel', 'channel');
      });
    });

    describe('pricing one package', () => {
      it('prices a package for its channel and refuses the other channel and unknown packages', async () => {
        assert.deepEqual(await catalog.pricePackage('pkg_web_700', 'GB', 'web'), { id: 'pkg_web_700', channel: 'web', coins: 700, bonusCoins: 0, price: { amount: 590, currency: 'GBP' } });
        assert.deepEqual((await catalog.pricePackage('pkg_app_700', 'JP', 'app')).price, { amount: 1600, currency: 'JPY' });
        const wrongChannel = await rejectsWith(catalog.pricePackage('pkg_web_700', 'US', 'app'), 'invalid', 'package_not_offered', 'packageId');
        assert.match(wrongChannel.message, /web channel/);
        await rejectsWith(catalog.pricePackage('pkg_nope', 'US', 'web'), 'not_found', 'package_not_found');
      });

      it('takes a disabled package off sale until it is enabled again', async () => {
        const disabled = await catalog.setPackageEnabled('pkg_web_350', false);
        assert.equal(disabled.enabled, false);
        assert.ok(!(await catalog.listPackages('US', 'web')).some((p) => p.id === 'pkg_web_350'));
        await rejectsWith(catalog.pricePackage('pkg_web_350', 'US', 'web'), 'not_found', 'package_not_found');
        assert.equal((await catalog.setPackageEnabled('pkg_web_350', true)).enabled, true);
        assert.equal((await catalog.pricePackage('pkg_web_350', 'US', 'web')).price.amount, 370);
        await rejectsWith(catalog.setPackageEnabled('pkg_missing', true), 'not_found', 'package_not_found');
      });
    });

    describe('custom amounts', () => {
      it('prices any amount in range exactly, in the region currency', () => {
        assert.deepEqual(catalog.priceCustom(70, 'US'), { coins: 70, price: { amount: 74, currency: 'USD' } });
        assert.deepEqual(catalog.priceCustom(100, 'US'), { coins: 100, price: { amount: 105, currency: 'USD' } });
        assert.deepEqual(catalog.priceCustom(30, 'US'), { coins: 30, price: { amount: 32, currency: 'USD' } }, '31.5 cents round up');
        assert.deepEqual(catalog.priceCustom(2_500_000, 'US').price, { amount: 2_625_000, currency: 'USD' });
        assert.deepEqual(catalog.priceCustom(70, 'JP').price, { amount: 110, currency: 'JPY' });
        assert.deepEqual(catalog.priceCustom(1234, 'KR').price, { amount: 17_647, currency: 'KRW' });
        assert.deepEqual(catalog.priceCustom(1000, 'ES').price, { amount: 980, currency: 'EUR' });
        assert.deepEqual(catalog.customPricing('US', 'web'), { minCoins: 30, maxCoins: 2_500_000, pricePerCoinMicros: 10_500, currency: 'USD' });
        assert.equal(catalog.customPricing('US', 'app'), null, 'custom amounts are sold on the web only');
      });

      it('refuses amounts outside the range, naming the field and the range', async () => {
        for (const coins of [29, 0, -5, 2_500_001, 100.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
          const error = await rejectsWith(() => catalog.priceCustom(coins, 'US'), 'invalid', 'custom_amount_out_of_range', 'customCoins');
          assert.match(error.message, /from 30 to 2,500,000/, error.message);
        }
        const narrow = createCatalog({ db: testDb.db, config: loadStoreConfig({ STORE_CUSTOM_COINS_MIN: '100', STORE_CUSTOM_COINS_MAX: '1000' }), currencies: STORE_CURRENCIES, now });
        assert.equal(narrow.priceCustom(100, 'US').price.amount, 105);
        const error = await rejectsWith(() => narrow.priceCustom(1001, 'US'), 'invalid', 'custom_amount_out_of_range', 'customCoins');
        assert.match(error.message, /from 100 to 1,000/);
      });
    });

    describe('promotions', () => {
      const bonus = (input: { region?: string; coins?: number | bigint; isFirstPurchase?: boolean; usesByPromotion?: Record<string, number> }) =>
        catalog.promotionBonus({ region: input.region ?? 'US', coins: input.coins ?? 700, isFirstPurchase: input.isFirstPurchase ?? false, usesByPromotion: input.usesByPromotion ?? {} });

      it('gives the first-purchase bonus on a first purchase only, once', async () => {
        assert.deepEqual(await bonus({ isFirstPurchase: true }), {
          bonusCoins: 140n,
          promotions: [{ id: 'promo_first_purchase', kind: 'first_purchase', bonusPercent: 20, bonusCoins: 140n, usesPerUser: 1 }],
        });
        assert.deepEqual(await bonus({ isFirstPurchase: false }), { bonusCoins: 0n, promotions: [] });
        assert.equal((await bonus({ isFirstPurchase: true, usesByPromotion: { promo_first_purchase: 1 } })).bonusCoins, 0n, 'max one use per user');
        assert.equal((await bonus({ isFirstPurchase: true, coins: 72 })).bonusCoins, 14n, '20% of 72 is 14.4, rounded down');
        assert.equal((await bonus({ isFirstPurchase: true, coins: 72n })).bonusCoins, 14n, 'coins may be a bigint');
      });

      it('gives a seasonal bonus only within its dates and regions, up to its uses', async () => {
        const { promotion, created } = await catalog.upsertPromotion({
          id: 'winter_2026',
          kind: 'seasonal',
          bonusPercent: 10,
          startsAt: '2026-12-01T00:00:00Z',
          endsAt: '2027-01-01',
          regions: ['de', 'FR', 'DE'],
          maxUsesPerUser: 2,
        });
        assert.equal(created, true);
        assert.deepEqual(
          { ...promotion, createdAt: undefined },
          {
            id: 'winter_2026',
            kind: 'seasonal',
            bonusPercent: 10,
            startsAt: '2026-12-01T00:00:00.000Z',
            endsAt: '2027-01-01T00:00:00.000Z',
            regions: ['DE', 'FR'],
            maxUsesPerUser: 2,
            enabled: true,
            createdAt: undefined,
          },
        );

        assert.equal((await bonus({ region: 'DE' })).bonusCoins, 0n, 'before it starts');
        nowMs = Date.parse('2026-12-01T00:00:00Z');
        assert.equal((await bonus({ region: 'DE' })).bonusCoins, 70n, 'from its first instant');
        nowMs = Date.parse('2026-12-15T09:30:00Z');
        assert.equal((await bonus({ region: 'fr', coins: 75 })).bonusCoins, 7n, '10% of 75, rounded down');
        assert.equal((await bonus({ region: 'US' })).bonusCoins, 0n, 'outside its regions');
        assert.equal((await bonus({ region: 'DE', usesByPromotion: { winter_2026: 1 } })).bonusCoins, 70n);
        assert.equal((await bonus({ region: 'DE', usesByPromotion: { winter_2026: 2 } })).bonusCoins, 0n, 'used up');

        const stacked = await bonus({ region: 'DE', isFirstPurchase: true });
        assert.equal(stacked.bonusCoins, 210n, 'promotions add up: 20% + 10% of 700');
        assert.deepEqual(stacked.promotions.map((p) => p.id).sort(), ['promo_first_purchase', 'winter_2026']);

        await catalog.upsertPromotion({ id: 'winter_2026', enabled: false });
        assert.equal((await bonus({ region: 'DE' })).bonusCoins, 0n, 'disabled');
        await catalog.upsertPromotion({ id: 'winter_2026', enabled: true, regions: [] });
        assert.equal((await bonus({ region: 'US' })).bonusCoins, 70n, 'no regions means every region');

        nowMs = Date.parse('2027-01-01T00:00:00Z');
        assert.equal((await bonus({ region: 'DE' })).bonusCoins, 0n, 'ended: the end is exclusive');
        nowMs = Date.parse('2026-11-25T12:00:00Z');
      });

      it('validates promotions', async () => {
        for (const bonusPercent of [0, 501, 12.5, -1]) {
          await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'first_purchase', bonusPercent }), 'invalid', 'invalid_bonus_percent', 'bonusPercent');
        }
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', bonusPercent: 10 }), 'invalid', 'missing_field', 'kind');
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'seasonal' }), 'invalid', 'missing_field', 'bonusPercent');
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'seasonal', bonusPercent: 10, endsAt: '2027-01-01' }), 'invalid', 'missing_field', 'startsAt');
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'seasonal', bonusPercent: 10, startsAt: '2027-01-01' }), 'invalid', 'missing_field', 'endsAt');
        await rejectsWith(
          catalog.upsertPromotion({ id: 'bad', kind: 'seasonal', bonusPercent: 10, startsAt: '2027-01-02T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' }),
          'invalid',
          'ends_before_start',
          'endsAt',
        );
        await rejectsWith(
          catalog.upsertPromotion({ id: 'bad', kind: 'seasonal', bonusPercent: 10, startsAt: '2027-01-01', endsAt: '2027-01-01T00:00:00+00:00' }),
          'invalid',
          'ends_before_start',
          'endsAt',
        );
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'seasonal', bonusPercent: 10, startsAt: 'tomorrow', endsAt: '2027-01-01' }), 'invalid', 'invalid_date', 'startsAt');
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'seasonal', bonusPercent: 10, startsAt: '2026-12-01T00:00:00', endsAt: '2027-01-01' }), 'invalid', 'invalid_date', 'startsAt');
        for (const startsAt of ['2026-02-30', '2026-12-01T24:00:00Z', '2026-12-01T10:60Z', '2026-12-01T10:00:00+15:00', '2026-12-01 10:00Z']) {
          await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'seasonal', bonusPercent: 10, startsAt, endsAt: '2027-01-01' }), 'invalid', 'invalid_date', 'startsAt');
        }
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'first_purchase', bonusPercent: 10, regions: ['US', 'ZZ'] }), 'invalid', 'invalid_region', 'regions');
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'first_purchase', bonusPercent: 10, maxUsesPerUser: 0 }), 'invalid', 'invalid_max_uses_per_user', 'maxUsesPerUser');
        await rejectsWith(catalog.upsertPromotion({ id: 'bad id', kind: 'first_purchase', bonusPercent: 10 }), 'invalid', 'invalid_id', 'id');
        await rejectsWith(catalog.upsertPromotion({ id: 'bad', kind: 'weekly' as 'seasonal', bonusPercent: 10 }), 'invalid', 'invalid_kind', 'kind');
        // Updates are checked against the promotion as it will be.
        await rejectsWith(catalog.upsertPromotion({ id: 'winter_2026', kind: 'first_purchase' }), 'invalid', 'kind_immutable', 'kind');
        await rejectsWith(catalog.upsertPromotion({ id: 'winter_2026', endsAt: '2026-11-30' }), 'invalid', 'ends_before_start', 'endsAt');
        await rejectsWith(catalog.upsertPromotion({ id: 'winter_2026', startsAt: null }), 'invalid', 'missing_field', 'startsAt');
        assert.ok(!(await catalog.listPromotions()).some((p) => p.id === 'bad'), 'nothing was created');

        const updated = await catalog.upsertPromotion({ id: 'winter_2026', bonusPercent: 15, maxUsesPerUser: null });
        assert.equal(updated.created, false);
        assert.equal(updated.promotion.bonusPercent, 15);
        assert.equal(updated.promotion.maxUsesPerUser, null);
        assert.equal(updated.promotion.startsAt, '2026-12-01T00:00:00.000Z', 'omitted fields keep their values');
        await catalog.upsertPromotion({ id: 'winter_2026', enabled: false });
      });
    });

    describe('admin package management', () => {
      const prices = { USD: 1050, EUR: 980, GBP: 840, JPY: 1570, KRW: 14_300 };

      it('creates a package that is listed in coin order', async () => {
        const { package: created, created: wasCreated } = await catalog.upsertPackage({ id: 'pkg_web_1000', channel: 'web', coins: 1000, bonusCoins: 50, prices });
        assert.equal(wasCreated, true);
        assert.deepEqual(
          { ...created, createdAt: undefined },
          {
            id: 'pkg_web_1000',
            channel: 'web',
            coins: 1000,
            bonusCoins: 50,
            sortOrder: 0,
            enabled: true,
            prices,
            missingCurrencies: [],
            createdAt: undefined,
          },
        );
        const listed = await catalog.listPackages('KR', 'web');
        assert.deepEqual(
          listed.map((p) => p.coins),
          [70, 350, 700, 1000, 1400, 3500, 7000],
        );
        assert.deepEqual(listed[3], { id: 'pkg_web_1000', channel: 'web', coins: 1000, bonusCoins: 50, price: { amount: 14_300, currency: 'KRW' } });
      });

      it('updates only the fields given', async () => {
        const { package: updated, created } = await catalog.upsertPackage({ id: 'pkg_web_1000', coins: 1100, prices: { JPY: 1700 } });
        assert.equal(created, false);
        assert.equal(updated.coins, 1100);
        assert.equal(updated.bonusCoins, 50);
        assert.deepEqual(updated.prices, { ...prices, JPY: 1700 });
        const same = await catalog.upsertPackage({ id: 'pkg_web_1000', channel: 'web' });
        assert.deepEqual(same.package, updated, 'naming the same channel changes nothing');
        await rejectsWith(catalog.upsertPackage({ id: 'pkg_web_1000', channel: 'app' }), 'invalid', 'channel_immutable', 'channel');
        await catalog.upsertPackage({ id: 'pkg_web_1000', enabled: false });
        assert.equal((await catalog.listPackages('US', 'web')).length, 6);
      });

      it('validates packages and creates nothing on error', async () => {
        const before = (await catalog.listAllPackages()).length;
        await rejectsWith(catalog.upsertPackage({ id: 'pkg_new', coins: 10, prices }), 'invalid', 'missing_field', 'channel');
        await rejectsWith(catalog.upsertPackage({ id: 'pkg_new', channel: 'web', prices }), 'invalid', 'missing_field', 'coins');
        for (const coins of [0, -1, 2.5, 1_000_000_001]) {
          await rejectsWith(catalog.upsertPackage({ id: 'pkg_new', channel: 'web', coins, prices }), 'invalid', 'invalid_coins', 'coins');
        }
        await rejectsWith(catalog.upsertPackage({ id: 'pkg_new', channel: 'web', coins: 10, bonusCoins: -1, prices }), 'invalid', 'invalid_bonus_coins', 'bonusCoins');
        const incomplete = await rejectsWith(catalog.upsertPackage({ id: 'pkg_new', channel: 'web', coins: 10, prices: { USD: 11, EUR: 10 } }), 'invalid', 'prices_incomplete', 'prices');
        assert.match(incomplete.message, /GBP, JPY, KRW/);
        await rejectsWith(catalog.upsertPackage({ id: 'pkg_new', channel: 'web', coins: 10, prices: { ...prices, CHF: 10 } }), 'invalid', 'currency_not_offered', 'prices.CHF');
        for (const amount of [0, -10, 10.5]) {
          await rejectsWith(catalog.upsertPackage({ id: 'pkg_new', channel: 'web', coins: 10, prices: { ...prices, JPY: amount } }), 'invalid', 'invalid_amount', 'prices.JPY');
        }
        await rejectsWith(catalog.upsertPackage({ id: 'pkg new', channel: 'web', coins: 10, prices }), 'invalid', 'invalid_id', 'id');
        await rejectsWith(catalog.upsertPackage({ id: 'pkg_new', channel: 'tv' as SalesChannel, coins: 10, prices }), 'invalid', 'invalid_channel', 'channel');
        await rejectsWith(catalog.upsertPackage({ id: 'pkg_web_70', prices: { USD: 0 } }), 'invalid', 'invalid_amount', 'prices.USD');
        assert.equal((await catalog.listAllPackages()).length, before);
        assert.equal((await catalog.pricePackage('pkg_web_70', 'US', 'web')).price.amount, 74);
      });

      it('hides packages from buyers in a newly added currency until they have a price in it', async () => {
        const withCad = createCatalog({ db: testDb.db, config, currencies: [...STORE_CURRENCIES, 'CAD'], now });
        assert.equal(withCad.currencyForRegion('CA'), 'CAD');
        assert.deepEqual(await withCad.listPackages('CA', 'web'), []);
        assert.ok((await withCad.listAllPackages()).every((p) => p.missingCurrencies.join() === 'CAD'));
        await rejectsWith(withCad.pricePackage('pkg_web_70', 'CA', 'web'), 'invalid', 'package_not_offered', 'packageId');
        assert.equal(withCad.customPricing('CA', 'web'), null, 'no per-coin price in CAD');
        await rejectsWith(() => withCad.priceCustom(100, 'CA'), 'invalid', 'custom_amount_unavailable', 'customCoins');

        await withCad.upsertPackage({ id: 'pkg_web_70', prices: { CAD: 99 } });
        assert.deepEqual(await withCad.listPackages('CA', 'web'), [{ id: 'pkg_web_70', channel: 'web', coins: 70, bonusCoins: 0, price: { amount: 99, currency: 'CAD' } }]);
        assert.equal((await catalog.listPackages('CA', 'web'))[0]!.price.currency, 'USD', 'a store without CAD shows Canadians USD');
      });
    });
  });
}
