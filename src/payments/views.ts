/**
 * Orders, receipts and spending budgets as the API answers them: the domain's types are these schemas' static types, so the
 * shape the routes declare (and the OpenAPI document shows) is the one the code builds.
 */
import { Type, type Static } from 'typebox';

export const PriceSchema = Type.Object({ amount: Type.Integer({ description: 'In the currency’s minor unit (cents; yen).' }), currency: Type.String() });
export type Price = Static<typeof PriceSchema>;

export const OrderTaxSchema = Type.Object(
  {
    amount: Type.Integer({ description: 'The tax in the price, in the currency’s minor unit.' }),
    currency: Type.String(),
    ratePercent: Type.String({ description: 'The region’s rate when the order was priced, such as "20".' }),
    pricing: Type.Union([Type.Literal('inclusive'), Type.Literal('exclusive')], {
      description: 'inclusive: the package’s price contained the tax; exclusive: it was added, and `price` is the package’s price plus the tax.',
    }),
  },
  { description: 'Tax on the sale (VAT, GST, sales tax), part of `price`.' },
);
export type OrderTax = Static<typeof OrderTaxSchema>;

export const OrderStatusSchema = Type.Union([
  Type.Literal('created'),
  Type.Literal('requires_action'),
  Type.Literal('processing'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('canceled'),
  Type.Literal('disputed'),
  Type.Literal('refunded'),
]);
export type OrderStatus = Static<typeof OrderStatusSchema>;

export const OrderSchema = Type.Object(
  {
    id: Type.String(),
    status: OrderStatusSchema,
    packageId: Type.Union([Type.String(), Type.Null()]),
    channel: Type.Union([Type.Literal('web'), Type.Literal('app')]),
    region: Type.String(),
    /** Coins bought. */
    coins: Type.Integer(),
    /** Coins added by the package and promotions, paid for by the platform. */
    bonusCoins: Type.Integer(),
    totalCoins: Type.Integer(),
    price: Type.Intersect([PriceSchema], { description: 'What the buyer pays, tax included.' }),
    tax: Type.Union([OrderTaxSchema, Type.Null()], { description: 'null when the region had no tax rate when the order was priced.' }),
    promotions: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), bonusPercent: Type.Number() })),
    provider: Type.String(),
    failure: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    /** The ledger transfer that credited the coins, once it committed. */
    creditTransferId: Type.Union([Type.String(), Type.Null()]),
    /** An admin's exceptional refund of the order's unspent coins. */
    refund: Type.Union([Type.Object({ transferId: Type.String(), reason: Type.String() }), Type.Null()]),
    createdAt: Type.String(),
    creditedAt: Type.Union([Type.String(), Type.Null()]),
    /** Where the buyer pays. */
    checkout: Type.Union([
      Type.Object({
        provider: Type.String(),
        url: Type.String(),
        clientSecret: Type.Optional(Type.String({ description: 'For Stripe.js to confirm the payment; given when the order is placed and when it is checked.' })),
      }),
      Type.Null(),
    ]),
  },
  { description: 'A coin purchase. Coins are credited once the payment succeeds (status succeeded).' },
);
export type Order = Static<typeof OrderSchema>;

/** An order as admins see it: whose it is and the provider's payment. */
export const AdminOrderSchema = Type.Intersect([OrderSchema, Type.Object({ userId: Type.String(), providerPaymentId: Type.Union([Type.String(), Type.Null()]) })]);
export type AdminOrder = Static<typeof AdminOrderSchema>;

/** A coin debit of the buyer's after an order's credit. */
export const SpentAfterSchema = Type.Object({ transferId: Type.String(), at: Type.String(), kind: Type.String(), coins: Type.Integer(), description: Type.String() });
export type SpentAfter = Static<typeof SpentAfterSchema>;

export const ReceiptSchema = Type.Object({
  /** The order id. */
  number: Type.String(),
  issuedAt: Type.String(),
  description: Type.String(),
  coins: Type.Integer(),
  bonusCoins: Type.Integer(),
  total: Type.Object({ amount: Type.Integer(), currency: Type.String(), formatted: Type.String() }, { description: 'What the buyer paid, tax included.' }),
  tax: Type.Union(
    [
      Type.Object({
        amount: Type.Integer(),
        currency: Type.String(),
        formatted: Type.String(),
        ratePercent: Type.String({ description: 'Such as "20".' }),
        pricing: Type.Union([Type.Literal('inclusive'), Type.Literal('exclusive')]),
        label: Type.String({ description: 'As the receipt prints it, such as "VAT 20% included" or "Tax 8.875%".' }),
      }),
      Type.Null(),
    ],
    { description: 'The tax in the total; null when the sale was untaxed.' },
  ),
  subtotal: Type.Object({ amount: Type.Integer(), currency: Type.String(), formatted: Type.String() }, { description: 'The total less the tax.' }),
  channel: Type.Union([Type.Literal('web'), Type.Literal('app')]),
  paidWith: Type.String(),
  paymentReference: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('paid'), Type.Literal('refunded'), Type.Literal('charged_back')]),
  note: Type.String(),
});
export type Receipt = Static<typeof ReceiptSchema>;

const Limit = Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), Type.Null()], { description: 'Most coins to buy in the period; null for no limit.' });
/** Most coins a user may buy per calendar period (UTC); null is no limit. */
export const BudgetLimitsSchema = Type.Object({ daily: Limit, weekly: Limit, monthly: Limit }, { additionalProperties: false });
export type BudgetLimits = Static<typeof BudgetLimitsSchema>;

const PerPeriod = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(schema: T) => Type.Object({ daily: schema, weekly: schema, monthly: schema });
export const BudgetSchema = Type.Object({
  limits: BudgetLimitsSchema,
  pending: Type.Union([Type.Object({ limits: BudgetLimitsSchema, effectiveAt: Type.String() }), Type.Null()], {
    description: 'A raise waiting out the cooling-off period (STORE_BUDGET_RAISE_DELAY_HOURS).',
  }),
  used: PerPeriod(Type.Integer({ description: 'Coins bought in the current period.' })),
  resetsAt: PerPeriod(Type.String({ description: 'When the period ends (UTC calendar day, ISO week from Monday, month).' })),
});
export type Budget = Static<typeof BudgetSchema>;

export const SavedCardSchema = Type.Object(
  {
    id: Type.String(),
    last4: Type.String(),
    brand: Type.Union([Type.String(), Type.Null()], { description: 'Such as visa or mastercard, when the provider says.' }),
    createdAt: Type.String(),
  },
  { description: 'A card saved for purchases made without you present, such as subscription renewals. The card itself stays with the payment provider.' },
);
export type SavedCard = Static<typeof SavedCardSchema>;
