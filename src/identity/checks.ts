import { sql, type Selectable, type SqlBool } from 'kysely';
import type { Static } from 'typebox';
import type { RequestOrigin } from '../accounts/index.js';
import { newId } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { IdentityDependencies } from './context.js';
import { checkCountry, checkPersonName, checkReferenceNumber, lastFour } from './fields.js';
import type { DocumentType, IdentityStatus } from './provider.js';
import type { IdentityCheckTable } from './schema.js';
import type { AdminIdentitySchema, IdentitySchema } from './views.js';

/** A creator's identity as they see it. The document number is never shown again but for its last four characters. */
export type Identity = Static<typeof IdentitySchema>;

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

const alreadyVerified = () => DomainError.conflict('identity_already_verified', 'Your identity is already verified; contact support to change it.');

/** The creator's newest submission, or null when they never submitted one. */
export async function currentIdentity(deps: IdentityDependencies, userId: string): Promise<Identity | null> {
  const row = await deps.kysely.selectFrom('identity_checks').selectAll().where('user_id', '=', userId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? toIdentity(row) : null;
}

export async function verifiedIdentity(deps: IdentityDependencies, userId: string): Promise<VerifiedIdentity | null> {
  const row = await deps.kysely.selectFrom('identity_checks').select(['legal_name', 'country', 'decided_at']).where('user_id', '=', userId).where('status', '=', 'verified').executeTakeFirst();
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
    throw new DomainError(
      'mismatch',
      'birth_date_mismatch',
      user.birthDate === null
        ? 'Your account has no date of birth, so it cannot be matched; contact support.'
        : 'The date of birth must be the one on your account; contact support if that one is wrong.',
      { param: 'birthDate' },
    );
  }
  if (!user.isAdult) throw DomainError.forbidden('age_restricted', 'You must be an adult in your region to verify your identity.');

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
    .onConflict((oc) =>
      oc
        .column('user_id')
        .where(sql<SqlBool>`status = 'verified'`)
        .doNothing(),
    )
    .executeTakeFirst();
  if (inserted.numInsertedOrUpdatedRows === 0n) throw alreadyVerified();
  await deps.accounts.recordActivity(userId, 'identity_submitted', { identityId: row.id, status: row.status, country, documentType: row.document_type }, origin);
  return toIdentity(row);
}

/** A submission as admins see it: whose, and the provider's reference for looking it up there. */
export type AdminIdentity = Static<typeof AdminIdentitySchema>;

function toAdminIdentity(row: Omit<Selectable<IdentityCheckTable>, 'seq'>): AdminIdentity {
  return { ...toIdentity(row), userId: row.user_id, provider: row.provider, providerReference: row.provider_reference };
}

/** The decisions an admin may take on a pending submission. */
export type AdminIdentityDecision = Exclude<IdentityStatus, 'pending'>;

/** For admins: each creator's newest submission, by status (`pending` is the review queue), oldest first. */
export async function listIdentityChecks(deps: IdentityDependencies, filter: { status?: IdentityStatus; limit: number }): Promise<AdminIdentity[]> {
  let query = deps.kysely
    .selectFrom('identity_checks as c')
    .selectAll('c')
    .where(({ eb, selectFrom }) =>
      eb(
        'c.seq',
        '=',
        selectFrom('identity_checks as newer')
          .select(({ fn }) => fn.max('newer.seq').as('seq'))
          .whereRef('newer.user_id', '=', 'c.user_id'),
      ),
    );
  if (filter.status) query = query.where('c.status', '=', filter.status);
  const rows = await query.orderBy('c.submitted_at').orderBy('c.seq').limit(filter.limit).execute();
  return rows.map(toAdminIdentity);
}

/** A submission that is its creator's newest: older ones were replaced by a new submission and are history. */
async function requireNewestCheck(deps: IdentityDependencies, checkId: string): Promise<Selectable<IdentityCheckTable>> {
  const row = await deps.kysely.selectFrom('identity_checks').selectAll().where('id', '=', checkId).executeTakeFirst();
  if (!row) throw DomainError.notFound('identity_check_not_found', `No identity check has the id ${checkId}.`);
  const newest = await currentIdentity(deps, row.user_id);
  if (newest?.id !== row.id) throw DomainError.conflict('identity_check_superseded', 'The creator submitted again since; decide on their newest submission.');
  return row;
}

/**
 * An admin's decision on a pending submission, for checks the provider left
 * to manual review. Rejecting or asking for more needs a reason the creator
 * will read.
 */
export async function decideIdentityCheck(deps: IdentityDependencies, input: { checkId: string; status: AdminIdentityDecision; reason: string | null; byUserId: string }): Promise<AdminIdentity> {
  const row = await requireNewestCheck(deps, input.checkId);
  if (row.status !== 'pending') throw DomainError.conflict('identity_check_not_pending', `This identity check is ${row.status}, not pending.`);
  if (input.status !== 'verified' && input.reason === null) {
    throw DomainError.invalidField('reason', 'reason_required', 'Say why, in words the creator can act on: they read this reason.');
  }
  const reason = input.status === 'verified' ? null : input.reason;
  const decidedAt = deps.now().toISOString();
  const updated = await deps.kysely
    .updateTable('identity_checks')
    .set({ status: input.status, reason, decided_at: decidedAt })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) throw DomainError.conflict('identity_check_not_pending', 'This identity check was decided meanwhile.');
  await deps.accounts.recordActivity(row.user_id, 'identity_decided', { identityId: row.id, status: input.status, by: input.byUserId });
  return toAdminIdentity({ ...row, status: input.status, reason, decided_at: decidedAt });
}

/**
 * Withdraws a verified identity, such as one found to be forged: the creator
 * can no longer request payouts until they verify again, and reads the reason.
 */
export async function revokeIdentity(deps: IdentityDependencies, input: { checkId: string; reason: string; byUserId: string }): Promise<AdminIdentity> {
  const row = await requireNewestCheck(deps, input.checkId);
  const reason = `Revoked by support: ${input.reason}`;
  const decidedAt = deps.now().toISOString();
  const updated = await deps.kysely
    .updateTable('identity_checks')
    .set({ status: 'rejected', reason, decided_at: decidedAt })
    .where('id', '=', row.id)
    .where('status', '=', 'verified')
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) throw DomainError.conflict('identity_not_verified', `This identity check is ${row.status}; only a verified identity can be revoked.`);
  await deps.accounts.recordActivity(row.user_id, 'identity_revoked', { identityId: row.id, reason: input.reason, by: input.byUserId });
  return toAdminIdentity({ ...row, status: 'rejected', reason, decided_at: decidedAt });
}
