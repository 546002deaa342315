import { sql } from 'kysely';
import { InvalidValue } from '../config/index.js';
import type { Database } from '../db/index.js';
import { journalWithResolutions, userDiamondWalletId, walletCreditsByPeriod, type Ledger } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { inForceAt, withEffectiveUntil } from '../shared/schedule.js';
import { instantOf } from '../wallet/index.js';
import { diamondValue, lotsCashValue, type DiamondValue, type EarningsConfig } from './config.js';

/** A diamond value and the instant from which diamonds earned take it; the first rate (PAYOUT_DIAMOND_VALUE) has no start. */
export interface DiamondRate {
  /** Inclusive, ISO 8601 UTC; null for PAYOUT_DIAMOND_VALUE, in force from the beginning. */
  effectiveFrom: string | null;
  /** Exclusive: when the next rate takes over, or null for the latest. */
  effectiveUntil: string | null;
  value: DiamondValue;
  /** The admin who set it; null for PAYOUT_DIAMOND_VALUE. */
  setBy: string | null;
}

export interface Money {
  amount: bigint;
  currency: string;
}

/**
 * The diamond's cash value over time. A diamond is worth the rate in force when it was earned (its
 * credit's transfer time), and the diamonds that leave a wallet (payouts, clawbacks) are its oldest
 * first, so a new rate values only diamonds earned from its start. docs/finance.md#the-diamonds-value.
 */
export interface DiamondValues {
  /** Every rate, oldest first; the first is PAYOUT_DIAMOND_VALUE. */
  schedule(): Promise<DiamondRate[]>;
  /** Sets a new value from `effectiveFrom`, which must be in the future: a value never reaches back to diamonds already earned. */
  set(adminId: string, input: { amount: string; effectiveFrom: string }): Promise<DiamondRate>;
  /** What the creator's posted diamond balance (holds included) is worth. */
  balanceValue(creatorId: string): Promise<Money>;
  /** What the next `diamonds` a payout would take (the oldest not held) are worth. */
  payoutValue(creatorId: string, diamonds: bigint): Promise<Money>;
  /** What every creator's diamonds held before `at` (exclusive) are worth, each wallet valued as its balance is: the platform's liability for diamonds. */
  outstandingValue(at: string): Promise<Money>;
  /** What `diamonds` are worth at the value in force when the schedule was last read; prices minimums, not balances. */
  atValueInForce(diamonds: bigint): Money;
}

/** The rate of `rates` (oldest first) in force at the instant `at`: the first is in force from the beginning. */
export function rateInForce(rates: readonly DiamondRate[], at: string): DiamondRate {
  return inForceAt(rates, at)!;
}

export function createDiamondValues(deps: { db: Database; ledger: Pick<Ledger, 'getAccount'>; config: EarningsConfig; now: () => Date }): DiamondValues {
  const { db, ledger, config, now } = deps;
  const kysely = db.kysely;
  const first: DiamondRate = { effectiveFrom: null, effectiveUntil: null, value: config.diamondValue, setBy: null };
  let inForce = config.diamondValue;

  async function schedule(): Promise<DiamondRate[]> {
    const rows = await kysely.selectFrom('diamond_values').selectAll().orderBy('effective_from').execute();
    const linked = withEffectiveUntil([
      first,
      ...rows.map((row) => ({
        effectiveFrom: row.effective_from,
        value: { numeratorMinor: row.numerator_minor, denominator: row.denominator, currency: row.currency },
        setBy: row.set_by,
      })),
    ]);
    inForce = rateInForce(linked, now().toISOString()).value;
    return linked;
  }

  /** The wallet's remaining diamonds by the rate they were earned at, oldest first, after `spent` more leave it. */
  async function remainingLots(creatorId: string, spentBeyondPosted: bigint): Promise<{ diamonds: bigint; value: DiamondValue }[]> {
    const rates = await schedule();
    const earnedWhen = rates.map((rate, index) => {
      const inRate = [rate.effectiveFrom === null ? sql`1 = 1` : sql`t.created_at >= ${rate.effectiveFrom}`, rate.effectiveUntil === null ? sql`1 = 1` : sql`t.created_at < ${rate.effectiveUntil}`];
      return sql<bigint>`cast(coalesce(sum(case when t.type in ('posted', 'post_pending', 'reversal') and e.amount > 0 and ${sql.join(inRate, sql` and `)} then e.amount else 0 end), 0) as bigint)`.as(
        `earned_${index}`,
      );
    });
    const row = (await journalWithResolutions(kysely, userDiamondWalletId(creatorId))
      .select([...earnedWhen, sql<bigint>`cast(coalesce(sum(case when t.type in ('posted', 'post_pending', 'reversal') and e.amount < 0 then -e.amount else 0 end), 0) as bigint)`.as('spent')])
      .executeTakeFirstOrThrow()) as Record<string, bigint>;
    return oldestFirstLeft(
      rates,
      rates.map((_, index) => BigInt(row[`earned_${index}`]!)),
      BigInt(row.spent!) + spentBeyondPosted,
    );
  }

  /** What is left of each rate's diamonds once `spent` left oldest first; more spent than earned (a clawback past zero) is owed at the value in force. */
  function oldestFirstLeft(rates: readonly DiamondRate[], earnedByRate: readonly bigint[], spent: bigint): { diamonds: bigint; value: DiamondValue }[] {
    let left = spent;
    const lots = rates.map((rate, index) => {
      const earned = earnedByRate[index]!;
      const taken = left < earned ? left : earned;
      left -= taken;
      return { diamonds: earned - taken, value: rate.value };
    });
    return left > 0n ? [...lots, { diamonds: -left, value: inForce }] : lots;
  }

  return {
    schedule,

    async set(adminId, input) {
      const effectiveFrom = instantOf(input.effectiveFrom, 'effectiveFrom');
      if (effectiveFrom <= now().toISOString()) {
        throw DomainError.invalidField('effectiveFrom', 'effective_date_not_future', 'A new diamond value starts in the future: diamonds already earned keep the value they were earned at.');
      }
      let value: DiamondValue;
      try {
        value = diamondValue().parse(`${input.amount} ${config.diamondValue.currency}`);
      } catch (error) {
        if (error instanceof InvalidValue) throw DomainError.invalidField('amount', 'invalid_diamond_value', `amount: ${error.message}`);
        throw error;
      }
      const inserted = await kysely
        .insertInto('diamond_values')
        .values({ effective_from: effectiveFrom, numerator_minor: value.numeratorMinor, denominator: value.denominator, currency: value.currency, set_by: adminId, created_at: now().toISOString() })
        .onConflict((oc) => oc.column('effective_from').doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n) throw DomainError.conflict('diamond_value_exists', `A diamond value already starts at ${effectiveFrom}.`);
      return (await schedule()).find((rate) => rate.effectiveFrom === effectiveFrom)!;
    },

    async balanceValue(creatorId) {
      return lotsCashValue(await remainingLots(creatorId, 0n));
    },

    async payoutValue(creatorId, diamonds) {
      const held = (await ledger.getAccount(userDiamondWalletId(creatorId)))?.pendingDebits ?? 0n;
      let wanted = diamonds;
      const taken = (await remainingLots(creatorId, held)).map((lot) => {
        const take = lot.diamonds <= 0n ? 0n : lot.diamonds < wanted ? lot.diamonds : wanted;
        wanted -= take;
        return { diamonds: take, value: lot.value };
      });
      // Asked for more than is left: the payout's own rules refuse it; value the rest at the latest rate meanwhile.
      return lotsCashValue([...taken, { diamonds: wanted, value: inForce }]);
    },

    async outstandingValue(at) {
      const rates = await schedule();
      const boundaries = rates.flatMap((rate) => (rate.effectiveFrom === null ? [] : [rate.effectiveFrom]));
      const wallets = await walletCreditsByPeriod(kysely, 'user_diamond', at, boundaries);
      // Each wallet is valued as its balance is (rounded down once), so the total is the sum of the creators' cash values.
      const amount = wallets.reduce((sum, wallet) => sum + lotsCashValue(oldestFirstLeft(rates, wallet.credits, wallet.debits)).amount, 0n);
      return { amount, currency: config.diamondValue.currency };
    },

    atValueInForce(diamonds) {
      return lotsCashValue([{ diamonds, value: inForce }]);
    },
  };
}
