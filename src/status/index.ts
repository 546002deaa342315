// Gifter levels and rankings: running totals the payments' transfers move, and what they rank.
export { gifterLevelOf, loadStatusConfig, STATUS_SETTINGS, type GifterLevel, type StatusConfig } from './levels.js';
export { statusMigrations } from './migrations.js';
export { statusRoutes } from './routes.js';
export type { StatusSchema } from './schema.js';
export { createLevelUps, type LevelUps } from './level-ups.js';
export { createSenderLevels, type SenderLevels } from './sender-levels.js';
export { coinsPaidToCreatorSql, coinsPaidToCreatorTotal, createStatus, paymentCounters, paymentTotals, type PaymentTotals, type Status } from './status.js';
