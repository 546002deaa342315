import type { Kysely, Selectable } from 'kysely';
import type { Accounts, User } from '../accounts/index.js';
import { lockKeyForTransaction, writeTransaction, type Database, type Schema } from '../db/index.js';
import type { SpendingBudgetTable } from './schema.js';
import { DomainError } from '../shared/errors.js';
import type { StoreConfig } from '../store/index.js';
import type { Budget, BudgetLimits } from './views.js';

export type BudgetPeriod = 'daily' | 'weekly' | 'monthly';
const PERIODS: readonly BudgetPeriod[] = ['daily', 'weekly', 'monthly'];
const PERIOD_WORDS: Record<BudgetPeriod, { name: string; span: string }> = {
  daily: { name: 'daily', span: 'today' },
  weekly: { name: 'weekly', span: 'this week' },
  monthly: { name: 'monthly', span: 'this month' },
};

/** Orders that count against limits: paid, being paid, or paid and later disputed or refunded; also a `created` order once a checkout claimed it. */
const COUNTED_STATUSES = ['requires_action', 'processing', 'succeeded', 'disputed', 'refunded'];
const DAY_MS = 86_400_000;

type BudgetRow = Selectable<SpendingBudgetTable>;

export interface SpendingDependencies {
  db: Database;
  accounts: Pick<Accounts, 'getUser'>;
  config: Pick<StoreConfig, 'largePurchaseCoins' | 'velocity' | 'budgetRaiseDelayMs'>;
  now: () => Date;
}

/** What orders ask of a purchase before it is placed and at checkout, and the budgets users see and set. */
export interface SpendingControls {
  /** The user's budget: the limits in force, a raise waiting out its cooling-off period, and what each period used. */
  getBudget(userId: string): Promise<Budget>;
  /** Sets the user's budget: lowering a limit applies at once, raising or removing one after the cooling-off period. */
  setBudget(userId: string, next: BudgetLimits): Promise<Budget>;
  /** Refuses a purchase without a confirmation it needs, or over the user's budget or the platform's velocity limits. */
  assertPurchaseAllowed(userId: string, purchase: { coins: number; confirm: boolean; priceText: string; excludingOrderId?: string }): Promise<void>;
  /** Checks the purchase as assertPurchaseAllowed does and, if allowed, runs `claim` under the buyer's purchase lock. */
  claimPurchase<T>(userId: string, purchase: { coins: number; priceText: string; excludingOrderId: string }, claim: (trx: Kysely<Schema>) => Promise<T>): Promise<T>;
}

/** Start of the calendar period containing `at`, and of the next one, in UTC. Weeks start on Monday. */
export function periodBounds(period: BudgetPeriod, at: Date): { start: Date; end: Date } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  if (period === 'monthly') return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
  if (period === 'daily') return { start: new Date(Date.UTC(y, m, d)), end: new Date(Date.UTC(y, m, d + 1)) };
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  return { start: new Date(Date.UTC(y, m, d - sinceMonday)), end: new Date(Date.UTC(y, m, d - sinceMonday + 7)) };
}

const toLimit = (coins: bigint | null | undefined): number | null => (coins === null || coins === undefined ? null : Number(coins));
const coinsText = (coins: number | bigint): string => `${coins.toLocaleString('en-US')} coins`;
const looser = (next: number | null, current: number | null): boolean => current !== null && (next === null || next > current);

/**
 * Limits on buying coins: the user's own budgets, the platform's velocity
 * limits (lower for new accounts), and a confirmation for large purchases.
 * Every refusal names the limit and when it resets.
 */
export function createSpendingControls(deps: SpendingDependencies): SpendingControls {
  const { db, accounts, config, now } = deps;
  const kysely = db.kysely;

  const limitsOf = (row: Pick<BudgetRow, 'daily_coins' | 'weekly_coins' | 'monthly_coins'> | undefined): BudgetLimits => ({
    daily: toLimit(row?.daily_coins),
    weekly: toLimit(row?.weekly_coins),
    monthly: toLimit(row?.monthly_coins),
  });
  const columnsOf = (limits: BudgetLimits) => ({
    daily_coins: limits.daily === null ? null : BigInt(limits.daily),
    weekly_coins: limits.weekly === null ? null : BigInt(limits.weekly),
    monthly_coins: limits.monthly === null ? null : BigInt(limits.monthly),
  });

  /** The budget row with any raise that has waited long enough put in force. */
  async function budgetRow(userId: string, executor: Kysely<Schema> = kysely): Promise<BudgetRow | undefined> {
    const row = await executor.selectFrom('spending_budgets').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!row || row.pending_effective_at === null || row.pending_effective_at > now().toISOString()) return row;
    const applied = { ...columnsOf(JSON.parse(row.pending_limits!) as BudgetLimits), pending_limits: null, pending_effective_at: null };
    await executor.updateTable('spending_budgets').set(applied).where('user_id', '=', userId).where('pending_effective_at', '=', row.pending_effective_at).execute();
    return { ...row, ...applied };
  }

  async function countedOrders(executor: Kysely<Schema>, userId: string, since: Date, excludingOrderId: string | undefined) {
    let query = executor
      .selectFrom('orders')
      .select(['id', 'coins', 'created_at'])
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('status', 'in', COUNTED_STATUSES), eb.and([eb('status', '=', 'created'), eb('checkout_claim', 'is not', null)])]))
      .where('created_at', '>=', since.toISOString());
    if (excludingOrderId !== undefined) query = query.where('id', '!=', excludingOrderId);
    return query.orderBy('created_at').execute();
  }

  async function coinsBoughtSince(executor: Kysely<Schema>, userId: string, since: Date, excludingOrderId?: string): Promise<number> {
    const orders = await countedOrders(executor, userId, since, excludingOrderId);
    return orders.reduce((sum, order) => sum + Number(order.coins), 0);
  }

  async function readBudget(userId: string): Promise<Budget> {
    const row = await budgetRow(userId);
    const at = now();
    const budget: Budget = {
      limits: limitsOf(row),
      pending: row?.pending_effective_at ? { limits: JSON.parse(row.pending_limits!) as BudgetLimits, effectiveAt: row.pending_effective_at } : null,
      used: { daily: 0, weekly: 0, monthly: 0 },
      resetsAt: { daily: '', weekly: '', monthly: '' },
    };
    for (const period of PERIODS) {
      const { start, end } = periodBounds(period, at);
      budget.used[period] = await coinsBoughtSince(kysely, userId, start);
      budget.resetsAt[period] = end.toISOString();
    }
    return budget;
  }

  async function assertWithinBudget(executor: Kysely<Schema>, userId: string, coins: number, excludingOrderId: string | undefined): Promise<void> {
    const limits = limitsOf(await budgetRow(userId, executor));
    for (const period of PERIODS) {
      const limit = limits[period];
      if (limit === null) continue;
      const { start, end } = periodBounds(period, now());
      const used = await coinsBoughtSince(executor, userId, start, excludingOrderId);
      if (used + coins <= limit) continue;
      const words = PERIOD_WORDS[period];
      throw new DomainError(
        'forbidden',
        'budget_exceeded',
        `Buying ${coinsText(coins)} would go over your ${words.name} budget of ${coinsText(limit)}: you have bought ${coinsText(used)} ${words.span}. ` +
          `Your ${words.name} budget resets at ${end.toISOString()}.`,
        { resetsAt: end.toISOString() },
      );
    }
  }

  async function assertWithinVelocity(executor: Kysely<Schema>, user: User, coins: number, excludingOrderId: string | undefined): Promise<void> {
    const at = now();
    const isNew = at.getTime() - Date.parse(user.createdAt) < config.velocity.newAccountDays * DAY_MS;
    const limit = isNew ? config.velocity.newAccount : config.velocity.established;
    const who = isNew ? `Accounts younger than ${config.velocity.newAccountDays} days` : 'Accounts';
    const recent = await countedOrders(executor, user.id, new Date(at.getTime() - DAY_MS), excludingOrderId);

    // The limit resets when enough of the last day's purchases fall out of the window for this one to fit.
    const refuse = (message: string, mustDrop: number): never => {
      const lastDropped = recent[Math.min(mustDrop, recent.length) - 1];
      const resetsAt = new Date(Date.parse(lastDropped?.created_at ?? at.toISOString()) + DAY_MS);
      throw new DomainError('limited', 'purchase_limit_reached', `${message} The limit resets at ${resetsAt.toISOString()}.`, {
        resetsAt: resetsAt.toISOString(),
        retryAfterMs: resetsAt.getTime() - at.getTime(),
      });
    };
    if (recent.length >= limit.purchasesPerDay) {
      refuse(`${who} may buy coins at most ${limit.purchasesPerDay} times in 24 hours; you have bought ${recent.length} times.`, recent.length - limit.purchasesPerDay + 1);
    }
    const bought = recent.reduce((sum, order) => sum + Number(order.coins), 0);
    if (bought + coins > limit.coinsPerDay) {
      let dropped = 0;
      let remaining = bought;
      while (remaining + coins > limit.coinsPerDay && dropped < recent.length) remaining -= Number(recent[dropped++]!.coins);
      const why =
        coins > limit.coinsPerDay
          ? `${who} may buy at most ${coinsText(limit.coinsPerDay)} in 24 hours, less than the ${coinsText(coins)} of this order.`
          : `${who} may buy at most ${coinsText(limit.coinsPerDay)} in 24 hours; you have bought ${coinsText(bought)}, so ${coinsText(coins)} more would go over.`;
      refuse(why, dropped);
    }
  }

  async function assertAllowed(executor: Kysely<Schema>, user: User, purchase: { coins: number; confirm: boolean; priceText: string; excludingOrderId?: string }): Promise<void> {
    // Limits first: an order they refuse must not ask the buyer to confirm it.
    await assertWithinBudget(executor, user.id, purchase.coins, purchase.excludingOrderId);
    await assertWithinVelocity(executor, user, purchase.coins, purchase.excludingOrderId);
    if (!purchase.confirm && purchase.coins >= config.largePurchaseCoins) {
      throw DomainError.invalidField('confirm', 'confirmation_required', `This order is for ${coinsText(purchase.coins)} (${purchase.priceText}). Confirm to place it.`);
    }
  }

  return {
    getBudget: readBudget,

    async setBudget(userId, next) {
      const current = limitsOf(await budgetRow(userId));
      const raises = PERIODS.some((period) => looser(next[period], current[period]));
      const inForce: BudgetLimits = { daily: null, weekly: null, monthly: null };
      for (const period of PERIODS) inForce[period] = looser(next[period], current[period]) ? current[period] : next[period];
      const values = {
        ...columnsOf(inForce),
        pending_limits: raises ? JSON.stringify(next) : null,
        pending_effective_at: raises ? new Date(now().getTime() + config.budgetRaiseDelayMs).toISOString() : null,
        updated_at: now().toISOString(),
      };
      await kysely
        .insertInto('spending_budgets')
        .values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
      return readBudget(userId);
    },

    /** `excludingOrderId` is the order being paid, when it is checked again at checkout. */
    async assertPurchaseAllowed(userId, purchase) {
      await assertAllowed(kysely, await accounts.getUser(userId), purchase);
    },

    /**
     * `claim` runs in the same write transaction, which holds the buyer's purchase lock: whatever it writes
     * to make the order count is seen by the next purchase of that buyer, so concurrent checkouts cannot
     * all pass the limits.
     */
    async claimPurchase(userId, purchase, claim) {
      // Read before the transaction: on SQLite it holds the only connection.
      const user = await accounts.getUser(userId);
      return writeTransaction(db, async (trx) => {
        await lockKeyForTransaction(db, trx, `purchases:${userId}`);
        await assertAllowed(trx, user, { ...purchase, confirm: true });
        return claim(trx);
      });
    },
  };
}
