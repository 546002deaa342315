import { createWebhookSender, type WebhookSender } from './webhooks-delivery.js';
import { createWebhookEndpoints, type WebhookEndpoints } from './webhooks-endpoints.js';
import { createWebhookQueue, type WebhookQueue } from './webhooks-queue.js';
import type { WebhooksDependencies } from './webhooks-records.js';

export { WEBHOOK_EVENT_TYPES, type WebhookEventType, type WebhooksDependencies } from './webhooks-records.js';
export {
  DESCRIPTION_MAX_CHARS,
  MAX_SECRET_OVERLAP_SECONDS,
  type CreateWebhookEndpointInput,
  type UpdateWebhookEndpointInput,
  type WebhookEndpoint,
  type WebhookEndpoints,
  type WebhookEndpointWithSecret,
} from './webhooks-endpoints.js';
export {
  WEBHOOK_TEST_EVENT_TYPE,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookDeliveryFilter,
  type WebhookDeliveryPage,
  type WebhookDeliveryStatus,
  type WebhookEvent,
  type WebhookQueue,
} from './webhooks-queue.js';
export { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_MS, type WebhookBacklog, type WebhookDeliveryReport, type WebhookSender } from './webhooks-delivery.js';

/**
 * Operators' webhooks: endpoints registered by admins, a durable delivery
 * queue fed by `enqueue`, and a worker that signs and sends what is due,
 * retrying failures with backoff. Delivery is at least once: a receiver may
 * see an event again (after a timeout that still reached it, or a manual
 * retry) and should drop repeats by the `ovation-event-id` header.
 */
export interface Webhooks extends WebhookEndpoints, WebhookQueue, WebhookSender {}

export function createWebhooks(deps: WebhooksDependencies): Webhooks {
  return { ...createWebhookEndpoints(deps), ...createWebhookQueue(deps), ...createWebhookSender(deps) };
}
