export { createPayouts, type AdminPayout, type Payout, type PayoutIdentity, type PayoutMethod, type Payouts, type PayoutStatus } from './payouts.js';
export { clawedBackDiamonds, createGiftClawbacks, type ChargedBackOrder, type CreatorClawback, type GiftClawbacks } from './clawbacks.js';
export { loadPayoutConfig, PAYOUT_SETTINGS, type PayoutConfig, type WiseConfig } from './config.js';
export { createPayPalPayoutProvider, type PayPalPayoutProvider } from './paypal.js';
export { createSandboxPayoutProvider, type PayoutProvider, type PayoutProviderEvent, type SandboxPayoutProvider } from './provider.js';
export { adminPayoutRoutes, payoutRoutes, paypalWebhookRoute, wiseWebhookRoute } from './routes.js';
export { createWisePayoutProvider, type WisePayoutProvider } from './wise.js';
export type { RiskReason } from './risk.js';
export { paidPayoutsBetween, type PaidPayout } from './payouts-paid.js';
