export {
  createEarnings,
  BY_LIVE_MAX,
  DEFAULT_PERIOD_DAYS,
  MAX_PERIOD_DAYS,
  TOP_SUPPORTERS_MAX,
  type Earnings,
  type EarningsDependencies,
  type EarningsPeriod,
  type EarningsSummary,
} from './earnings.js';
export { diamondCashValue, EARNINGS_SETTINGS, loadEarningsConfig, type DiamondValue, type EarningsConfig } from './config.js';
export { statementCsv, type MonthlyStatement, type StatementEntry, type StatementPage } from './statements.js';
export { earningsMigrations } from './migrations.js';
export { earningsRoutes } from './routes.js';
