import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { DomainError } from '../shared/errors.js';
import { WebhookSignatureError } from '../shared/signatures.js';
import type { AppStoreServer } from './app-store.js';
import type { Orders } from './orders.js';

/** Where each store posts its notifications, and what they look like. */
const NOTIFICATION_ROUTES: Readonly<Record<string, { path: string; summary: string; description: string; body: TSchema }>> = {
  apple: {
    path: '/api/v1/webhooks/apple',
    summary: 'App Store Server Notifications V2: refunds and revocations claw the coins back; consumption requests are answered from the ledger',
    description:
      'The body is `{ "signedPayload": "<JWS>" }`, verified up to Apple Root CA - G3 like a signed transaction; one that does not verify is refused with 400 invalid_signature. ' +
      'Each notification is acted on once, by its notificationUUID; REFUND_REVERSED opens a case for admins; other types, and products that are not coin packages, are answered `ignored`.',
    body: Type.Object({ signedPayload: Type.String({ minLength: 1, maxLength: 200_000 }) }),
  },
  google_play: {
    path: '/api/v1/webhooks/google-play',
    summary: 'Google Play real-time developer notifications, pushed by Pub/Sub: voided one-time purchases claw the coins back',
    description:
      'A Pub/Sub push request, authenticated by the OIDC token Pub/Sub signs (`Authorization: Bearer <JWT>`: Google’s signature, the push audience and the service account’s email); one that does not verify is refused with 400 invalid_signature. ' +
      'Each message is acted on once, by its messageId; notifications other than voided one-time purchases, and those of other apps, are answered `ignored`.',
    body: Type.Object({
      message: Type.Object({ data: Type.String({ maxLength: 65_536 }), messageId: Type.String({ minLength: 1, maxLength: 256 }) }),
      subscription: Type.String({ maxLength: 1024 }),
    }),
  },
};

/** An app store's server notifications: App Store Server Notifications V2 for Apple, real-time developer notifications for Google Play. */
export const appStoreWebhookRoute: FastifyPluginAsyncTypebox<{ store: AppStoreServer; orders: Orders }> = async (app, { store, orders }) => {
  const route = NOTIFICATION_ROUTES[store.name];
  if (route === undefined) throw new Error(`no notification route is known for the app store ${store.name}`);
  app.post(
    route.path,
    {
      schema: {
        tags: ['webhooks'],
        summary: route.summary,
        description: route.description,
        body: route.body,
        response: { 200: Type.Object({ received: Type.Literal(true), result: Type.String() }) },
      },
    },
    async (request) => {
      let notification;
      try {
        notification = await store.parseNotification({ body: request.body, authorization: request.headers.authorization });
      } catch (error) {
        if (error instanceof WebhookSignatureError) throw DomainError.invalidRequest('invalid_signature', error.message);
        throw error;
      }
      return { received: true as const, result: await orders.handleStoreNotification(notification) };
    },
  );
};
