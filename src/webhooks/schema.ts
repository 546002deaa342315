import type { Generated } from 'kysely';

/**
 * Table types of operators' webhooks, merged into the global `Schema`
 * (src/db/schema.ts). Integers are bigint on both engines; timestamps are
 * ISO 8601 UTC strings from toISOString(), so they compare in text order.
 */
export interface WebhooksSchema {
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
}

declare module '../db/schema.js' {
  interface Schema extends WebhooksSchema {}
}

/** Where an operator wants events sent. Deleting one deletes its deliveries and their attempts. */
export interface WebhookEndpointTable {
  /** Such as `whep_3k9x…`. */
  id: string;
  url: string;
  description: string | null;
  /** JSON array of the event types the endpoint subscribes to. */
  event_types: string;
  /** 1 when events are queued and sent to it; 0 pauses it (its pending deliveries wait). */
  enabled: bigint;
  /** `whsec_…`; kept in clear because every delivery is signed with it. */
  secret: string;
  /** The secret before the last rotation, still signing deliveries until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** An event id seen by `enqueue`: the same id again creates nothing. Written after its deliveries, so a crash between leaves it to be enqueued again. */
export interface WebhookEventTable {
  id: string;
  type: string;
  enqueued_at: string;
}

/** One event for one endpoint, with its retry schedule. Unique per (event, endpoint). */
export interface WebhookDeliveryTable {
  /** Such as `whdl_3k9x…`. */
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** The exact JSON body sent on every attempt: `{id, type, createdAt, data}`. */
  body: string;
  /** pending | delivered | failed */
  status: string;
  /** Failed attempts since the delivery was (re)scheduled; picks the next backoff. */
  failed_attempts: bigint;
  /** When a pending delivery is due; null once delivered or failed. */
  next_attempt_at: string | null;
  /** Set by the worker that claimed the delivery; only that worker records the attempt. */
  lease_token: string | null;
  /** Until then no other worker may claim the delivery. */
  lease_expires_at: string | null;
  created_at: string;
  /** When it was delivered or gave up; null while pending. */
  completed_at: string | null;
}

/** One HTTP request made for a delivery: the delivery log. */
export interface WebhookAttemptTable {
  seq: Generated<bigint>;
  delivery_id: string;
  attempted_at: string;
  /** The endpoint's HTTP status; null when no response came (timeout, connection error, refused URL). */
  status_code: bigint | null;
  /** Why no response came; null when one did. */
  error: string | null;
  duration_ms: bigint;
}
