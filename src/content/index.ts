export type { ContentSchema } from './schema.js';
export { contentMigrations } from './migrations.js';
export { CONTENT_UNLOCK_KIND, createPaidContent, type ContentAccess, type ContentLock, type ContentUnlock, type PaidContent } from './content.js';
export { contentRoutes, type ContentRoutesOptions } from './routes.js';
