import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import type { SignedInUser } from '../accounts/testing/users.js';
import { ConfigError } from '../config/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { loadPayoutConfig } from './config.js';
import { assertAuditPasses, diamondsOf, earnDiamonds, payoutReadyCreator, PAYOUTS_APPROVED_AT_ONCE } from './testing/creators.js';
import { customerTransactionIdOf } from './wise.js';

const CLIENT_ID = 'paypal_test_client_4c2e';
const CLIENT_SECRET = 'paypal_test_secret_9d71';
const WEBHOOK_ID = '1JE4291016473214C';

/** PayPal's webhook signing key; its certificate is what the fake's cert_url would serve. */
const paypalKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface FakeItem {
  batchId: string;
  itemId: string;
  senderItemId: string;
  amount: { value: string; currency: string };
  receiver: string;
  status: string;
}

/**
 * Stands in for PayPal's REST API on 127.0.0.1, as its reference documents it: client-credentials
 * tokens, payouts keyed by sender_batch_id (a repeated one is refused with a link to the batch it
 * made), batch lookups, and verify-webhook-signature, which checks a delivery's signature (SHA256withRSA
 * over transmission id|time|webhook id|CRC32 of the event) with PayPal's key.
 */
async function fakePayPalApi() {
  const items = new Map<string, FakeItem>();
  const calls: { method: string; path: string; body: Record<string, unknown> }[] = [];
  const tokens = new Set<string>();
  let url = '';

  const batchOf = (item: FakeItem) => ({
    batch_header: { payout_batch_id: item.batchId, batch_status: item.status === 'PENDING' ? 'PENDING' : 'SUCCESS', sender_batch_header: { sender_batch_id: item.batchId } },
    items: [
      { payout_item_id: item.itemId, payout_batch_id: item.batchId, transaction_status: item.status, payout_item: { amount: item.amount, receiver: item.receiver, sender_item_id: item.senderItemId } },
    ],
  });

  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const path = request.url ?? '';
      const answer = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (request.method === 'POST' && path === '/v1/oauth2/token') {
        const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
        if (request.headers.authorization !== expected || raw !== 'grant_type=client_credentials') return answer(401, { error: 'invalid_client', error_description: 'Client Authentication failed' });
        const token = `A21AA${randomUUID()}`;
        tokens.add(token);
        return answer(200, { scope: 'https://uri.paypal.com/payments/payouts', access_token: token, token_type: 'Bearer', app_id: 'APP-80W284485P519543T', expires_in: 32_400, nonce: randomUUID() });
      }
      if (!tokens.has((request.headers.authorization ?? '').replace(/^Bearer /, ''))) return answer(401, { error: 'invalid_token', error_description: 'Token signature verification failed' });
      const body = (raw === '' ? {} : JSON.parse(raw)) as Record<string, unknown>;
      calls.push({ method: request.method ?? '', path, body });

      if (request.method === 'POST' && path === '/v1/payments/payouts') {
        const header = body.sender_batch_header as { sender_batch_id: string };
        const [item] = body.items as { amount: FakeItem['amount']; receiver: string; sender_item_id: string }[];
        const batchId = `B${header.sender_batch_id.replaceAll('-', '').slice(0, 12).toUpperCase()}`;
        const earlier = items.get(batchId);
        if (earlier) {
          return answer(400, {
            name: 'USER_BUSINESS_ERROR',
            message: 'User business error.',
            details: [{ field: 'SENDER_BATCH_ID', location: 'body', issue: `Batch with given sender_batch_id already exists: ${header.sender_batch_id}` }],
            links: [{ href: `${url}/v1/payments/payouts/${earlier.batchId}`, rel: 'self', method: 'GET', encType: 'application/json' }],
          });
        }
        const created: FakeItem = {
          batchId,
          itemId: `I${randomUUID().slice(0, 12).toUpperCase()}`,
          senderItemId: item!.sender_item_id,
          amount: item!.amount,
          receiver: item!.receiver,
          status: 'PENDING',
        };
        items.set(created.batchId, created);
        return answer(201, { batch_header: { payout_batch_id: created.batchId, batch_status: 'PENDING', sender_batch_header: header } });
      }
      const batch = /^\/v1\/payments\/payouts\/(\w+)$/.exec(path);
      if (request.method === 'GET' && batch) {
        const item = items.get(batch[1]!);
        return item ? answer(200, batchOf(item)) : answer(404, { name: 'RESOURCE_NOT_FOUND', message: 'The requested resource was not found.' });
      }
      if (request.method === 'POST' && path === '/v1/notifications/verify-webhook-signature') {
        const signed = `${String(body.transmission_id)}|${String(body.transmission_time)}|${String(body.webhook_id)}|${crc32(JSON.stringify(body.webhook_event))}`;
        const verified =
          body.auth_algo === 'SHA256withRSA' &&
          body.cert_url === `${url}/v1/notifications/certs/CERT-test` &&
          verify('sha256', Buffer.from(signed), paypalKeys.publicKey, Buffer.from(String(body.transmission_sig), 'base64'));
        return answer(200, { verification_status: verified ? 'SUCCESS' : 'FAILURE' });
      }
      return answer(404, { name: 'RESOURCE_NOT_FOUND', message: `The fake has no answer for ${request.method} ${path}.` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** A PAYMENT.PAYOUTITEM.* delivery as PayPal sends it, signed with `key`; the item takes the event's state. */
  function delivery(batchId: string, eventType: string, status: string, key: KeyObject = paypalKeys.privateKey) {
    const item = items.get(batchId)!;
    item.status = status;
    const body = JSON.stringify({
      id: `WH-${randomUUID()}`,
      event_version: '1.0',
      create_time: new Date().toISOString(),
      resource_type: 'payouts_item',
      event_type: eventType,
      summary: `Payout item ${status.toLowerCase()}`,
      resource: batchOf(item).items[0],
    });
    const transmissionId = randomUUID();
    const transmissionTime = new Date().toISOString();
    const signature = sign('sha256', Buffer.from(`${transmissionId}|${transmissionTime}|${WEBHOOK_ID}|${crc32(body)}`), key).toString('base64');
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-time': transmissionTime,
        'paypal-transmission-sig': signature,
        'paypal-cert-url': `${url}/v1/notifications/certs/CERT-test`,
        'paypal-auth-algo': 'SHA256withRSA',
      },
    };
  }

  return { url, calls, items, delivery, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('PAYOUT_PROVIDER=paypal configuration', () => {
  const complete = { PAYOUT_PROVIDER: 'paypal', PAYPAL_CLIENT_ID: CLIENT_ID, PAYPAL_CLIENT_SECRET: CLIENT_SECRET, PAYPAL_WEBHOOK_ID: WEBHOOK_ID };

  it("takes the PayPal app's client id, secret and webhook id, with the live API by default; other providers need none of them", () => {
    assert.deepEqual(loadPayoutConfig(complete).paypal, { apiUrl: 'https://api-m.paypal.com', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, webhookId: WEBHOOK_ID });
    assert.equal(loadPayoutConfig({}).paypal, undefined);
    for (const variable of ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID'] as const) {
      assert.throws(
        () => loadPayoutConfig({ ...complete, [variable]: '' }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && /PAYOUT_PROVIDER=paypal needs it/.test(error.message),
      );
    }
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`payouts through PayPal on ${engine}`, { skip }, () => {
    let t: TestApp;
    let api: Awaited<ReturnType<typeof fakePayPalApi>>;
    let keyCounter = 0;
    before(async () => {
      api = await fakePayPalApi();
      t = await createTestApp(engine, {
        env: {
          PAYOUT_PROVIDER: 'paypal',
          PAYPAL_API_URL: api.url,
          PAYPAL_CLIENT_ID: CLIENT_ID,
          PAYPAL_CLIENT_SECRET: CLIENT_SECRET,
          PAYPAL_WEBHOOK_ID: WEBHOOK_ID,
          ...PAYOUTS_APPROVED_AT_ONCE,
        },
      });
    });
    after(async () => {
      await t?.destroy();
      await api?.close();
    });

    const payoutOf = async (creator: SignedInUser, id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/payouts/${id}`, headers: creator.headers })).json().payout;
    const deliver = (sent: { body: string; headers: Record<string, string> }) => t.app.inject({ method: 'POST', url: '/api/v1/webhooks/paypal', headers: sent.headers, payload: sent.body });
    const batchOf = async (payoutId: string) => (await t.db.kysely.selectFrom('payouts').select('provider_reference').where('id', '=', payoutId).executeTakeFirstOrThrow()).provider_reference!;

    /** A creator paid to their PayPal account (a wallet method) who asked for a payout of 2,000 of their 4,000 diamonds. */
    async function payoutToPayPal() {
      const creator = await payoutReadyCreator(t);
      const method = await t.app.inject({
        method: 'POST',
        url: '/api/v1/creator/payout-methods',
        headers: creator.headers,
        payload: { type: 'wallet', holderName: 'Dana Creator', email: `dana-${++keyCounter}@example.com` },
      });
      assert.equal(method.statusCode, 201, method.body);
      await earnDiamonds(t, creator, 4);
      const requested = await t.app.inject({
        method: 'POST',
        url: '/api/v1/payouts',
        headers: { ...creator.headers, 'idempotency-key': `paypal-${keyCounter}` },
        payload: { diamonds: 2000, methodId: method.json().method.id },
      });
      assert.equal(requested.statusCode, 201, requested.body);
      return { creator, payout: requested.json().payout, email: `dana-${keyCounter}@example.com` };
    }

    it('a payout goes to PayPal as a batch keyed by the payout; its SUCCEEDED event, delivered again and at once, pays it once', async () => {
      const { creator, payout, email } = await payoutToPayPal();
      assert.equal(payout.status, 'processing');
      const sent = api.calls.find((call) => call.path === '/v1/payments/payouts' && (call.body.items as { sender_item_id: string }[])[0]!.sender_item_id === payout.id)!;
      assert.deepEqual(sent.body.sender_batch_header, { sender_batch_id: customerTransactionIdOf(payout.id), recipient_type: 'EMAIL', email_subject: 'You have a payout' });
      assert.deepEqual((sent.body.items as unknown[])[0], { recipient_type: 'EMAIL', amount: { value: '10.00', currency: 'USD' }, receiver: email, sender_item_id: payout.id });
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 2000n });

      const succeeded = api.delivery(await batchOf(payout.id), 'PAYMENT.PAYOUTITEM.SUCCEEDED', 'SUCCESS');
      const answers = [await deliver(succeeded), ...(await Promise.all([deliver(succeeded), deliver(succeeded), deliver(succeeded)]))];
      assert.deepEqual(
        answers.map((answer) => answer.json()),
        answers.map(() => ({ received: true, result: 'paid' })),
      );
      const paid = await payoutOf(creator, payout.id);
      assert.equal(paid.status, 'paid');
      assert.equal(paid.timeline.filter((step: { status: string }) => step.status === 'paid').length, 1);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 2000n, available: 2000n });
      await assertAuditPasses(t);

      // Sent again (a crash before its answer was recorded), the payout names the batch PayPal already made.
      const again = await t.services.paypalPayouts!.send({
        payoutId: payout.id,
        amountMinor: 1000n,
        currency: 'USD',
        sourceCurrency: 'USD',
        destination: { type: 'wallet', holderName: 'Dana Creator', email, country: 'US', currency: 'USD' },
      });
      assert.deepEqual(again, { status: 'paid', reference: await batchOf(payout.id) });
      assert.equal(api.items.size, [...new Set([...api.items.values()].map((item) => item.senderItemId))].length, 'one batch per payout');
    });

    it('a forged or tampered webhook is refused with 400 and changes nothing', async () => {
      const { creator, payout } = await payoutToPayPal();
      const batchId = await batchOf(payout.id);
      assertRefused(await deliver(api.delivery(batchId, 'PAYMENT.PAYOUTITEM.SUCCEEDED', 'SUCCESS', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)), 400, 'invalid_signature');
      const genuine = api.delivery(batchId, 'PAYMENT.PAYOUTITEM.FAILED', 'FAILED');
      assertRefused(await deliver({ ...genuine, body: genuine.body.replace('PAYMENT.PAYOUTITEM.FAILED', 'PAYMENT.PAYOUTITEM.SUCCEEDED') }), 400, 'invalid_signature');
      const { 'paypal-transmission-sig': _signature, ...unsigned } = genuine.headers;
      assertRefused(await deliver({ ...genuine, headers: unsigned }), 400, 'invalid_signature');
      assert.equal((await payoutOf(creator, payout.id)).status, 'processing');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 4000n, available: 2000n });
      await assertAuditPasses(t);
    });

    it('a failed payout, and a paid one PayPal returns unclaimed, give the diamonds back; an unclaimed one waits', async () => {
      const first = await payoutToPayPal();
      const failed = await deliver(api.delivery(await batchOf(first.payout.id), 'PAYMENT.PAYOUTITEM.FAILED', 'FAILED'));
      assert.deepEqual(failed.json(), { received: true, result: 'failed' });
      assert.equal((await payoutOf(first.creator, first.payout.id)).status, 'failed');
      assert.deepEqual(await diamondsOf(t, first.creator), { posted: 4000n, available: 4000n });

      const second = await payoutToPayPal();
      const batchId = await batchOf(second.payout.id);
      assert.deepEqual((await deliver(api.delivery(batchId, 'PAYMENT.PAYOUTITEM.UNCLAIMED', 'UNCLAIMED'))).json(), { received: true, result: 'ignored' });
      assert.equal((await payoutOf(second.creator, second.payout.id)).status, 'processing');
      await deliver(api.delivery(batchId, 'PAYMENT.PAYOUTITEM.SUCCEEDED', 'SUCCESS'));
      const returned = await deliver(api.delivery(batchId, 'PAYMENT.PAYOUTITEM.RETURNED', 'RETURNED'));
      assert.deepEqual(returned.json(), { received: true, result: 'returned' });
      const shown = await payoutOf(second.creator, second.payout.id);
      assert.equal(shown.status, 'returned');
      assert.match(shown.reason, /came back/);
      assert.deepEqual(await diamondsOf(t, second.creator), { posted: 4000n, available: 4000n });
      await assertAuditPasses(t);
    });

    it('a payout whose webhook was lost is settled by the repair sweep, which asks PayPal for the batch', async () => {
      const { creator, payout } = await payoutToPayPal();
      api.items.get(await batchOf(payout.id))!.status = 'SUCCESS';
      t.clock.advance(11 * 60_000);
      await t.services.payouts.repair();
      assert.equal((await payoutOf(creator, payout.id)).status, 'paid');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 2000n, available: 2000n });
      await assertAuditPasses(t);
    });
  });
}
