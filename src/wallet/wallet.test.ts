import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, DIAMOND, platformAccountId, userCoinWalletId, userDiamondWalletId, type Metadata } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { CSV_MAX_ROWS, csvOf } from '../shared/csv.js';

interface Listed {
  id: string;
  at: string;
  status: string;
  kind: string;
  direction: string;
  amount: number;
  description: string;
  reference: Record<string, string>;
}

describe('the CSV encoder', () => {
  it('quotes per RFC 4180 and defuses cells a spreadsheet would run as formulas', () => {
    assert.equal(csvOf([['a', 'b,c', 'say "hi"', 'two\nlines', 'cr\rhere']]), 'a,"b,c","say ""hi""","two\nlines","cr\rhere"\r\n');
    assert.equal(csvOf([['=1+1', '+1', '-1+1', '@SUM(A1)', '\tx', '\rx', 'a=b']]), `'=1+1,'+1,'-1+1,'@SUM(A1),'\tx,"'\rx",a=b\r\n`);
    assert.equal(csvOf([['-1', '-120', '-']]), `-1,-120,'-\r\n`, 'a negative whole number is a balance, not a formula');
    assert.equal(csvOf([['=HYPERLINK("http://x","y")']]), `"'=HYPERLINK(""http://x"",""y"")"\r\n`);
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`wallet transactions on ${engine}`, { skip }, () => {
    let t: TestApp;
    const run = randomBytes(4).toString('hex');
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { SANDBOX_DISPUTE_DELAY_MS: '30' } });
    });
    after(async () => {
      await t?.destroy();
    });

    const key = () => `wallet-test:${run}:${++keyCounter}`;
    /** Promotional coins into the user's wallet: a transfer of any kind the tests need. */
    const grant = (user: SignedInUser, coins: number, metadata: Metadata = {}) =>
      t.ledger.submit({
        type: 'posted',
        idempotencyKey: key(),
        legs: [
          { accountId: platformAccountId('promotions', COIN), asset: COIN, direction: 'debit', amount: coins },
          { accountId: userCoinWalletId(user.id), asset: COIN, direction: 'credit', amount: coins },
        ],
        metadata,
      });
    const list = (user: SignedInUser, query = '', headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: `/api/v1/wallet/transactions${query}`, headers: { ...user.headers, ...headers } });
    async function listed(user: SignedInUser, query = ''): Promise<{ transactions: Listed[]; nextCursor: string | null }> {
      const response = await list(user, query);
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    }
    async function buyCoins(user: SignedInUser, card = '4242 4242 4242 4242'): Promise<string> {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { ...user.headers, 'idempotency-key': key() },
        payload: { packageId: 'pkg_web_700' },
      });
      assert.equal(created.statusCode, 201, created.body);
      const orderId = created.json().order.id as string;
      const paid = await t.app.inject({ method: 'POST', url: `/api/v1/sandbox/checkout/${orderId}`, headers: user.headers, payload: { card, webhooks: 'once' } });
      assert.equal(paid.statusCode, 200, paid.body);
      await t.sandbox.idle();
      return orderId;
    }

    it('a purchase appears as coin_purchase with the coins credited; its chargeback as a clawback that reverses it', async () => {
      const user = await signUpAndLogIn(t);
      const orderId = await buyCoins(user);
      const { transactions, nextCursor } = await listed(user);
      assert.equal(nextCursor, null);
      assert.equal(transactions.length, 1);
      const [purchase] = transactions;
      assert.deepEqual(
        { ...purchase, id: undefined, at: undefined },
        {
          id: undefined,
          at: undefined,
          status: 'posted',
          kind: 'coin_purchase',
          direction: 'credit',
          amount: 840,
          description: `Bought 840 coins (order ${orderId})`,
          reference: { orderId },
        },
      );
      assert.match(purchase!.id, /^tr_\d+$/);
      assert.ok(Math.abs(Date.parse(purchase!.at) - Date.now()) < 60_000);

      const disputed = await signUpAndLogIn(t);
      const disputedOrder = await buyCoins(disputed, '4000 0000 0000 0259');
      for (let waitedMs = 0; (await listed(disputed)).transactions.length < 2; waitedMs += 20) {
        assert.ok(waitedMs < 5000, 'the chargeback arrives');
        await sleep(20);
        await t.sandbox.idle();
      }
      const [clawback, credit] = (await listed(disputed)).transactions;
      assert.equal(clawback!.kind, 'chargeback_clawback');
      assert.equal(clawback!.direction, 'debit');
      assert.equal(clawback!.amount, 840);
      assert.deepEqual(clawback!.reference, { orderId: disputedOrder, reversesTransferId: credit!.id });
      assert.equal(clawback!.description, `840 coins taken back: the payment was charged back (order ${disputedOrder})`);
    });

    it('names the gift and the creator of a gift sent, and the sender of one received', async () => {
      const viewer = await signUpAndLogIn(t, { displayName: 'Ada Giver' });
      await buyCoins(viewer);
      const creator = await signUpCreator(t, { displayName: 'Mina Sings' });
      const { handle } = await t.accounts.getUser(creator.id);
      const sent = await t.app.inject({
        method: 'POST',
        url: `/api/v1/users/${handle}/gifts`,
        headers: { ...viewer.headers, 'idempotency-key': key() },
        payload: { giftId: 'gift_rose', quantity: 3 },
      });
      assert.equal(sent.statusCode, 201, sent.body);
      const [spent] = (await listed(viewer)).transactions as (Listed & { counterparty?: unknown; gift?: unknown })[];
      assert.deepEqual(
        [spent!.kind, spent!.direction, spent!.counterparty, spent!.gift],
        ['gift', 'debit', { userId: creator.id, handle, displayName: 'Mina Sings' }, { id: 'gift_rose', name: 'Rose', quantity: 3 }],
      );
      const [earned] = (await listed(creator, '?asset=diamonds')).transactions as (Listed & { counterparty?: { displayName: string }; gift?: unknown })[];
      assert.deepEqual([earned!.direction, earned!.counterparty?.displayName, earned!.gift], ['credit', 'Ada Giver', { id: 'gift_rose', name: 'Rose', quantity: 3 }]);
      const [purchase] = (await listed(viewer, '?kind=coin_purchase')).transactions as (Listed & { counterparty?: unknown })[];
      assert.equal(purchase!.counterparty, undefined, 'a purchase names nobody');
    });

    it('pages newest first through every transaction once, and a cursor never reaches another wallet', async () => {
      const user = await signUpAndLogIn(t);
      const other = await signUpAndLogIn(t);
      const mine: string[] = [];
      const theirs: string[] = [];
      for (let i = 1; i <= 7; i++) {
        mine.push((await grant(user, i)).id);
        theirs.push((await grant(other, 100 + i)).id);
      }
      const seen: Listed[] = [];
      let cursor: string | null = null;
      do {
        const page: { transactions: Listed[]; nextCursor: string | null } = await listed(user, `?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
        assert.ok(page.transactions.length <= 3);
        seen.push(...page.transactions);
        cursor = page.nextCursor;
      } while (cursor !== null);
      assert.deepEqual(
        seen.map((entry) => entry.id),
        [...mine].reverse(),
      );
      assert.deepEqual(
        seen.map((entry) => entry.amount),
        [7, 6, 5, 4, 3, 2, 1],
      );
      assert.ok(seen.every((entry) => entry.kind === 'transfer' && entry.description === `Credited ${entry.amount} ${entry.amount === 1 ? 'coin' : 'coins'}`));

      // The other user's cursor, or one past their newest transfer, still lists only the caller's wallet.
      const theirPage = await listed(other, '?limit=1');
      const crossed = await listed(user, `?cursor=${theirPage.nextCursor}`);
      assert.ok(crossed.transactions.every((entry) => mine.includes(entry.id)));
      assert.ok((await listed(other)).transactions.every((entry) => theirs.includes(entry.id)));
    });

    it('filters by kind and by time, from inclusive and to exclusive', async () => {
      const user = await signUpAndLogIn(t);
      const bonus = await grant(user, 5, { kind: 'welcome_bonus' });
      await sleep(5);
      const plain = await grant(user, 6);
      await sleep(5);
      const reversal = await t.ledger.submit({ type: 'reversal', transferId: plain.id, idempotencyKey: key() });

      const byKind = async (kind: string) => (await listed(user, `?kind=${kind}`)).transactions.map((entry) => entry.id);
      assert.deepEqual(await byKind('welcome_bonus'), [bonus.id]);
      assert.deepEqual(await byKind('transfer'), [plain.id]);
      assert.deepEqual(await byKind('reversal'), [reversal.id]);
      assert.deepEqual(await byKind('coin_purchase'), []);
      const [reversed] = (await listed(user, '?kind=reversal')).transactions;
      assert.equal(reversed!.description, `6 coins taken back: transfer ${plain.id} was reversed`);

      const all = (await listed(user)).transactions;
      const middle = all.find((entry) => entry.id === plain.id)!;
      const ids = async (query: string) => (await listed(user, query)).transactions.map((entry) => entry.id);
      assert.deepEqual(
        await ids(`?from=${encodeURIComponent(middle.at)}`),
        all.filter((entry) => entry.at >= middle.at).map((entry) => entry.id),
      );
      assert.deepEqual(
        await ids(`?to=${encodeURIComponent(middle.at)}`),
        all.filter((entry) => entry.at < middle.at).map((entry) => entry.id),
      );
      assert.ok((await ids(`?from=${encodeURIComponent(middle.at)}`)).includes(plain.id));
      assert.ok(!(await ids(`?to=${encodeURIComponent(middle.at)}`)).includes(plain.id));
      // Dates are midnight UTC; a date-time may carry any time zone.
      assert.deepEqual(await ids('?from=2000-01-01'), await ids(''));
      assert.deepEqual(await ids('?to=2000-01-01'), []);
      assert.deepEqual(await ids('?from=2000-01-01T09:00:00%2B09:00&to=2999-01-01'), await ids(''));
    });

    it('lists a hold once: pending, then posted or voided; and the diamond wallet apart from the coins', async () => {
      const user = await signUpAndLogIn(t);
      await grant(user, 50);
      const hold = (amount: number) =>
        t.ledger.submit({
          type: 'pending',
          idempotencyKey: key(),
          legs: [
            { accountId: userCoinWalletId(user.id), asset: COIN, direction: 'debit', amount },
            { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit', amount },
          ],
          metadata: { kind: 'gift_sent' },
        });
      const posted = await hold(10);
      const voided = await hold(20);
      const open = await hold(5);
      await t.ledger.submit({ type: 'post_pending', pendingId: posted.id, idempotencyKey: key() });
      await t.ledger.submit({ type: 'void_pending', pendingId: voided.id, idempotencyKey: key() });

      const { transactions } = await listed(user);
      assert.deepEqual(
        transactions.map((entry) => [entry.id, entry.status, entry.direction, entry.amount]),
        [
          [open.id, 'pending', 'debit', 5],
          [voided.id, 'voided', 'debit', 20],
          [posted.id, 'posted', 'debit', 10],
          [transactions.at(-1)!.id, 'posted', 'credit', 50],
        ],
      );
      assert.equal(transactions[0]!.description, 'Debited 5 coins');

      await t.ledger.submit({
        type: 'posted',
        idempotencyKey: key(),
        legs: [
          { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit', amount: 1 },
          { accountId: userDiamondWalletId(user.id), asset: DIAMOND, direction: 'credit', amount: 1 },
        ],
      });
      const diamonds = (await listed(user, '?asset=diamonds')).transactions;
      assert.deepEqual(
        diamonds.map((entry) => entry.description),
        ['Credited 1 diamond'],
      );
      assert.equal((await listed(user, '?asset=coins')).transactions.length, 4);
    });

    it('exports CSV by format=csv or Accept: text/csv, quoted and defused against formulas', async () => {
      const user = await signUpAndLogIn(t);
      const plain = await grant(user, 3);
      const hostile = await grant(user, 4, { kind: 'coin_purchase', orderId: '=HYPERLINK("http://evil.example","click"), really' });

      const response = await list(user, '?format=csv');
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(response.headers['content-disposition'], 'attachment; filename="ovation-coins-transactions.csv"');
      assert.equal(response.headers['x-truncated'], undefined);
      const lines = response.body.split('\r\n');
      assert.equal(lines[0], 'id,at,status,kind,direction,amount,description,orderId,reversesTransferId');
      const [listedHostile, listedPlain] = (await listed(user)).transactions;
      assert.equal(
        lines[1],
        `${hostile.id},${listedHostile!.at},posted,coin_purchase,credit,4,` +
          `"Bought 4 coins (order =HYPERLINK(""http://evil.example"",""click""), really)",` +
          `"'=HYPERLINK(""http://evil.example"",""click""), really",`,
      );
      assert.equal(lines[2], `${plain.id},${listedPlain!.at},posted,transfer,credit,3,Credited 3 coins,,`);
      assert.equal(lines[3], '');
      assert.equal(lines.length, 4);

      const byAccept = await list(user, '?asset=diamonds', { accept: 'text/csv' });
      assert.equal(byAccept.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(byAccept.headers['content-disposition'], 'attachment; filename="ovation-diamonds-transactions.csv"');
      assert.equal(byAccept.body, 'id,at,status,kind,direction,amount,description,orderId,reversesTransferId\r\n');
      const jsonAnyway = await list(user, '?format=json', { accept: 'text/csv' });
      assert.equal(jsonAnyway.json().transactions.length, 2);
    });

    it(`cuts a CSV export at ${CSV_MAX_ROWS} rows and says where to continue`, async () => {
      const user = await signUpAndLogIn(t);
      // In rounds of a thousand: the ledger refuses more than LEDGER_MAX_QUEUE waiting transfers.
      for (let granted = 0; granted <= CSV_MAX_ROWS; granted += 1000) {
        await Promise.all(Array.from({ length: Math.min(1000, CSV_MAX_ROWS + 1 - granted) }, () => grant(user, 1)));
      }
      const response = await list(user, '?format=csv');
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['x-truncated'], 'true');
      assert.equal(response.body.split('\r\n').length, CSV_MAX_ROWS + 2, 'header, rows, final line end');
      const rest = await list(user, `?format=csv&cursor=${response.headers['x-next-cursor']}`);
      assert.equal(rest.body.split('\r\n').length, 3);
      assert.equal(rest.headers['x-truncated'], undefined);
    });

    it('needs a session, and names the query parameter at fault', async () => {
      const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/wallet/transactions' });
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.json().error.code, 'authentication_required');

      const user = await signUpAndLogIn(t);
      for (const [query, param, code] of [
        ['?limit=0', 'limit', 'validation_failed'],
        ['?limit=201', 'limit', 'validation_failed'],
        ['?limit=ten', 'limit', 'validation_failed'],
        ['?asset=gold', 'asset', 'validation_failed'],
        ['?format=xml', 'format', 'validation_failed'],
        ['?kind=Not%20A%20Kind', 'kind', 'validation_failed'],
        ['?from=yesterday', 'from', 'validation_failed'],
        ['?to=2026-02-30', 'to', 'validation_failed'],
        ['?from=2026-03-01&to=2026-03-01', 'to', 'invalid_date_range'],
        ['?cursor=garbage', 'cursor', 'invalid_cursor'],
        [`?cursor=${Buffer.from('tx:0').toString('base64url')}`, 'cursor', 'invalid_cursor'],
        ['?page=2', 'page', 'validation_failed'],
      ] as const) {
        const response = await list(user, query);
        assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
        assert.equal(response.json().error.param, param, query);
        assert.equal(response.json().error.code, code, query);
      }
    });

    it('is described in the OpenAPI document with its JSON and CSV answers', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      const operation = document.paths['/api/v1/wallet/transactions'].get;
      assert.deepEqual(operation.tags, ['wallet']);
      assert.deepEqual(Object.keys(operation.responses['200'].content).sort(), ['application/json', 'text/csv']);
    });
  });
}
