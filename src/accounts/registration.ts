import { isRegionCode } from '../config/index.js';
import { newId, writeTransaction } from '../db/index.js';
import { userWalletSpecs } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { recordActivity } from './activity.js';
import { ageInYears, isCalendarDate, minimumSignupAge } from './age.js';
import type { AccountsContext, RequestOrigin } from './context.js';
import { hashPassword, passwordWeakness, verifyPassword } from './passwords.js';
import { revokeSessions } from './session-state.js';
import { newSecret, secretHash } from './tokens.js';
import { loadUser, normalizeEmail, requireUserRow, type User } from './users.js';

const VERIFY_EMAIL_TTL_MS = 48 * 3_600_000;
const RESET_PASSWORD_TTL_MS = 3_600_000;
const OLDEST_AGE_YEARS = 130;

export interface SignupInput {
  email: string;
  password: string;
  displayName: string;
  birthDate: string;
  region?: string;
  handle?: string;
}

type EmailTokenPurpose = 'verify_email' | 'reset_password';

/** Per-IP limit on unauthenticated requests that create rows or send mail: counted, or refused, in one step. */
async function limitAuthRequests(ctx: AccountsContext, origin: RequestOrigin): Promise<void> {
  const retryAfterMs = await ctx.authRequestsByIp.take(origin.ip);
  if (retryAfterMs > 0) {
    ctx.limited?.('auth_ip');
    throw DomainError.rateLimited('too_many_requests', 'Too many requests from this address.', retryAfterMs);
  }
}

export function checkDisplayName(displayName: string): string {
  const trimmed = displayName.normalize('NFC').trim().replace(/\s+/g, ' ');
  // Control and format characters (bidi overrides, zero-width joiners) make names that impersonate others.
  if (trimmed === '' || /[\p{Cc}\p{Cf}]/u.test(trimmed)) {
    throw DomainError.invalidField('displayName', 'invalid_display_name', 'Display names need at least one visible character and no control characters.');
  }
  return trimmed;
}

/** Handles: 3 to 24 lower-case letters, digits and underscores, starting with a letter. */
export const HANDLE_PATTERN = '^[a-z][a-z0-9_]{2,23}$';

function handleFrom(displayName: string): string {
  const base = displayName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 16);
  return base.length >= 3 ? base : `user${base}`;
}

async function freeHandle(ctx: AccountsContext, wanted: string | undefined, displayName: string): Promise<string> {
  const taken = async (handle: string) => (await ctx.kysely.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirst()) !== undefined;
  if (wanted !== undefined) {
    const handle = wanted.toLowerCase();
    if (!new RegExp(HANDLE_PATTERN).test(handle)) {
      throw DomainError.invalidField('handle', 'invalid_handle', 'Handles are 3 to 24 letters, digits and underscores, starting with a letter.');
    }
    if (await taken(handle)) throw new DomainError('conflict', 'handle_taken', `The handle @${handle} is taken; choose another.`, { param: 'handle' });
    return handle;
  }
  const base = handleFrom(displayName);
  if (!(await taken(base))) return base;
  for (;;) {
    const candidate = `${base}_${Math.floor(Math.random() * 10_000)}`;
    if (!(await taken(candidate))) return candidate;
  }
}

export async function signup(ctx: AccountsContext, input: SignupInput, origin: RequestOrigin): Promise<User> {
  await limitAuthRequests(ctx, origin);
  const email = normalizeEmail(input.email);
  const region = (input.region ?? ctx.config.accounts.defaultRegion).toUpperCase();
  if (!isRegionCode(region)) throw DomainError.invalidField('region', 'invalid_region', `"${input.region}" is not an ISO 3166-1 alpha-2 region code such as US or KR.`);
  const now = ctx.now();
  if (!isCalendarDate(input.birthDate) || input.birthDate > now.toISOString().slice(0, 10) || ageInYears(input.birthDate, now) > OLDEST_AGE_YEARS) {
    throw DomainError.invalidField('birthDate', 'invalid_birth_date', 'Give your real date of birth as YYYY-MM-DD.');
  }
  const minimumAge = minimumSignupAge(ctx.config.accounts, region);
  if (ageInYears(input.birthDate, now) < minimumAge) {
    throw DomainError.forbidden('age_restricted', `You must be at least ${minimumAge} years old to sign up in your region.`);
  }
  const displayName = checkDisplayName(input.displayName);
  const weakness = passwordWeakness(input.password, { email, displayName, handle: input.handle });
  if (weakness) throw DomainError.invalidField('password', 'weak_password', weakness);

  if (await ctx.kysely.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) {
    throw new DomainError('conflict', 'email_taken', 'An account with this email address exists; sign in or reset its password.', { param: 'email' });
  }
  const passwordHash = await hashPassword(input.password);
  const id = newId('usr');
  // Wallets first: an orphan wallet is harmless, a user without one is not.
  await ctx.ledger.ensureAccounts(userWalletSpecs(id));
  for (let attempt = 1; ; attempt++) {
    const handle = await freeHandle(ctx, input.handle, displayName);
    try {
      await writeTransaction(ctx.db, async (trx) => {
        await trx
          .insertInto('users')
          .values({
            id,
            email,
            handle,
            display_name: displayName,
            password_hash: passwordHash,
            birth_date: input.birthDate,
            region,
            created_at: now.toISOString(),
            email_verified_at: null,
            is_creator: 0n,
            is_admin: 0n,
            totp_last_step: 0n,
            failed_logins: 0n,
            lockouts: 0n,
          })
          .execute();
        await recordActivity(trx, { userId: id, kind: 'signed_up', origin, at: now, detail: { region } });
      });
      break;
    } catch (error) {
      if (!/unique|duplicate/i.test((error as Error).message)) throw error;
      // Two sign-ups at once: the unique index decides. A handle made from the display name is made again;
      // a taken email, or a handle the user chose, is the loser's to change.
      const emailTaken = (await ctx.kysely.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) !== undefined;
      if (emailTaken || input.handle !== undefined || attempt === 5) {
        throw DomainError.conflict('email_taken', 'An account with this email address or handle was just created; sign in or choose another.');
      }
    }
  }
  await sendVerificationMail(ctx, id, email);
  return loadUser(ctx, id);
}

async function createEmailToken(ctx: AccountsContext, userId: string, purpose: EmailTokenPurpose, ttlMs: number): Promise<string> {
  const token = newSecret(purpose === 'verify_email' ? 'ove' : 'ovr');
  const now = ctx.now();
  await ctx.kysely
    .insertInto('email_tokens')
    .values({
      token_hash: secretHash(token),
      user_id: userId,
      purpose,
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  return token;
}

/** Marks a mailed token used, once; answers the user it was for. */
async function consumeEmailToken(ctx: AccountsContext, token: string, purpose: EmailTokenPurpose): Promise<string> {
  const now = ctx.now().toISOString();
  const row = await ctx.kysely
    .updateTable('email_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', secretHash(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  if (!row) throw DomainError.invalidField('token', 'invalid_token', 'This link is invalid, expired or already used; ask for a new one.');
  return row.user_id;
}

async function sendVerificationMail(ctx: AccountsContext, userId: string, email: string): Promise<void> {
  const token = await createEmailToken(ctx, userId, 'verify_email', VERIFY_EMAIL_TTL_MS);
  await ctx.mailer.send({
    to: email,
    subject: 'Confirm your email address',
    text: `Confirm your email address for Ovation by opening this link within 48 hours:\n\n${ctx.config.publicUrl}/verify-email?token=${token}\n\nIf you did not sign up, ignore this mail.`,
  });
}

export async function resendVerification(ctx: AccountsContext, userId: string, origin: RequestOrigin): Promise<void> {
  await limitAuthRequests(ctx, origin);
  const row = await requireUserRow(ctx.kysely, userId);
  if (row.email_verified_at !== null) throw DomainError.conflict('email_already_verified', 'Your email address is already confirmed.');
  await sendVerificationMail(ctx, userId, row.email);
}

export async function verifyEmail(ctx: AccountsContext, token: string, origin: RequestOrigin): Promise<User> {
  const userId = await consumeEmailToken(ctx, token, 'verify_email');
  const now = ctx.now();
  await ctx.kysely.updateTable('users').set({ email_verified_at: now.toISOString() }).where('id', '=', userId).where('email_verified_at', 'is', null).execute();
  await recordActivity(ctx.kysely, { userId, kind: 'email_verified', origin, at: now });
  return loadUser(ctx, userId);
}

/** Always answers the same way, so it does not reveal which addresses have accounts. */
export async function requestPasswordReset(ctx: AccountsContext, emailInput: string, origin: RequestOrigin): Promise<void> {
  await limitAuthRequests(ctx, origin);
  const email = normalizeEmail(emailInput);
  const row = await ctx.kysely.selectFrom('users').select(['id', 'closed_at']).where('email', '=', email).executeTakeFirst();
  if (!row || row.closed_at !== null) return;
  const token = await createEmailToken(ctx, row.id, 'reset_password', RESET_PASSWORD_TTL_MS);
  await recordActivity(ctx.kysely, { userId: row.id, kind: 'password_reset_requested', origin, at: ctx.now() });
  await ctx.mailer.send({
    to: email,
    subject: 'Reset your password',
    text: `Someone asked to reset the password of your Ovation account. Open this link within an hour to choose a new one:\n\n${ctx.config.publicUrl}/reset-password?token=${token}\n\nIf it was not you, ignore this mail; your password stays as it is.`,
  });
}

async function checkNewPassword(ctx: AccountsContext, userId: string, password: string, param: string): Promise<void> {
  const row = await requireUserRow(ctx.kysely, userId);
  const weakness = passwordWeakness(password, { email: row.email, displayName: row.display_name, handle: row.handle });
  if (weakness) throw DomainError.invalidField(param, 'weak_password', weakness);
}

/** Sets a new password from a mailed link: single-use, expiring; signs out every session and lifts a lockout. Answers whose password it was. */
export async function resetPassword(ctx: AccountsContext, token: string, password: string, origin: RequestOrigin): Promise<string> {
  const pending = await ctx.kysely.selectFrom('email_tokens').select('user_id').where('token_hash', '=', secretHash(token)).where('purpose', '=', 'reset_password').executeTakeFirst();
  // A weak choice must not burn the link: check it before consuming the token.
  if (pending) await checkNewPassword(ctx, pending.user_id, password, 'password');
  const userId = await consumeEmailToken(ctx, token, 'reset_password');
  const passwordHash = await hashPassword(password);
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, failed_logins: 0n, locked_until: null }).where('id', '=', userId).execute();
    await revokeSessions(trx, { userId, at: now });
    await recordActivity(trx, { userId, kind: 'password_reset', origin, at: now });
  });
  return userId;
}

/** Changes the password of a signed-in user and signs out their other sessions. */
export async function changePassword(ctx: AccountsContext, userId: string, input: { currentPassword: string; newPassword: string }, keepSessionId: string, origin: RequestOrigin): Promise<void> {
  const row = await requireUserRow(ctx.kysely, userId);
  if (!(await verifyPassword(row.password_hash, input.currentPassword))) {
    throw DomainError.invalidField('currentPassword', 'invalid_password', 'The current password is not correct.');
  }
  await checkNewPassword(ctx, userId, input.newPassword, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    await revokeSessions(trx, { userId, exceptSessionId: keepSessionId, at: now });
    await recordActivity(trx, { userId, kind: 'password_changed', origin, at: now });
  });
  await ctx.mailer.send({
    to: row.email,
    subject: 'Your password was changed',
    text: `The password of your Ovation account was changed and your other sessions were signed out.\n\nIf this was not you, reset your password at ${ctx.config.publicUrl}/reset-password and report unauthorized activity from your account page.`,
  });
}
