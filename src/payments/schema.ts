/**
 * Table types of payments: orders, provider events, the sandbox provider's payments, spending budgets
 * and promotion redemptions, merged into the database's `Schema` (src/db/schema.ts). Integers are
 * bigint on both engines; timestamps are ISO 8601 UTC strings, so they compare in text order.
 */
export interface PaymentsSchema {
  orders: OrderTable;
  payment_events: PaymentEventTable;
  sandbox_payments: SandboxPaymentTable;
  spending_budgets: SpendingBudgetTable;
  promotion_redemptions: PromotionRedemptionTable;
  saved_cards: SavedCardTable;
  sandbox_payment_methods: SandboxPaymentMethodTable;
}

declare module '../db/schema.js' {
  interface Schema extends PaymentsSchema {}
}

export interface OrderTable {
  id: string;
  user_id: string;
  idempotency_key: string;
  request_hash: string;
  package_id: string | null;
  /** web | app */
  channel: string;
  region: string;
  coins: bigint;
  bonus_coins: bigint;
  promotions: string;
  currency: string;
  /** What the buyer pays, tax included. */
  amount_minor: bigint;
  fee_minor: bigint;
  /** The tax in amount_minor, owed to the tax authority; 0 where the region has no rate. */
  tax_minor: bigint;
  /** The region's rate when the order was priced, in parts per million; 0 when untaxed. */
  tax_rate_ppm: bigint;
  /** inclusive | exclusive: whether the catalog's price contained the tax or had it added. */
  tax_pricing: string;
  /** created | requires_action | processing | succeeded | failed | canceled | disputed | refunded */
  status: string;
  provider: string;
  provider_payment_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  credit_transfer_id: string | null;
  clawback_transfer_id: string | null;
  refund_transfer_id: string | null;
  refund_reason: string | null;
  created_at: string;
  updated_at: string;
  credited_at: string | null;
  /** The checkout paying a `created` order: while set, the order counts against the buyer's limits. */
  checkout_claim: string | null;
  /** The saved card an off-session purchase was charged to; null for orders paid at a checkout or in an app store. */
  saved_card_id: string | null;
}

export interface PromotionRedemptionTable {
  user_id: string;
  promotion_id: string;
  /** 1 up to the promotion's per-user limit. */
  use_number: bigint;
  order_id: string;
  created_at: string;
}

export interface SpendingBudgetTable {
  user_id: string;
  daily_coins: bigint | null;
  weekly_coins: bigint | null;
  monthly_coins: bigint | null;
  pending_limits: string | null;
  pending_effective_at: string | null;
  updated_at: string;
}

export interface PaymentEventTable {
  provider: string;
  event_id: string;
  type: string;
  order_id: string | null;
  received_at: string;
}

export interface SandboxPaymentTable {
  id: string;
  order_id: string;
  amount_minor: bigint;
  currency: string;
  status: string;
  card_last4: string | null;
  failure_code: string | null;
  created_at: string;
  updated_at: string;
}

/** A card a user saved for later charges made without them present; the provider keeps the card itself. */
export interface SavedCardTable {
  /** `card_…` */
  id: string;
  user_id: string;
  provider: string;
  /** The provider's customer the card is attached to (a Stripe `cus_…`). */
  customer_ref: string;
  /** The provider's saved payment method (a Stripe `pm_…`). */
  method_ref: string;
  last4: string;
  brand: string | null;
  created_at: string;
  removed_at: string | null;
}

/** The sandbox provider's own records of saved test cards, as a real provider keeps payment methods on its side. */
export interface SandboxPaymentMethodTable {
  /** `sbpm_…` */
  id: string;
  /** `sbcus_…`: one per user. */
  customer_id: string;
  user_id: string;
  /** The test card number: its outcome decides each charge. */
  card: string;
  /** Charges attempted on it so far. */
  charges: bigint;
  detached: bigint;
  created_at: string;
}
