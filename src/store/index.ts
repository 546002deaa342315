export * from './catalog.js';
export { storeMigrations } from './migrations.js';
export type { StoreSchema, CoinPackageTable, CoinPackagePriceTable, StorePromotionTable } from './schema.js';
export { storeRoutes, STORE_ROUTE_ACCESS, type StoreRoutesOptions } from './routes.js';
