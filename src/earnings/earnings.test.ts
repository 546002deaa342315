import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, journalPayments, sumBy, viewerWithCoins } from '../gifts/testing/payments.js';
import { DIAMOND, platformAccountId, runAudit, userDiamondWalletId, type Metadata } from '../ledger/index.js';
import { offerTiers } from '../subscriptions/testing/tiers.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

interface Statement {
  month: string;
  openingDiamonds: number;
  earnedDiamonds: number;
  giftDiamonds: number;
  subscriptionDiamonds: number;
  subscriptionsByTier: { tierLevel: number; diamonds: number }[];
  paidContentDiamonds: number;
  paidOutDiamonds: number;
  clawedBackDiamonds: number;
  otherDiamonds: number;
  closingDiamonds: number;
}

interface Entry {
  transferId: string;
  at: string;
  kind: string;
  description: string;
  diamondsIn: number;
  diamondsOut: number;
  balanceAfter: number;
  tierLevel: number | null;
}

/** A statement's income fields when all of it came from gifts. */
const giftsOnly = (diamonds: number) => ({ earnedDiamonds: diamonds, giftDiamonds: diamonds, subscriptionDiamonds: 0, subscriptionsByTier: [], paidContentDiamonds: 0 });

const DAY_MS = 86_400_000;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`creator earnings and statements on ${engine}`, { skip }, () => {
    let t: TestApp;
    const run = randomBytes(4).toString('hex');
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.destroy();
    });

    const key = () => `earnings-test:${run}:${++keyCounter}`;
    const get = (user: SignedInUser | undefined, url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...user?.headers, ...headers } });
    async function pay(viewer: SignedInUser, url: string, body: Record<string, unknown>) {
      const response = await t.app.inject({ method: 'POST', url, headers: { ...viewer.headers, 'idempotency-key': key() }, payload: body });
      assert.equal(response.statusCode, 201, response.body);
    }
    async function goLive(creator: SignedInUser, title: string): Promise<string> {
      const live = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title } });
      assert.equal(live.statusCode, 201, live.body);
      return live.json().live.id;
    }
    const endLive = (creator: SignedInUser, liveId: string) => t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/end`, headers: creator.headers });
    /** A ledger transfer between the creator's diamond wallet and a platform account, as payouts and clawbacks make them; `diamonds` < 0 leave the wallet. */
    const move = (creatorId: string, type: 'posted' | 'pending', diamonds: number, platform: 'payout_clearing' | 'diamond_issuance', metadata: Metadata = {}) =>
      t.ledger.submit({
        type,
        idempotencyKey: key(),
        legs: [
          { accountId: userDiamondWalletId(creatorId), asset: DIAMOND, direction: diamonds < 0 ? 'debit' : 'credit', amount: Math.abs(diamonds) },
          { accountId: platformAccountId(platform, DIAMOND), asset: DIAMOND, direction: diamonds < 0 ? 'credit' : 'debit', amount: Math.abs(diamonds) },
        ],
        metadata,
      });

    it('earnings: the balance and its cash value from the ledger, the breakdowns agreeing with the journal', async () => {
      const creator = await signUpCreator(t);
      const [a, b, c] = [await viewerWithCoins(t), await viewerWithCoins(t), await viewerWithCoins(t)];
      const morning = await goLive(creator, 'Morning show');
      await pay(a, `/api/v1/lives/${morning}/gifts`, { giftId: 'gift_perfume', quantity: 3 });
      await pay(a, `/api/v1/lives/${morning}/gifts`, { giftId: 'gift_confetti', quantity: 1 });
      await pay(b, `/api/v1/lives/${morning}/gifts`, { giftId: 'gift_doughnut', quantity: 2 });
      assert.equal((await endLive(creator, morning)).statusCode, 200);
      const evening = await goLive(creator, 'Evening show');
      await pay(b, `/api/v1/lives/${evening}/paid-messages`, { coins: 50, text: 'Great show!' });
      await pay(c, `/api/v1/lives/${evening}/cheers`, { coins: 10, text: 'Cheer10' });
      await pay(c, `/api/v1/lives/${evening}/gifts`, { giftId: 'gift_rose', quantity: 5 });
      const handle = (await t.accounts.getUser(creator.id)).handle;
      await pay(c, `/api/v1/users/${handle}/gifts`, { giftId: 'gift_money_gun', quantity: 1 });

      const spent = (await get(a, '/api/v1/wallet/transactions')).json().transactions[0];
      assert.deepEqual([spent.kind, spent.description], ['gift', 'Spent 100 coins on gifts'], 'the payer’s side of the same transfer');

      const response = await get(creator, '/api/v1/creator/earnings');
      assert.equal(response.statusCode, 200, response.body);
      const earnings = response.json();
      const journal = (await journalPayments(t)).filter((payment) => payment.creatorId === creator.id);
      const posted = await balanceOf(t, userDiamondWalletId(creator.id));
      const earned = journal.reduce((sum, payment) => sum + payment.diamonds, 0n);
      assert.equal(earned, posted, 'every diamond came from these payments');

      assert.equal(earnings.diamonds, Number(posted));
      assert.deepEqual(earnings.cashValue, { amount: Math.floor(Number(posted) / 2), currency: 'USD' }, 'a diamond is worth half a cent by default');
      assert.equal(earnings.heldDiamonds, 0);
      assert.equal(earnings.availableDiamonds, Number(posted));

      const now = t.clock.now();
      assert.ok(Math.abs(Date.parse(earnings.period.to) - now.getTime()) < 60_000, 'the period ends now');
      assert.equal(Date.parse(earnings.period.to) - Date.parse(earnings.period.from), 30 * DAY_MS, 'and spans 30 days');
      const count = (payments: typeof journal) => payments.reduce((sum, payment) => sum + BigInt(payment.quantity ?? 1), 0n);
      assert.deepEqual(earnings.totals, {
        diamonds: Number(earned),
        coins: Number(journal.reduce((sum, payment) => sum + payment.coins, 0n)),
        gifts: Number(count(journal)),
        supporters: 3,
        clawedBackDiamonds: 0,
      });
      assert.equal(earnings.byDay.length, 31, 'every UTC day of the period');
      assert.deepEqual(earnings.byDay.at(-1), { date: now.toISOString().slice(0, 10), ...{ diamonds: earnings.totals.diamonds, coins: earnings.totals.coins, gifts: earnings.totals.gifts } });
      assert.ok(earnings.byDay.slice(0, -1).every((day: { diamonds: number; gifts: number }) => day.diamonds === 0 && day.gifts === 0));

      const byLive = sumBy(
        journal.filter((payment) => payment.liveId !== undefined),
        (payment) => payment.liveId!,
        (payment) => payment.diamonds,
      );
      assert.deepEqual(
        earnings.byLive.map((live: { liveId: string; title: string; diamonds: number; gifts: number }) => [live.liveId, live.title, live.diamonds, live.gifts]),
        [
          [morning, 'Morning show', Number(byLive.get(morning)), 6],
          [evening, 'Evening show', Number(byLive.get(evening)), 7],
        ],
        'most first; the profile gift is in no live',
      );
      assert.ok(earnings.byLive.every((live: { startedAt: string }) => !Number.isNaN(Date.parse(live.startedAt))));

      const byGift = sumBy(
        journal,
        (payment) => payment.giftId ?? payment.kind,
        (payment) => payment.diamonds,
      );
      assert.deepEqual(
        earnings.byGift.map((row: { kind: string; giftId: string | null; name: string; diamonds: number; quantity: number }) => [row.kind, row.giftId, row.name, row.diamonds, row.quantity]),
        [
          ['gift', 'gift_money_gun', 'Money Gun', Number(byGift.get('gift_money_gun')), 1],
          ['gift', 'gift_confetti', 'Confetti', Number(byGift.get('gift_confetti')), 1],
          ['gift', 'gift_doughnut', 'Doughnut', Number(byGift.get('gift_doughnut')), 2],
          ['gift', 'gift_perfume', 'Perfume', Number(byGift.get('gift_perfume')), 3],
          ['paid_message', null, 'Paid messages', Number(byGift.get('paid_message')), 1],
          ['cheer', null, 'Cheers', Number(byGift.get('cheer')), 1],
          ['gift', 'gift_rose', 'Rose', Number(byGift.get('gift_rose')), 5],
        ],
      );

      const bySupporter = sumBy(
        journal,
        (payment) => payment.senderId,
        (payment) => payment.diamonds,
      );
      const handles = new Map(await Promise.all([a, b, c].map(async (viewer) => [viewer.id, (await t.accounts.getUser(viewer.id)).handle] as const)));
      assert.deepEqual(
        earnings.topSupporters,
        [c, a, b].map((viewer) => ({ userId: viewer.id, handle: handles.get(viewer.id), displayName: 'Test Viewer', diamonds: Number(bySupporter.get(viewer.id)) })),
      );

      const before = await get(creator, '/api/v1/creator/earnings?from=2020-01-01&to=2020-02-01');
      assert.equal(before.statusCode, 200, before.body);
      assert.deepEqual(before.json().totals, { diamonds: 0, coins: 0, gifts: 0, supporters: 0, clawedBackDiamonds: 0 });
      assert.deepEqual(before.json().period, { from: '2020-01-01T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z' });
      assert.equal(before.json().byDay.length, 31);
      assert.deepEqual([before.json().byLive, before.json().byGift, before.json().topSupporters], [[], [], []]);
      assert.equal(before.json().diamonds, Number(posted), 'the balance is the balance now, whatever the period');
      const today = (await get(creator, `/api/v1/creator/earnings?from=${now.toISOString().slice(0, 10)}`)).json();
      assert.deepEqual(today.totals, earnings.totals);
      assert.equal(today.byDay.length, 1);
    });

    it('earnings: refuses an inverted or too long period', async () => {
      const creator = await signUpCreator(t);
      for (const [query, status, code, param] of [
        ['from=2026-02-01&to=2026-01-01', 400, 'invalid_date_range', 'to'],
        ['from=2024-01-01&to=2025-06-01', 400, 'period_too_long', 'from'],
        ['from=yesterday', 400, 'validation_failed', 'from'],
      ] as const) {
        const refused = await get(creator, `/api/v1/creator/earnings?${query}`);
        assert.equal(refused.statusCode, status, refused.body);
        assert.equal(refused.json().error.code, code);
        assert.equal(refused.json().error.param, param);
      }
      const empty = (await get(creator, '/api/v1/creator/earnings')).json();
      assert.deepEqual([empty.diamonds, empty.cashValue, empty.heldDiamonds], [0, { amount: 0, currency: 'USD' }, 0], 'a creator never paid has nothing');
    });

    it('statements: monthly from the ledger, payouts and clawbacks included, opening + movements = closing', async () => {
      const creator = await signUpCreator(t);
      const viewer = await viewerWithCoins(t);
      const live = await goLive(creator, 'Statement show');
      await pay(viewer, `/api/v1/lives/${live}/gifts`, { giftId: 'gift_money_gun', quantity: 1 });
      await pay(viewer, `/api/v1/lives/${live}/gifts`, { giftId: 'gift_doughnut', quantity: 2 });
      const gifts = (await journalPayments(t)).filter((payment) => payment.creatorId === creator.id);
      const earned = Number(gifts.reduce((sum, payment) => sum + payment.diamonds, 0n));

      await t.ledger.ensureAccounts([{ id: platformAccountId('payout_clearing', DIAMOND), asset: DIAMOND, kind: 'platform', mayGoNegative: true }]);
      const hold = (diamonds: number) => move(creator.id, 'pending', -diamonds, 'payout_clearing', { kind: 'payout_hold' });
      const paidHold = await hold(100);
      const returnedHold = await hold(30);
      const failedHold = await hold(20);
      await hold(10); // under review: held, not moved
      // Last month: the gifts, and the first hold placed (a hold moves nothing until it is posted).
      const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15, 12));
      const backdated = [...gifts.map((payment) => payment.transferId), paidHold.id].map((id) => BigInt(id.slice('tr_'.length)));
      await t.db.kysely.updateTable('ledger_transfers').set({ created_at: lastMonth.toISOString() }).where('seq', 'in', backdated).execute();

      await t.ledger.submit({ type: 'post_pending', pendingId: paidHold.id, idempotencyKey: key(), metadata: { kind: 'payout_paid' } });
      const posted = await t.ledger.submit({ type: 'post_pending', pendingId: returnedHold.id, idempotencyKey: key() });
      await t.ledger.submit({ type: 'reversal', transferId: posted.id, idempotencyKey: key(), metadata: { kind: 'payout_return' } });
      await t.ledger.submit({ type: 'void_pending', pendingId: failedHold.id, idempotencyKey: key(), metadata: { kind: 'payout_released' } });
      await move(creator.id, 'posted', -40, 'diamond_issuance', { kind: 'gift_clawback', orderId: 'ord_test' });
      await move(creator.id, 'posted', 7, 'diamond_issuance');
      const balance = Number(await balanceOf(t, userDiamondWalletId(creator.id)));
      assert.equal(balance, earned - 100 - 40 + 7);

      const listed = await get(creator, '/api/v1/creator/statements');
      assert.equal(listed.statusCode, 200, listed.body);
      const thisMonth = new Date().toISOString().slice(0, 7);
      const previous = lastMonth.toISOString().slice(0, 7);
      assert.deepEqual(listed.json().statements as Statement[], [
        { month: thisMonth, openingDiamonds: earned, ...giftsOnly(0), paidOutDiamonds: 100, clawedBackDiamonds: 40, otherDiamonds: 7, closingDiamonds: balance },
        { month: previous, openingDiamonds: 0, ...giftsOnly(earned), paidOutDiamonds: 0, clawedBackDiamonds: 0, otherDiamonds: 0, closingDiamonds: earned },
      ]);
      for (const s of listed.json().statements as Statement[]) {
        assert.equal(s.openingDiamonds + s.earnedDiamonds - s.paidOutDiamonds - s.clawedBackDiamonds + s.otherDiamonds, s.closingDiamonds, s.month);
      }
      const earnings = (await get(creator, '/api/v1/creator/earnings')).json();
      assert.deepEqual([earnings.diamonds, earnings.heldDiamonds, earnings.availableDiamonds], [balance, 10, balance - 10], 'the hold under review is held, not moved');

      const month = await get(creator, `/api/v1/creator/statements/${thisMonth}`);
      assert.equal(month.statusCode, 200, month.body);
      assert.deepEqual(month.json().statement, listed.json().statements[0]);
      const entries = month.json().entries as Entry[];
      assert.deepEqual(
        entries.map((entry) => [entry.kind, entry.diamondsIn, entry.diamondsOut, entry.balanceAfter]),
        [
          ['payout_paid', 0, 100, earned - 100],
          ['payout_hold', 0, 30, earned - 130],
          ['payout_return', 30, 0, earned - 100],
          ['gift_clawback', 0, 40, earned - 140],
          ['transfer', 7, 0, balance],
        ],
        'posts in the month they were posted, under their own kind or else their hold’s; no pending or voided hold',
      );
      assert.equal(entries[3]!.description, "40 diamonds taken back: a payer's purchase was charged back (order ord_test)");
      assert.equal(month.json().nextCursor, null);

      // Paging oldest first gives the same entries and balances.
      const paged: Entry[] = [];
      let cursor: string | null = null;
      do {
        const page: { statement: Statement; entries: Entry[]; nextCursor: string | null } = (
          await get(creator, `/api/v1/creator/statements/${thisMonth}?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`)
        ).json();
        assert.deepEqual(page.statement, month.json().statement);
        paged.push(...page.entries);
        cursor = page.nextCursor;
      } while (cursor !== null);
      assert.deepEqual(paged, entries);

      const earlier = (await get(creator, `/api/v1/creator/statements/${previous}`)).json();
      assert.deepEqual(
        (earlier.entries as Entry[]).map((entry) => [entry.kind, entry.diamondsIn, entry.balanceAfter]),
        gifts.reduce<[string, number, number][]>((rows, payment) => [...rows, ['gift', Number(payment.diamonds), (rows.at(-1)?.[2] ?? 0) + Number(payment.diamonds)]], []),
      );
      assert.equal(earlier.entries[0].description, `Earned ${gifts[0]!.diamonds} diamonds from gifts`);

      const csv = await get(creator, `/api/v1/creator/statements/${thisMonth}?format=csv`);
      assert.equal(csv.statusCode, 200, csv.body);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.equal(csv.headers['content-disposition'], `attachment; filename="ovation-statement-${thisMonth}.csv"`);
      const lines = csv.body.split('\r\n');
      assert.equal(lines.at(-1), '', 'each line ends with CRLF');
      assert.equal(lines[0], 'date,kind,description,diamondsIn,diamondsOut,balanceAfter,transferId,tierLevel');
      assert.equal(lines.length - 2, entries.length, 'one line per ledger entry');
      assert.equal(lines[1], `${entries[0]!.at},payout_paid,Paid out 100 diamonds,0,100,${earned - 100},${entries[0]!.transferId},`);
      assert.equal(lines[5], `${entries[4]!.at},transfer,Credited 7 diamonds,7,0,${balance},${entries[4]!.transferId},`);
      const byAccept = await get(creator, `/api/v1/creator/statements/${thisMonth}`, { accept: 'text/csv' });
      assert.equal(byAccept.body, csv.body);

      const quiet = (await get(creator, '/api/v1/creator/statements/2020-01')).json();
      assert.deepEqual(quiet, {
        statement: { month: '2020-01', openingDiamonds: 0, ...giftsOnly(0), paidOutDiamonds: 0, clawedBackDiamonds: 0, otherDiamonds: 0, closingDiamonds: 0 },
        entries: [],
        nextCursor: null,
      });
      assert.equal((await get(creator, '/api/v1/creator/statements/2026-13')).json().error.code, 'validation_failed');
      assert.equal((await get(creator, `/api/v1/creator/statements/${thisMonth}?cursor=nope`)).json().error.code, 'invalid_cursor');
      assert.deepEqual((await runAudit(t.db)).ok, true);
    });

    it('subscriptions by tier and paid content beside gifts: in earnings, in the monthly statement and in its CSV', async () => {
      const creator = await signUpCreator(t);
      await offerTiers(t, creator, [
        { level: 1, name: 'Fan', priceCoins: 100 },
        { level: 2, name: 'Super fan', priceCoins: 300 },
      ]);
      const [fan, superFan, otherSuperFan, buyer] = [await viewerWithCoins(t), await viewerWithCoins(t), await viewerWithCoins(t), await viewerWithCoins(t)];
      await pay(fan, '/api/v1/subscriptions', { creatorId: creator.id, level: 1 });
      await pay(superFan, '/api/v1/subscriptions', { creatorId: creator.id, level: 2 });
      await pay(otherSuperFan, '/api/v1/subscriptions', { creatorId: creator.id, level: 2 });
      const locked = await t.app.inject({ method: 'PUT', url: '/api/v1/creator/content/video-7', headers: creator.headers, payload: { kind: 'video', priceCoins: 150 } });
      assert.equal(locked.statusCode, 200, locked.body);
      await pay(buyer, `/api/v1/content/${creator.id}/video-7/unlock`, {});
      const handle = (await t.accounts.getUser(creator.id)).handle;
      await pay(fan, `/api/v1/users/${handle}/gifts`, { giftId: 'gift_rose', quantity: 1 });

      const earnings = (await get(creator, '/api/v1/creator/earnings')).json();
      const giftDiamonds = earnings.totals.diamonds as number;
      assert.ok(giftDiamonds > 0);
      assert.equal(earnings.totals.gifts, 1, 'totals count the gifts only');
      assert.deepEqual(earnings.subscriptions, {
        diamonds: 700,
        coins: 700,
        months: 3,
        byTier: [
          { tierLevel: 1, name: 'Fan', diamonds: 100, coins: 100, months: 1, upgrades: 0, subscribers: 1 },
          { tierLevel: 2, name: 'Super fan', diamonds: 600, coins: 600, months: 2, upgrades: 0, subscribers: 2 },
        ],
      });
      assert.deepEqual(earnings.paidContent, { diamonds: 150, coins: 150, unlocks: 1 });
      assert.equal(earnings.diamonds, giftDiamonds + 700 + 150, 'the balance is all three');
      const earlier = (await get(creator, '/api/v1/creator/earnings?from=2020-01-01&to=2020-02-01')).json();
      assert.deepEqual(
        [earlier.subscriptions, earlier.paidContent],
        [
          { diamonds: 0, coins: 0, months: 0, byTier: [] },
          { diamonds: 0, coins: 0, unlocks: 0 },
        ],
      );

      const thisMonth = t.clock.now().toISOString().slice(0, 7);
      const month = (await get(creator, `/api/v1/creator/statements/${thisMonth}`)).json();
      assert.deepEqual(month.statement, {
        month: thisMonth,
        openingDiamonds: 0,
        earnedDiamonds: giftDiamonds + 850,
        giftDiamonds,
        subscriptionDiamonds: 700,
        subscriptionsByTier: [
          { tierLevel: 1, diamonds: 100 },
          { tierLevel: 2, diamonds: 600 },
        ],
        paidContentDiamonds: 150,
        paidOutDiamonds: 0,
        clawedBackDiamonds: 0,
        otherDiamonds: 0,
        closingDiamonds: giftDiamonds + 850,
      });
      assert.deepEqual((await get(creator, '/api/v1/creator/statements')).json().statements, [month.statement]);
      const entries = month.entries as Entry[];
      assert.deepEqual(
        entries.map((entry) => [entry.kind, entry.diamondsIn, entry.tierLevel]),
        [
          ['subscription', 100, 1],
          ['subscription', 300, 2],
          ['subscription', 300, 2],
          ['content_unlock', 150, null],
          ['gift', giftDiamonds, null],
        ],
      );
      assert.equal(entries[1]!.description, 'Earned 300 diamonds from a subscription (tier 2)');
      assert.equal(entries[3]!.description, 'Earned 150 diamonds from paid content');
      const lines = (await get(creator, `/api/v1/creator/statements/${thisMonth}?format=csv`)).body.split('\r\n');
      assert.equal(lines[2], `${entries[1]!.at},subscription,Earned 300 diamonds from a subscription (tier 2),300,0,400,${entries[1]!.transferId},2`);
      assert.equal(lines[4], `${entries[3]!.at},content_unlock,Earned 150 diamonds from paid content,150,0,850,${entries[3]!.transferId},`);
      const spent = (await get(buyer, '/api/v1/wallet/transactions')).json().transactions[0];
      assert.deepEqual([spent.kind, spent.description], ['content_unlock', 'Spent 150 coins on paid content'], 'the payer’s side of the same transfer');
    });

    it('every route refuses viewers without the creator role (403) and anonymous callers (401)', async () => {
      const viewer = await signUpAndLogIn(t);
      for (const url of ['/api/v1/creator/earnings', '/api/v1/creator/statements', '/api/v1/creator/statements/2026-01']) {
        const asViewer = await get(viewer, url);
        assert.equal(asViewer.statusCode, 403, `${url}: ${asViewer.body}`);
        assert.equal(asViewer.json().error.code, 'role_required');
        const anonymous = await get(undefined, url);
        assert.equal(anonymous.statusCode, 401, `${url}: ${anonymous.body}`);
        assert.equal(anonymous.json().error.code, 'authentication_required');
      }
    });
  });
}
