import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import type { Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { CounterInput } from '../ledger/index.js';
import type { LevelUps } from './level-ups.js';
import type { LevelClaim, SenderLevels } from './sender-levels.js';
import { gifterLevelOf, type GifterLevel, type StatusConfig } from './levels.js';
import { periodBounds, periodStarts, type CREATOR_GIFTER_PERIODS, type CREATOR_PERIODS, type RankingPeriod } from './periods.js';

/** A payment to a creator as the running totals count it. */
export interface CountedPayment {
  senderId: string;
  creatorId: string;
  coins: number;
  diamonds: number;
  /** When it was sent: the periods it counts in. */
  at: Date;
}

/**
 * The counters a payment to a creator moves, for the ledger to apply in the payment's own transfer: the
 * sender's lifetime coins (their level), the creator's gifters of the day and of all time, and the
 * creator's hour. Longer periods are summed from these rows when read (a week of a creator's gifters
 * from its days, a day or a week of creators from its hours): four rows per payment, not eight. A clawback
 * takes them back for payments paid with a charged-back purchase: the sender's level falls with their
 * lifetime coins (the only way a level goes down).
 */
export function paymentCounters(payment: CountedPayment): CounterInput[] {
  const { senderId, creatorId, coins, diamonds, at } = payment;
  const starts = periodStarts(at);
  return [
    // The level is told its total; the rankings only add.
    { table: 'gifter_totals', key: { sender_id: senderId }, add: { coins }, totals: true },
    { table: 'creator_gifter_totals', key: { creator_id: creatorId, period: 'day', period_start: starts.day, sender_id: senderId }, add: { coins } },
    { table: 'creator_gifter_totals', key: allTimeGifterKey(creatorId, senderId), add: { coins } },
    { table: 'creator_totals', key: { period: 'hour', period_start: starts.hour, creator_id: creatorId }, add: { diamonds, coins } },
  ];
}

const allTimeGifterKey = (creatorId: string, senderId: string) => ({ creator_id: creatorId, period: 'all', period_start: '', sender_id: senderId });

/**
 * A counter that moves nothing but asks for the coins the sender has paid the creator (net of clawbacks)
 * right after the payment that carries it, its own coins included: for another module to count the
 * sender's coins to the creator from that payment on (see `coinsPaidToCreatorSql`).
 */
export function coinsPaidToCreatorTotal(creatorId: string, senderId: string): CounterInput {
  return { table: 'creator_gifter_totals', key: allTimeGifterKey(creatorId, senderId), add: { coins: 0 }, totals: true };
}

/** The coins a sender has paid a creator, net of clawbacks, as one SQL value (null when never paid). */
export function coinsPaidToCreatorSql(creatorId: Expression<string>, senderId: Expression<string>): RawBuilder<bigint | null> {
  return sql<bigint | null>`SELECT coins FROM creator_gifter_totals WHERE creator_id = ${creatorId} AND period = 'all' AND period_start = '' AND sender_id = ${senderId}`;
}

/** What gifts' payments to creators call: the counters a payment moves, its sender's level, and what follows once its transfer committed. */
export interface PaymentTotals {
  counters(payment: CountedPayment): CounterInput[];
  claimLevel(senderId: string, coins: number): Promise<LevelClaim>;
  committed(payment: CountedPayment & { liveId: string | null }, counterTotals: (Record<string, bigint> | null)[], level: LevelClaim): Promise<void>;
}

/** Payments' running totals, with their senders' levels and the level-ups they lead to. */
export function paymentTotals(levelUps: Pick<LevelUps, 'committed'>, senderLevels: SenderLevels): PaymentTotals {
  return {
    counters: paymentCounters,
    claimLevel: (senderId, coins) => senderLevels.claim(senderId, coins),
    async committed(payment, counterTotals, level) {
      // paymentCounters puts the sender's lifetime total first.
      const lifetimeCoinsAfter = counterTotals[0]!.coins!;
      level.committed(lifetimeCoinsAfter);
      await levelUps.committed({ senderId: payment.senderId, coins: payment.coins, liveId: payment.liveId, lifetimeCoinsAfter, at: payment.at });
    },
  };
}

export interface RankedUser {
  rank: number;
  userId: string;
  handle: string;
  displayName: string;
  coins: number;
}

export interface RankedCreator extends RankedUser {
  diamonds: number;
}

export interface Ranking<E> {
  period: RankingPeriod;
  /** The period's first instant; null for all time. */
  periodStart: string | null;
  entries: E[];
}

export interface Status {
  /** A viewer's gifter level, from their lifetime coins paid to creators. */
  gifterLevel(userId: string): Promise<GifterLevel>;
  /** The gifter levels of these users (1 for one who never paid): one read for all, for badges. */
  levelsOf(userIds: readonly string[]): Promise<Map<string, number>>;
  /** The creators paid the most diamonds in the hour, day or week that holds `at` (now when undefined). */
  topCreators(period: (typeof CREATOR_PERIODS)[number], at: Date | undefined, limit: number): Promise<Ranking<RankedCreator>>;
  /** A creator's biggest gifters by coins in the day, week or month that holds `at`, or of all time. */
  topGiftersOf(creatorHandle: string, period: (typeof CREATOR_GIFTER_PERIODS)[number], at: Date | undefined, limit: number): Promise<Ranking<RankedUser & { level: number }>>;
}

export interface StatusDependencies {
  kysely: Kysely<Schema>;
  accounts: Pick<Accounts, 'namesOf' | 'profile'>;
  config: StatusConfig;
  now: () => Date;
}

/** Gifter levels and rankings, read from the running totals the payments' transfers keep. */
export function createStatus(deps: StatusDependencies): Status {
  const { kysely, accounts, config, now } = deps;

  async function lifetimeCoins(userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await kysely.selectFrom('gifter_totals').select(['sender_id', 'coins']).where('sender_id', 'in', userIds).execute();
    return new Map(rows.map((row) => [row.sender_id, Number(row.coins)]));
  }

  /** Ranked rows with their users' names; a user who is gone drops out and the ranks close up. */
  async function named<R extends { userId: string }>(rows: R[]): Promise<(R & { rank: number; handle: string; displayName: string })[]> {
    const names = await accounts.namesOf(rows.map((row) => row.userId));
    return rows
      .flatMap((row) => {
        const name = names.get(row.userId);
        return name ? [Object.assign({}, row, { handle: name.handle, displayName: name.displayName })] : [];
      })
      .map((row, index) => Object.assign(row, { rank: index + 1 }));
  }

  return {
    async gifterLevel(userId) {
      return gifterLevelOf((await lifetimeCoins([userId])).get(userId) ?? 0, config.levelThresholds);
    },

    async levelsOf(userIds) {
      const coins = await lifetimeCoins(userIds);
      return new Map(userIds.map((userId) => [userId, gifterLevelOf(coins.get(userId) ?? 0, config.levelThresholds).level]));
    },

    async topCreators(period, at, limit) {
      const { start, end } = periodBounds(period, at ?? now());
      const rows = await kysely
        .selectFrom('creator_totals')
        .select((eb) => ['creator_id', eb.fn.sum<bigint>('diamonds').as('diamonds'), eb.fn.sum<bigint>('coins').as('coins')])
        .where('period', '=', 'hour')
        .where('period_start', '>=', start)
        .where('period_start', '<', end)
        .groupBy('creator_id')
        .having((eb) => eb.fn.sum('diamonds'), '>', 0n)
        .orderBy('diamonds', 'desc')
        .orderBy('creator_id')
        .limit(limit)
        .execute();
      const entries = await named(rows.map((row) => ({ userId: row.creator_id, diamonds: Number(row.diamonds), coins: Number(row.coins) })));
      return { period, periodStart: start, entries };
    },

    async topGiftersOf(creatorHandle, period, at, limit) {
      const creator = await accounts.profile(creatorHandle, undefined);
      if (!creator.isCreator) throw DomainError.notFound('creator_not_found', `@${creator.handle} is not a creator, so they have no gifters.`);
      const { start, end } = periodBounds(period, at ?? now());
      const rows = await kysely
        .selectFrom('creator_gifter_totals')
        .select((eb) => ['sender_id', eb.fn.sum<bigint>('coins').as('coins')])
        .where('creator_id', '=', creator.id)
        .$call((query) => (period === 'all' ? query.where('period', '=', 'all') : query.where('period', '=', 'day').where('period_start', '>=', start).where('period_start', '<', end)))
        .groupBy('sender_id')
        .having((eb) => eb.fn.sum('coins'), '>', 0n)
        .orderBy('coins', 'desc')
        .orderBy('sender_id')
        .limit(limit)
        .execute();
      const lifetime = await lifetimeCoins(rows.map((row) => row.sender_id));
      const entries = await named(rows.map((row) => ({ userId: row.sender_id, coins: Number(row.coins), level: gifterLevelOf(lifetime.get(row.sender_id) ?? 0, config.levelThresholds).level })));
      return { period, periodStart: period === 'all' ? null : start, entries };
    },
  };
}
