import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { writeTransaction, type Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { recordActivity } from './activity.js';
import type { AccountsContext, RequestOrigin } from './context.js';
import { registerFailure, releaseAttempt, reserveAttempt } from './lockout.js';
import { revokeSessions } from './session-state.js';
import { secretHash } from './tokens.js';
import { requireUserRow, type UserRow } from './users.js';

const TOTP_PERIOD_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export interface TwoFactorSetup {
  /** Base32 secret, for typing into an authenticator by hand. */
  secret: string;
  otpauthUrl: string;
  /** The otpauth URL as a QR code, a PNG data URL for an <img>. */
  qrCodeDataUrl: string;
}

export interface SecondFactor {
  totp?: string;
  recoveryCode?: string;
}

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Ovation', label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_SECONDS });
}

/** The time step a code belongs to, allowing one step of clock drift either way, or undefined when it is wrong. */
function matchingStep(secret: string, code: string, nowMs: number): bigint | undefined {
  const digits = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits)) return undefined;
  const delta = totpFor(secret, '').validate({ token: digits, timestamp: nowMs, window: 1 });
  return delta === null ? undefined : BigInt(Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS) + delta);
}

/** Accepts a TOTP code whose time step is newer than the last one accepted, so a code works once. */
async function acceptTotp(kysely: Kysely<Schema>, row: UserRow, secret: string, code: string, nowMs: number): Promise<boolean> {
  const step = matchingStep(secret, code, nowMs);
  if (step === undefined) return false;
  const result = await kysely.updateTable('users').set({ totp_last_step: step }).where('id', '=', row.id).where('totp_last_step', '<', step).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** A code as a user types it: six digits are a TOTP code, anything else a recovery code. */
function factorOf(code: string): SecondFactor {
  return /^\s*\d{6}\s*$/.test(code) ? { totp: code } : { recoveryCode: code };
}

/** Checks and uses up a second factor. Answers how it was proven, or false. */
export async function useSecondFactor(ctx: AccountsContext, row: UserRow, factor: SecondFactor): Promise<'totp' | 'recovery_code' | false> {
  if (row.totp_secret === null) return false;
  if (factor.totp !== undefined) return (await acceptTotp(ctx.kysely, row, row.totp_secret, factor.totp, ctx.now().getTime())) ? 'totp' : false;
  if (factor.recoveryCode !== undefined) {
    const result = await ctx.kysely
      .updateTable('recovery_codes')
      .set({ used_at: ctx.now().toISOString() })
      .where('user_id', '=', row.id)
      .where('code_hash', '=', secretHash(normalizeRecoveryCode(factor.recoveryCode)))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n ? 'recovery_code' : false;
  }
  return false;
}

/**
 * Checks a signed-in user's code (TOTP or recovery) as sign-in does: the attempt is reserved against
 * the lockout before the check, so concurrent wrong codes cannot pass it; a wrong code keeps its count.
 */
export async function proveSecondFactor(ctx: AccountsContext, row: UserRow, code: string, origin: RequestOrigin): Promise<'totp' | 'recovery_code'> {
  const attempt = await reserveAttempt(ctx, row.id);
  const proof = await useSecondFactor(ctx, row, factorOf(code));
  if (!proof) {
    await registerFailure(ctx, row, attempt, origin, 'two_factor');
    throw DomainError.invalidField('code', 'invalid_two_factor_code', 'The code is not correct or was already used.');
  }
  await releaseAttempt(ctx, row.id, attempt);
  return proof;
}

/** Starts enrolment: a new secret, kept pending until a code from it is confirmed. */
export async function beginTwoFactorSetup(ctx: AccountsContext, userId: string): Promise<TwoFactorSetup> {
  const row = await requireUserRow(ctx.kysely, userId);
  if (row.totp_enabled_at !== null) throw DomainError.conflict('two_factor_already_enabled', 'Two-factor authentication is already on; turn it off first to enrol a new device.');
  const secret = new Secret({ size: 20 }).base32;
  await ctx.kysely.updateTable('users').set({ totp_pending_secret: secret }).where('id', '=', userId).execute();
  const otpauthUrl = totpFor(secret, row.email).toString();
  return { secret, otpauthUrl, qrCodeDataUrl: await QRCode.toDataURL(otpauthUrl, { margin: 2, width: 240 }) };
}

/**
 * Turns two-factor on with a code from the pending secret; answers ten
 * single-use recovery codes, shown once. The confirming session has just
 * proved the factor, so it counts as a two-factor session (recently proven);
 * every other session of the user ends, since none of them proved it.
 */
export async function confirmTwoFactor(ctx: AccountsContext, userId: string, sessionId: string, code: string, origin: RequestOrigin): Promise<string[]> {
  const row = await requireUserRow(ctx.kysely, userId);
  if (row.totp_enabled_at !== null) throw DomainError.conflict('two_factor_already_enabled', 'Two-factor authentication is already on.');
  if (row.totp_pending_secret === null) throw DomainError.conflict('two_factor_setup_required', 'Start two-factor setup first, then confirm it with a code.');
  const now = ctx.now();
  const step = matchingStep(row.totp_pending_secret, code, now.getTime());
  if (step === undefined) throw DomainError.invalidField('code', 'invalid_two_factor_code', 'The code is not correct; check the device clock and enter the current code.');
  const secret = row.totp_pending_secret;
  return writeTransaction(ctx.db, async (trx) => {
    await trx.updateTable('sessions').set({ two_factor: 1n, two_factor_at: now.toISOString() }).where('id', '=', sessionId).execute();
    return activateTwoFactor(trx, { userId, secret, lastStep: step, keepSessionId: sessionId, origin, at: now });
  });
}

async function activateTwoFactor(trx: Kysely<Schema>, input: { userId: string; secret: string; lastStep: bigint; keepSessionId?: string; origin?: RequestOrigin; at: Date }): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  // Sessions signed in with the password alone end: from now on every session has proved the second factor.
  await revokeSessions(trx, { userId: input.userId, exceptSessionId: input.keepSessionId, at: input.at });
  await trx
    .updateTable('users')
    .set({ totp_secret: input.secret, totp_pending_secret: null, totp_enabled_at: input.at.toISOString(), totp_last_step: input.lastStep })
    .where('id', '=', input.userId)
    .execute();
  await trx.deleteFrom('recovery_codes').where('user_id', '=', input.userId).execute();
  await trx
    .insertInto('recovery_codes')
    .values(codes.map((recovery) => ({ user_id: input.userId, code_hash: secretHash(normalizeRecoveryCode(recovery)), used_at: null })))
    .execute();
  await recordActivity(trx, { userId: input.userId, kind: 'two_factor_enabled', origin: input.origin, at: input.at });
  return codes;
}

export interface Enrolment {
  secret: string;
  otpauthUrl: string;
  recoveryCodes: string[];
}

/**
 * Turns two-factor on without a confirming code, for `ovation admin create`:
 * the operator at the console receives the secret, so nobody who only knows
 * the password can enrol their own device first. Every session of the user ends.
 */
export async function enrolTwoFactorDirectly(ctx: AccountsContext, userId: string): Promise<Enrolment> {
  const row = await requireUserRow(ctx.kysely, userId);
  const secret = new Secret({ size: 20 }).base32;
  const recoveryCodes = await writeTransaction(ctx.db, (trx) => activateTwoFactor(trx, { userId, secret, lastStep: 0n, at: ctx.now() }));
  return { secret, otpauthUrl: totpFor(secret, row.email).toString(), recoveryCodes };
}

/** Turns two-factor off; needs a current code or an unused recovery code, guessed under the sign-in lockout. */
export async function disableTwoFactor(ctx: AccountsContext, userId: string, code: string, origin: RequestOrigin): Promise<void> {
  const row = await requireUserRow(ctx.kysely, userId);
  if (row.totp_enabled_at === null) throw DomainError.conflict('two_factor_not_enabled', 'Two-factor authentication is not on.');
  await proveSecondFactor(ctx, row, code, origin);
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    await trx.updateTable('users').set({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null }).where('id', '=', userId).execute();
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await recordActivity(trx, { userId, kind: 'two_factor_disabled', origin, at: now });
  });
  await ctx.mailer.send({
    to: row.email,
    subject: 'Two-factor authentication was turned off',
    text: `Two-factor authentication was turned off for your Ovation account.\n\nIf this was not you, reset your password at ${ctx.config.publicUrl}/reset-password and report unauthorized activity.`,
  });
}
