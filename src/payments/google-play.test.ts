import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { ConfigError } from '../config/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { platformAccountId, userCoinWalletId } from '../ledger/index.js';
import { assertAuditPasses, diamondsOf, payoutReadyCreator } from '../payouts/testing/creators.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { backgroundJobs } from '../server/background-jobs.js';
import { loadModuleSettings, loadSettings } from '../server/settings.js';
import { createGooglePlayStore } from './google-play-store.js';
import { assertClawedBackAndHeld, assertReceiptCreditedOnce, assertReceiptsRefused, giftThenRequestPayout } from './testing/app-store-purchases.js';
import { startFakeGooglePlay, type FakeGooglePlay } from './testing/google-play-server.js';

const DAY_MS = 86_400_000;
const PACKAGE_NAME = 'com.example.ovation';
const PRODUCTS = { coins_350: 'pkg_app_350', coins_700: 'pkg_app_700', coins_7000: 'pkg_app_7000' };
const CLIENT_EMAIL = 'ovation-play@example-project.iam.gserviceaccount.com';
const PUSH_EMAIL = 'play-notifications@example-project.iam.gserviceaccount.com';
const PUSH_AUDIENCE = 'https://ovation.example.com/api/v1/webhooks/google-play';

/** The operator's service account key, as the Google Cloud console issues it (RSA, PKCS#8 in a JSON file). */
const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** A key that is neither the service account's nor Google's. */
const forgerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const keyFile = (tokenUri: string, privateKey = serviceAccount.privateKey) =>
  JSON.stringify({
    type: 'service_account',
    project_id: 'example-project',
    private_key_id: '2f1a9c0e4b7d',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: CLIENT_EMAIL,
    client_id: '113774264463038321964',
    token_uri: tokenUri,
  });

const googleEnv = (fake: Pick<FakeGooglePlay, 'url' | 'tokenUrl' | 'certsUrl'>): Record<string, string> => ({
  APP_STORE_PROVIDER: 'google',
  GOOGLE_PLAY_PACKAGE_NAME: PACKAGE_NAME,
  GOOGLE_PLAY_PRODUCT_PACKAGES: Object.entries(PRODUCTS)
    .map((pair) => pair.join(':'))
    .join(','),
  GOOGLE_PLAY_SERVICE_ACCOUNT_KEY: keyFile(fake.tokenUrl),
  GOOGLE_PLAY_API_URL: fake.url,
  GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT: PUSH_EMAIL,
  GOOGLE_PLAY_PUSH_AUDIENCE: PUSH_AUDIENCE,
  GOOGLE_PLAY_PUSH_CERTS_URL: fake.certsUrl,
  STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50',
});

const startFake = () => startFakeGooglePlay({ packageName: PACKAGE_NAME, serviceAccountEmail: CLIENT_EMAIL, serviceAccountPublicKey: serviceAccount.publicKey });

describe('Google Play configuration', () => {
  it('names each missing setting when APP_STORE_PROVIDER=google, and refuses a key that is not a service account’s', () => {
    const fake = { url: 'https://androidpublisher.example.com', tokenUrl: 'https://oauth2.example.com/token', certsUrl: 'https://www.example.com/oauth2/v3/certs' };
    const env = googleEnv(fake);
    for (const name of ['GOOGLE_PLAY_PACKAGE_NAME', 'GOOGLE_PLAY_SERVICE_ACCOUNT_KEY', 'GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT']) {
      assert.throws(
        () => loadModuleSettings({ ...env, [name]: '' }),
        (error) => error instanceof ConfigError && error.message === `${name}: APP_STORE_PROVIDER=google needs it`,
      );
    }
    assert.throws(() => loadModuleSettings({ ...env, GOOGLE_PLAY_SERVICE_ACCOUNT_KEY: '{"type":"authorized_user"}' }), /GOOGLE_PLAY_SERVICE_ACCOUNT_KEY: expected a service account key/);
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    assert.throws(() => loadModuleSettings({ ...env, GOOGLE_PLAY_SERVICE_ACCOUNT_KEY: keyFile(fake.tokenUrl, ecKey) }), /not the RSA key/);
    assert.throws(() => loadModuleSettings({ ...env, GOOGLE_PLAY_PRODUCT_PACKAGES: 'coins_700:pkg_app_700,coins_700b:pkg_app_700' }), /one product only/);
    const loaded = loadModuleSettings(env).appStore;
    assert.deepEqual([loaded.provider, loaded.apple, loaded.google?.serviceAccount.clientEmail, loaded.google?.voidedPollIntervalMs], ['google', undefined, CLIENT_EMAIL, 600_000]);
  });
});

describe('Google Play Developer API client', () => {
  let fake: FakeGooglePlay;
  before(async () => {
    fake = await startFake();
  });
  after(async () => {
    await fake?.close();
  });
  const store = (privateKey = serviceAccount.privateKey) => {
    const google = loadModuleSettings({ ...googleEnv(fake), GOOGLE_PLAY_SERVICE_ACCOUNT_KEY: keyFile(fake.tokenUrl, privateKey) }).appStore.google!;
    return createGooglePlayStore({ ...google, pushAudience: PUSH_AUDIENCE, now: () => new Date() });
  };

  it('signs in once as the service account and keeps its access token for every call until it expires', async () => {
    const client = store();
    const bought = [fake.purchase({ productId: 'coins_700' }), fake.purchase({ productId: 'coins_350', regionCode: 'JP' })];
    const verified = await Promise.all([...bought, ...bought].map((purchase) => client.verify(purchase.receipt)));
    assert.deepEqual(
      verified.slice(0, 2).map((each) => [each.transactionId, each.productId, each.storefront, each.environment, each.completed]),
      [
        [bought[0]!.purchaseToken, 'pkg_app_700', 'US', 'production', false],
        [bought[1]!.purchaseToken, 'pkg_app_350', 'JP', 'production', false],
      ],
    );
    assert.equal(fake.calls.filter((call) => call.path === '/token').length, 1, 'four calls at once share one sign-in');
    assert.ok(fake.calls.every((call) => call.refused === null));
  });

  it('is refused by Google when its assertion is signed by another key, and says which setting to check', async () => {
    const client = store(forgerKey);
    const { receipt } = fake.purchase({ productId: 'coins_700' });
    await assert.rejects(client.verify(receipt), (error: Error & { code?: string }) => error.code === 'app_store_unavailable' && /invalid_grant.*GOOGLE_PLAY_SERVICE_ACCOUNT_KEY/.test(error.message));
    await assert.rejects(client.transactionHistory({ transactionId: 'x', packageId: 'pkg_app_700' }), /Signing in as the service account failed: .*invalid_grant/);
  });

  it('reads every page of the voided purchases of the last 30 days', async () => {
    const voided = [1, 2, 3].map(() => fake.purchase({ productId: 'coins_700' }).purchaseToken);
    for (const token of voided) fake.voidPurchase(token);
    const listed = await store().voidedPurchases!(new Date(Date.now() - 30 * DAY_MS + 60_000));
    assert.deepEqual(listed, voided);
    assert.equal(fake.calls.filter((call) => call.path.endsWith('/purchases/voidedpurchases')).length, 2, 'two pages of two');
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`a server with APP_STORE_PROVIDER=google on ${engine}`, { skip }, () => {
    let t: TestApp;
    let fake: FakeGooglePlay;
    let admin: SignedInUser;
    before(async () => {
      fake = await startFake();
      t = await createTestApp(engine, { env: googleEnv(fake) });
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
      await fake?.close();
    });

    const sendReceipt = (user: SignedInUser, receipt: string) => t.app.inject({ method: 'POST', url: '/api/v1/orders/app-receipts', headers: user.headers, payload: { receipt } });
    const coinsOf = async (user: SignedInUser) => (await t.ledger.getAccount(userCoinWalletId(user.id)))?.posted ?? 0n;
    const ordersOf = async (user: SignedInUser) => (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: user.headers })).json().orders as { id: string; status: string }[];
    /** A push token as Pub/Sub signs it, dated by the server's clock. */
    const pushToken = (claims: Record<string, unknown> = {}, options?: Parameters<FakeGooglePlay['pushToken']>[1]) => {
      const issuedAt = Math.floor(t.clock.now().getTime() / 1000);
      return fake.pushToken({ aud: PUSH_AUDIENCE, email: PUSH_EMAIL, iat: issuedAt, exp: issuedAt + 3600, ...claims }, options);
    };
    /** A Pub/Sub push request carrying a developer notification. */
    const push = (notification: Record<string, unknown>, authorization: string | null = `Bearer ${pushToken()}`, messageId = String(Date.now() * 1000 + Math.floor(Math.random() * 1000))) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/google-play',
        headers: authorization === null ? {} : { authorization },
        payload: {
          message: {
            attributes: {},
            data: Buffer.from(JSON.stringify({ version: '1.0', packageName: PACKAGE_NAME, eventTimeMillis: String(Date.now()), ...notification })).toString('base64'),
            messageId,
            message_id: messageId,
            publishTime: new Date().toISOString(),
          },
          subscription: 'projects/example-project/subscriptions/play-notifications',
        },
      });
    const voidedNotification = (purchaseToken: string, productType = 2) => ({ voidedPurchaseNotification: { purchaseToken, orderId: 'GPA.0000-0000-0000-00000', productType, refundType: 1 } });

    it('credits a purchase once at the app price with Google’s commission booked, and acknowledges and consumes it at Google', async () => {
      const buyer = await signUpAndLogIn(t);
      const fees = platformAccountId('store_fees', 'USD');
      const feesBefore = (await t.ledger.getAccount(fees))?.posted ?? 0n;
      const { receipt, purchaseToken } = fake.purchase({ productId: 'coins_700' });
      const credited = await sendReceipt(buyer, receipt);
      assert.equal(credited.statusCode, 201, credited.body);
      const order = credited.json().order;
      assert.deepEqual([order.provider, order.channel, order.status, order.packageId, order.price], ['google_play', 'app', 'succeeded', 'pkg_app_700', { amount: 999, currency: 'USD' }]);
      assert.equal(await coinsOf(buyer), BigInt(order.totalCoins));
      assert.equal(((await t.ledger.getAccount(fees))?.posted ?? 0n) - feesBefore, 300n, '30% of $9.99, rounded up to the cent');
      const admins = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/orders/${order.id}`, headers: admin.headers })).json().order;
      assert.equal(admins.providerPaymentId, purchaseToken, 'the purchase token is the payment');
      assert.deepEqual([fake.stateOf(purchaseToken)?.acknowledgementState, fake.stateOf(purchaseToken)?.consumptionState], [1, 1]);

      await assertReceiptCreditedOnce(t, buyer, receipt, order);
    });

    it('credits one purchase delivered eight times at once exactly once, and consumes it once', async () => {
      const buyer = await signUpAndLogIn(t);
      const { receipt, purchaseToken } = fake.purchase({ productId: 'coins_350' });
      const responses = await Promise.all(Array.from({ length: 8 }, () => sendReceipt(buyer, receipt)));
      assert.deepEqual(responses.map((response) => response.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 201], responses.map((response) => response.body).join('\n'));
      assert.equal(new Set(responses.map((response) => response.json().order.id)).size, 1);
      assert.equal((await ordersOf(buyer)).length, 1);
      assert.equal(await coinsOf(buyer), BigInt(responses[0]!.json().order.totalCoins));
      assert.equal(fake.stateOf(purchaseToken)?.consumptionState, 1);
    });

    it('a purchase the app made for one account (its obfuscated account id) is credited only to that account', async () => {
      const buyer = await signUpAndLogIn(t);
      const thief = await signUpAndLogIn(t);
      const token = (await t.app.inject({ method: 'GET', url: '/api/v1/me/app-account-token', headers: buyer.headers })).json().appAccountToken as string;
      const { receipt } = fake.purchase({ productId: 'coins_700', accountToken: token });
      const stolen = await sendReceipt(thief, receipt);
      assert.equal(stolen.statusCode, 409, stolen.body);
      assert.equal(stolen.json().error.code, 'receipt_of_another_account');
      assert.equal(await coinsOf(thief), 0n);
      assert.equal((await sendReceipt(buyer, receipt)).statusCode, 201);
    });

    it('refuses unknown, forged, pending, canceled, test, promo and foreign purchases with 400 invalid_receipt, crediting nothing', async () => {
      const buyer = await signUpAndLogIn(t);
      const genuine = JSON.parse(fake.purchase({ productId: 'coins_700' }).receipt) as Record<string, unknown>;
      const cases: [string, string, RegExp][] = [
        ['a made-up token', JSON.stringify({ ...genuine, purchaseToken: 'forged.AO-J1Oforgedtoken' }), /does not know its purchase token/],
        ['a genuine token claimed for a dearer product', JSON.stringify({ ...genuine, productId: 'coins_7000' }), /does not know its purchase token/],
        ['not a purchase', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln', /not a Google Play purchase/],
        ['another app', JSON.stringify({ ...genuine, packageName: 'com.example.other' }), /for the app com\.example\.other/],
        ['a product not mapped to a package', fake.purchase({ productId: 'remove_ads' }).receipt, /GOOGLE_PLAY_PRODUCT_PACKAGES/],
        ['a pending payment', fake.purchase({ productId: 'coins_700', purchaseState: 2 }).receipt, /still pending/],
        ['a canceled purchase', fake.purchase({ productId: 'coins_700', purchaseState: 1 }).receipt, /canceled it/],
        ['a license tester’s purchase', fake.purchase({ productId: 'coins_700', purchaseType: 0 }).receipt, /test purchase.*GOOGLE_PLAY_TEST_PURCHASES/],
        ['a promo code', fake.purchase({ productId: 'coins_700', purchaseType: 1 }).receipt, /promo-code purchase/],
        ['several at once', fake.purchase({ productId: 'coins_700', quantity: 2 }).receipt, /buys 2 at once/],
      ];
      await assertReceiptsRefused(t, buyer, cases);
    });

    it('serves no sandbox app store, and refuses push requests without a genuine, current Pub/Sub token for this subscription', async () => {
      const user = await signUpAndLogIn(t);
      const purchase = await t.app.inject({ method: 'POST', url: '/api/v1/sandbox/app-store/purchases', headers: user.headers, payload: { productId: 'pkg_app_70', storefront: 'US' } });
      assert.equal(purchase.statusCode, 404);
      assert.equal(purchase.json().error.code, 'route_not_found');
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/webhooks/apple', payload: { signedPayload: 'a.b.c' } })).statusCode, 404);

      const buyer = await signUpAndLogIn(t);
      const { receipt, purchaseToken } = fake.purchase({ productId: 'coins_700' });
      assert.equal((await sendReceipt(buyer, receipt)).statusCode, 201);
      const nowSeconds = Math.floor(t.clock.now().getTime() / 1000);
      const forged: [string, string | null, RegExp][] = [
        ['no token', null, /no bearer token/],
        ['a token signed by another key under Google’s key id', `Bearer ${pushToken({}, { signingKey: forgerKey })}`, /signature does not match/],
        ['a token signed by a key Google does not have', `Bearer ${pushToken({}, { signingKey: forgerKey, kid: 'not-googles' })}`, /not one of Google's/],
        ['an expired token', `Bearer ${pushToken({ iat: nowSeconds - 7200, exp: nowSeconds - 3600 })}`, /expired/],
        ['a token for another audience', `Bearer ${pushToken({ aud: 'https://elsewhere.example.com/push' })}`, /audience/],
        ['a token for another service account', `Bearer ${pushToken({ email: 'someone@else.iam.gserviceaccount.com' })}`, /names the account/],
        ['a token of another issuer', `Bearer ${pushToken({ iss: 'https://issuer.example.com' })}`, /not Google/],
      ];
      for (const [what, authorization, message] of forged) {
        const response = await push(voidedNotification(purchaseToken), authorization);
        assert.equal(response.statusCode, 400, `${what}: ${response.body}`);
        assert.equal(response.json().error.code, 'invalid_signature', what);
        assert.match(response.json().error.message, message, what);
      }
      assert.equal(await coinsOf(buyer), 840n, 'no forged refund took the coins back');
      assert.deepEqual((await push({ testNotification: { version: '1.0' } })).json(), { received: true, result: 'ignored' });
      assert.deepEqual((await push({ ...voidedNotification(purchaseToken), packageName: 'com.example.other' })).json(), { received: true, result: 'ignored' });
      assert.deepEqual((await push(voidedNotification(purchaseToken, 1))).json(), { received: true, result: 'ignored' }, 'a voided subscription is not the coins’');
      assert.equal(await coinsOf(buyer), 840n);
    });

    it('a refund after the coins were gifted claws them back from the creator and holds the payout; copies of its notification change nothing', async () => {
      const creator = await payoutReadyCreator(t);
      const buyer = await signUpAndLogIn(t);
      const { receipt, purchaseToken } = fake.purchase({ productId: 'coins_7000' });
      const order = (await sendReceipt(buyer, receipt)).json().order;
      assert.equal(order.totalCoins, 8400, '7,000 coins and the first-purchase bonus');
      const { payoutId } = await giftThenRequestPayout(t, buyer, creator);

      // Google refunds the purchase; Pub/Sub redelivers a message it got no answer for, here four copies at once.
      fake.voidPurchase(purchaseToken);
      const messageId = '9876543210123';
      const delivered = await Promise.all(Array.from({ length: 4 }, () => push(voidedNotification(purchaseToken), undefined, messageId)));
      for (const response of delivered) assert.equal(response.statusCode, 200, response.body);
      assert.ok(delivered.some((response) => response.json().result === 'processed'));

      await assertClawedBackAndHeld(t, { buyer, creator, admin, orderId: order.id, payoutId });

      assert.deepEqual((await push(voidedNotification(purchaseToken), undefined, messageId)).json(), { received: true, result: 'duplicate' });
      // The Voided Purchases API lists the same refund: nothing more is taken.
      assert.deepEqual((await t.orders.clawBackVoidedPurchases())?.clawedBack, []);
      assert.equal(await coinsOf(buyer), -8000n);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: -8000n });
      await assertAuditPasses(t, 'after the Google Play refund');
    });

    it('a refund whose notification never came is clawed back from the Voided Purchases API; one of a purchase never credited refuses its receipt', async () => {
      const buyer = await signUpAndLogIn(t);
      const refunded = fake.purchase({ productId: 'coins_700' });
      const order = (await sendReceipt(buyer, refunded.receipt)).json().order;
      const neverSent = fake.purchase({ productId: 'coins_700' });
      fake.voidPurchase(refunded.purchaseToken);
      fake.voidPurchase(neverSent.purchaseToken);

      // The background job that asks Google every GOOGLE_PLAY_VOIDED_POLL_INTERVAL_MS.
      const job = backgroundJobs(t.services, loadSettings(googleEnv(fake))).find((each) => each.name === 'claw-back-voided-purchases');
      assert.equal(job?.intervalMs, 600_000);
      const report = (await job!.run(new AbortController().signal)) as { clawedBack: string[] };
      assert.deepEqual(report.clawedBack, [order.id]);
      assert.equal(await coinsOf(buyer), 0n);
      const late = await sendReceipt(await signUpAndLogIn(t), neverSent.receipt);
      assert.equal(late.statusCode, 400, late.body);
      assert.match(late.json().error.message, /canceled it|refunded or revoked/);
      assert.deepEqual((await t.orders.clawBackVoidedPurchases())?.clawedBack, [], 'a second look takes nothing more');
    });

    it('credits a purchase while Google cannot take its consumption, answers 503, and reconciliation tells Google later', async () => {
      const buyer = await signUpAndLogIn(t);
      const { receipt, purchaseToken } = fake.purchase({ productId: 'coins_350' });
      fake.consumeDown = true;
      const answered = await sendReceipt(buyer, receipt);
      fake.consumeDown = false;
      assert.equal(answered.statusCode, 503, answered.body);
      assert.equal(answered.json().error.code, 'app_store_unavailable');
      const [order] = await ordersOf(buyer);
      assert.equal(order?.status, 'succeeded', 'the coins are the buyer’s already');
      assert.equal(fake.stateOf(purchaseToken)?.consumptionState, 0);

      const report = await t.orders.reconcile();
      assert.ok(report.appStore?.completedAtStore.includes(order!.id), JSON.stringify(report.appStore));
      assert.deepEqual([fake.stateOf(purchaseToken)?.acknowledgementState, fake.stateOf(purchaseToken)?.consumptionState], [1, 1]);
      assert.equal(await coinsOf(buyer), 420n, 'credited once: 350 coins and the first-purchase bonus');
      assert.deepEqual((await t.orders.reconcile()).appStore?.completedAtStore, []);
    });
  });
}
