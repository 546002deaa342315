import { writeTransaction } from '../db/transaction.js';
import { COIN, DIAMOND, platformAccountId, userCoinWalletId, userDiamondWalletId, type LegInput } from '../ledger/index.js';
import { ApiError } from '../server/errors.js';
import { listActivity, recordActivity } from './activity.js';
import type { AccountsContext, RequestOrigin } from './context.js';
import { verifyPassword } from './passwords.js';
import { listSessions, revokeSessions, type Principal } from './sessions.js';
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
 * account is marked closed (with the amounts) before the transfer, so a crash
 * between the two is finished by `completePendingClosures` at the next start.
 */
export async function closeAccount(ctx: AccountsContext, userId: string, input: { password: string; confirmForfeit: boolean }, origin: RequestOrigin): Promise<void> {
  const row = await requireUserRow(ctx.kysely, userId);
  if (!(await verifyPassword(row.password_hash, input.password))) throw ApiError.invalidField('password', 'invalid_password', 'The password is not correct.');
  const { coins, diamonds, heldDiamonds } = await balances(ctx, userId);
  if (heldDiamonds > 0n) throw ApiError.conflict('payout_in_progress', 'A payout is in progress; close the account after it is paid or returned.');
  if ((coins > 0n || diamonds > 0n) && !input.confirmForfeit) {
    throw ApiError.conflict(
      'forfeit_confirmation_required',
      `Closing forfeits ${coins} coins and ${diamonds} diamonds. Withdraw diamonds first, or send confirmForfeit: true to give them up.`,
    );
  }
  const now = ctx.now();
  await writeTransaction(ctx.db, async (trx) => {
    const closed = await trx
      .updateTable('users')
      .set({ closed_at: now.toISOString(), closure_coins: coins, closure_diamonds: diamonds })
      .where('id', '=', userId)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    if (closed.numUpdatedRows !== 1n) throw ApiError.conflict('account_closed', 'This account is already closed.');
    await revokeSessions(trx, { userId, at: now });
    await recordActivity(trx, { userId, kind: 'account_closed', origin, at: now, detail: { forfeitedCoins: String(coins), forfeitedDiamonds: String(diamonds) } });
  });
  await forfeitBalances(ctx, userId, coins, diamonds);
  await ctx.mailer.send({ to: row.email, subject: 'Your account was closed', text: 'Your Ovation account was closed as you asked. Thank you for being part of it.' });
}

async function forfeitBalances(ctx: AccountsContext, userId: string, coins: bigint, diamonds: bigint): Promise<void> {
  const legs: LegInput[] = [];
  const move = (from: string, asset: string, amount: bigint) => {
    if (amount <= 0n) return;
    legs.push({ accountId: from, asset, direction: 'debit', amount }, { accountId: platformAccountId('forfeits', asset), asset, direction: 'credit', amount });
  };
  move(userCoinWalletId(userId), COIN, coins);
  move(userDiamondWalletId(userId), DIAMOND, diamonds);
  let transferId = 'none';
  if (legs.length > 0) {
    const transfer = await ctx.ledger.submit({ type: 'posted', idempotencyKey: `account_closure:${userId}`, legs, metadata: { reason: 'account_closed', userId } });
    transferId = transfer.id;
  }
  await ctx.kysely.updateTable('users').set({ closure_transfer_id: transferId }).where('id', '=', userId).execute();
}

/** Finishes closures whose forfeit transfer did not commit (the process stopped in between). */
export async function completePendingClosures(ctx: AccountsContext): Promise<number> {
  const pending = await ctx.kysely
    .selectFrom('users')
    .select(['id', 'closure_coins', 'closure_diamonds'])
    .where('closed_at', 'is not', null)
    .where('closure_transfer_id', 'is', null)
    .execute();
  for (const row of pending) await forfeitBalances(ctx, row.id, row.closure_coins ?? 0n, row.closure_diamonds ?? 0n);
  return pending.length;
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
  const follows = await ctx.kysely.selectFrom('follows').selectAll().where((eb) => eb.or([eb('follower_id', '=', userId), eb('followee_id', '=', userId)])).execute();
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
