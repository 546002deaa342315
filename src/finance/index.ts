export { createFinanceReports, type BalancesReport, type FinanceReports } from './reports.js';
export { financeRoutes } from './routes.js';
export { createGoodwillGrants, type GoodwillGrants } from './goodwill.js';
export { goodwillRoutes } from './goodwill-routes.js';
export { financeMigrations } from './migrations.js';
export type { FinanceSchema } from './schema.js';
export { taxReport, type TaxReport } from './tax.js';
export { taxReportRoutes } from './tax-routes.js';
