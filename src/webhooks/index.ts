export * from './webhooks.js';
export { verifyWebhookSignature, SIGNATURE_HEADER, EVENT_ID_HEADER, type WebhookSignatureCheck } from './signing.js';
export { webhookRoutes } from './routes.js';
export { webhooksMigrations } from './migrations.js';
export type { WebhooksSchema } from './schema.js';
