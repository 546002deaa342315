export * from './catalog.js';
export type { GiftsSchema, GiftTable } from './schema.js';
export { giftRoutes, type GiftRoutesOptions } from './routes.js';
export { createCreatorTiers, type CreatorTier, type CreatorTiers } from './creator-tiers.js';
export {
  createCreatorPayments,
  paidCoinsSql,
  creatorPaymentLegs,
  diamondsFor,
  PAYMENT_KINDS,
  type CoinMessageInput,
  type LiveLookup,
  type CreatorPayments,
  type PayerSession,
  type PaymentKind,
  type PaymentTally,
  type PaymentTarget,
  type TalliedPayment,
} from './payments.js';
export { createGiftSending, GIFT_SETTINGS, loadGiftSendingConfig, type GiftSending, type GiftSendingConfig, type SendGiftInput, type SendProfileGiftInput, type SentGift } from './sending.js';
export { createPaidMessages, type PaidMessage, type PaidMessages, type PaidMessageTier, type SendPaidMessageInput } from './paid-messages.js';
export { createCheers, type Cheer, type CheerBadge, type Cheers, type SendCheerInput } from './cheers.js';
export { createPayerQueries, lastPaidAtSql, paymentsInCommitOrderSql, supportTakenBack, uncountClawedBack, type PayerQueries, type PayerShare } from './payers.js';
export { charCount, CONTROL_CHARACTERS } from './text.js';
