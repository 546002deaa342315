import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createMemoryBus } from '../bus/memory.js';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../db/testing/databases.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { createGiftCatalog, type GiftCatalog, type GiftInput, type GiftStatus, type GiftTier } from './catalog.js';
import { rejectsWith } from '../server/testing/errors.js';

/** The default catalog as documented in docs/gifts.md: id, name, coins, tier, streakable. */
const DEFAULTS: [string, string, number, GiftTier, boolean][] = [
  ['gift_rose', 'Rose', 1, 'small', true],
  ['gift_finger_heart', 'Finger Heart', 5, 'small', true],
  ['gift_perfume', 'Perfume', 20, 'small', false],
  ['gift_doughnut', 'Doughnut', 30, 'small', true],
  ['gift_confetti', 'Confetti', 100, 'medium', false],
  ['gift_money_gun', 'Money Gun', 500, 'medium', false],
  ['gift_galaxy', 'Galaxy', 1_000, 'large', false],
  ['gift_interstellar', 'Interstellar', 10_000, 'large', false],
  ['gift_lion', 'Lion', 29_999, 'fullscreen', false],
  ['gift_universe', 'Universe', 44_999, 'fullscreen', false],
];
const DEFAULT_IDS = DEFAULTS.map(([id]) => id);

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`gift catalog on ${engine}`, { skip }, () => {
    const logger = pino({ level: 'silent' });
    let testDb: TestDatabase;
    let gifts: GiftCatalog;
    let nowMs = Date.parse('2026-11-25T12:00:00Z');
    const now = () => new Date(nowMs);

    before(async () => {
      testDb = await createTestDatabase(engine);
      gifts = createGiftCatalog({ db: testDb.db, bus: createMemoryBus(logger), logger, now });
    });
    after(async () => {
      await gifts?.close();
      await testDb?.destroy();
    });

    const offeredIds = async (region: string) => (await gifts.listOffered(region)).map((gift) => gift.id);

    describe('default catalog', () => {
      it('seeds the ten default gifts once, even when two instances start together', async () => {
        const results = await Promise.all([gifts.seedDefaults(), gifts.seedDefaults()]);
        assert.deepEqual(results.flatMap((result) => result.inserted).sort(), [...DEFAULT_IDS].sort(), 'each gift inserted by exactly one of them');
        assert.deepEqual(await gifts.seedDefaults(), { inserted: [] });
        assert.equal((await gifts.listAll()).length, 10);
      });

      it('offers them everywhere, cheapest first, at the documented prices and tiers', async () => {
        const offered = await gifts.listOffered('US');
        assert.deepEqual(
          offered.map((gift) => [gift.id, gift.name, gift.coins, gift.tier, gift.streakable]),
          DEFAULTS,
        );
        assert.deepEqual(offered[0], { id: 'gift_rose', name: 'Rose', coins: 1, tier: 'small', streakable: true, icon: '🌹', subscribersOnly: false });
        assert.ok(offered.every((gift) => gift.icon.length > 0));
        assert.deepEqual(await offeredIds('kr'), DEFAULT_IDS, 'no regions means every region');
        const rose = await gifts.getGift('gift_rose');
        assert.deepEqual([rose.status, rose.regions, rose.createdAt, rose.updatedAt], ['enabled', [], '2026-11-25T12:00:00.000Z', '2026-11-25T12:00:00.000Z']);
      });

      it('refuses regions that are not ISO 3166-1 alpha-2 codes', async () => {
        await rejectsWith(gifts.listOffered('ZZ'), 'invalid', 'invalid_region', 'region');
        await rejectsWith(gifts.listOffered('USA'), 'invalid', 'invalid_region', 'region');
        await rejectsWith(gifts.requireOffered('gift_rose', 'ZZ'), 'invalid', 'invalid_region', 'region');
      });
    });

    describe('admin management', () => {
      it('creates a gift, listed by price and then sort order', async () => {
        nowMs = Date.parse('2026-11-26T08:00:00Z');
        const { gift, created } = await gifts.upsertGift({ id: 'gift_hanbok', name: '  Hanbok ', coins: 100, icon: '/gifts/hanbok.png', tier: 'medium', regions: ['kr', 'JP', 'KR'], sortOrder: -1 });
        assert.equal(created, true);
        assert.deepEqual(gift, {
          id: 'gift_hanbok',
          name: 'Hanbok',
          coins: 100,
          tier: 'medium',
          streakable: false,
          icon: '/gifts/hanbok.png',
          subscribersOnly: false,
          status: 'enabled',
          regions: ['JP', 'KR'],
          sortOrder: -1,
          createdAt: '2026-11-26T08:00:00.000Z',
          updatedAt: '2026-11-26T08:00:00.000Z',
        });
        const inKorea = await offeredIds('KR');
        assert.deepEqual(inKorea.slice(3, 6), ['gift_doughnut', 'gift_hanbok', 'gift_confetti'], 'before Confetti, also 100 coins, by sort order');
        assert.equal(inKorea.length, 11);
      });

      it('offers a regional gift only in its regions', async () => {
        assert.ok(!(await offeredIds('US')).includes('gift_hanbok'));
        assert.equal((await gifts.requireOffered('gift_hanbok', 'jp')).id, 'gift_hanbok');
        const error = await rejectsWith(gifts.requireOffered('gift_hanbok', 'us'), 'invalid', 'gift_not_offered_in_region', 'giftId');
        assert.match(error.message, /not offered in region US/);

        await gifts.upsertGift({ id: 'gift_hanbok', regions: [] });
        assert.ok((await offeredIds('US')).includes('gift_hanbok'), 'emptied regions: everywhere');
        await gifts.upsertGift({ id: 'gift_hanbok', regions: ['KR'] });
      });

      it('updates only the fields given', async () => {
        nowMs = Date.parse('2026-11-27T08:00:00Z');
        const { gift, created } = await gifts.upsertGift({ id: 'gift_hanbok', coins: 150, streakable: true });
        assert.equal(created, false);
        assert.deepEqual([gift.name, gift.coins, gift.streakable, gift.tier, gift.regions, gift.sortOrder], ['Hanbok', 150, true, 'medium', ['KR'], -1]);
        assert.equal(gift.createdAt, '2026-11-26T08:00:00.000Z');
        assert.equal(gift.updatedAt, '2026-11-27T08:00:00.000Z');
        assert.deepEqual((await gifts.upsertGift({ id: 'gift_hanbok' })).gift, gift, 'nothing to change: not even updatedAt');
      });

      it('takes a disabled gift off offer until it is enabled again', async () => {
        const disabled = await gifts.setStatus('gift_perfume', 'disabled');
        assert.equal(disabled.status, 'disabled');
        assert.ok(!(await offeredIds('US')).includes('gift_perfume'));
        const error = await rejectsWith(gifts.requireOffered('gift_perfume', 'US'), 'conflict', 'gift_unavailable');
        assert.match(error.message, /not offered at the moment/);
        assert.equal((await gifts.getGift('gift_perfume')).status, 'disabled');

        assert.equal((await gifts.setStatus('gift_perfume', 'enabled')).status, 'enabled');
        assert.equal((await gifts.requireOffered('gift_perfume', 'US')).coins, 20);
      });

      it('retires a gift for good, keeping it for history', async () => {
        const retired = await gifts.setStatus('gift_galaxy', 'retired');
        assert.equal(retired.status, 'retired');
        assert.ok(!(await offeredIds('US')).includes('gift_galaxy'));
        const error = await rejectsWith(gifts.requireOffered('gift_galaxy', 'US'), 'conflict', 'gift_unavailable');
        assert.match(error.message, /retired/);

        const kept = await gifts.getGift('gift_galaxy');
        assert.deepEqual([kept.name, kept.coins, kept.tier, kept.status], ['Galaxy', 1000, 'large', 'retired']);
        assert.ok(
          (await gifts.listAll()).some((gift) => gift.id === 'gift_galaxy'),
          'admins still see it',
        );

        for (const status of ['enabled', 'disabled'] as const) {
          await rejectsWith(gifts.setStatus('gift_galaxy', status), 'conflict', 'gift_retired');
          await rejectsWith(gifts.upsertGift({ id: 'gift_galaxy', status }), 'conflict', 'gift_retired');
        }
        assert.equal((await gifts.setStatus('gift_galaxy', 'retired')).status, 'retired', 'retiring again changes nothing');
        assert.equal((await gifts.upsertGift({ id: 'gift_galaxy', name: 'Old Galaxy' })).gift.status, 'retired', 'its details may still be corrected');
      });

      it('creates a gift disabled when asked, to prepare it unseen', async () => {
        const { gift } = await gifts.upsertGift({ id: 'gift_snowman', name: 'Snowman', coins: 99, icon: '⛄', tier: 'small', status: 'disabled' });
        assert.equal(gift.status, 'disabled');
        assert.ok(!(await offeredIds('US')).includes('gift_snowman'));
      });

      it('answers unknown gifts with 404', async () => {
        await rejectsWith(gifts.getGift('gift_nope'), 'not_found', 'gift_not_found');
        await rejectsWith(gifts.requireOffered('gift_nope', 'US'), 'not_found', 'gift_not_found');
        await rejectsWith(gifts.setStatus('gift_nope', 'disabled'), 'not_found', 'gift_not_found');
      });

      it('refuses invalid gifts naming the field, and changes nothing', async () => {
        const before = await gifts.listAll();
        const valid = { id: 'gift_new', name: 'New', coins: 10, icon: '✨', tier: 'small' } as const;
        const cases: [GiftInput, string, string][] = [
          [{ ...valid, id: 'rose' }, 'invalid_id', 'id'],
          [{ ...valid, id: 'gift_Rose' }, 'invalid_id', 'id'],
          [{ ...valid, id: 'gift_' }, 'invalid_id', 'id'],
          [{ ...valid, id: `gift_${'a'.repeat(49)}` }, 'invalid_id', 'id'],
          [{ ...valid, name: '   ' }, 'invalid_name', 'name'],
          [{ ...valid, name: 'x'.repeat(41) }, 'invalid_name', 'name'],
          [{ ...valid, name: 'Line\nbreak' }, 'invalid_name', 'name'],
          [{ ...valid, coins: 0 }, 'invalid_coins', 'coins'],
          [{ ...valid, coins: 1_000_001 }, 'invalid_coins', 'coins'],
          [{ ...valid, coins: 2.5 }, 'invalid_coins', 'coins'],
          [{ ...valid, tier: 'huge' as GiftTier }, 'invalid_tier', 'tier'],
          [{ ...valid, regions: ['US', 'ZZ'] }, 'invalid_region', 'regions'],
          [{ ...valid, regions: ['USA'] }, 'invalid_region', 'regions'],
          [{ ...valid, icon: '' }, 'invalid_icon', 'icon'],
          [{ ...valid, icon: `/${'a'.repeat(200)}` }, 'invalid_icon', 'icon'],
          [{ ...valid, icon: 'a rose' }, 'invalid_icon', 'icon'],
          [{ ...valid, sortOrder: 1.5 }, 'invalid_sort_order', 'sortOrder'],
          [{ ...valid, status: 'gone' as GiftStatus }, 'invalid_status', 'status'],
          [{ ...valid, name: undefined }, 'missing_field', 'name'],
          [{ ...valid, coins: undefined }, 'missing_field', 'coins'],
          [{ ...valid, icon: undefined }, 'missing_field', 'icon'],
          [{ ...valid, tier: undefined }, 'missing_field', 'tier'],
          [{ id: 'gift_rose', coins: -1 }, 'invalid_coins', 'coins'],
          [{ id: 'gift_rose', name: '' }, 'invalid_name', 'name'],
        ];
        for (const [input, code, param] of cases) {
          const error = await rejectsWith(gifts.upsertGift(input), 'invalid', code, param);
          assert.ok(error.message.length > 0);
        }
        await rejectsWith(gifts.setStatus('gift_rose', 'gone' as GiftStatus), 'invalid', 'invalid_status', 'status');
        assert.deepEqual(await gifts.listAll(), before);
        // A name's length is counted in characters: forty roses fit, though they are 80 UTF-16 units.
        const fortyRoses = '🌹'.repeat(40);
        assert.equal((await gifts.upsertGift({ ...valid, id: 'gift_forty', name: fortyRoses })).gift.name, fortyRoses);
      });

      it("seeding again neither duplicates nor undoes an admin's changes", async () => {
        await gifts.upsertGift({ id: 'gift_rose', coins: 2, name: 'Red Rose' });
        await gifts.setStatus('gift_lion', 'disabled');
        const before = await gifts.listAll();
        assert.deepEqual(await gifts.seedDefaults(), { inserted: [] });
        assert.deepEqual(await gifts.listAll(), before);
        const rose = await gifts.getGift('gift_rose');
        assert.deepEqual([rose.name, rose.coins], ['Red Rose', 2]);
        assert.equal((await gifts.getGift('gift_lion')).status, 'disabled');
        assert.equal((await gifts.getGift('gift_galaxy')).status, 'retired');
      });
    });
  });

  describe(`gift routes on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    let viewer: SignedInUser;
    let koreanViewer: SignedInUser;

    before(async () => {
      // The app seeds the default gifts, as `ovation serve` does.
      t = await createTestApp(engine);
      admin = await createSignedInAdmin(t);
      viewer = await signUpAndLogIn(t);
      koreanViewer = await signUpAndLogIn(t, { region: 'KR' });
    });
    after(async () => {
      await t?.destroy();
    });

    const get = (url: string, user?: SignedInUser) => t.app.inject({ method: 'GET', url, headers: user?.headers ?? {} });
    const send = (method: 'PUT' | 'POST', url: string, payload: Record<string, unknown>) => t.app.inject({ method, url, payload, headers: admin.headers });

    it('lists the offered gifts for anyone, in the default region', async () => {
      const response = await get('/api/v1/gifts');
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.equal(body.region, 'US');
      assert.deepEqual(
        body.gifts.map((g: { id: string; name: string; coins: number; tier: string; streakable: boolean }) => [g.id, g.name, g.coins, g.tier, g.streakable]),
        DEFAULTS,
      );
      assert.deepEqual(body.gifts[0], { id: 'gift_rose', name: 'Rose', coins: 1, tier: 'small', streakable: true, icon: '🌹', subscribersOnly: false });
    });

    it("lists for the signed-in caller's region unless the request names one", async () => {
      const created = await send('PUT', '/api/v1/admin/gifts/gift_hanbok', { name: 'Hanbok', coins: 100, icon: '/gifts/hanbok.png', tier: 'medium', regions: ['KR'] });
      assert.equal(created.statusCode, 201, created.body);
      const has = async (url: string, user?: SignedInUser) => {
        const response = await get(url, user);
        assert.equal(response.statusCode, 200, response.body);
        return [response.json().region, response.json().gifts.some((g: { id: string }) => g.id === 'gift_hanbok')];
      };
      assert.deepEqual(await has('/api/v1/gifts', koreanViewer), ['KR', true]);
      assert.deepEqual(await has('/api/v1/gifts', viewer), ['US', false]);
      assert.deepEqual(await has('/api/v1/gifts'), ['US', false]);
      assert.deepEqual(await has('/api/v1/gifts?region=kr'), ['KR', true]);
      assert.deepEqual(await has('/api/v1/gifts?region=US', koreanViewer), ['US', false]);

      for (const [query, code] of [
        ['region=ZZ', 'invalid_region'],
        ['region=KOR', 'validation_failed'],
        ['tier=small', 'validation_failed'],
      ] as const) {
        const response = await get(`/api/v1/gifts?${query}`);
        assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
        assert.equal(response.json().error.code, code, query);
      }
    });

    it('keeps the admin routes for admins', async () => {
      for (const [headers, status] of [
        [{}, 401],
        [viewer.headers, 403],
      ] as const) {
        assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/admin/gifts', headers })).statusCode, status);
        assert.equal((await t.app.inject({ method: 'PUT', url: '/api/v1/admin/gifts/gift_rose', payload: { coins: 0 }, headers })).statusCode, status);
        assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/admin/gifts/gift_rose/status', payload: { status: 'retired' }, headers })).statusCode, status);
      }
      assert.equal((await get('/api/v1/gifts')).json().gifts[0].coins, 1, 'refused calls changed nothing');
      assert.equal((await t.gifts.getGift('gift_rose')).status, 'enabled');
    });

    it('lets admins see every gift, change one, and retire it', async () => {
      const list = await get('/api/v1/admin/gifts', admin);
      assert.equal(list.statusCode, 200, list.body);
      const hanbok = list.json().gifts.find((g: { id: string }) => g.id === 'gift_hanbok');
      assert.deepEqual([hanbok.status, hanbok.regions], ['enabled', ['KR']]);

      const updated = await send('PUT', '/api/v1/admin/gifts/gift_hanbok', { coins: 120, regions: [] });
      assert.equal(updated.statusCode, 200, updated.body);
      assert.deepEqual([updated.json().gift.coins, updated.json().gift.regions, updated.json().gift.name], [120, [], 'Hanbok']);

      const disabled = await send('POST', '/api/v1/admin/gifts/gift_hanbok/status', { status: 'disabled' });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal(disabled.json().gift.status, 'disabled');
      assert.ok(!(await get('/api/v1/gifts?region=KR')).json().gifts.some((g: { id: string }) => g.id === 'gift_hanbok'));

      assert.equal((await send('POST', '/api/v1/admin/gifts/gift_hanbok/status', { status: 'retired' })).json().gift.status, 'retired');
      const again = await send('POST', '/api/v1/admin/gifts/gift_hanbok/status', { status: 'enabled' });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(again.json().error.code, 'gift_retired');
      assert.equal((await t.gifts.getGift('gift_hanbok')).status, 'retired', 'history still finds it');
      await rejectsWith(t.gifts.requireOffered('gift_hanbok', 'KR'), 'conflict', 'gift_unavailable');
      assert.equal((await send('POST', '/api/v1/admin/gifts/gift_nope/status', { status: 'disabled' })).statusCode, 404);
    });

    it('answers invalid gifts with 400 and the field at fault', async () => {
      for (const [id, payload, code, param] of [
        ['gift_bad', { name: 'Bad', coins: 0, icon: '❌', tier: 'small' }, 'invalid_coins', 'coins'],
        ['gift_bad', { name: 'Bad', coins: 10, icon: '❌', tier: 'huge' }, 'validation_failed', 'tier'],
        ['gift_bad', { name: 'Bad', coins: '10', icon: '❌', tier: 'small' }, 'validation_failed', 'coins'],
        ['gift_bad', { name: 'Bad', coins: 10, icon: '❌', tier: 'small', price: 10 }, 'validation_failed', 'price'],
        ['gift_bad', { name: 'Bad', coins: 10, tier: 'small' }, 'missing_field', 'icon'],
        ['gift_bad', { name: 'Bad', coins: 10, icon: '❌', tier: 'small', regions: ['XX'] }, 'invalid_region', 'regions'],
        ['Gift-Bad', { name: 'Bad', coins: 10, icon: '❌', tier: 'small' }, 'invalid_id', 'id'],
      ] as const) {
        const response = await send('PUT', `/api/v1/admin/gifts/${id}`, payload);
        assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
        assert.equal(response.json().error.code, code, JSON.stringify(payload));
        assert.equal(response.json().error.param, param, JSON.stringify(payload));
      }
      const status = await send('POST', '/api/v1/admin/gifts/gift_rose/status', { status: 'gone' });
      assert.equal(status.statusCode, 400);
      assert.equal(status.json().error.param, 'status');
      assert.ok(!(await t.gifts.listAll()).some((gift) => gift.id === 'gift_bad'));
    });

    it('describes every gift route in the OpenAPI document', async () => {
      const document = (await get('/api/openapi.json')).json();
      for (const [method, path, tag] of [
        ['get', '/api/v1/gifts', 'gifts'],
        ['get', '/api/v1/admin/gifts', 'admin'],
        ['put', '/api/v1/admin/gifts/{id}', 'admin'],
        ['post', '/api/v1/admin/gifts/{id}/status', 'admin'],
      ] as const) {
        const operation = document.paths[path]?.[method];
        assert.ok(operation?.summary, `${method} ${path} has a summary`);
        assert.deepEqual(operation.tags, [tag]);
      }
    });
  });
}
