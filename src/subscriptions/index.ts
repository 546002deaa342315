export type { SubscriptionsSchema } from './schema.js';
export { subscriptionsMigrations } from './migrations.js';
export { loadSubscriptionsConfig, SUBSCRIPTION_SETTINGS, type SubscriptionsConfig } from './config.js';
export { createSubscriptionTiers, type SubscriptionTier, type SubscriptionTierInput, type SubscriptionTiers } from './tiers.js';
export { createSubscriberPerks, type SubscriberPerks } from './perks.js';
export { createSubscriptions, SUBSCRIPTION_PAYMENT_KIND, type RenewalReport, type Subscriber, type Subscription, type SubscriptionPayment, type Subscriptions } from './subscriptions.js';
export { subscriptionRoutes, type SubscriptionRoutesOptions } from './routes.js';
export { createSubscriptionIncome, type SubscriptionIncome, type TierIncome } from './income.js';
export { createPremium, type Entitlements, type Premium, type PremiumPlan } from './premium.js';
