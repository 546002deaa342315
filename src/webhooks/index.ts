export * from './webhooks.js';
export { webhookRoutes } from './routes.js';
export type { WebhooksSchema } from './schema.js';
