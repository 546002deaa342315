import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { newId, type Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { WebhookDeliveryTable, WebhookEndpointTable } from './schema.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './signing.js';
import { postPinned } from './transport.js';
import { checkWebhookUrl, resolveDeliveryAddresses, systemResolver, type Resolver } from './urls.js';

/** The events operators can subscribe to. Modules that emit a new kind add it here. */
export const WEBHOOK_EVENT_TYPES = ['gift.sent', 'paid_message.sent', 'cheer.sent', 'live.started', 'live.ended', 'payout.paid', 'payout.failed', 'payout.returned', 'payout.rejected'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Sent only by POST /api/v1/admin/webhooks/:id/test, to that endpoint; nobody subscribes to it. */
export const WEBHOOK_TEST_EVENT_TYPE = 'webhook.test';

/** Waits after the 1st, 2nd, … failed attempt: 8 attempts over about a day and a half, then the delivery fails. */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [30_000, 120_000, 600_000, 3_600_000, 21_600_000, 43_200_000, 57_600_000];
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;
/** An endpoint that has not answered by then has failed the attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How long a claim keeps other workers off a delivery: the timeout plus room for recording the result. */
const LEASE_MS = WEBHOOK_TIMEOUT_MS + 50_000;
/** Deliveries one worker claims and sends at once. */
const CLAIM_BATCH = 20;
/** Rows per insert, well under either engine's limit on bound parameters. */
const INSERT_CHUNK = 200;
const MAX_ENDPOINTS = 50;
export const DESCRIPTION_MAX_CHARS = 500;
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 86_400;
const ERROR_MAX_CHARS = 500;
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** An event to send to every enabled endpoint subscribed to its type. `id` is stable: the same id is sent once. */
export interface WebhookEvent {
  id: string;
  type: string;
  data: unknown;
  /** When the event happened, ISO 8601. */
  createdAt: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: WebhookEventType[];
  /** False pauses the endpoint: no new deliveries, and pending ones wait until it is enabled again. */
  enabled: boolean;
  /** Until when deliveries are also signed with the secret before the last rotation; null when only the current one signs. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An endpoint with its signing secret: answered only when it is created and when its secret is rotated. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret: string;
}

export interface CreateWebhookEndpointInput {
  url: string;
  eventTypes: readonly string[];
  description?: string | null;
}

export interface UpdateWebhookEndpointInput {
  url?: string;
  eventTypes?: readonly string[];
  enabled?: boolean;
  /** null clears it. */
  description?: string | null;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One HTTP request of a delivery. */
export interface WebhookAttempt {
  at: string;
  /** The endpoint's HTTP status; null when no response came. */
  statusCode: number | null;
  /** Why no response came (timeout, connection error, a URL no longer allowed); null when one did. */
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  /** When the next attempt is due; null once delivered or failed. */
  nextAttemptAt: string | null;
  /** When it was delivered or gave up; null while pending. */
  completedAt: string | null;
  createdAt: string;
  /** Oldest first. */
  attempts: WebhookAttempt[];
}

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

/** What one `deliverDue` run did, in attempts. */
export interface WebhookDeliveryReport {
  attempted: number;
  delivered: number;
  /** Failed attempts with another one scheduled. */
  retrying: number;
  /** Failed attempts that were the last. */
  failed: number;
}

export interface WebhooksDependencies {
  kysely: Kysely<Schema>;
  now: () => Date;
  logger: Logger;
  config: Pick<Config, 'webhooks'>;
  /** Resolves endpoints' host names, once per attempt; the system's resolver (dns.lookup) unless a test supplies another. */
  resolve?: Resolver;
}

export interface Webhooks {
  /** 201 with the secret; 400 invalid_webhook_url, unknown_event_type, invalid_description; 409 too_many_webhook_endpoints. */
  createEndpoint(input: CreateWebhookEndpointInput): Promise<WebhookEndpointWithSecret>;
  /** Oldest first. */
  listEndpoints(): Promise<WebhookEndpoint[]>;
  /** 404 webhook_not_found. */
  getEndpoint(id: string): Promise<WebhookEndpoint>;
  updateEndpoint(id: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint>;
  /** Deletes the endpoint with its deliveries and their log. */
  deleteEndpoint(id: string): Promise<void>;
  /**
   * A new secret. For `previousSecretExpiresInSeconds` (0: not at all), deliveries are signed with the old
   * secret too, so the receiver can be switched over without refusing any.
   */
  rotateSecret(id: string, options: { previousSecretExpiresInSeconds: number }): Promise<WebhookEndpointWithSecret>;
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
  /**
   * Sends every delivery that is due, a batch at a time, until none is left or `signal` is aborted
   * (the batch being sent is finished). Each delivery is claimed before it is sent, so workers in
   * several processes never send the same attempt twice.
   */
  deliverDue(signal?: AbortSignal): Promise<WebhookDeliveryReport>;
}

type EndpointRow = Selectable<WebhookEndpointTable>;
type DeliveryRow = Selectable<WebhookDeliveryTable>;
type Claim = Pick<DeliveryRow, 'id' | 'endpoint_id' | 'event_id' | 'body' | 'failed_attempts'>;

interface AttemptResult {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Operators' webhooks: endpoints registered by admins, a durable delivery
 * queue fed by `enqueue`, and a worker that signs and sends what is due,
 * retrying failures with backoff. Delivery is at least once: a receiver may
 * see an event again (after a timeout that still reached it, or a manual
 * retry) and should drop repeats by the `ovation-event-id` header.
 */
export function createWebhooks(deps: WebhooksDependencies): Webhooks {
  const { kysely, now, logger } = deps;
  const { allowInsecureUrls } = deps.config.webhooks;
  const resolve = deps.resolve ?? systemResolver;

  async function requireEndpoint(id: string): Promise<EndpointRow> {
    const row = await kysely.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw DomainError.notFound('webhook_not_found', `No webhook endpoint has the id ${id}.`);
    return row;
  }

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

  /** Claims up to a batch of due deliveries of enabled endpoints for this worker. */
  async function claimDue(): Promise<{ token: string; claims: Claim[] }> {
    const at = now();
    const atIso = at.toISOString();
    const candidates = await kysely
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select('d.id')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', atIso)
      .where('e.enabled', '=', 1n)
      .where((eb) => eb.or([eb('d.lease_expires_at', 'is', null), eb('d.lease_expires_at', '<=', atIso)]))
      .orderBy('d.next_attempt_at')
      .limit(CLAIM_BATCH)
      .execute();
    const token = randomUUID();
    if (candidates.length === 0) return { token, claims: [] };
    // The conditions are checked again by the update itself: of two workers that saw the same candidates, only one gets each.
    const claims = await kysely
      .updateTable('webhook_deliveries')
      .set({ lease_token: token, lease_expires_at: new Date(at.getTime() + LEASE_MS).toISOString() })
      .where(
        'id',
        'in',
        candidates.map((row) => row.id),
      )
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', atIso)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', atIso)]))
      .returning(['id', 'endpoint_id', 'event_id', 'body', 'failed_attempts'])
      .execute();
    return { token, claims };
  }

  async function attempt(claim: Claim, endpoint: EndpointRow): Promise<AttemptResult> {
    const at = now();
    const startedMs = performance.now();
    const elapsedMs = () => Math.round(performance.now() - startedMs);
    try {
      // Checked again at every attempt: the setting may have been turned off since the endpoint was registered.
      const url = new URL(checkWebhookUrl(endpoint.url, allowInsecureUrls));
      // Resolved once and checked; the connection is pinned to these addresses (a name cannot change its answer in between).
      const addresses = await resolveDeliveryAddresses(url.hostname, resolve, allowInsecureUrls);
      const overlapping = endpoint.previous_secret !== null && endpoint.previous_secret_expires_at !== null && endpoint.previous_secret_expires_at > at.toISOString();
      const secrets = overlapping ? [endpoint.secret, endpoint.previous_secret!] : [endpoint.secret];
      // A redirect is a failed attempt, never followed: it could lead to a host the URL check would refuse.
      const response = await postPinned(
        url,
        addresses,
        {
          'content-type': 'application/json',
          'user-agent': 'Ovation-Webhooks',
          [EVENT_ID_HEADER]: claim.event_id,
          [SIGNATURE_HEADER]: signWebhook(secrets, claim.body, at),
        },
        claim.body,
        AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      );
      return { at, statusCode: response.statusCode, error: null, durationMs: elapsedMs() };
    } catch (error) {
      return { at, statusCode: null, error: describeFailure(error), durationMs: elapsedMs() };
    }
  }

  /** Records an attempt and schedules what follows, if this worker still holds the claim. */
  async function record(claim: Claim, token: string, result: AttemptResult): Promise<keyof Omit<WebhookDeliveryReport, 'attempted'> | 'lost'> {
    const atIso = result.at.toISOString();
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const failures = delivered ? Number(claim.failed_attempts) : Number(claim.failed_attempts) + 1;
    const outcome = delivered ? 'delivered' : failures >= WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'retrying';
    const updated = await kysely
      .updateTable('webhook_deliveries')
      .set({
        status: outcome === 'retrying' ? 'pending' : outcome,
        failed_attempts: BigInt(failures),
        next_attempt_at: outcome === 'retrying' ? new Date(result.at.getTime() + WEBHOOK_RETRY_DELAYS_MS[failures - 1]!).toISOString() : null,
        completed_at: outcome === 'retrying' ? null : now().toISOString(),
        lease_token: null,
        lease_expires_at: null,
      })
      .where('id', '=', claim.id)
      .where('lease_token', '=', token)
      .executeTakeFirst();
    // Deleted with its endpoint while the request was out, or the claim lapsed and another worker holds it now.
    if (updated.numUpdatedRows === 0n) return 'lost';
    await kysely
      .insertInto('webhook_attempts')
      .values({
        delivery_id: claim.id,
        attempted_at: atIso,
        status_code: result.statusCode === null ? null : BigInt(result.statusCode),
        error: result.error,
        duration_ms: BigInt(result.durationMs),
      })
      .execute();
    const context = { deliveryId: claim.id, endpointId: claim.endpoint_id, eventId: claim.event_id, statusCode: result.statusCode, error: result.error };
    if (outcome === 'failed') {
      logger.warn(context, `webhook delivery failed after ${failures} attempts; retry it with POST /api/v1/admin/webhook-deliveries/${claim.id}/retry`);
    } else if (outcome === 'retrying') {
      logger.debug(context, 'webhook attempt failed; retrying later');
    }
    return outcome;
  }

  function checkDescription(description: string | null | undefined): string | null {
    if (description === undefined || description === null) return null;
    const trimmed = description.trim();
    if (trimmed.length > DESCRIPTION_MAX_CHARS || CONTROL_CHARACTERS.test(trimmed)) {
      throw DomainError.invalidField('description', 'invalid_description', `description is at most ${DESCRIPTION_MAX_CHARS} characters without control characters.`);
    }
    return trimmed === '' ? null : trimmed;
  }

  return {
    async createEndpoint(input) {
      const url = checkWebhookUrl(input.url, allowInsecureUrls);
      const eventTypes = checkEventTypes(input.eventTypes);
      const description = checkDescription(input.description);
      const count = await kysely
        .selectFrom('webhook_endpoints')
        .select((eb) => eb.fn.countAll<bigint>().as('count'))
        .executeTakeFirstOrThrow();
      if (Number(count.count) >= MAX_ENDPOINTS) {
        throw DomainError.conflict('too_many_webhook_endpoints', `At most ${MAX_ENDPOINTS} webhook endpoints can be registered; delete one first.`);
      }
      const at = now().toISOString();
      const row: EndpointRow = {
        id: newId('whep'),
        url,
        description,
        event_types: JSON.stringify(eventTypes),
        enabled: 1n,
        secret: newSecret(),
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: at,
        updated_at: at,
      };
      await kysely.insertInto('webhook_endpoints').values(row).execute();
      return { ...toEndpoint(row), secret: row.secret };
    },

    async listEndpoints() {
      const rows = await kysely.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toEndpoint);
    },

    async getEndpoint(id) {
      return toEndpoint(await requireEndpoint(id));
    },

    async updateEndpoint(id, input) {
      const row = await requireEndpoint(id);
      const changes: Partial<EndpointRow> = {};
      if (input.url !== undefined) changes.url = checkWebhookUrl(input.url, allowInsecureUrls);
      if (input.eventTypes !== undefined) changes.event_types = JSON.stringify(checkEventTypes(input.eventTypes));
      if (input.description !== undefined) changes.description = checkDescription(input.description);
      if (input.enabled !== undefined) changes.enabled = input.enabled ? 1n : 0n;
      if (Object.keys(changes).length === 0) return toEndpoint(row);
      changes.updated_at = now().toISOString();
      await kysely.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute();
      return toEndpoint(await requireEndpoint(id));
    },

    async deleteEndpoint(id) {
      const deleted = await kysely.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw DomainError.notFound('webhook_not_found', `No webhook endpoint has the id ${id}.`);
      await kysely
        .deleteFrom('webhook_attempts')
        .where('delivery_id', 'in', (eb) => eb.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id))
        .execute();
      await kysely.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
    },

    async rotateSecret(id, options) {
      const overlapSeconds = options.previousSecretExpiresInSeconds;
      if (!Number.isSafeInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_SECRET_OVERLAP_SECONDS) {
        throw DomainError.invalidField(
          'previousSecretExpiresInSeconds',
          'invalid_secret_overlap',
          `previousSecretExpiresInSeconds is a whole number of seconds from 0 to ${MAX_SECRET_OVERLAP_SECONDS} (a week).`,
        );
      }
      const row = await requireEndpoint(id);
      const at = now();
      const secret = newSecret();
      await kysely
        .updateTable('webhook_endpoints')
        .set({
          secret,
          previous_secret: overlapSeconds > 0 ? row.secret : null,
          previous_secret_expires_at: overlapSeconds > 0 ? new Date(at.getTime() + overlapSeconds * 1000).toISOString() : null,
          updated_at: at.toISOString(),
        })
        .where('id', '=', id)
        .execute();
      return { ...toEndpoint(await requireEndpoint(id)), secret };
    },

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
      const endpoint = await requireEndpoint(endpointId);
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
      await requireEndpoint(endpointId);
      let query = kysely.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.after !== undefined) {
        const cursor = await kysely.selectFrom('webhook_deliveries').select(['id', 'created_at']).where('id', '=', filter.after).where('endpoint_id', '=', endpointId).executeTakeFirst();
        if (!cursor) throw DomainError.invalidField('after', 'invalid_cursor', 'after must be the nextCursor of a previous page; leave it out to start from the newest.');
        // Keyset paging: deliveries queued while an admin pages never shift a page or show twice.
        query = query.where((eb) => eb.or([eb('created_at', '<', cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)])]));
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1)
        .execute();
      const shown = rows.slice(0, filter.limit);
      return { deliveries: await withAttempts(shown), nextCursor: rows.length > filter.limit ? shown[shown.length - 1]!.id : null };
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

    async deliverDue(signal) {
      const report: WebhookDeliveryReport = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
      while (!signal?.aborted) {
        const { token, claims } = await claimDue();
        if (claims.length === 0) break;
        const endpointIds = [...new Set(claims.map((claim) => claim.endpoint_id))];
        const endpoints = new Map((await kysely.selectFrom('webhook_endpoints').selectAll().where('id', 'in', endpointIds).execute()).map((row) => [row.id, row]));
        const outcomes = await Promise.all(
          claims.map(async (claim) => {
            const endpoint = endpoints.get(claim.endpoint_id);
            // Its endpoint was deleted after the claim; the delivery goes with it.
            if (!endpoint) return 'lost' as const;
            return record(claim, token, await attempt(claim, endpoint));
          }),
        );
        for (const outcome of outcomes) {
          if (outcome === 'lost') continue;
          report.attempted++;
          report[outcome]++;
        }
      }
      return report;
    },
  };
}

function isEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

function checkEventTypes(types: readonly string[]): WebhookEventType[] {
  const known = WEBHOOK_EVENT_TYPES.join(', ');
  const unknown = types.filter((type) => !isEventType(type));
  if (unknown.length > 0) {
    throw DomainError.invalidField('eventTypes', 'unknown_event_type', `Unknown event type(s): ${unknown.map((type) => JSON.stringify(type.slice(0, 60))).join(', ')}. Known types: ${known}.`);
  }
  if (types.length === 0) throw DomainError.invalidField('eventTypes', 'unknown_event_type', `eventTypes names at least one event type. Known types: ${known}.`);
  return [...new Set(types as WebhookEventType[])];
}

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as WebhookEventType[],
    enabled: row.enabled === 1n,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  // An aborted request fails with an AbortError whose cause is the signal's TimeoutError.
  if (error instanceof Error && (error.name === 'TimeoutError' || (cause instanceof Error && cause.name === 'TimeoutError'))) return `no response within ${WEBHOOK_TIMEOUT_MS / 1000} s`;
  const message = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return message.slice(0, ERROR_MAX_CHARS);
}
