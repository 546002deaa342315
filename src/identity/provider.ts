import type { Static } from 'typebox';
import { newId } from '../db/index.js';
import type { IdentityStatusSchema } from './views.js';

export const DOCUMENT_TYPES = ['passport', 'national_id', 'driving_licence'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
export type IdentityStatus = Static<typeof IdentityStatusSchema>;

/** What a creator submits, checked and normalised, as the provider receives it. */
export interface IdentityCheckInput {
  userId: string;
  legalName: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  /** YYYY-MM-DD; the account's own birth date. */
  birthDate: string;
  documentType: DocumentType;
  /** Letters upper-cased, spaces and hyphens dropped. Only the provider sees it whole. */
  documentNumber: string;
}

export interface IdentityDecision {
  /** `pending` when the provider decides later. */
  status: IdentityStatus;
  /** For `rejected` and `needs_more_info`: words the creator can act on. */
  reason?: string;
  /** The provider's id of the check. */
  reference: string;
}

/** A KYC provider: checks that a person and their document are real and match. */
export interface IdentityProvider {
  readonly name: string;
  submit(check: IdentityCheckInput): Promise<IdentityDecision>;
}

export const SANDBOX_REJECT_REASON = 'The document could not be verified.';
export const SANDBOX_MORE_INFO_REASON = 'The photo of the document could not be read. Submit again with a clearer photo, and a proof of address dated within the last three months.';

/**
 * Decides nothing: every check waits, pending, for an admin to compare the
 * document with the person (GET /api/v1/admin/identity-checks?status=pending).
 * For operators without a KYC vendor; nobody is verified without a person's decision.
 */
export function createManualIdentityProvider(): IdentityProvider {
  return {
    name: 'manual',
    async submit() {
      return { status: 'pending', reference: newId('kyc') };
    },
  };
}

/**
 * Decides at once by test values of the document number (see
 * docs/creators.md): `REJECT…` is rejected, `MORE…` needs more information,
 * `PENDING…` stays pending, and anything else is verified.
 */
export function createSandboxIdentityProvider(): IdentityProvider {
  return {
    name: 'sandbox',
    async submit(check) {
      const reference = newId('sbxkyc');
      const number = check.documentNumber;
      if (number.startsWith('REJECT')) return { status: 'rejected', reason: SANDBOX_REJECT_REASON, reference };
      if (number.startsWith('MORE')) return { status: 'needs_more_info', reason: SANDBOX_MORE_INFO_REASON, reference };
      if (number.startsWith('PENDING')) return { status: 'pending', reference };
      return { status: 'verified', reference };
    },
  };
}
