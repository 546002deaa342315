import { writeTransaction } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { recordActivity } from './activity.js';
import type { AccountsContext, RequestOrigin } from './context.js';
import type { UserRow } from './users.js';

const LONGEST_LOCKOUT_MS = 86_400_000;

/** A sign-in attempt counted against an account before its secrets are checked. */
export interface ReservedAttempt {
  /** The account's count of failures in a row, this attempt included. */
  failures: bigint;
  /** Set when this attempt reached the limit and so locked the account. */
  lockedUntil: string | undefined;
}

/**
 * Counts an attempt against the account before its password or code is
 * checked, in one conditional write: refused with 429 `account_locked` while
 * a lock is in force, and the attempt that reaches the limit locks the
 * account at once, so concurrent guesses after it are refused unchecked. Each
 * lockout in a row lasts twice as long as the one before, up to a day. A
 * sign-in that succeeds clears the count and the lock; an attempt that turns
 * out not to be a failure gives its count back (`releaseAttempt`).
 */
export async function reserveAttempt(ctx: AccountsContext, userId: string): Promise<ReservedAttempt> {
  const now = ctx.now();
  const nowIso = now.toISOString();
  const { loginMaxFailures, loginLockoutMs } = ctx.config.accounts;
  const outcome = await writeTransaction(ctx.db, async (trx): Promise<ReservedAttempt | { refusedUntil: string }> => {
    const counted = await trx
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1n) }))
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]))
      .returning(['failed_logins', 'lockouts'])
      .executeTakeFirst();
    if (!counted) {
      const { locked_until } = await trx.selectFrom('users').select('locked_until').where('id', '=', userId).executeTakeFirstOrThrow();
      return { refusedUntil: locked_until ?? nowIso };
    }
    if (counted.failed_logins < BigInt(loginMaxFailures)) return { failures: counted.failed_logins, lockedUntil: undefined };
    const lockoutMs = Math.min(loginLockoutMs * 2 ** Number(counted.lockouts), LONGEST_LOCKOUT_MS);
    const lockedUntil = new Date(now.getTime() + lockoutMs).toISOString();
    await trx
      .updateTable('users')
      .set({ failed_logins: 0n, lockouts: counted.lockouts + 1n, locked_until: lockedUntil })
      .where('id', '=', userId)
      .execute();
    return { failures: counted.failed_logins, lockedUntil };
  });
  if ('refusedUntil' in outcome) {
    throw DomainError.rateLimited('account_locked', 'This account is locked after too many failed sign-ins. Reset the password to unlock it now.', Date.parse(outcome.refusedUntil) - now.getTime());
  }
  return outcome;
}

/**
 * Gives back an attempt that was not a failure (the right password, with the
 * two-factor code still to come). An attempt that locked the account unlocks
 * it again, unless something else changed the lock since.
 */
export async function releaseAttempt(ctx: AccountsContext, userId: string, attempt: ReservedAttempt): Promise<void> {
  const { lockedUntil } = attempt;
  if (lockedUntil === undefined) {
    await ctx.kysely
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '-', 1n) }))
      .where('id', '=', userId)
      .where('failed_logins', '>', 0n)
      .execute();
    return;
  }
  await ctx.kysely
    .updateTable('users')
    .set((eb) => ({ failed_logins: attempt.failures - 1n, lockouts: eb('lockouts', '-', 1n), locked_until: null }))
    .where('id', '=', userId)
    .where('locked_until', '=', lockedUntil)
    .where('failed_logins', '=', 0n)
    .execute();
}

/**
 * Records a failed attempt, already counted by `reserveAttempt`; when it was
 * the attempt that locked the account, tells the owner by mail.
 */
export async function registerFailure(ctx: AccountsContext, row: UserRow, attempt: ReservedAttempt, origin: RequestOrigin, reason: 'password' | 'two_factor'): Promise<void> {
  const now = ctx.now();
  const { lockedUntil } = attempt;
  await writeTransaction(ctx.db, async (trx) => {
    await recordActivity(trx, { userId: row.id, kind: 'sign_in_failed', origin, at: now, detail: { reason } });
    if (lockedUntil !== undefined) await recordActivity(trx, { userId: row.id, kind: 'account_locked', origin, at: now, detail: { lockedUntil } });
  });
  if (lockedUntil !== undefined) {
    await ctx.mailer.send({
      to: row.email,
      subject: 'Your account was locked after failed sign-ins',
      text: `There were ${ctx.config.accounts.loginMaxFailures} failed attempts to sign in to your Ovation account, so sign-in is locked until ${lockedUntil}.\n\nIf this was not you, consider resetting your password: ${ctx.config.publicUrl}/reset-password`,
    });
  }
}
