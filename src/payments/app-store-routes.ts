import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../shared/errors.js';
import { WebhookSignatureError } from '../shared/signatures.js';
import type { AppStoreServer } from './app-store.js';
import type { Orders } from './orders.js';

/** An app store's server notifications: App Store Server Notifications V2 for Apple. */
export const appStoreWebhookRoute: FastifyPluginAsyncTypebox<{ path: string; store: AppStoreServer; orders: Orders }> = async (app, { path, store, orders }) => {
  app.post(
    path,
    {
      schema: {
        tags: ['webhooks'],
        summary: 'App Store Server Notifications V2: refunds and revocations claw the coins back; consumption requests are answered from the ledger',
        description:
          'The body is `{ "signedPayload": "<JWS>" }`, verified up to Apple Root CA - G3 like a signed transaction; one that does not verify is refused with 400 invalid_signature. ' +
          'Each notification is acted on once, by its notificationUUID; REFUND_REVERSED opens a case for admins; other types, and products that are not coin packages, are answered `ignored`.',
        body: Type.Object({ signedPayload: Type.String({ minLength: 1, maxLength: 200_000 }) }),
        response: { 200: Type.Object({ received: Type.Literal(true), result: Type.String() }) },
      },
    },
    async (request) => {
      let notification;
      try {
        notification = store.parseNotification(request.body);
      } catch (error) {
        if (error instanceof WebhookSignatureError) throw DomainError.invalidRequest('invalid_signature', error.message);
        throw error;
      }
      return { received: true as const, result: await orders.handleStoreNotification(notification) };
    },
  );
};
