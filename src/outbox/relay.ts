import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Bus } from '../bus/index.js';
import { newId, writeTransaction, type Database, type Schema } from '../db/index.js';
import { markTransfersPublished, unpublishedMessages, type CommittedOutboxMessage, type TransferMessage } from '../ledger/index.js';

/** A committed message: from the ledger's outbox (with a transfer) or the event outbox (without one). */
export type OutboxMessage = (TransferMessage & { source: 'ledger' }) | (CommittedOutboxMessage & { source: 'events' });

/** A ledger message as the relay holds it. Its fields written out: a spread into a wider object costs microseconds on Node 20, twice per gift. */
const fromLedger = (message: TransferMessage): OutboxMessage => ({
  source: 'ledger',
  transferId: message.transferId,
  id: message.id,
  topic: message.topic,
  payloadJson: message.payloadJson,
  createdAt: message.createdAt,
});

/** An event for operators' webhooks, unique by id. */
export interface WebhookEventInput {
  id: string;
  type: string;
  data: unknown;
  createdAt: string;
}

/** Where `webhook` messages go; enqueuing the same id twice must create nothing new. With `trx`, inside the caller's transaction. */
export interface WebhookSink {
  enqueue(events: WebhookEventInput[], trx?: Kysely<Schema>): Promise<void>;
}

export interface OutboxRelayOptions {
  db: Database;
  bus: Bus;
  webhooks?: WebhookSink;
  logger: Logger;
  now: () => Date;
  /** Messages left unpublished this long are taken by the sweeper: their process died or its bus call failed. */
  sweepAfterMs?: number;
  /** Told of what the relay does, for metrics. Must not throw. */
  observer?: OutboxObserver;
}

/** What the relay tells metrics: once per relayed batch, and each committed webhook event's type. */
export interface OutboxObserver {
  /**
   * A batch was handed to the bus and the webhook queue: how many messages, how long (in seconds) the
   * oldest had waited since its commit, and whether the sweeper found them (left behind) or they came
   * straight from their commit.
   */
  relayed(messages: number, oldestLagSeconds: number, swept: boolean): void;
  /** Relaying a batch failed (the bus refused a publish); the sweeper relays it again. */
  failed(messages: number): void;
  /** A webhook event committed in this process, by type (`order.paid`, `payout.failed`, …), once per commit. */
  event(type: string): void;
}

/** How often the server's background job calls `sweep`. */
export const OUTBOX_SWEEP_INTERVAL_MS = 2000;
const SWEEP_BATCH = 500;
/** How long published messages wait to be recorded together: one write for many ledger batches. */
const RECORD_INTERVAL_MS = 100;
/** Topics carrying room events: published on the bus under the same name. */
export const ROOM_TOPIC_PREFIX = 'live:';

/**
 * Relays committed outbox messages: room events to the bus, webhook events to
 * the webhook queue. Messages are relayed right after their commit, in commit
 * order, by the process that committed them; a sweeper relays those left
 * behind (a crash between commit and relay, a bus outage). Delivery is at
 * least once: every message carries its stable id, and receivers drop
 * repeats (room clients by `eventId`, the webhook queue by event id).
 */
export interface OutboxRelay {
  /** Hands over messages just committed; relayed in the order given. */
  committed(messages: OutboxMessage[]): void;
  /** Ledger messages, as the ledger's commit listener passes them. */
  ledgerCommitted(messages: TransferMessage[]): void;
  /** Writes event messages in the caller's transaction; pass the result to `committed` once it has committed. */
  append(trx: Kysely<Schema>, messages: { topic: string; payload: Record<string, unknown> }[]): Promise<OutboxMessage[]>;
  /** Relays what the sweeper would now; answers how many messages. */
  sweep(): Promise<number>;
  /** Resolves once everything handed over so far has been relayed and recorded (or has failed, for the sweeper). */
  idle(): Promise<void>;
  /** Takes no more messages, and relays what was handed over. */
  close(): Promise<void>;
  /** Messages handed over and not yet relayed, now (for metrics). */
  queued(): number;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, bus, webhooks, logger, now } = options;
  const kysely = db.kysely;
  const sweepAfterMs = options.sweepAfterMs ?? 5000;
  let queue: OutboxMessage[] = [];
  let pumping: Promise<void> | undefined;
  /** Published messages whose marks (and webhook events) wait to be written together with the next ones. */
  let unrecorded: { messages: OutboxMessage[]; events: WebhookEventInput[] } = { messages: [], events: [] };
  let recordTimer: NodeJS.Timeout | undefined;
  let recording: Promise<void> | undefined;
  let closed = false;

  /** The room event as clients receive it: its payload with the message id as `eventId`. */
  function roomFrame(message: OutboxMessage): string {
    const body = message.payloadJson.trim();
    return body === '{}' ? `{"eventId":${JSON.stringify(message.id)}}` : `{"eventId":${JSON.stringify(message.id)},${body.slice(1)}`;
  }

  async function deliver(messages: OutboxMessage[], swept: boolean): Promise<void> {
    const published: Promise<void>[] = [];
    const events: WebhookEventInput[] = [];
    for (const message of messages) {
      if (message.topic.startsWith(ROOM_TOPIC_PREFIX)) {
        // Not awaited one by one: the bus keeps the order of publishes from one process.
        published.push(bus.publish(message.topic, roomFrame(message)));
      } else if (message.topic === 'webhook') {
        const payload = JSON.parse(message.payloadJson) as { event: string; data: unknown };
        events.push({ id: message.id, type: payload.event, data: payload.data, createdAt: message.createdAt });
        // Counted once, as committed: the sweeper's messages were counted by the process that committed them.
        if (!swept) options.observer?.event(payload.event);
      }
    }
    await Promise.all(published);
    if (options.observer && messages.length > 0) {
      // Commit order: the first waited longest.
      options.observer.relayed(messages.length, Math.max(0, now().getTime() - Date.parse(messages[0]!.createdAt)) / 1000, swept);
    }
    unrecorded.messages.push(...messages);
    unrecorded.events.push(...events);
    scheduleRecord();
  }

  function scheduleRecord(): void {
    if (recordTimer) return;
    recordTimer = setTimeout(() => void record(), RECORD_INTERVAL_MS);
    recordTimer.unref();
  }

  /**
   * Queues the webhook events and marks the messages published, for everything published since the
   * last time: one transaction for many ledger batches, not waiting for the disk. A crash that loses it
   * leaves the messages unpublished, and the sweeper relays them again (the queue and room clients drop
   * repeats by id); the ledger's commit stays the one durable commit of a gift.
   */
  function record(): Promise<void> {
    clearTimeout(recordTimer);
    recordTimer = undefined;
    if (recording) return recording;
    const { messages, events } = unrecorded;
    unrecorded = { messages: [], events: [] };
    if (messages.length === 0) return Promise.resolve();
    recording = writeTransaction(
      db,
      async (trx) => {
        if (events.length > 0 && webhooks) await webhooks.enqueue(events, trx);
        await markPublished(trx, messages);
      },
      { durable: false },
    )
      .catch((error: unknown) => logger.warn({ err: error, messages: messages.length }, 'recording relayed outbox messages failed; the sweeper relays them again'))
      .finally(() => {
        recording = undefined;
        if (unrecorded.messages.length > 0) scheduleRecord();
      });
    return recording;
  }

  /** Until everything published so far is recorded. */
  async function recorded(): Promise<void> {
    while (recording || unrecorded.messages.length > 0) await (recording ?? record());
  }

  async function markPublished(trx: Kysely<Schema>, messages: OutboxMessage[]): Promise<void> {
    const at = now().toISOString();
    const eventIds = messages.filter((m) => m.source === 'events').map((m) => m.id);
    await markTransfersPublished(trx, [...new Set(messages.flatMap((m) => (m.source === 'ledger' ? [m.transferId] : [])))], at);
    if (eventIds.length > 0) await trx.updateTable('event_outbox').set({ published_at: at }).where('id', 'in', eventIds).where('published_at', 'is', null).execute();
  }

  function pump(): void {
    if (pumping || queue.length === 0) return;
    const batch = queue;
    queue = [];
    pumping = deliver(batch, false)
      .catch((error: unknown) => {
        options.observer?.failed(batch.length);
        logger.warn({ err: error, messages: batch.length }, 'relaying outbox messages failed; the sweeper retries them');
      })
      .finally(() => {
        pumping = undefined;
        pump();
      });
  }

  async function sweep(): Promise<number> {
    const cutoff = new Date(now().getTime() - sweepAfterMs).toISOString();
    const ledgerMessages = await unpublishedMessages(kysely, cutoff, SWEEP_BATCH);
    const eventRows = await kysely.selectFrom('event_outbox').selectAll().where('published_at', 'is', null).where('created_at', '<', cutoff).orderBy('created_at').limit(SWEEP_BATCH).execute();
    const messages: OutboxMessage[] = [
      ...ledgerMessages.map(fromLedger),
      ...eventRows.map((row) => ({ source: 'events' as const, id: row.id, topic: row.topic, payloadJson: row.payload, createdAt: row.created_at })),
    ];
    if (messages.length > 0) {
      try {
        await deliver(messages, true);
      } catch (error) {
        options.observer?.failed(messages.length);
        throw error;
      }
      await recorded();
    }
    return messages.length;
  }

  return {
    /** Hands over messages just committed; relayed in the order given. */
    committed(messages: OutboxMessage[]): void {
      if (closed) return;
      queue.push(...messages);
      pump();
    },

    /** Ledger messages, as the ledger's commit listener passes them. */
    ledgerCommitted(messages: TransferMessage[]): void {
      this.committed(messages.map(fromLedger));
    },

    /**
     * Writes event messages in the caller's transaction (or alone); pass the result to `committed`
     * once that transaction has committed.
     */
    async append(trx: Kysely<Schema>, messages: { topic: string; payload: Record<string, unknown> }[]): Promise<OutboxMessage[]> {
      const createdAt = now().toISOString();
      const rows = messages.map((message) => ({ id: newId('evt'), topic: message.topic, payload: JSON.stringify(message.payload), created_at: createdAt, published_at: null }));
      if (rows.length > 0) await trx.insertInto('event_outbox').values(rows).execute();
      return rows.map((row) => ({ source: 'events', id: row.id, topic: row.topic, payloadJson: row.payload, createdAt }));
    },

    /** Relays what the sweeper would now; answers how many messages. */
    sweep,

    /** Resolves once everything handed over so far has been relayed and recorded (or has failed, for the sweeper). */
    async idle(): Promise<void> {
      while (pumping) await pumping;
      await recorded();
    },

    queued: () => queue.length,

    /** Takes no more messages, and relays what was handed over. */
    async close(): Promise<void> {
      closed = true;
      while (pumping) await pumping;
      await recorded();
    },
  };
}
