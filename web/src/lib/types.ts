/**
 * Names for the API's objects as the pages use them, each the type of an answer in the typed client's
 * generated schema (client/openapi.json): when a route's response schema changes, the pages that read it
 * stop compiling.
 */
import type { Answer } from '../../../client/src/index';

export type {
  Battle,
  ChatEmote,
  ChatEvent,
  ChatMode,
  CheerEvent,
  ClientMessage,
  GiftEvent,
  Live,
  PaidMessageEvent,
  RoomEvent,
  RoomRole,
  RoomStage,
  RoomUser,
  ServerMessage,
  StageMember,
  SubscriberBadge,
  SubscriptionGiftEvent,
  TopGifterEntry,
} from '../../../client/src/index';

type Item<List> = List extends readonly (infer Element)[] ? Element : never;

export type User = Answer<'get', '/api/v1/me'>['user'];
export type RestrictionKind = Item<User['restrictions']>['kind'];
export type Activity = Item<Answer<'get', '/api/v1/me/activity'>['activity']>;
export type Case = Item<Answer<'get', '/api/v1/admin/cases'>['cases']>;

export type Wallet = Answer<'get', '/api/v1/wallet'>;
export type Transaction = Item<Answer<'get', '/api/v1/wallet/transactions'>['transactions']>;

export type Money = Item<Answer<'get', '/api/v1/store/packages'>['packages']>['price'];
export type CatalogPackage = Item<Answer<'get', '/api/v1/admin/store/packages'>['packages']>;
export type Promotion = Item<Answer<'get', '/api/v1/admin/store/promotions'>['promotions']>;

export type Order = Answer<'get', '/api/v1/orders/{id}'>['order'];
export type AdminOrderDetail = Answer<'get', '/api/v1/admin/orders/{id}'>['order'];
export type OrderStatus = Order['status'];
export type Receipt = Answer<'get', '/api/v1/orders/{id}/receipt'>['receipt'];
export type Budget = Answer<'get', '/api/v1/me/budget'>['budget'];
export type BudgetLimits = Budget['limits'];

export type GiftOffer = Item<Answer<'get', '/api/v1/gifts'>['gifts']>;
export type CatalogGift = Item<Answer<'get', '/api/v1/admin/gifts'>['gifts']>;

export type Identity = NonNullable<Answer<'get', '/api/v1/creator/identity'>['identity']>;
export type AdminIdentity = Item<Answer<'get', '/api/v1/admin/identity-checks'>['identities']>;
export type PayoutMethod = Item<Answer<'get', '/api/v1/creator/payout-methods'>['methods']>;
export type Payout = Item<Answer<'get', '/api/v1/payouts'>['payouts']>;
export type PayoutStatus = Payout['status'];
export type AdminPayout = Item<Answer<'get', '/api/v1/admin/payouts'>['payouts']>;
export type PayoutQuote = Answer<'post', '/api/v1/payouts/quotes'>['quote'];
export type Earnings = Answer<'get', '/api/v1/creator/earnings'>;

export type WebhookEventType = Item<Item<Answer<'get', '/api/v1/admin/webhooks'>['endpoints']>['eventTypes']>;
export type WebhookDelivery = Item<Answer<'get', '/api/v1/admin/webhooks/{id}/deliveries'>['deliveries']>;
export type TwoFactorSetup = Answer<'post', '/api/v1/me/two-factor/setup'>;
export type Profile = Answer<'get', '/api/v1/users/{handle}'>['profile'];
export type AuditReport = Answer<'post', '/api/v1/admin/audit'>['audit'];

export type SubscriptionTier = Item<Answer<'get', '/api/v1/creator/subscription-tiers'>['tiers']>;
export type Subscription = Item<Answer<'get', '/api/v1/subscriptions'>['subscriptions']>;
export type SubscriptionStatus = Subscription['status'];
export type SubscriptionGift = Answer<'post', '/api/v1/lives/{id}/subscription-gifts'>['gift'];
export type PremiumPlan = Answer<'get', '/api/v1/premium'>['plan'];
export type PremiumEntitlement = Answer<'get', '/api/v1/me/entitlements'>['premium'];
export type SavedCard = Item<Answer<'get', '/api/v1/me/cards'>['cards']>;
