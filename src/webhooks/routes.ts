import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Ok } from '../accounts/index.js';
import { WEBHOOK_URL_MAX_CHARS } from './urls.js';
import { DeliverySchema, DeliveryStatusSchema, EndpointSchema, EndpointWithSecretSchema } from './views.js';
import { DESCRIPTION_MAX_CHARS, MAX_SECRET_OVERLAP_SECONDS, WEBHOOK_EVENT_TYPES, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TEST_EVENT_TYPE, type Webhooks } from './webhooks.js';

const strict = { additionalProperties: false } as const;
const tags = ['operator webhooks'];
const knownTypes = WEBHOOK_EVENT_TYPES.join(', ');

const DeliveryEnvelope = Type.Object({ delivery: DeliverySchema });
const EndpointEnvelope = Type.Object({ endpoint: EndpointSchema });
const EndpointWithSecretEnvelope = Type.Object({ endpoint: EndpointWithSecretSchema });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const UrlField = Type.String({ maxLength: WEBHOOK_URL_MAX_CHARS, description: 'An https URL; not a loopback or private address.' });
const EventTypesField = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50, description: `At least one of ${knownTypes}.` });
const DescriptionField = Type.Union([Type.String({ maxLength: DESCRIPTION_MAX_CHARS }), Type.Null()], { description: `Up to ${DESCRIPTION_MAX_CHARS} characters.` });

/** Admin routes for operators' webhooks: endpoints, their secrets, the delivery log, retries and test events. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: Webhooks }> = async (app, { webhooks }) => {
  app.post(
    '/api/v1/admin/webhooks',
    {
      schema: {
        tags,
        summary: 'Register an endpoint for signed event callbacks',
        description:
          'Answers the endpoint with its signing `secret`, shown only here and on rotation. Unknown event types are refused (400 unknown_event_type) ' +
          'naming the known ones; so are http URLs and loopback or private hosts (400 invalid_webhook_url) unless WEBHOOKS_ALLOW_INSECURE_URLS=true.',
        body: Type.Object({ url: UrlField, eventTypes: EventTypesField, description: Type.Optional(DescriptionField) }, strict),
        response: { 201: EndpointWithSecretEnvelope },
      },
    },
    async (request, reply) => reply.code(201).send({ endpoint: await webhooks.createEndpoint(request.body) }),
  );

  app.get('/api/v1/admin/webhooks', { schema: { tags, summary: 'Every webhook endpoint, oldest first', response: { 200: Type.Object({ endpoints: Type.Array(EndpointSchema) }) } } }, async () => ({
    endpoints: await webhooks.listEndpoints(),
  }));

  app.get('/api/v1/admin/webhooks/:id', { schema: { tags, summary: 'One webhook endpoint', params: IdParams, response: { 200: EndpointEnvelope } } }, async (request) => ({
    endpoint: await webhooks.getEndpoint(request.params.id),
  }));

  app.patch(
    '/api/v1/admin/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change an endpoint’s URL, events, description, or pause it',
        description: 'Fields left out stay as they are. Disabling pauses the endpoint: pending deliveries wait and resume when it is enabled again.',
        params: IdParams,
        body: Type.Object(
          { url: Type.Optional(UrlField), eventTypes: Type.Optional(EventTypesField), enabled: Type.Optional(Type.Boolean()), description: Type.Optional(DescriptionField) },
          { ...strict, minProperties: 1 },
        ),
        response: { 200: EndpointEnvelope },
      },
    },
    async (request) => ({ endpoint: await webhooks.updateEndpoint(request.params.id, request.body) }),
  );

  app.delete('/api/v1/admin/webhooks/:id', { schema: { tags, summary: 'Delete an endpoint with its deliveries and their log', params: IdParams, response: { 200: Ok } } }, async (request) => {
    await webhooks.deleteEndpoint(request.params.id);
    return { ok: true as const };
  });

  app.post(
    '/api/v1/admin/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Replace the signing secret',
        description:
          'Answers the new secret. Until previousSecretExpiresInSeconds from now, deliveries also carry a v1 signature by the old secret, ' +
          'so receivers can switch over without refusing any; 0 stops the old secret at once.',
        params: IdParams,
        body: Type.Object(
          {
            previousSecretExpiresInSeconds: Type.Integer({
              minimum: 0,
              maximum: MAX_SECRET_OVERLAP_SECONDS,
              description: 'How long the old secret keeps signing too, in seconds (up to a week); 0 stops it at once.',
            }),
          },
          strict,
        ),
        response: { 200: EndpointWithSecretEnvelope },
      },
    },
    async (request) => ({ endpoint: await webhooks.rotateSecret(request.params.id, request.body) }),
  );

  app.get(
    '/api/v1/admin/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log of an endpoint, newest first',
        description: 'Each delivery with every attempt: time, HTTP status or error, duration. status=failed for the ones that gave up. Page with `after`: the `nextCursor` of the previous page.',
        params: IdParams,
        querystring: Type.Object(
          {
            status: Type.Optional(DeliveryStatusSchema),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            after: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          strict,
        ),
        response: { 200: Type.Object({ deliveries: Type.Array(DeliverySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => webhooks.listDeliveries(request.params.id, { status: request.query.status, limit: request.query.limit ?? 20, after: request.query.after }),
  );

  app.post(
    '/api/v1/admin/webhooks/:id/test',
    {
      schema: {
        tags,
        summary: `Send a ${WEBHOOK_TEST_EVENT_TYPE} event to this endpoint only`,
        description: 'Queued and due at once; watch it in the delivery log. 409 webhook_disabled for a disabled endpoint.',
        params: IdParams,
        response: { 202: DeliveryEnvelope },
      },
    },
    async (request, reply) => reply.code(202).send({ delivery: await webhooks.sendTest(request.params.id) }),
  );

  app.post(
    '/api/v1/admin/webhook-deliveries/:id/retry',
    {
      schema: {
        tags,
        summary: 'Send a delivery again now, even a failed or delivered one',
        description: `A failed or delivered delivery starts a new schedule of up to ${WEBHOOK_MAX_ATTEMPTS} attempts; a pending one is only brought forward. Deliveries of a disabled endpoint wait until it is enabled.`,
        params: IdParams,
        response: { 202: DeliveryEnvelope },
      },
    },
    async (request, reply) => reply.code(202).send({ delivery: await webhooks.retryDelivery(request.params.id) }),
  );
};
