import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { ConfigError } from '../config/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { platformAccountId, userCoinWalletId } from '../ledger/index.js';
import { assertAuditPasses, diamondsOf, payoutReadyCreator } from '../payouts/testing/creators.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { loadModuleSettings } from '../server/settings.js';
import { createAppleAppStore, AppStoreApiError } from './apple-app-store.js';
import { makeAppleLikeChain, signAsAppStore, type TestChain } from './testing/apple-pki.js';
import { assertClawedBackAndHeld, assertReceiptCreditedOnce, assertReceiptsRefused, giftThenRequestPayout } from './testing/app-store-purchases.js';
import { startFakeAppStoreServer, type FakeAppStoreServer } from './testing/apple-server.js';

const DAY_MS = 86_400_000;
const BUNDLE_ID = 'com.example.ovation';
const ISSUER_ID = '57246542-96fe-1a63-e053-0824d011072a';
const KEY_ID = '2X9R4HXF34';
const PRODUCTS = { 'com.example.coins350': 'pkg_app_350', 'com.example.coins700': 'pkg_app_700', 'com.example.coins7000': 'pkg_app_7000' };

/** The operator's in-app purchase key, as App Store Connect issues it (a .p8: PKCS#8 PEM, EC P-256). */
const apiKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const API_KEY_PEM = apiKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** The test's own Apple: a root CA the server is told to trust, a WWDR-like intermediate and a receipt-signing leaf. */
const chain = makeAppleLikeChain();

/** A JWSTransactionDecodedPayload as Apple documents it, for a consumable bought in the US storefront. */
function transactionPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const transactionId = String(2_000_000_000_000_000 + randomInt(1e9));
  const at = Date.now();
  return {
    transactionId,
    originalTransactionId: transactionId,
    bundleId: BUNDLE_ID,
    productId: 'com.example.coins700',
    purchaseDate: at,
    originalPurchaseDate: at,
    quantity: 1,
    type: 'Consumable',
    inAppOwnershipType: 'PURCHASED',
    signedDate: at,
    environment: 'Production',
    transactionReason: 'PURCHASE',
    storefront: 'USA',
    storefrontId: '143441',
    price: 9990,
    currency: 'USD',
    ...overrides,
  };
}
const signTransaction = (overrides: Record<string, unknown> = {}, by: TestChain = chain) => signAsAppStore(transactionPayload(overrides), by);
const transactionIdOf = (jws: string): string => (JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as { transactionId: string }).transactionId;

/** An App Store Server Notification V2 body, its signedPayload signed as Apple does. */
function notification(type: string, signedTransactionInfo: string, by: TestChain = chain, overrides: Record<string, unknown> = {}) {
  const payload = {
    notificationType: type,
    notificationUUID: crypto.randomUUID(),
    version: '2.0',
    signedDate: Date.now(),
    data: { appAppleId: 1234567890, bundleId: BUNDLE_ID, bundleVersion: '42', environment: 'Production', signedTransactionInfo },
    ...overrides,
  };
  return { signedPayload: signAsAppStore(payload, by) };
}

const appleEnv = (apiUrl: string): Record<string, string> => ({
  APP_STORE_PROVIDER: 'apple',
  APPLE_BUNDLE_ID: BUNDLE_ID,
  APPLE_ENVIRONMENT: 'Production',
  APPLE_PRODUCT_PACKAGES: Object.entries(PRODUCTS)
    .map((pair) => pair.join(':'))
    .join(','),
  APPLE_ISSUER_ID: ISSUER_ID,
  APPLE_KEY_ID: KEY_ID,
  APPLE_PRIVATE_KEY: API_KEY_PEM.replace(/\n/g, '\\n'),
  APPLE_API_URL: apiUrl,
  APPLE_ROOT_CERTIFICATES: chain.root.pem,
  APPLE_SHARE_CONSUMPTION: 'true',
  STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50',
});

describe('Apple App Store configuration', () => {
  it('names each missing setting when APP_STORE_PROVIDER=apple', () => {
    const env = appleEnv('http://127.0.0.1:9');
    for (const name of ['APPLE_BUNDLE_ID', 'APPLE_ISSUER_ID', 'APPLE_KEY_ID', 'APPLE_PRIVATE_KEY']) {
      assert.throws(
        () => loadModuleSettings({ ...env, [name]: '' }),
        (error) => error instanceof ConfigError && error.message === `${name}: APP_STORE_PROVIDER=apple needs it`,
      );
    }
    assert.throws(() => loadModuleSettings({ ...env, APPLE_PRIVATE_KEY: 'not a key' }), /APPLE_PRIVATE_KEY: expected the \.p8 file's PEM private key/);
    assert.throws(() => loadModuleSettings({ ...env, APPLE_PRODUCT_PACKAGES: 'com.example.coins700' }), /APPLE_PRODUCT_PACKAGES: expected pairs like/);
    assert.equal(loadModuleSettings({ ...env, APPLE_API_URL: '' }).appStore.apple?.apiUrl, 'https://api.storekit.itunes.apple.com');
    assert.equal(loadModuleSettings({}).appStore.apple, undefined);
  });
});

describe('App Store Server API client', () => {
  let fake: FakeAppStoreServer;
  before(async () => {
    fake = await startFakeAppStoreServer({ issuerId: ISSUER_ID, keyId: KEY_ID, bundleId: BUNDLE_ID, publicKey: apiKey.publicKey, environment: 'Production' });
  });
  after(async () => {
    await fake?.close();
  });
  const storeOptions = (privateKey = API_KEY_PEM, keyId = KEY_ID) => ({
    bundleId: BUNDLE_ID,
    environment: 'Production' as const,
    productPackages: PRODUCTS,
    apiUrl: fake.url,
    issuerId: ISSUER_ID,
    keyId,
    privateKey,
    rootCertificates: chain.root.pem as string | undefined,
    shareConsumption: true,
    now: () => new Date(),
  });
  const store = (privateKey = API_KEY_PEM, keyId = KEY_ID) => createAppleAppStore(storeOptions(privateKey, keyId));

  it("reads a store account's whole history, page by page, as coin purchases in their package and region; an unknown transaction is undefined", async () => {
    const bought = [signTransaction(), signTransaction({ productId: 'com.example.coins350', storefront: 'JPN' }), signTransaction({ revocationDate: Date.now() })];
    // The app's other products (a subscription) are in the history too, and are not coin purchases.
    const subscription = signTransaction({ type: 'Auto-Renewable Subscription', productId: 'com.example.premium' });
    fake.addAccount([...bought, subscription].map((signed) => ({ transactionId: transactionIdOf(signed), signed })));
    const history = await store().transactionHistory({ transactionId: transactionIdOf(bought[1]!), packageId: 'pkg_app_350' });
    assert.deepEqual(
      history?.map((each) => [each.transactionId, each.productId, each.storefront, each.revokedAt !== undefined]),
      [
        [transactionIdOf(bought[0]!), 'pkg_app_700', 'US', false],
        [transactionIdOf(bought[1]!), 'pkg_app_350', 'JP', false],
        [transactionIdOf(bought[2]!), 'pkg_app_700', 'US', true],
      ],
    );
    const pages = fake.calls.filter((call) => call.path === `/inApps/v1/history/${transactionIdOf(bought[1]!)}`);
    assert.equal(pages.length, 2, 'two pages of two');
    assert.deepEqual(
      pages.map((page) => page.refused),
      [null, null],
    );
    assert.equal(await store().transactionHistory({ transactionId: '2000000999999999', packageId: 'pkg_app_700' }), undefined);
  });

  it("trusts Apple's own root unless told otherwise, and credits only its environment's transactions", async () => {
    const production = store();
    await assert.rejects(
      createAppleAppStore({ ...storeOptions(), rootCertificates: undefined }).verify(signTransaction()),
      (error: Error & { code?: string }) => error.code === 'invalid_receipt' && /does not lead to a trusted root \(Apple Root CA - G3\)/.test(error.message),
    );
    const sandbox = createAppleAppStore({ ...storeOptions(), environment: 'Sandbox' });
    assert.equal((await sandbox.verify(signTransaction({ environment: 'Sandbox' }))).environment, 'sandbox');
    await assert.rejects(sandbox.verify(signTransaction()), /a Production purchase, and this server credits Sandbox ones/);
    assert.equal((await production.verify(signTransaction())).environment, 'production');
  });

  it('is refused (401) when its JWT is signed by another key or names another key id', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const client of [store(other), store(API_KEY_PEM, 'WRONGKEYID')]) {
      await assert.rejects(
        client.transactionHistory({ transactionId: '2000000999999999', packageId: 'pkg_app_700' }),
        (error) => error instanceof AppStoreApiError && error.status === 401 && /APPLE_KEY_ID/.test(error.message),
      );
    }
    assert.deepEqual(
      fake.calls.slice(-2).map((call) => call.refused?.split(' ')[0]),
      ['bad', 'header'],
    );
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`a server with APP_STORE_PROVIDER=apple on ${engine}`, { skip }, () => {
    let t: TestApp;
    let fake: FakeAppStoreServer;
    let admin: SignedInUser;
    before(async () => {
      fake = await startFakeAppStoreServer({ issuerId: ISSUER_ID, keyId: KEY_ID, bundleId: BUNDLE_ID, publicKey: apiKey.publicKey, environment: 'Production' });
      t = await createTestApp(engine, { env: appleEnv(fake.url) });
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
      await fake?.close();
    });

    const sendReceipt = (user: SignedInUser, receipt: string) => t.app.inject({ method: 'POST', url: '/api/v1/orders/app-receipts', headers: user.headers, payload: { receipt } });
    const deliver = (body: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/webhooks/apple', payload: body as Record<string, unknown> });
    const coinsOf = async (user: SignedInUser) => (await t.ledger.getAccount(userCoinWalletId(user.id)))?.posted ?? 0n;
    const ordersOf = async (user: SignedInUser) => (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: user.headers })).json().orders as { id: string; status: string }[];

    it('credits a signed transaction once at the app price, with Apple’s commission booked to store fees', async () => {
      const buyer = await signUpAndLogIn(t);
      const fees = platformAccountId('store_fees', 'USD');
      const feesBefore = (await t.ledger.getAccount(fees))?.posted ?? 0n;
      const receipt = signTransaction();
      const credited = await sendReceipt(buyer, receipt);
      assert.equal(credited.statusCode, 201, credited.body);
      const order = credited.json().order;
      assert.deepEqual([order.provider, order.channel, order.status, order.packageId, order.coins, order.price], ['apple', 'app', 'succeeded', 'pkg_app_700', 700, { amount: 999, currency: 'USD' }]);
      assert.equal(await coinsOf(buyer), BigInt(order.totalCoins));
      // 30% of $9.99, rounded up to the cent.
      assert.equal(((await t.ledger.getAccount(fees))?.posted ?? 0n) - feesBefore, 300n);
      const admins = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/orders/${order.id}`, headers: admin.headers })).json().order;
      assert.equal(admins.providerPaymentId, transactionIdOf(receipt), 'the App Store transaction id is the payment');

      await assertReceiptCreditedOnce(t, buyer, receipt, order);
    });

    it('credits one transaction delivered eight times at once exactly once', async () => {
      const buyer = await signUpAndLogIn(t);
      const receipt = signTransaction({ productId: 'com.example.coins350' });
      const responses = await Promise.all(Array.from({ length: 8 }, () => sendReceipt(buyer, receipt)));
      assert.deepEqual(responses.map((response) => response.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 201], responses.map((response) => response.body).join('\n'));
      assert.equal(new Set(responses.map((response) => response.json().order.id)).size, 1);
      assert.equal((await ordersOf(buyer)).length, 1);
      assert.equal(await coinsOf(buyer), BigInt(responses[0]!.json().order.totalCoins));
    });

    it('a purchase the app made for one account (its appAccountToken) is credited only to that account, whoever sends it first', async () => {
      const buyer = await signUpAndLogIn(t);
      const thief = await signUpAndLogIn(t);
      const tokenOf = async (user: SignedInUser) => {
        const response = await t.app.inject({ method: 'GET', url: '/api/v1/me/app-account-token', headers: user.headers });
        assert.equal(response.statusCode, 200, response.body);
        return response.json().appAccountToken as string;
      };
      const token = await tokenOf(buyer);
      assert.match(token, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(await tokenOf(buyer), token, 'the token never changes');
      assert.notEqual(await tokenOf(thief), token);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me/app-account-token' })).statusCode, 401);

      const receipt = signTransaction({ appAccountToken: token.toUpperCase() });
      const stolen = await sendReceipt(thief, receipt);
      assert.equal(stolen.statusCode, 409, stolen.body);
      assert.equal(stolen.json().error.code, 'receipt_of_another_account');
      assert.equal(await coinsOf(thief), 0n);
      assert.deepEqual(await ordersOf(thief), []);
      const credited = await sendReceipt(buyer, receipt);
      assert.equal(credited.statusCode, 201, credited.body);
      assert.equal(await coinsOf(buyer), BigInt(credited.json().order.totalCoins));
    });

    it('refuses forged, foreign, expired, other-app and other-environment transactions with 400 invalid_receipt, crediting nothing', async () => {
      const buyer = await signUpAndLogIn(t);
      const genuine = signTransaction();
      const [header, , signature] = genuine.split('.') as [string, string, string];
      const inflated = Buffer.from(JSON.stringify({ ...transactionPayload(), productId: 'com.example.coins7000' })).toString('base64url');
      const cases: [string, string, RegExp][] = [
        ['a payload changed after signing', `${header}.${inflated}.${signature}`, /signature does not match/],
        ['a chain to another root', signTransaction({}, makeAppleLikeChain()), /does not lead to a trusted root/],
        ['an expired leaf', signTransaction({}, makeAppleLikeChain({ root: chain.root, leaf: { notAfter: new Date(Date.now() - DAY_MS), notBefore: new Date(Date.now() - 30 * DAY_MS) } })), /expired/],
        ['a leaf without the receipt-signing marker', signTransaction({}, makeAppleLikeChain({ root: chain.root, leaf: { oids: [] } })), /receipt-signing/],
        ['another app', signTransaction({ bundleId: 'com.example.other' }), /for the app com\.example\.other/],
        ['a sandbox purchase', signTransaction({ environment: 'Sandbox' }), /Sandbox purchase/],
        ['a subscription', signTransaction({ type: 'Auto-Renewable Subscription' }), /consumables/],
        ['a product not mapped to a package', signTransaction({ productId: 'com.example.coins1' }), /APPLE_PRODUCT_PACKAGES/],
        ['a refunded transaction', signTransaction({ revocationDate: Date.now(), revocationReason: 0 }), /refunded or revoked/],
      ];
      await assertReceiptsRefused(t, buyer, cases);
    });

    it('serves no sandbox app store, and refuses forged notifications with 400 invalid_signature', async () => {
      const user = await signUpAndLogIn(t);
      const purchase = await t.app.inject({ method: 'POST', url: '/api/v1/sandbox/app-store/purchases', headers: user.headers, payload: { productId: 'pkg_app_70', storefront: 'US' } });
      assert.equal(purchase.statusCode, 404);
      assert.equal(purchase.json().error.code, 'route_not_found');
      // The web sandbox still takes orders paid by test card.
      const checkout = await t.app.inject({ method: 'POST', url: '/api/v1/sandbox/checkout/ord_missing', headers: user.headers, payload: { card: '4242424242424242' } });
      assert.equal(checkout.json().error.code, 'order_not_found');

      for (const forged of [notification('REFUND', signTransaction(), makeAppleLikeChain()), { signedPayload: 'a.b.c' }]) {
        const response = await deliver(forged);
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().error.code, 'invalid_signature');
      }
      const otherApp = await deliver(notification('REFUND', signTransaction(), chain, { data: { bundleId: 'com.example.other', environment: 'Production' } }));
      assert.equal(otherApp.statusCode, 400);
      assert.match(otherApp.json().error.message, /for the app com\.example\.other/);
      assert.deepEqual((await deliver(notification('TEST', signTransaction()))).json(), { received: true, result: 'ignored' });
      // The app's other products are not the coins': a refund of a subscription is answered and changes nothing.
      const subscription = signTransaction({ type: 'Auto-Renewable Subscription', productId: 'com.example.premium', revocationDate: Date.now() });
      assert.deepEqual((await deliver(notification('REFUND', subscription))).json(), { received: true, result: 'ignored' });
    });

    it('a refund after the coins were gifted claws them back from the creator and holds the payout; its redelivery changes nothing', async () => {
      const creator = await payoutReadyCreator(t);
      const buyer = await signUpAndLogIn(t);
      const receipt = signTransaction({ productId: 'com.example.coins7000' });
      const order = (await sendReceipt(buyer, receipt)).json().order;
      assert.equal(order.totalCoins, 8400, '7,000 coins and the first-purchase bonus');
      const { payoutId } = await giftThenRequestPayout(t, buyer, creator);

      // Apple refunds the purchase: the notification carries the transaction, re-signed with its revocation.
      const refund = notification('REFUND', signTransaction({ ...JSON.parse(Buffer.from(receipt.split('.')[1]!, 'base64url').toString()), revocationDate: Date.now(), revocationReason: 0 }));
      // Apple retries a notification it got no answer for: here four copies arrive at once.
      const delivered = await Promise.all(Array.from({ length: 4 }, () => deliver(refund)));
      for (const response of delivered) assert.equal(response.statusCode, 200, response.body);
      assert.ok(delivered.some((response) => response.json().result === 'processed'));

      await assertClawedBackAndHeld(t, { buyer, creator, admin, orderId: order.id, payoutId });
      const spend = await t.app.inject({ method: 'POST', url: '/api/v1/orders/app-receipts', headers: buyer.headers, payload: { receipt: signTransaction() } });
      assert.equal(spend.statusCode, 403, 'the buyer may not buy while support reviews the refund');

      assert.deepEqual((await deliver(refund)).json(), { received: true, result: 'duplicate' });
      // A second REFUND of the same transaction, under another notification id, takes nothing more.
      assert.equal(
        (await deliver(notification('REFUND', signTransaction({ ...JSON.parse(Buffer.from(receipt.split('.')[1]!, 'base64url').toString()), revocationDate: Date.now() })))).statusCode,
        200,
      );
      assert.equal(await coinsOf(buyer), -8000n);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: -8000n });
      await assertAuditPasses(t, 'after the App Store refund');

      // Apple takes its refund back: support is told, once, and decides whether to give the coins back.
      const reversal = notification('REFUND_REVERSED', receipt);
      assert.deepEqual((await deliver(reversal)).json(), { received: true, result: 'processed' });
      assert.deepEqual((await deliver(reversal)).json(), { received: true, result: 'duplicate' });
      const cases = (await t.accounts.listCases({ userId: buyer.id })).filter((each) => each.kind === 'store_refund_reversed');
      assert.equal(cases.length, 1);
      assert.match(cases[0]!.description, new RegExp(`reversed its refund of order ${order.id}`));
      assert.doesNotMatch(cases[0]!.description, /\btr_/, 'support reads the case in words, without transfer ids');
      assert.equal(await coinsOf(buyer), -8000n, 'nothing is credited again by itself');
    });

    it('a refund of a purchase not credited yet takes nothing, and refuses the receipt the app still holds', async () => {
      const buyer = await signUpAndLogIn(t);
      const receipt = signTransaction();
      const refund = notification('REFUND', signTransaction({ ...JSON.parse(Buffer.from(receipt.split('.')[1]!, 'base64url').toString()), revocationDate: Date.now() }));
      assert.deepEqual((await deliver(refund)).json(), { received: true, result: 'unknown_order' });
      const late = await sendReceipt(buyer, receipt);
      assert.equal(late.statusCode, 400, late.body);
      assert.match(late.json().error.message, /refunded or revoked/);
      assert.equal(await coinsOf(buyer), 0n);
    });

    it('answers a consumption request with the share of the purchase the ledger shows was spent, through the App Store Server API', async () => {
      const creator = await payoutReadyCreator(t);
      const buyer = await signUpAndLogIn(t);
      const receipt = signTransaction();
      const order = (await sendReceipt(buyer, receipt)).json().order;
      assert.equal(order.totalCoins, 840);
      const handle = (await t.accounts.getUser(creator.id)).handle;
      const gifted = await t.app.inject({
        method: 'POST',
        url: `/api/v1/users/${handle}/gifts`,
        headers: { ...buyer.headers, 'idempotency-key': `roses-${buyer.id}` },
        payload: { giftId: 'gift_rose', quantity: 210 },
      });
      assert.equal(gifted.statusCode, 201, gifted.body);

      const request = notification('CONSUMPTION_REQUEST', receipt, chain);
      const answered = await deliver(request);
      assert.deepEqual(answered.json(), { received: true, result: 'processed' });
      const sent = fake.calls.filter((call) => call.path === `/inApps/v2/transactions/consumption/${transactionIdOf(receipt)}`);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.method, 'PUT');
      assert.equal(sent[0]!.refused, null, 'the call carried a valid JWT of the in-app purchase key');
      // 210 of 840 coins spent: 25%, in milliunits.
      assert.deepEqual(sent[0]!.body, { customerConsented: true, sampleContentProvided: false, deliveryStatus: 'DELIVERED', consumptionPercentage: 25_000 });

      const unknown = signTransaction();
      assert.deepEqual((await deliver(notification('CONSUMPTION_REQUEST', unknown))).json(), { received: true, result: 'processed' });
      const undelivered = fake.calls.find((call) => call.path === `/inApps/v2/transactions/consumption/${transactionIdOf(unknown)}`);
      assert.deepEqual(undelivered?.body, { customerConsented: true, sampleContentProvided: false, deliveryStatus: 'UNDELIVERED_OTHER', consumptionPercentage: 0 });
      assert.deepEqual((await deliver(request)).json(), { received: true, result: 'duplicate' });
    });

    it("reconciles with Apple's transaction history: an unknown credited transaction is unresolved, a missed refund is clawed back, an uncredited purchase is reported", async () => {
      const buyer = await signUpAndLogIn(t);
      const [kept, refundedLater, neverSent, unknown] = [signTransaction(), signTransaction({ productId: 'com.example.coins350' }), signTransaction(), signTransaction()];
      const credit = async (receipt: string) => (await sendReceipt(buyer, receipt)).json().order.id as string;
      const [keptOrder, refundedOrder, unknownOrder] = [await credit(kept), await credit(refundedLater), await credit(unknown)];
      const revoked = signTransaction({ ...JSON.parse(Buffer.from(refundedLater.split('.')[1]!, 'base64url').toString()), revocationDate: Date.now() });
      fake.addAccount([kept, revoked, neverSent].map((signed) => ({ transactionId: transactionIdOf(signed), signed })));

      const report = await t.orders.reconcile();
      // Earlier tests' purchases were never told to this fake Apple: only this buyer's are looked at.
      const mine = new Set([keptOrder, refundedOrder, unknownOrder]);
      assert.deepEqual(report.clawedBack, [refundedOrder]);
      assert.deepEqual(
        report.unresolved.filter((each) => mine.has(each.orderId)),
        [{ orderId: unknownOrder, reason: `the App Store has no record of transaction ${transactionIdOf(unknown)}` }],
      );
      assert.deepEqual(
        report.appStore?.unknownToStore.filter((each) => mine.has(each.orderId)),
        [{ orderId: unknownOrder, transactionId: transactionIdOf(unknown) }],
      );
      assert.deepEqual(
        report.appStore?.neverCredited.map((each) => [each.transactionId, each.packageId, each.region, each.buyerId]),
        [[transactionIdOf(neverSent), 'pkg_app_700', 'US', buyer.id]],
      );
      const statuses = await ordersOf(buyer);
      assert.deepEqual(
        [keptOrder, refundedOrder, unknownOrder].map((id) => statuses.find((each) => each.id === id)?.status),
        ['succeeded', 'refunded', 'succeeded'],
      );
      const again = await t.orders.reconcile();
      assert.deepEqual(again.clawedBack, [], 'the clawback is not repeated');
      await assertAuditPasses(t, 'after reconciliation');
    });
  });
}
