import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { WebhookDeliveryTable, WebhookEndpointTable } from './schema.js';
import type { Resolver } from './urls.js';

/** The events operators can subscribe to. Modules that emit a new kind add it here. */
export const WEBHOOK_EVENT_TYPES = [
  'gift.sent',
  'paid_message.sent',
  'cheer.sent',
  'live.started',
  'live.ended',
  'order.paid',
  'order.refunded',
  'order.disputed',
  'payout.paid',
  'payout.failed',
  'payout.returned',
  'payout.rejected',
  'goodwill.granted',
  'subscription.started',
  'subscription.renewed',
  'subscription.upgraded',
  'subscription.gifted',
  'subscription.updated',
  'subscription.past_due',
  'subscription.canceled',
  'subscription.resumed',
  'subscription.ended',
  'content.unlocked',
  'gifter.level_up',
  'goal.created',
  'goal.completed',
  'goal.cleared',
  'fan_club.joined',
  'battle.proposed',
  'battle.declined',
  'battle.started',
  'battle.ended',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhooksDependencies {
  kysely: Kysely<Schema>;
  now: () => Date;
  logger: Logger;
  config: Pick<Config, 'webhooks'>;
  /** Resolves endpoints' host names, once per attempt; the system's resolver (dns.lookup) unless a test supplies another. */
  resolve?: Resolver;
}

export type EndpointRow = Selectable<WebhookEndpointTable>;
export type DeliveryRow = Selectable<WebhookDeliveryTable>;

export function isEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

export async function requireEndpoint(kysely: Kysely<Schema>, id: string): Promise<EndpointRow> {
  const row = await kysely.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw DomainError.notFound('webhook_not_found', `No webhook endpoint has the id ${id}.`);
  return row;
}
