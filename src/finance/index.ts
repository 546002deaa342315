export { createFinanceReports, type BalancesReport, type FinanceReports } from './reports.js';
export { financeRoutes } from './routes.js';
