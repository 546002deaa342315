/**
 * Identity checks and payout methods as the API answers them: the domain's types (checks.ts,
 * payout-methods.ts, provider.ts) are these schemas' static types, so the shape the routes declare (and the
 * OpenAPI document shows) is the one the code builds.
 */
import { Type } from 'typebox';
import { DOCUMENT_TYPES } from './provider.js';

const nullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const DocumentTypeSchema = Type.Enum(DOCUMENT_TYPES, { description: 'passport, national_id or driving_licence.' });
export const IdentityStatusSchema = Type.Union([Type.Literal('verified'), Type.Literal('rejected'), Type.Literal('needs_more_info'), Type.Literal('pending')], {
  description: 'verified (final); rejected or needs_more_info (see reason; submit again); pending (the provider decides later; a new submission replaces it).',
});

export const IdentitySchema = Type.Object(
  {
    id: Type.String({ description: 'Such as idc_3k9x….' }),
    status: IdentityStatusSchema,
    legalName: Type.String(),
    country: Type.String(),
    documentType: DocumentTypeSchema,
    documentLast4: Type.String({ description: 'The last four characters of the document number; the rest is never stored.' }),
    reason: nullableString('Why it was rejected, or what more is needed; null otherwise.'),
    submittedAt: Type.String(),
    decidedAt: nullableString('Null while pending.'),
  },
  { description: "A creator's identity check (KYC), as its newest submission stands." },
);

export const AdminIdentitySchema = Type.Intersect([
  IdentitySchema,
  Type.Object({ userId: Type.String(), provider: Type.String(), providerReference: Type.String({ description: "The check's id at the provider." }) }),
]);

export const PayoutMethodSchema = Type.Object(
  {
    id: Type.String({ description: 'Such as pm_3k9x…; payouts name it as methodId.' }),
    type: Type.Union([Type.Literal('bank_account'), Type.Literal('wallet')]),
    holderName: Type.String(),
    label: Type.String({ description: 'The destination masked, such as "Bank account •••• 6789" or "Wallet j•••@example.com". Full numbers are never answered.' }),
    country: Type.String({ description: "A bank account's country; a wallet's is the verified identity's." }),
    currency: Type.String({ description: "A bank account's currency; a wallet is paid in the currency earnings are valued in (PAYOUT_DIAMOND_VALUE)." }),
    createdAt: Type.String(),
    removedAt: nullableString('When it was removed; null while it can take payouts.'),
  },
  { description: 'Where payouts are sent: a bank account or an email wallet, in the verified legal name.' },
);
