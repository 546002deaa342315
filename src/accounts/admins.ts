import { sql, type Expression } from 'kysely';
import { newId } from '../db/index.js';
import { userWalletSpecs } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { recordActivity } from './activity.js';
import type { AccountsContext } from './context.js';
import { hashPassword, passwordWeakness } from './passwords.js';
import { checkDisplayName } from './registration.js';
import { enrolTwoFactorDirectly, type Enrolment } from './two-factor.js';
import { loadUser, normalizeEmail, restrictionsOf, toUser, type User } from './users.js';

export interface UserPage {
  users: User[];
  nextCursor: string | null;
}

/** Finds users by exact id, or by a fragment of their email, handle or display name; newest first. */
export async function findUsers(ctx: AccountsContext, input: { query?: string; after?: string; limit: number }): Promise<UserPage> {
  let query = ctx.kysely.selectFrom('users').selectAll();
  const text = input.query?.trim().toLowerCase();
  if (text) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // SQLite has no default LIKE escape character (PostgreSQL's is the backslash): name it, so `%` and `_` match only themselves.
    const like = (column: Expression<string>) => sql<boolean>`${column} like ${pattern} escape '\\'`;
    query = query.where((eb) => eb.or([eb('id', '=', input.query!.trim()), like(eb.ref('email')), like(eb.ref('handle')), like(eb.fn<string>('lower', ['display_name']))]));
  }
  if (input.after) query = query.where('id', '<', input.after);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const shown = rows.slice(0, input.limit);
  const users = await Promise.all(shown.map(async (row) => toUser(ctx, row, await restrictionsOf(ctx.kysely, row.id))));
  return { users, nextCursor: rows.length > input.limit ? shown[shown.length - 1]!.id : null };
}

/**
 * An operator account for `ovation admin create`, with two-factor turned on
 * at creation (the enrolment is answered once, for the operator's
 * authenticator). An existing account with the email is promoted instead and
 * keeps its password and, if it has one, its authenticator (`created: false`).
 */
export async function createAdmin(ctx: AccountsContext, input: { email: string; password: string; displayName?: string }): Promise<{ user: User; created: boolean; twoFactor: Enrolment | undefined }> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw DomainError.invalidField('email', 'invalid_email', `"${input.email}" is not an email address.`);
  const displayName = checkDisplayName(input.displayName ?? 'Admin');
  const existing = await ctx.kysely.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  const now = ctx.now();
  if (existing) {
    if (existing.closed_at !== null) throw DomainError.conflict('account_closed', `The account of ${email} is closed and cannot become an admin.`);
    // Promoting an existing user keeps their history; the password is left as it is.
    await ctx.kysely.updateTable('users').set({ is_admin: 1n }).where('id', '=', existing.id).execute();
    await recordActivity(ctx.kysely, { userId: existing.id, kind: 'admin_granted', at: now, detail: { by: 'cli' } });
    const twoFactor = existing.totp_enabled_at === null ? await enrolTwoFactorDirectly(ctx, existing.id) : undefined;
    return { user: await loadUser(ctx, existing.id), created: false, twoFactor };
  }
  const weakness = passwordWeakness(input.password, { email, displayName });
  if (weakness) throw DomainError.invalidField('password', 'weak_password', weakness);
  const id = newId('usr');
  await ctx.ledger.ensureAccounts(userWalletSpecs(id));
  const row = {
    id,
    email,
    email_verified_at: now.toISOString(),
    handle: `admin_${id.slice(4, 12)}`,
    display_name: displayName,
    password_hash: await hashPassword(input.password),
    birth_date: null,
    region: ctx.config.accounts.defaultRegion,
    is_creator: 0n,
    is_admin: 1n,
    creator_status: null,
    creator_decision_reason: null,
    totp_secret: null,
    totp_pending_secret: null,
    totp_enabled_at: null,
    totp_last_step: 0n,
    failed_logins: 0n,
    lockouts: 0n,
    locked_until: null,
    closed_at: null,
    closure_coins: null,
    closure_diamonds: null,
    closure_transfer_id: null,
    created_at: now.toISOString(),
  };
  await ctx.kysely.insertInto('users').values(row).execute();
  await recordActivity(ctx.kysely, { userId: id, kind: 'admin_granted', at: now, detail: { by: 'cli' } });
  const twoFactor = await enrolTwoFactorDirectly(ctx, id);
  return { user: await loadUser(ctx, id), created: true, twoFactor };
}
