export { createEarnings, type Earnings, type EarningsDependencies, type EarningsPeriod, type EarningsSummary, type RateCard } from './earnings.js';
export { createDiamondValues, type DiamondRate, type DiamondValues } from './diamond-values.js';
export { diamondValueRoutes } from './diamond-value-routes.js';
export { EARNINGS_SETTINGS, loadEarningsConfig, lotsCashValue, type DiamondValue, type EarningsConfig } from './config.js';
export { type MonthlyStatement, type StatementEntry, type StatementPage } from './statements.js';
export { earningsRoutes } from './routes.js';
export { taxYearRoutes } from './tax-year-routes.js';
