import { sql, type Selectable, type SqlBool } from 'kysely';
import type { RequestOrigin } from '../accounts/index.js';
import { newId } from '../db/ids.js';
import { ApiError } from '../server/errors.js';
import type { IdentityDependencies } from './context.js';
import { checkCountry, checkPersonName, checkReferenceNumber, lastFour } from './fields.js';
import type { DocumentType, IdentityStatus } from './provider.js';
import type { IdentityCheckTable } from './schema.js';

/** A creator's identity as they see it. The document number is never shown again but for its last four characters. */
export interface Identity {
  id: string;
  status: IdentityStatus;
  legalName: string;
  country: string;
  documentType: DocumentType;
  documentLast4: string;
  /** Why it was rejected, or what more is needed; null otherwise. */
  reason: string | null;
  submittedAt: string;
  /** Null while pending. */
  decidedAt: string | null;
}

/** What payouts need of a verified identity. */
export interface VerifiedIdentity {
  legalName: string;
  country: string;
  verifiedAt: string;
}

export interface IdentitySubmission {
  legalName: string;
  country: string;
  /** YYYY-MM-DD: must be the account's birth date. */
  birthDate: string;
  documentType: DocumentType;
  documentNumber: string;
}

const DOCUMENT_NUMBER_MIN_CHARS = 4;
const DOCUMENT_NUMBER_MAX_CHARS = 40;

function toIdentity(row: Omit<Selectable<IdentityCheckTable>, 'seq'>): Identity {
  return {
    id: row.id,
    status: row.status as IdentityStatus,
    legalName: row.legal_name,
    country: row.country,
    documentType: row.document_type as DocumentType,
    documentLast4: row.document_last4,
    reason: row.reason,
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
  };
}

const alreadyVerified = () => ApiError.conflict('identity_already_verified', 'Your identity is already verified; contact support to change it.');

/** The creator's newest submission, or null when they never submitted one. */
export async function currentIdentity(deps: IdentityDependencies, userId: string): Promise<Identity | null> {
  const row = await deps.kysely.selectFrom('identity_checks').selectAll().where('user_id', '=', userId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? toIdentity(row) : null;
}

export async function verifiedIdentity(deps: IdentityDependencies, userId: string): Promise<VerifiedIdentity | null> {
  const row = await deps.kysely
    .selectFrom('identity_checks')
    .select(['legal_name', 'country', 'decided_at'])
    .where('user_id', '=', userId)
    .where('status', '=', 'verified')
    .executeTakeFirst();
  return row ? { legalName: row.legal_name, country: row.country, verifiedAt: row.decided_at! } : null;
}

/**
 * Checks the submission, hands it to the provider and records its decision.
 * The birth date must be the account's own and an adult's there. A pending,
 * rejected or incomplete identity may be submitted again; a verified one may not.
 */
export async function submitIdentity(deps: IdentityDependencies, userId: string, input: IdentitySubmission, origin?: RequestOrigin): Promise<Identity> {
  const legalName = checkPersonName(input.legalName, 'legalName', 'A legal name');
  const country = checkCountry(input.country, 'country');
  const documentNumber = checkReferenceNumber(
    input.documentNumber,
    { param: 'documentNumber', code: 'invalid_document_number', what: 'A document number' },
    DOCUMENT_NUMBER_MIN_CHARS,
    DOCUMENT_NUMBER_MAX_CHARS,
  );
  if ((await verifiedIdentity(deps, userId)) !== null) throw alreadyVerified();
  const user = await deps.accounts.getUser(userId);
  if (user.birthDate !== input.birthDate) {
    throw new ApiError(
      422,
      'invalid_request_error',
      'birth_date_mismatch',
      user.birthDate === null
        ? 'Your account has no date of birth, so it cannot be matched; contact support.'
        : 'The date of birth must be the one on your account; contact support if that one is wrong.',
      { param: 'birthDate' },
    );
  }
  if (!user.isAdult) throw ApiError.forbidden('age_restricted', 'You must be an adult in your region to verify your identity.');

  const decision = await deps.provider.submit({ userId, legalName, country, birthDate: input.birthDate, documentType: input.documentType, documentNumber });
  const now = deps.now().toISOString();
  const row = {
    id: newId('idc'),
    user_id: userId,
    status: decision.status,
    legal_name: legalName,
    country,
    document_type: input.documentType,
    document_last4: lastFour(documentNumber),
    provider: deps.provider.name,
    provider_reference: decision.reference,
    reason: decision.status === 'rejected' || decision.status === 'needs_more_info' ? (decision.reason ?? null) : null,
    submitted_at: now,
    decided_at: decision.status === 'pending' ? null : now,
  };
  const inserted = await deps.kysely
    .insertInto('identity_checks')
    .values(row)
    // A submission verified while this one was with the provider keeps its place.
    // The index's predicate is spelled out: SQLite matches a partial index only by its literal text, not a bound value.
    .onConflict((oc) => oc.column('user_id').where(sql<SqlBool>`status = 'verified'`).doNothing())
    .executeTakeFirst();
  if (inserted.numInsertedOrUpdatedRows === 0n) throw alreadyVerified();
  await deps.accounts.recordActivity(userId, 'identity_submitted', { identityId: row.id, status: row.status, country, documentType: row.document_type }, origin);
  return toIdentity(row);
}
