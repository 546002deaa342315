export * from './catalog.js';
export type { StoreSchema, CoinPackageTable, CoinPackagePriceTable, StorePromotionTable, TaxRateTable } from './schema.js';
export { createTaxRates, ratePercentText, saleTax, type SaleTax, type TaxPricing, type TaxRate, type TaxRates } from './tax-rates.js';
export { storeRoutes, type StoreRoutesOptions } from './routes.js';
export { taxRateRoutes } from './tax-rate-routes.js';
