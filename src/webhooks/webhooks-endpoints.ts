import { randomBytes } from 'node:crypto';
import type { Static } from 'typebox';
import { newId } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { checkWebhookUrl } from './urls.js';
import type { EndpointSchema, EndpointWithSecretSchema } from './views.js';
import { isEventType, requireEndpoint, WEBHOOK_EVENT_TYPES, type EndpointRow, type WebhookEventType, type WebhooksDependencies } from './webhooks-records.js';

export const DESCRIPTION_MAX_CHARS = 500;
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 86_400;
const MAX_ENDPOINTS = 50;
const CONTROL_CHARACTERS = /\p{Cc}/u;

export type WebhookEndpoint = Static<typeof EndpointSchema>;

/** An endpoint with its signing secret: answered only when it is created and when its secret is rotated. */
export type WebhookEndpointWithSecret = Static<typeof EndpointWithSecretSchema>;

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

/** The endpoints admins register, and their signing secrets. */
export interface WebhookEndpoints {
  /** 201 with the secret; 400 invalid_webhook_url, unknown_event_type, invalid_description; 409 too_many_webhook_endpoints. */
  createEndpoint(input: CreateWebhookEndpointInput): Promise<WebhookEndpointWithSecret>;
  /** Oldest first. */
  listEndpoints(): Promise<WebhookEndpoint[]>;
  /** 404 webhook_not_found. */
  getEndpoint(id: string): Promise<WebhookEndpoint>;
  /** Changes what the input names; 400 as createEndpoint, 404 webhook_not_found. */
  updateEndpoint(id: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint>;
  /** Deletes the endpoint with its deliveries and their log. */
  deleteEndpoint(id: string): Promise<void>;
  /**
   * A new secret. For `previousSecretExpiresInSeconds` (0: not at all), deliveries are signed with the old
   * secret too, so the receiver can be switched over without refusing any.
   */
  rotateSecret(id: string, options: { previousSecretExpiresInSeconds: number }): Promise<WebhookEndpointWithSecret>;
}

export function createWebhookEndpoints(deps: WebhooksDependencies): WebhookEndpoints {
  const { kysely, now } = deps;
  const { allowInsecureUrls } = deps.config.webhooks;

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
      return toEndpoint(await requireEndpoint(kysely, id));
    },

    async updateEndpoint(id, input) {
      const row = await requireEndpoint(kysely, id);
      const changes: Partial<EndpointRow> = {};
      if (input.url !== undefined) changes.url = checkWebhookUrl(input.url, allowInsecureUrls);
      if (input.eventTypes !== undefined) changes.event_types = JSON.stringify(checkEventTypes(input.eventTypes));
      if (input.description !== undefined) changes.description = checkDescription(input.description);
      if (input.enabled !== undefined) changes.enabled = input.enabled ? 1n : 0n;
      if (Object.keys(changes).length === 0) return toEndpoint(row);
      changes.updated_at = now().toISOString();
      await kysely.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute();
      return toEndpoint(await requireEndpoint(kysely, id));
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
      const row = await requireEndpoint(kysely, id);
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
      return { ...toEndpoint(await requireEndpoint(kysely, id)), secret };
    },
  };
}

function checkDescription(description: string | null | undefined): string | null {
  if (description === undefined || description === null) return null;
  const trimmed = description.trim();
  if (trimmed.length > DESCRIPTION_MAX_CHARS || CONTROL_CHARACTERS.test(trimmed)) {
    throw DomainError.invalidField('description', 'invalid_description', `description is at most ${DESCRIPTION_MAX_CHARS} characters without control characters.`);
  }
  return trimmed === '' ? null : trimmed;
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
