export * from './catalog.js';
export type { StoreSchema, CoinPackageTable, CoinPackagePriceTable, StorePromotionTable } from './schema.js';
export { storeRoutes, type StoreRoutesOptions } from './routes.js';
