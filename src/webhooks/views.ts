/**
 * Webhook endpoints and deliveries as the API answers them: the domain's types (webhooks-endpoints.ts,
 * webhooks-queue.ts) are these schemas' static types, so the shape the routes declare (and the OpenAPI
 * document shows) is the one the code builds.
 */
import { Type } from 'typebox';
import { WEBHOOK_MAX_ATTEMPTS } from './webhooks-delivery.js';
import { WEBHOOK_EVENT_TYPES } from './webhooks-records.js';

const EventTypeSchema = Type.Enum(WEBHOOK_EVENT_TYPES, { description: `One of ${WEBHOOK_EVENT_TYPES.join(', ')}.` });

const endpointFields = {
  id: Type.String({ description: 'Such as whep_3k9x….' }),
  url: Type.String({ description: 'Where deliveries are POSTed.' }),
  description: Type.Union([Type.String(), Type.Null()]),
  eventTypes: Type.Array(EventTypeSchema, { description: 'The events sent to this endpoint.' }),
  enabled: Type.Boolean({ description: 'False pauses the endpoint: no new deliveries, and pending ones wait until it is enabled again.' }),
  /** Null when only the current secret signs. */
  previousSecretExpiresAt: Type.Union([Type.String(), Type.Null()], {
    description: 'After a rotation with an overlap: until when deliveries also carry a signature by the previous secret.',
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
};
export const EndpointSchema = Type.Object(endpointFields, { description: "An operator's endpoint for signed event callbacks." });
export const EndpointWithSecretSchema = Type.Object(
  { ...endpointFields, secret: Type.String({ description: 'whsec_…: signs every delivery (the ovation-signature header). Shown only now; keep it secret.' }) },
  { description: 'The endpoint with its signing secret, answered only when created and when the secret is rotated.' },
);

export const DeliveryStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], {
  description: `pending (due at nextAttemptAt), delivered (a 2xx answer), failed (no 2xx in ${WEBHOOK_MAX_ATTEMPTS} attempts; retry it by hand).`,
});
export const AttemptSchema = Type.Object({
  at: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: "The endpoint's HTTP status; null when no response came." }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why no response came: a timeout, a connection error, a URL no longer allowed.' }),
  durationMs: Type.Integer(),
});
export const DeliverySchema = Type.Object(
  {
    id: Type.String({ description: 'Such as whdl_3k9x….' }),
    endpointId: Type.String(),
    eventId: Type.String({ description: 'Also sent in the ovation-event-id header; the same on every attempt.' }),
    eventType: Type.String(),
    status: DeliveryStatusSchema,
    /** Null once delivered or failed. */
    nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
    completedAt: Type.Union([Type.String(), Type.Null()], { description: 'When it was delivered or gave up.' }),
    createdAt: Type.String(),
    attempts: Type.Array(AttemptSchema, { description: 'Every request made, oldest first.' }),
  },
  { description: 'One event on its way to one endpoint, with its delivery log.' },
);
