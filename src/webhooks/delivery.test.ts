import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createSignedInAdmin, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { writeTransaction } from '../db/transaction.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { verifyWebhookSignature } from './signing.js';
import { startReceiver, type Received, type Receiver } from './testing/receiver.js';
import { createWebhooks, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_MS, type WebhookDelivery, type WebhookEvent } from './webhooks.js';

/** A URL nothing listens on: the port of a server just closed. */
async function unreachableUrl(): Promise<string> {
  const receiver = await startReceiver();
  await receiver.close();
  return receiver.url;
}

let eventCounter = 0;
function giftSent(overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  eventCounter++;
  return {
    id: `evt_test_${process.pid}_${eventCounter}`,
    type: 'gift.sent',
    createdAt: '2026-11-22T10:00:00.000Z',
    data: {
      liveId: 'live_abc',
      giftId: 'gift_rose',
      name: 'Rose',
      tier: 'small',
      quantity: 3,
      coins: 3,
      diamonds: 3,
      senderId: 'usr_sender',
      senderName: 'Ada',
      creatorId: 'usr_creator',
      combo: { id: 'usr_sender:gift_rose:1', count: 3 },
      sentAt: '2026-11-22T10:00:00.000Z',
    },
    ...overrides,
  };
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`webhook delivery on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    const receivers: Receiver[] = [];

    before(async () => {
      t = await createTestApp(engine, { env: { WEBHOOKS_ALLOW_INSECURE_URLS: 'true' } });
      admin = await createSignedInAdmin(t);
    });
    afterEach(async () => {
      // Each test starts with no endpoints, so no delivery of one test reaches another's receiver.
      for (const endpoint of await t.webhooks.listEndpoints()) await t.webhooks.deleteEndpoint(endpoint.id);
      await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    });
    after(async () => {
      await t?.destroy();
    });

    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) => t.app.inject({ method, url, headers: admin.headers, ...(payload ? { payload } : {}) });

    async function receiver(statuses: number[] = []): Promise<Receiver> {
      const started = await startReceiver(statuses);
      receivers.push(started);
      return started;
    }

    async function register(url: string, eventTypes: string[] = ['gift.sent']): Promise<{ id: string; secret: string }> {
      const response = await call('POST', '/api/v1/admin/webhooks', { url, eventTypes });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().endpoint;
    }

    async function deliveries(endpointId: string): Promise<WebhookDelivery[]> {
      const response = await call('GET', `/api/v1/admin/webhooks/${endpointId}/deliveries`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json().deliveries;
    }

    it('an endpoint receives the event as signed JSON whose signature verifies against the body it received', async () => {
      const hooks = await receiver();
      const endpoint = await register(hooks.url);
      const event = giftSent();
      await t.webhooks.enqueue([event]);
      const sendingFromSeconds = Math.floor(t.clock.now().getTime() / 1000);
      const report = await t.webhooks.deliverDue();
      const sendingToSeconds = Math.floor(t.clock.now().getTime() / 1000);
      assert.deepEqual(report, { attempted: 1, delivered: 1, retrying: 0, failed: 0 });

      assert.equal(hooks.received.length, 1);
      const [{ headers, body }] = hooks.received as [Received];
      assert.equal(headers['content-type'], 'application/json');
      assert.equal(headers['ovation-event-id'], event.id);
      assert.deepEqual(JSON.parse(body), { id: event.id, type: 'gift.sent', createdAt: event.createdAt, data: event.data });
      const signature = headers['ovation-signature'] as string;
      assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
      const signedAtSeconds = Number(/t=(\d+)/.exec(signature)![1]);
      assert.ok(signedAtSeconds >= sendingFromSeconds && signedAtSeconds <= sendingToSeconds, 'signed when sent, by the test clock');
      assert.equal(verifyWebhookSignature(endpoint.secret, signature, body, { now: t.clock.now() }).valid, true);

      const [delivery] = await deliveries(endpoint.id);
      assert.equal(delivery?.status, 'delivered');
      assert.equal(delivery?.eventId, event.id);
      assert.equal(delivery?.nextAttemptAt, null);
      assert.equal(delivery?.attempts.length, 1);
      assert.equal(delivery?.attempts[0]?.statusCode, 200);
      assert.equal(delivery?.attempts[0]?.error, null);
      assert.ok(delivery!.attempts[0]!.durationMs >= 0);
    });

    it('a tampered body, a wrong secret, a stale or future timestamp and a missing header all fail verification', async () => {
      const hooks = await receiver();
      const endpoint = await register(hooks.url);
      await t.webhooks.enqueue([giftSent()]);
      await t.webhooks.deliverDue();
      const [{ headers, body }] = hooks.received as [Received];
      const signature = headers['ovation-signature'] as string;
      // Windows are measured from the signing second, not from when the test reads the clock.
      const now = new Date(Number(/t=(\d+)/.exec(signature)![1]) * 1000);
      const check = (secret: string, rawBody: string, at: Date, header: string | undefined = signature, toleranceSeconds?: number) =>
        verifyWebhookSignature(secret, header, rawBody, { now: at, toleranceSeconds });

      assert.deepEqual(check(endpoint.secret, body.replace('"quantity":3', '"quantity":300'), now), { valid: false, reason: 'mismatch' });
      assert.deepEqual(check('whsec_' + '0'.repeat(64), body, now), { valid: false, reason: 'mismatch' });
      assert.deepEqual(check(endpoint.secret, body, new Date(now.getTime() + 301_000)), { valid: false, reason: 'expired' });
      assert.deepEqual(check(endpoint.secret, body, new Date(now.getTime() - 301_000)), { valid: false, reason: 'expired' });
      assert.deepEqual(check(endpoint.secret, body, new Date(now.getTime() + 60_000), signature, 30), { valid: false, reason: 'expired' }, 'a tighter window');
      assert.equal(check(endpoint.secret, body, new Date(now.getTime() + 299_000)).valid, true, 'within the default five minutes');
      assert.deepEqual(verifyWebhookSignature(endpoint.secret, undefined, body, { now }), { valid: false, reason: 'missing' });
      assert.deepEqual(check(endpoint.secret, body, now, 'v1=abc'), { valid: false, reason: 'malformed' });
    });

    it('an endpoint answering 500 twice is retried after 30 s and 2 min, and the log shows the three attempts', async () => {
      const hooks = await receiver([500, 500]);
      const endpoint = await register(hooks.url);
      const event = giftSent();
      await t.webhooks.enqueue([event]);

      assert.deepEqual(await t.webhooks.deliverDue(), { attempted: 1, delivered: 0, retrying: 1, failed: 0 });
      let [delivery] = await deliveries(endpoint.id);
      assert.equal(delivery?.status, 'pending');
      assert.equal(Date.parse(delivery!.nextAttemptAt!) - Date.parse(delivery!.attempts[0]!.at), 30_000);

      t.clock.advance(20_000);
      await t.webhooks.deliverDue();
      assert.equal(hooks.received.length, 1, 'not retried before its backoff');

      t.clock.advance(10_000);
      await t.webhooks.deliverDue();
      assert.equal(hooks.received.length, 2);
      [delivery] = await deliveries(endpoint.id);
      assert.equal(Date.parse(delivery!.nextAttemptAt!) - Date.parse(delivery!.attempts[1]!.at), 120_000);

      t.clock.advance(120_000);
      assert.deepEqual(await t.webhooks.deliverDue(), { attempted: 1, delivered: 1, retrying: 0, failed: 0 });
      [delivery] = await deliveries(endpoint.id);
      assert.equal(delivery?.status, 'delivered');
      assert.deepEqual(
        delivery?.attempts.map((attempt) => attempt.statusCode),
        [500, 500, 200],
      );
      // Every attempt carries the same event and body, freshly signed.
      assert.ok(hooks.received.every((request) => request.headers['ovation-event-id'] === event.id && request.body === hooks.received[0]!.body));
      const last = hooks.received[2]!;
      assert.equal(verifyWebhookSignature(endpoint.secret, last.headers['ovation-signature'] as string, last.body, { now: t.clock.now() }).valid, true);
    });

    it(`an unreachable endpoint is failed after ${WEBHOOK_MAX_ATTEMPTS} attempts, and an admin can retry it once it is fixed`, async () => {
      const endpoint = await register(await unreachableUrl());
      await t.webhooks.enqueue([giftSent()]);
      for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
        const report = await t.webhooks.deliverDue();
        assert.equal(report.attempted, 1, `attempt ${attempt}`);
        if (attempt < WEBHOOK_MAX_ATTEMPTS) t.clock.advance(WEBHOOK_RETRY_DELAYS_MS[attempt - 1]!);
        else assert.equal(report.failed, 1);
      }
      let [delivery] = await deliveries(endpoint.id);
      assert.equal(delivery?.status, 'failed');
      assert.equal(delivery?.nextAttemptAt, null);
      assert.equal(delivery?.attempts.length, WEBHOOK_MAX_ATTEMPTS);
      assert.ok(
        delivery!.attempts.every((attempt) => attempt.statusCode === null && /ECONNREFUSED/.test(attempt.error ?? '')),
        JSON.stringify(delivery!.attempts[0]),
      );
      const spanMs = Date.parse(delivery!.attempts.at(-1)!.at) - Date.parse(delivery!.attempts[0]!.at);
      assert.ok(spanMs > 30 * 3_600_000 && spanMs < 48 * 3_600_000, `retried over about a day and a half, not ${spanMs} ms`);

      t.clock.advance(7 * 86_400_000);
      assert.equal((await t.webhooks.deliverDue()).attempted, 0, 'a failed delivery is not tried again by itself');

      const fixed = await receiver();
      assert.equal((await call('PATCH', `/api/v1/admin/webhooks/${endpoint.id}`, { url: fixed.url })).statusCode, 200);
      const retry = await call('POST', `/api/v1/admin/webhook-deliveries/${delivery!.id}/retry`);
      assert.equal(retry.statusCode, 202, retry.body);
      assert.equal(retry.json().delivery.status, 'pending');
      assert.ok(Date.parse(retry.json().delivery.nextAttemptAt) <= t.clock.now().getTime(), 'due now');
      assert.equal((await t.webhooks.deliverDue()).delivered, 1);
      assert.equal(fixed.received.length, 1);
      [delivery] = await deliveries(endpoint.id);
      assert.equal(delivery?.status, 'delivered');
      assert.equal(delivery?.attempts.length, WEBHOOK_MAX_ATTEMPTS + 1);
    });

    it('the same event enqueued twice, even at once, is delivered once', async () => {
      const hooks = await receiver();
      await register(hooks.url);
      const first = giftSent();
      const second = giftSent();
      await t.webhooks.enqueue([first, first]);
      await t.webhooks.enqueue([first]);
      await Promise.all([t.webhooks.enqueue([second]), t.webhooks.enqueue([second, first])]);
      await t.webhooks.deliverDue();
      assert.deepEqual(hooks.received.map((request) => request.headers['ovation-event-id']).sort(), [first.id, second.id].sort());

      await t.webhooks.enqueue([first, second]);
      t.clock.advance(86_400_000);
      await t.webhooks.deliverDue();
      assert.equal(hooks.received.length, 2, 'an event delivered before is not queued again');
    });

    it('unsubscribed types and disabled endpoints get nothing; a disabled endpoint’s pending deliveries wait until it is enabled', async () => {
      const liveHooks = await receiver();
      const pausedHooks = await receiver();
      await register(liveHooks.url, ['live.started', 'live.ended']);
      const paused = await register(pausedHooks.url, ['gift.sent']);

      const queuedBefore = giftSent();
      await t.webhooks.enqueue([queuedBefore]);
      assert.equal((await call('PATCH', `/api/v1/admin/webhooks/${paused.id}`, { enabled: false })).json().endpoint.enabled, false);
      await t.webhooks.enqueue([giftSent()]);
      assert.equal((await t.webhooks.deliverDue()).attempted, 0);
      assert.equal(liveHooks.received.length, 0, 'gift.sent is not a type it subscribed to');
      assert.equal(pausedHooks.received.length, 0);

      assert.equal((await call('PATCH', `/api/v1/admin/webhooks/${paused.id}`, { enabled: true })).statusCode, 200);
      await t.webhooks.deliverDue();
      assert.deepEqual(
        pausedHooks.received.map((request) => request.headers['ovation-event-id']),
        [queuedBefore.id],
        'only the event queued while it was enabled',
      );

      await t.webhooks.enqueue([{ id: `evt_live_${process.pid}`, type: 'live.started', createdAt: '2026-11-22T10:00:00.000Z', data: { id: 'live_abc' } }]);
      await t.webhooks.deliverDue();
      assert.equal(liveHooks.received.length, 1);
      assert.equal(JSON.parse(liveHooks.received[0]!.body).type, 'live.started');
    });

    it('two workers running at once send each delivery once', async () => {
      const hooks = await receiver();
      await register(hooks.url);
      const events = Array.from({ length: 30 }, () => giftSent());
      await t.webhooks.enqueue(events);
      const otherProcess = createWebhooks({ kysely: t.db.kysely, now: t.clock.now, logger: pino({ level: 'silent' }), config: t.config });
      const reports = await Promise.all([t.webhooks.deliverDue(), otherProcess.deliverDue(), t.webhooks.deliverDue()]);
      assert.equal(
        reports.reduce((sum, report) => sum + report.attempted, 0),
        events.length,
      );
      assert.deepEqual(hooks.received.map((request) => request.headers['ovation-event-id']).sort(), events.map((event) => event.id).sort());
    });

    it('a run whose signal is aborted claims nothing more, leaving the deliveries due for the next run', async () => {
      const hooks = await receiver();
      await register(hooks.url);
      await t.webhooks.enqueue([giftSent()]);
      assert.deepEqual(await t.webhooks.deliverDue(AbortSignal.abort()), { attempted: 0, delivered: 0, retrying: 0, failed: 0 });
      assert.equal(hooks.received.length, 0);
      assert.equal((await t.webhooks.deliverDue()).delivered, 1);
    });

    it("events enqueued in a caller's transaction are delivered only if it commits", async () => {
      const hooks = await receiver();
      await register(hooks.url);
      const rolledBack = giftSent();
      await assert.rejects(
        writeTransaction(t.db, async (trx) => {
          await t.webhooks.enqueue([rolledBack], trx);
          throw new Error('the caller’s change failed');
        }),
        /change failed/,
      );
      const committed = giftSent();
      await writeTransaction(t.db, (trx) => t.webhooks.enqueue([committed], trx));
      await t.webhooks.deliverDue();
      assert.deepEqual(
        hooks.received.map((request) => request.headers['ovation-event-id']),
        [committed.id],
      );
      // Rolled back, the event was never seen: enqueuing it again delivers it.
      await t.webhooks.enqueue([rolledBack]);
      await t.webhooks.deliverDue();
      assert.equal(hooks.received.length, 2);
    });

    it('a test event goes to that endpoint only, and is refused for a disabled one', async () => {
      const tested = await receiver();
      const other = await receiver();
      const endpoint = await register(tested.url);
      const otherEndpoint = await register(other.url);
      const response = await call('POST', `/api/v1/admin/webhooks/${endpoint.id}/test`);
      assert.equal(response.statusCode, 202, response.body);
      assert.equal(response.json().delivery.eventType, 'webhook.test');
      await t.webhooks.deliverDue();
      assert.equal(other.received.length, 0);
      assert.equal(tested.received.length, 1);
      const body = JSON.parse(tested.received[0]!.body);
      assert.equal(body.type, 'webhook.test');
      assert.equal(body.data.endpointId, endpoint.id);
      assert.equal((await deliveries(endpoint.id))[0]?.status, 'delivered');

      await call('PATCH', `/api/v1/admin/webhooks/${otherEndpoint.id}`, { enabled: false });
      const refused = await call('POST', `/api/v1/admin/webhooks/${otherEndpoint.id}/test`);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().error.code, 'webhook_disabled');
    });

    it('after a rotation with an overlap, deliveries verify with either secret until the overlap ends', async () => {
      const hooks = await receiver();
      const endpoint = await register(hooks.url);
      const rotated = await call('POST', `/api/v1/admin/webhooks/${endpoint.id}/rotate-secret`, { previousSecretExpiresInSeconds: 3600 });
      assert.equal(rotated.statusCode, 200, rotated.body);
      const newSecret = rotated.json().endpoint.secret as string;
      assert.notEqual(newSecret, endpoint.secret);

      await t.webhooks.enqueue([giftSent()]);
      await t.webhooks.deliverDue();
      const during = hooks.received[0]!;
      const verify = (secret: string, request: Received) => verifyWebhookSignature(secret, request.headers['ovation-signature'] as string, request.body, { now: t.clock.now() }).valid;
      assert.equal(verify(newSecret, during), true);
      assert.equal(verify(endpoint.secret, during), true);

      t.clock.advance(3_601_000);
      await t.webhooks.enqueue([giftSent()]);
      await t.webhooks.deliverDue();
      const afterwards = hooks.received[1]!;
      assert.equal(verify(newSecret, afterwards), true);
      assert.equal(verify(endpoint.secret, afterwards), false);
    });

    it('a redirect is a failed attempt and is not followed', async () => {
      const target = await receiver();
      const redirecting = await startReceiver([302], (response, status) => response.writeHead(status, { location: target.url }).end());
      receivers.push(redirecting);
      const endpoint = await register(redirecting.url);
      await t.webhooks.enqueue([giftSent()]);
      assert.equal((await t.webhooks.deliverDue()).retrying, 1);
      assert.equal(target.received.length, 0);
      assert.equal((await deliveries(endpoint.id))[0]?.attempts[0]?.statusCode, 302);
    });

    it('http and localhost URLs are accepted with WEBHOOKS_ALLOW_INSECURE_URLS=true, and refused at sending once it is off', async () => {
      const hooks = await receiver();
      const localhostUrl = hooks.url.replace('127.0.0.1', 'localhost');
      const endpoint = await register(localhostUrl);
      assert.equal((await t.webhooks.getEndpoint(endpoint.id)).url, localhostUrl);

      const strictProcess = createWebhooks({
        kysely: t.db.kysely,
        now: t.clock.now,
        logger: pino({ level: 'silent' }),
        config: { webhooks: { ...t.config.webhooks, allowInsecureUrls: false } },
      });
      await t.webhooks.enqueue([giftSent()]);
      assert.equal((await strictProcess.deliverDue()).retrying, 1);
      assert.equal(hooks.received.length, 0);
      const [attempt] = (await deliveries(endpoint.id))[0]!.attempts;
      assert.equal(attempt?.statusCode, null);
      assert.match(attempt?.error ?? '', /https/);
    });
  });
}
