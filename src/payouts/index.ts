export { createPayouts, PAYOUT_STATUSES, type AdminPayout, type Payout, type PayoutIdentity, type PayoutMethod, type Payouts, type PayoutStatus } from './payouts.js';
export { createGiftClawbacks, type ChargedBackOrder, type CreatorClawback, type GiftClawbacks } from './clawbacks.js';
export { loadPayoutConfig, type PayoutConfig } from './config.js';
export { createSandboxPayoutProvider, SANDBOX_PAYOUT_OUTCOMES, type PayoutProvider, type PayoutProviderEvent, type SandboxPayoutProvider } from './provider.js';
export { payoutsMigrations } from './migrations.js';
export { adminPayoutRoutes, payoutRoutes } from './routes.js';
export type { RiskReason } from './risk.js';
