/**
 * Payouts as the API answers them: the domain's types are these schemas' static types, so the shape the
 * routes declare (and the OpenAPI document shows) is the one the code builds.
 */
import { Type, type Static } from 'typebox';

const PAYOUT_STATUSES = ['in_review', 'approved', 'processing', 'paid', 'returned', 'failed', 'rejected'] as const;
export const PayoutStatusSchema = Type.Enum(PAYOUT_STATUSES, {
  description:
    'in_review: an admin reviews it; approved: on its way to the provider; processing: the provider is sending it; paid; returned: paid, then sent back (diamonds returned); ' +
    'failed or rejected: the diamonds are back in the wallet.',
});
export type VisiblePayoutStatus = Static<typeof PayoutStatusSchema>;

const MoneySchema = Type.Object({ amount: Type.Integer({ description: 'In the minor unit of the currency.' }), currency: Type.String() });

/** The payout rules forms show a creator. */
export const PayoutRulesSchema = Type.Object({ minimumDiamonds: Type.Integer(), minimumAmount: MoneySchema, dailyMaximum: MoneySchema, firstPayoutHoldDays: Type.Integer() });
export type PayoutRules = Static<typeof PayoutRulesSchema>;

/** A payout as its creator sees it. */
export const PayoutSchema = Type.Object({
  id: Type.String(),
  status: PayoutStatusSchema,
  diamonds: Type.Integer(),
  amount: MoneySchema,
  received: Type.Intersect([MoneySchema], {
    description: 'What the payout method receives: the amount, or for a method in another currency the amount of the quote the creator confirmed.',
  }),
  method: Type.Object({ id: Type.String(), type: Type.String(), label: Type.String() }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why it was rejected, failed or returned.' }),
  timeline: Type.Array(Type.Object({ status: Type.String(), at: Type.String(), note: Type.Union([Type.String(), Type.Null()]) })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Payout = Static<typeof PayoutSchema>;

/** The provider's conversion of a payout into the payout method's currency, shown before the creator confirms it. */
export const PayoutQuoteSchema = Type.Object({
  id: Type.String({ description: 'Confirm it as quoteId of POST /api/v1/payouts, with the same diamonds and methodId, before expiresAt.' }),
  diamonds: Type.Integer(),
  methodId: Type.String(),
  amount: Type.Intersect([MoneySchema], { description: "The diamonds' cash value, which is converted." }),
  fee: Type.Intersect([MoneySchema], { description: "The provider's fee, taken from the amount before converting it." }),
  rate: Type.String({ description: "The provider's rate: units of the received currency per unit of the amount's, a decimal." }),
  received: Type.Intersect([MoneySchema], { description: 'What the payout method receives.' }),
  provider: Type.String(),
  expiresAt: Type.String(),
});
export type PayoutQuote = Static<typeof PayoutQuoteSchema>;

/** Answered with `code` as a plain string (RiskReason in risk.ts lists the codes), so new codes stay compatible. */
export const RiskReasonSchema = Type.Object({ code: Type.String(), message: Type.String() });

/** A payout as admins review it. */
export const AdminPayoutSchema = Type.Intersect([
  PayoutSchema,
  Type.Object({
    creator: Type.Object({ id: Type.String(), handle: Type.String(), displayName: Type.String() }),
    riskReasons: Type.Array(RiskReasonSchema, { description: 'Why the payout waits for review; empty when it was approved automatically.' }),
    reviewedBy: Type.Union([Type.String(), Type.Null()]),
    holdTransferId: Type.Union([Type.String(), Type.Null()], { description: 'The pending ledger transfer that reserves its diamonds.' }),
  }),
]);
export type AdminPayout = Static<typeof AdminPayoutSchema>;
