export * from './catalog.js';
export { giftsMigrations } from './migrations.js';
export type { GiftsSchema, GiftTable } from './schema.js';
export { giftRoutes, type GiftRoutesOptions } from './routes.js';
