import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { newestFirstPage, newId, type Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { AttemptSchema, DeliverySchema, DeliveryStatusSchema } from './views.js';
import { isEventType, requireEndpoint, type DeliveryRow, type WebhooksDependencies } from './webhooks-records.js';

/** Sent only by POST /api/v1/admin/webhooks/:id/test, to that endpoint; nobody subscribes to it. */
export const WEBHOOK_TEST_EVENT_TYPE = 'webhook.test';
/** Rows per insert, well under either engine's limit on bound parameters. */
const INSERT_CHUNK = 200;

/** An event to send to every enabled endpoint subscribed to its type. `id` is stable: the same id is sent once. */
export interface WebhookEvent {
  id: string;
  type: string;
  data: unknown;
  /** When the event happened, ISO 8601. */
  createdAt: string;
}

export type WebhookDeliveryStatus = Static<typeof DeliveryStatusSchema>;
/** One HTTP request of a delivery. */
export type WebhookAttempt = Static<typeof AttemptSchema>;
export type WebhookDelivery = Static<typeof DeliverySchema>;

export interface WebhookDeliveryFilter {
  status?: WebhookDeliveryStatus;
  limit: number;
  /** A delivery id: the `nextCursor` of the previous page. */
  after?: string;
}

export interface WebhookDeliveryPage {
  deliveries: WebhookDelivery[];
  nextCursor: string | null;
}

/** The durable queue of deliveries: events in, and the deliveries' log for admins. */
export interface WebhookQueue {
  /**
   * Queues one delivery per enabled endpoint subscribed to each event's type. Idempotent by event id: an
   * id enqueued before creates nothing, so an at-least-once relay (or two of them) may repeat events.
   * With `trx`, the deliveries are written in the caller's transaction and exist only if it commits.
   */
  enqueue(events: readonly WebhookEvent[], trx?: Kysely<Schema>): Promise<void>;
  /** Queues a `webhook.test` event to this endpoint only, due now. 409 webhook_disabled for a paused endpoint. */
  sendTest(endpointId: string): Promise<WebhookDelivery>;
  /** An endpoint's deliveries, newest first, each with its attempts. */
  listDeliveries(endpointId: string, filter: WebhookDeliveryFilter): Promise<WebhookDeliveryPage>;
  /** Makes a delivery due now, whatever its status; a delivered or failed one starts a new retry schedule. 404 webhook_delivery_not_found. */
  retryDelivery(deliveryId: string): Promise<WebhookDelivery>;
}

export function createWebhookQueue(deps: WebhooksDependencies): WebhookQueue {
  const { kysely, now, logger } = deps;

  async function requireDelivery(id: string): Promise<DeliveryRow> {
    const row = await kysely.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw DomainError.notFound('webhook_delivery_not_found', `No webhook delivery has the id ${id}.`);
    return row;
  }

  async function withAttempts(rows: readonly DeliveryRow[]): Promise<WebhookDelivery[]> {
    const ids = rows.map((row) => row.id);
    const attempts = ids.length === 0 ? [] : await kysely.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('seq').execute();
    const byDelivery = new Map<string, WebhookAttempt[]>(ids.map((id) => [id, []]));
    for (const attempt of attempts) {
      byDelivery.get(attempt.delivery_id)?.push({
        at: attempt.attempted_at,
        statusCode: attempt.status_code === null ? null : Number(attempt.status_code),
        error: attempt.error,
        durationMs: Number(attempt.duration_ms),
      });
    }
    return rows.map((row) => ({
      id: row.id,
      endpointId: row.endpoint_id,
      eventId: row.event_id,
      eventType: row.event_type,
      status: row.status as WebhookDeliveryStatus,
      nextAttemptAt: row.next_attempt_at,
      completedAt: row.completed_at,
      createdAt: row.created_at,
      attempts: byDelivery.get(row.id)!,
    }));
  }

  async function viewDelivery(id: string): Promise<WebhookDelivery> {
    return (await withAttempts([await requireDelivery(id)]))[0]!;
  }

  return {
    async enqueue(events, trx) {
      const db = trx ?? kysely;
      const byId = new Map<string, WebhookEvent>();
      for (const event of events) if (!byId.has(event.id)) byId.set(event.id, event);
      if (byId.size === 0) return;
      const ids = [...byId.keys()];
      const seen = new Set<string>();
      for (let start = 0; start < ids.length; start += INSERT_CHUNK) {
        const rows = await db
          .selectFrom('webhook_events')
          .select('id')
          .where('id', 'in', ids.slice(start, start + INSERT_CHUNK))
          .execute();
        for (const row of rows) seen.add(row.id);
      }
      const fresh = [...byId.values()].filter((event) => !seen.has(event.id));
      if (fresh.length === 0) return;

      const unknown = [...new Set(fresh.map((event) => event.type).filter((type) => !isEventType(type)))];
      if (unknown.length > 0) logger.warn({ types: unknown }, 'webhook events of types no endpoint can subscribe to; add them to WEBHOOK_EVENT_TYPES');
      const endpoints = await db.selectFrom('webhook_endpoints').select(['id', 'event_types']).where('enabled', '=', 1n).execute();
      const subscribers = endpoints.map((endpoint) => ({ id: endpoint.id, types: new Set(JSON.parse(endpoint.event_types) as string[]) }));
      const at = now().toISOString();
      const deliveries = fresh.flatMap((event) => subscribers.filter((endpoint) => endpoint.types.has(event.type)).map((endpoint) => newDelivery(event, endpoint.id, at)));
      // Deliveries first, then the ids: a crash in between leaves the event to be enqueued again, and the unique (event, endpoint) index keeps that from doubling a delivery.
      await insertDeliveries(db, deliveries);
      await markEnqueued(db, fresh, at);
    },

    async sendTest(endpointId) {
      const endpoint = await requireEndpoint(kysely, endpointId);
      if (endpoint.enabled !== 1n) throw DomainError.conflict('webhook_disabled', `The webhook endpoint ${endpointId} is disabled; enable it to send it a test event.`);
      const at = now().toISOString();
      const event: WebhookEvent = {
        id: newId('evt'),
        type: WEBHOOK_TEST_EVENT_TYPE,
        createdAt: at,
        data: { endpointId, message: 'A test event from Ovation: answer with a 2xx status to acknowledge it.' },
      };
      const delivery = newDelivery(event, endpointId, at);
      await insertDeliveries(kysely, [delivery]);
      await markEnqueued(kysely, [event], at);
      return viewDelivery(delivery.id);
    },

    async listDeliveries(endpointId, filter) {
      await requireEndpoint(kysely, endpointId);
      let query = kysely.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      let cursor: { time: string; id: string } | undefined;
      if (filter.after !== undefined) {
        const last = await kysely.selectFrom('webhook_deliveries').select(['id', 'created_at']).where('id', '=', filter.after).where('endpoint_id', '=', endpointId).executeTakeFirst();
        if (!last) throw DomainError.invalidField('after', 'invalid_cursor', 'after must be the nextCursor of a previous page; leave it out to start from the newest.');
        cursor = { time: last.created_at, id: last.id };
      }
      const { rows: shown, more } = await newestFirstPage(query, 'created_at', cursor, filter.limit);
      return { deliveries: await withAttempts(shown), nextCursor: more ? shown[shown.length - 1]!.id : null };
    },

    async retryDelivery(deliveryId) {
      const row = await requireDelivery(deliveryId);
      const at = now().toISOString();
      // A pending delivery keeps its schedule and is only brought forward; a finished one starts over.
      const restart = row.status !== 'pending';
      await kysely
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: at, completed_at: null, ...(restart ? { failed_attempts: 0n } : {}) })
        .where('id', '=', deliveryId)
        .execute();
      return viewDelivery(deliveryId);
    },
  };
}

function newDelivery(event: WebhookEvent, endpointId: string, at: string) {
  return {
    id: newId('whdl'),
    endpoint_id: endpointId,
    event_id: event.id,
    event_type: event.type,
    body: JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, data: event.data }),
    status: 'pending',
    failed_attempts: 0n,
    next_attempt_at: at,
    lease_token: null,
    lease_expires_at: null,
    created_at: at,
    completed_at: null,
  };
}

async function insertDeliveries(db: Kysely<Schema>, rows: ReturnType<typeof newDelivery>[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).doNothing())
      .execute();
  }
}

async function markEnqueued(db: Kysely<Schema>, events: readonly WebhookEvent[], at: string): Promise<void> {
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    await db
      .insertInto('webhook_events')
      .values(events.slice(start, start + INSERT_CHUNK).map((event) => ({ id: event.id, type: event.type, enqueued_at: at })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}
