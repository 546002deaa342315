export { createEarnings, type Earnings, type EarningsDependencies, type EarningsPeriod, type EarningsSummary } from './earnings.js';
export { diamondCashValue, EARNINGS_SETTINGS, loadEarningsConfig, type DiamondValue, type EarningsConfig } from './config.js';
export { type MonthlyStatement, type StatementEntry, type StatementPage } from './statements.js';
export { earningsRoutes } from './routes.js';
