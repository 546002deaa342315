export * from './catalog.js';
export { giftsMigrations } from './migrations.js';
export type { GiftsSchema, GiftTable } from './schema.js';
export { giftRoutes, type GiftRoutesOptions } from './routes.js';
export { createCreatorTiers, STANDARD_TIER, type CreatorTier, type CreatorTiers } from './creator-tiers.js';
export { createCreatorPayments, PAYMENT_KINDS, type CoinMessageInput, type CreatorPayments, type PayerSession, type PaymentKind, type PaymentTarget } from './payments.js';
export {
  createGiftSending,
  GIFT_SETTINGS,
  loadGiftSendingConfig,
  MAX_GIFT_QUANTITY,
  type GiftSending,
  type GiftSendingConfig,
  type SendGiftInput,
  type SendProfileGiftInput,
  type SentGift,
} from './sending.js';
export {
  createPaidMessages,
  paidMessageTierFor,
  PAID_MESSAGE_MAX_COINS,
  PAID_MESSAGE_MIN_COINS,
  PAID_MESSAGE_TIERS,
  type PaidMessage,
  type PaidMessages,
  type PaidMessageTier,
  type SendPaidMessageInput,
} from './paid-messages.js';
export { cheerBadgeFor, createCheers, CHEER_BADGES, CHEER_MAX_CHARS, CHEER_MAX_COINS, type Cheer, type CheerBadge, type Cheers, type SendCheerInput } from './cheers.js';
export { createPayerQueries, type PayerQueries, type PayerShare } from './payers.js';
export { charCount, CONTROL_CHARACTERS } from './text.js';
