/**
 * The API's objects as the app reads them. Where the server has a type for
 * exactly what it answers (its "view" types) in a module whose imports
 * type-check in the browser's program, the app imports it (types only:
 * nothing of the server is bundled), so both sides change together. What
 * is declared here has no such type: answers whose server types hold
 * bigints or are assembled inline by a route, and those of modules that
 * reach the server's route plugins (orders, budgets, payouts).
 */
import type { CustomPricing, Money, PackageOffer } from '../../../src/store/catalog';

export type { RestrictionKind, Role, User } from '../../../src/accounts/users';
export type { ActivityEntry as Activity } from '../../../src/accounts/activity';
export type { SessionView as Session } from '../../../src/accounts/sessions';
export type { Case } from '../../../src/accounts/safety';
export type { Live } from '../../../src/live/lives';
export type { CatalogGift, GiftOffer, GiftTier } from '../../../src/gifts/catalog';
export type { CatalogPackage, CustomPricing, Money, PackageOffer, Promotion } from '../../../src/store/catalog';
export type { AdminIdentity, Identity } from '../../../src/identity/checks';
export type { PayoutMethodView as PayoutMethod } from '../../../src/identity/payout-methods';
export type { WebhookDelivery, WebhookEndpoint, WebhookEventType } from '../../../src/webhooks/webhooks';

export type OrderStatus = 'created' | 'requires_action' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'disputed' | 'refunded';

export interface Order {
  id: string;
  status: OrderStatus;
  packageId: string | null;
  channel: 'web' | 'app';
  region: string;
  coins: number;
  bonusCoins: number;
  totalCoins: number;
  price: Money;
  promotions: { id: string; kind: string; bonusPercent: number }[];
  provider: string;
  failure: { code: string; message: string } | null;
  createdAt: string;
  creditedAt: string | null;
  checkout: { provider: string; url: string } | null;
}

export interface Receipt {
  number: string;
  issuedAt: string;
  description: string;
  coins: number;
  bonusCoins: number;
  total: Money & { formatted: string };
  paidWith: string;
  paymentReference: string | null;
  status: 'paid' | 'refunded' | 'charged_back';
  note: string;
}

export type BudgetPeriod = 'daily' | 'weekly' | 'monthly';
export type BudgetLimits = Record<BudgetPeriod, number | null>;

export interface Budget {
  limits: BudgetLimits;
  pending: { limits: BudgetLimits; effectiveAt: string } | null;
  used: Record<BudgetPeriod, number>;
  resetsAt: Record<BudgetPeriod, string>;
}

export type PayoutStatus = 'in_review' | 'approved' | 'processing' | 'paid' | 'failed' | 'rejected' | 'returned';

export interface Payout {
  id: string;
  status: PayoutStatus;
  diamonds: number;
  amount: Money;
  method: { id: string; type: string; label: string };
  reason: string | null;
  timeline: { status: string; at: string; note: string | null }[];
  createdAt: string;
  updatedAt: string;
}

export interface AdminPayout extends Payout {
  creator: { id: string; handle: string; displayName: string };
  riskReasons: { code: string; message: string }[];
}

export interface Wallet {
  coins: number;
  diamonds: number;
}

/** GET /api/v1/store/packages. */
export interface StoreOffers {
  packages: PackageOffer[];
  region: string;
  currency: string;
  custom: CustomPricing | null;
}

export interface Transaction {
  id: string;
  at: string;
  status: 'pending' | 'posted' | 'voided';
  kind: string;
  direction: 'credit' | 'debit';
  amount: number;
  description: string;
  reference: { orderId?: string; reversesTransferId?: string };
}

export interface PayoutRules {
  minimumDiamonds: number;
  minimumAmount: Money;
  dailyMaximum: Money;
  firstPayoutHoldDays: number;
}

/** GET /api/v1/creator/earnings (the server's summary holds bigints; the route answers numbers). */
export interface Earnings {
  diamonds: number;
  cashValue: Money;
  availableDiamonds: number;
  heldDiamonds: number;
  period: { from: string; to: string };
  totals: { diamonds: number; coins: number; gifts: number; supporters: number; clawedBackDiamonds: number };
  byDay: { date: string; diamonds: number; coins: number; gifts: number }[];
  byLive: { liveId: string; title: string; startedAt: string; diamonds: number; gifts: number }[];
  byGift: { kind: 'gift' | 'paid_message' | 'cheer'; giftId: string | null; name: string; diamonds: number; quantity: number }[];
  topSupporters: { userId: string; handle: string; displayName: string; diamonds: number }[];
}

/** A monthly statement (the server's MonthlyStatement holds bigints). */
export interface Statement {
  month: string;
  openingDiamonds: number;
  earnedDiamonds: number;
  paidOutDiamonds: number;
  clawedBackDiamonds: number;
  otherDiamonds: number;
  closingDiamonds: number;
}

/** POST /api/v1/admin/audit. */
export interface AuditReport {
  ok: boolean;
  accounts: number;
  transfers: number;
  totals: { asset: string; accounts: number; postedSum: string; pendingDebitsSum: string; pendingCreditsSum: string }[];
  checks: { name: string; violations: string[] }[];
  ranAt: string;
}
