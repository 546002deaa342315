import type { Kysely, Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { RequestOrigin } from '../accounts/index.js';
import { lockKeyForTransaction, newId, writeTransaction, type Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { verifiedIdentity, type VerifiedIdentity } from './checks.js';
import type { IdentityDependencies } from './context.js';
import { checkCountry, checkCurrency, checkPersonName, checkReferenceNumber, lastFour, nameKey } from './fields.js';
import type { PayoutMethodTable } from './schema.js';
import type { PayoutMethodSchema } from './views.js';

export type PayoutMethodType = PayoutMethodView['type'];

/** A payout method as its creator sees it: the destination masked in `label`. */
export type PayoutMethodView = Static<typeof PayoutMethodSchema>;

/** A method with the destination a payout provider sends to. Never answered to clients. */
export type PayoutMethod = PayoutMethodView & ({ type: 'bank_account'; accountNumber: string; routingCode: string | null } | { type: 'wallet'; email: string });

/** A new method as a creator describes it; which fields it needs depends on `type`. */
export interface PayoutMethodInput {
  type: PayoutMethodType;
  holderName: string;
  /** Bank accounts. */
  country?: string;
  currency?: string;
  accountNumber?: string;
  routingCode?: string;
  /** Wallets. */
  email?: string;
}

/** Active methods one creator may keep. */
const MAX_ACTIVE_PAYOUT_METHODS = 10;
const ACCOUNT_NUMBER_MIN_CHARS = 4;
/** An IBAN, the longest common format, is at most 34. */
const ACCOUNT_NUMBER_MAX_CHARS = 34;
const ROUTING_CODE_MIN_CHARS = 3;
const ROUTING_CODE_MAX_CHARS = 20;

type Row = Selectable<PayoutMethodTable>;
type Destination = Pick<Row, 'country' | 'currency' | 'account_number' | 'routing_code' | 'email'>;

function labelOf(row: Pick<Row, 'account_number' | 'email'>): string {
  if (row.account_number !== null) return `Bank account •••• ${lastFour(row.account_number)}`;
  const [local, domain] = row.email!.split('@') as [string, string];
  return `Wallet ${[...local][0]}•••@${domain}`;
}

function toView(row: Row): PayoutMethodView {
  return {
    id: row.id,
    type: row.type as PayoutMethodType,
    holderName: row.holder_name,
    label: labelOf(row),
    country: row.country,
    currency: row.currency,
    createdAt: row.created_at,
    removedAt: row.removed_at,
  };
}

function toMethod(row: Row): PayoutMethod {
  const view = toView(row);
  return row.type === 'bank_account' ? { ...view, type: 'bank_account', accountNumber: row.account_number!, routingCode: row.routing_code } : { ...view, type: 'wallet', email: row.email! };
}

const notFound = (methodId: string) => DomainError.notFound('payout_method_not_found', `You have no payout method ${methodId}.`);

/** The fields of `type` only, checked; fields of the other type are refused rather than ignored. A wallet is in the verified person's country. */
function destinationOf(deps: IdentityDependencies, input: PayoutMethodInput, identity: VerifiedIdentity): Destination {
  const refuse = (fields: (keyof PayoutMethodInput)[], noun: string) => {
    const extra = fields.filter((field) => input[field] !== undefined);
    if (extra.length > 0) throw DomainError.invalidField(extra[0]!, 'field_not_allowed', `A ${noun} has no ${extra.join(' or ')}.`);
  };
  const needed = <K extends keyof PayoutMethodInput>(field: K, noun: string): NonNullable<PayoutMethodInput[K]> => {
    const value = input[field];
    if (value === undefined) throw DomainError.invalidField(field, 'field_required', `A ${noun} needs ${field}.`);
    return value as NonNullable<PayoutMethodInput[K]>;
  };
  if (input.type === 'wallet') {
    refuse(['country', 'currency', 'accountNumber', 'routingCode'], 'wallet');
    return { country: identity.country, currency: deps.payoutCurrency, account_number: null, routing_code: null, email: needed('email', 'wallet').trim().toLowerCase() };
  }
  refuse(['email'], 'bank account');
  const routingCode = input.routingCode;
  return {
    country: checkCountry(needed('country', 'bank account'), 'country'),
    currency: checkCurrency(needed('currency', 'bank account'), 'currency'),
    account_number: checkReferenceNumber(
      needed('accountNumber', 'bank account'),
      { param: 'accountNumber', code: 'invalid_account_number', what: 'An account number' },
      ACCOUNT_NUMBER_MIN_CHARS,
      ACCOUNT_NUMBER_MAX_CHARS,
    ),
    routing_code:
      routingCode === undefined
        ? null
        : checkReferenceNumber(routingCode, { param: 'routingCode', code: 'invalid_routing_code', what: 'A routing code' }, ROUTING_CODE_MIN_CHARS, ROUTING_CODE_MAX_CHARS),
    email: null,
  };
}

async function activeRows(executor: Kysely<Schema>, userId: string): Promise<Row[]> {
  return executor.selectFrom('payout_methods').selectAll().where('user_id', '=', userId).where('removed_at', 'is', null).orderBy('created_at').orderBy('id').execute();
}

export async function listPayoutMethods(deps: IdentityDependencies, userId: string): Promise<PayoutMethodView[]> {
  return (await activeRows(deps.kysely, userId)).map(toView);
}

/**
 * Adds a place to send payouts. Needs a verified identity, and the holder
 * must be the verified person: names are compared without case, diacritics
 * or extra white space.
 */
export async function addPayoutMethod(deps: IdentityDependencies, userId: string, input: PayoutMethodInput, origin?: RequestOrigin): Promise<PayoutMethodView> {
  const identity = await verifiedIdentity(deps, userId);
  if (identity === null) throw DomainError.forbidden('identity_not_verified', 'Verify your identity (POST /api/v1/creator/identity) before adding a payout method.');
  const holderName = checkPersonName(input.holderName, 'holderName', "The account holder's name");
  const destination = destinationOf(deps, input, identity);
  if (nameKey(holderName) !== nameKey(identity.legalName)) {
    throw new DomainError('mismatch', 'holder_name_mismatch', `The account holder's name must match your verified legal name, "${identity.legalName}".`, {
      param: 'holderName',
    });
  }
  const row: Row = { id: newId('pm'), user_id: userId, type: input.type, holder_name: holderName, ...destination, created_at: deps.now().toISOString(), removed_at: null };
  // The cap and the duplicate check count the creator's methods in the same serialized write that adds one.
  await writeTransaction(deps.db, async (trx) => {
    await lockKeyForTransaction(deps.db, trx, `payout_methods:${userId}`);
    const active = await activeRows(trx, userId);
    const same = active.find(
      (each) => each.type === input.type && each.account_number === destination.account_number && each.routing_code === destination.routing_code && each.email === destination.email,
    );
    if (same) throw DomainError.conflict('payout_method_exists', `This payout method is already added as ${same.id}.`);
    if (active.length >= MAX_ACTIVE_PAYOUT_METHODS) {
      throw DomainError.conflict('too_many_payout_methods', `You can keep up to ${MAX_ACTIVE_PAYOUT_METHODS} payout methods; remove one first.`);
    }
    await trx.insertInto('payout_methods').values(row).execute();
  });
  const view = toView(row);
  await deps.accounts.recordActivity(userId, 'payout_method_added', { methodId: view.id, type: view.type, label: view.label }, origin);
  return view;
}

/** Stops a method from taking new payouts; payouts already sent to it keep referring to it. Removing it again answers it unchanged. */
export async function removePayoutMethod(deps: IdentityDependencies, userId: string, methodId: string, origin?: RequestOrigin): Promise<PayoutMethodView> {
  const row = await deps.kysely.selectFrom('payout_methods').selectAll().where('id', '=', methodId).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw notFound(methodId);
  if (row.removed_at !== null) return toView(row);
  const removedAt = deps.now().toISOString();
  await deps.kysely.updateTable('payout_methods').set({ removed_at: removedAt }).where('id', '=', methodId).where('removed_at', 'is', null).execute();
  const view = toView({ ...row, removed_at: removedAt });
  await deps.accounts.recordActivity(userId, 'payout_method_removed', { methodId, type: view.type, label: view.label }, origin);
  return view;
}

/** One of the creator's active methods with its full destination, for the payout provider; null when unknown, another's or removed. */
export async function payoutMethod(deps: IdentityDependencies, userId: string, methodId: string): Promise<PayoutMethod | null> {
  const row = await deps.kysely.selectFrom('payout_methods').selectAll().where('id', '=', methodId).where('user_id', '=', userId).where('removed_at', 'is', null).executeTakeFirst();
  return row ? toMethod(row) : null;
}
