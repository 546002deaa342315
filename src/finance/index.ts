export { createFinanceReports, type BalancesReport, type FinanceReports } from './reports.js';
export { financeRoutes } from './routes.js';
export { taxReport, type TaxReport } from './tax.js';
export { taxReportRoutes } from './tax-routes.js';
