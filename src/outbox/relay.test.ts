import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Bus } from '../bus/bus.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, platformAccountId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { createOutboxRelay, type WebhookEventInput } from './relay.js';

const logger = pino({ level: 'silent' });

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`the outbox relay on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.destroy();
    });

    let keys = 0;
    /** A committed transfer carrying a room event and a webhook event, as a gift does. */
    async function commitWithOutbox(liveId: string) {
      return t.ledger.submit({
        type: 'posted',
        idempotencyKey: `relay-test-${++keys}`,
        legs: [
          { accountId: platformAccountId('coin_issuance', COIN), asset: COIN, direction: 'debit', amount: 1 },
          { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit', amount: 1 },
        ],
        outbox: [
          { topic: `live:${liveId}`, payload: { type: 'gift', name: 'Rose' } },
          { topic: 'webhook', payload: { event: 'gift.sent', data: { name: 'Rose' } } },
        ],
      });
    }
    const unpublished = async () => (await t.db.kysely.selectFrom('outbox').select('transfer_seq').where('published_at', 'is', null).execute()).length;

    it('publishes room events right after commit, with a stable eventId, and marks them published', async () => {
      const received: string[] = [];
      const subscription = await t.bus.subscribe('live:live_relay1', (message) => received.push(message));
      const transfer = await commitWithOutbox('live_relay1');
      await t.relay.idle();
      const seq = transfer.id.slice(3);
      assert.deepEqual(
        received.map((message) => JSON.parse(message)),
        [{ eventId: `evt_${seq}_0`, type: 'gift', name: 'Rose' }],
      );
      assert.equal(await unpublished(), 0);
      await subscription.unsubscribe();
    });

    it('a message the bus failed to take is relayed by the sweeper, once it is old enough, with the same id', async () => {
      const failingBus: Bus = {
        limits: t.bus.limits,
        kind: 'memory',
        publish: () => Promise.reject(new Error('broker down')),
        subscribe: () => Promise.reject(new Error('broker down')),
        ping: () => Promise.reject(new Error('broker down')),
        close: async () => {},
      };
      const webhookEvents: WebhookEventInput[] = [];
      const webhooks = { enqueue: async (events: WebhookEventInput[]) => void webhookEvents.push(...events) };
      const broken = createOutboxRelay({ db: t.db, bus: failingBus, webhooks, logger, now: t.clock.now });
      t.ledger.onOutboxCommitted((messages) => broken.ledgerCommitted(messages));
      const transfer = await commitWithOutbox('live_relay2');
      await broken.idle();
      t.ledger.onOutboxCommitted((messages) => t.relay.ledgerCommitted(messages));
      assert.equal(await unpublished(), 2, 'both messages left for the sweeper');
      assert.deepEqual(webhookEvents, [], 'the webhook waits with its room event: they are marked together');

      const healthy = createOutboxRelay({ db: t.db, bus: t.bus, webhooks, logger, now: t.clock.now, sweepAfterMs: 5000 });
      assert.equal(await healthy.sweep(), 0, 'too recent: its own process may still relay it');
      const received: string[] = [];
      const subscription = await t.bus.subscribe('live:live_relay2', (message) => received.push(message));
      t.clock.advance(6000);
      assert.equal(await healthy.sweep(), 2);
      const seq = transfer.id.slice(3);
      assert.equal(JSON.parse(received[0]!).eventId, `evt_${seq}_0`);
      assert.deepEqual(webhookEvents, [{ id: `evt_${seq}_1`, type: 'gift.sent', data: { name: 'Rose' }, createdAt: transfer.createdAt }]);
      assert.equal(await unpublished(), 0);
      assert.equal(await healthy.sweep(), 0, 'nothing twice');
      await subscription.unsubscribe();
      await broken.close();
      await healthy.close();
    });

    it('events without a transfer (a live starting and ending) are written with their change and relayed after commit', async () => {
      const webhookTypes: string[] = [];
      const relay = createOutboxRelay({ db: t.db, bus: t.bus, webhooks: { enqueue: async (events) => void webhookTypes.push(...events.map((e) => e.type)) }, logger, now: t.clock.now });
      const messages = await relay.append(t.db.kysely, [{ topic: 'webhook', payload: { event: 'live.started', data: { id: 'live_x' } } }]);
      relay.committed(messages);
      await relay.idle();
      assert.deepEqual(webhookTypes, ['live.started']);
      const row = await t.db.kysely.selectFrom('event_outbox').selectAll().where('id', '=', messages[0]!.id).executeTakeFirstOrThrow();
      assert.notEqual(row.published_at, null);
      await relay.close();
    });
  });
}
