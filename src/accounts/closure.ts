import { repairEach, writeTransaction, type RepairResult } from '../db/index.js';
import { COIN, DIAMOND, LedgerError, platformAccountId, userCoinWalletId, userDiamondWalletId, type Leg } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { listActivity, recordActivity } from './activity.js';
import type { AccountsContext, RequestOrigin } from './context.js';
import { verifyPassword } from './passwords.js';
import { revokeSessions } from './session-state.js';
import { listSessions, type Principal } from './sessions.js';
import { listCases } from './safety.js';
import { loadUser, requireUserRow } from './users.js';

export interface ClosurePreview {
  /** Coins that would be forfeited: coins are never refunded or cashed out. */
  coins: bigint;
  /** Diamonds that would be forfeited unless withdrawn first. */
  diamonds: bigint;
  /** Diamonds held by payouts in progress; closure waits for them. */
  heldDiamonds: bigint;
  warnings: string[];
}

async function balances(ctx: AccountsContext, userId: string) {
  const [coin, diamond] = await Promise.all([ctx.ledger.getAccount(userCoinWalletId(userId)), ctx.ledger.getAccount(userDiamondWalletId(userId))]);
  const positive = (value: bigint | undefined) => (value !== undefined && value > 0n ? value : 0n);
  return { coins: positive(coin?.available), diamonds: positive(diamond?.available), heldDiamonds: diamond?.pendingDebits ?? 0n };
}

export async function closurePreview(ctx: AccountsContext, userId: string): Promise<ClosurePreview> {
  const { coins, diamonds, heldDiamonds } = await balances(ctx, userId);
  const warnings: string[] = [];
  if (coins > 0n) warnings.push(`Your ${coins} coins will be forfeited: coins cannot be refunded or cashed out.`);
  if (diamonds > 0n) warnings.push(`Your ${diamonds} diamonds will be forfeited unless you withdraw them before closing.`);
  if (heldDiamonds > 0n) warnings.push(`${heldDiamonds} diamonds are in a payout in progress; wait for it to finish before closing.`);
  warnings.push('Closing cannot be undone. Download your data first if you want to keep a copy.');
  return { coins, diamonds, heldDiamonds, warnings };
}

/**
 * Closes an account: signs out everywhere and forfeits what is left in its
 * wallets to the platform's forfeits account, recorded in the ledger. The
 * account is marked closed before the forfeit, so a crash between the two is
 * finished by `completePendingClosures` at the next start. The forfeit is a
 * ledger sweep: what it takes is decided inside the ledger's serialized write,
 * so gifts or payouts racing the closure can neither make it fail nor leave a
 * remainder behind. A payout whose hold committed first keeps its diamonds.
 */
export async function closeAccount(ctx: AccountsContext, userId: string, input: { password: string; confirmForfeit: boolean }, origin: RequestOrigin): Promise<void> {
  const row = await requireUserRow(ctx.kysely, userId);
  if (!(await verifyPassword(row.password_hash, input.password))) throw DomainError.invalidField('password', 'invalid_password', 'The password is not correct.');
  const { coins, diamonds, heldDiamonds } = await balances(ctx, userId);
  if (heldDiamonds > 0n) throw DomainError.conflict('payout_in_progress', 'A payout is in progress; close the account after it is paid or returned.');
  if ((coins > 0n || diamonds > 0n) && !input.confirmForfeit) {
    throw DomainError.conflict('forfeit_confirmation_required', `Closing forfeits ${coins} coins and ${diamonds} diamonds. Withdraw diamonds first, or confirm that you give them up.`);
  }
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    const closed = await trx.updateTable('users').set({ closed_at: now.toISOString() }).where('id', '=', userId).where('closed_at', 'is', null).executeTakeFirst();
    if (closed.numUpdatedRows !== 1n) throw DomainError.conflict('account_closed', 'This account is already closed.');
    await revokeSessions(trx, { userId, at: now });
  });
  const forfeited = await forfeitBalances(ctx, userId);
  await recordActivity(ctx.kysely, { userId, kind: 'account_closed', origin, at: now, detail: { forfeitedCoins: String(forfeited.coins), forfeitedDiamonds: String(forfeited.diamonds) } });
  await ctx.mailer.send({ to: row.email, subject: 'Your account was closed', text: 'Your Ovation account was closed as you asked. Thank you for being part of it.' });
}

/** Sweeps both wallets into the forfeits accounts and records the transfer (`none` when both were empty) and what it took. */
async function forfeitBalances(ctx: AccountsContext, userId: string): Promise<{ coins: bigint; diamonds: bigint }> {
  let transferId = 'none';
  let legs: Leg[] = [];
  try {
    const transfer = await ctx.ledger.submit({
      type: 'sweep',
      idempotencyKey: `account_closure:${userId}`,
      sweeps: [
        { from: userCoinWalletId(userId), to: platformAccountId('forfeits', COIN), asset: COIN },
        { from: userDiamondWalletId(userId), to: platformAccountId('forfeits', DIAMOND), asset: DIAMOND },
      ],
      metadata: { reason: 'account_closed', userId },
    });
    transferId = transfer.id;
    legs = transfer.legs;
  } catch (error) {
    if (!(error instanceof LedgerError && error.code === 'nothing_to_sweep')) throw error;
  }
  const taken = (accountId: string) => legs.find((leg) => leg.accountId === accountId && leg.direction === 'debit')?.amount ?? 0n;
  const forfeited = { coins: taken(userCoinWalletId(userId)), diamonds: taken(userDiamondWalletId(userId)) };
  await ctx.kysely.updateTable('users').set({ closure_transfer_id: transferId, closure_coins: forfeited.coins, closure_diamonds: forfeited.diamonds }).where('id', '=', userId).execute();
  return forfeited;
}

/**
 * Finishes closures whose forfeit did not commit (the process stopped in between), one by one: a
 * closure that cannot be finished is reported and left, and never stops the others or the start.
 * The audit keeps reporting it until an operator acts.
 */
export async function completePendingClosures(ctx: AccountsContext): Promise<RepairResult> {
  const pending = await ctx.kysely.selectFrom('users').select('id').where('closed_at', 'is not', null).where('closure_transfer_id', 'is', null).orderBy('id').execute();
  return repairEach(
    pending,
    (row) => row.id,
    (row) => forfeitBalances(ctx, row.id),
  );
}

/** Everything the platform keeps about a user, for a data-access request. */
export async function exportUserData(ctx: AccountsContext, principal: Principal, origin: RequestOrigin): Promise<Record<string, unknown>> {
  const userId = principal.userId;
  await recordActivity(ctx.kysely, { userId, kind: 'data_exported', origin, at: ctx.now() });
  const entries = async (accountId: string) => {
    const all = [];
    let after: bigint | undefined;
    for (;;) {
      const page = await ctx.ledger.listEntries(accountId, { limit: 500, after });
      all.push(...page.entries.map((entry) => ({ ...entry, amount: String(entry.amount) })));
      if (page.nextCursor === null) return all;
      after = page.nextCursor;
    }
  };
  const activity = [];
  let before: string | undefined;
  for (;;) {
    const page = await listActivity(ctx.kysely, userId, { before, limit: 500 });
    activity.push(...page.activity);
    if (page.nextCursor === null) break;
    before = page.nextCursor;
  }
  const follows = await ctx.kysely
    .selectFrom('follows')
    .selectAll()
    .where((eb) => eb.or([eb('follower_id', '=', userId), eb('followee_id', '=', userId)]))
    .execute();
  return {
    exportedAt: ctx.now().toISOString(),
    user: await loadUser(ctx, userId),
    sessions: await listSessions(ctx, principal),
    activity,
    follows: follows.map((row) => ({ followerId: row.follower_id, followeeId: row.followee_id, createdAt: row.created_at })),
    cases: await listCases(ctx, { userId }),
    ledger: { coinEntries: await entries(userCoinWalletId(userId)), diamondEntries: await entries(userDiamondWalletId(userId)) },
  };
}
