import { sql, type Kysely } from 'kysely';
import type { Database, RepairResult, Schema } from '../db/index.js';
import { repairEach, writeTransaction } from '../db/index.js';
import type { OutboxRelay } from '../outbox/index.js';
import { gifterLevelOf, type StatusConfig } from './levels.js';

/** A payment whose transfer committed, with its sender's lifetime coins right after it. */
export interface CountedCommit {
  senderId: string;
  coins: number;
  /** The live it was sent in, whose room hears of a level reached there; null outside lives. */
  liveId: string | null;
  lifetimeCoinsAfter: bigint;
  at: Date;
}

export interface LevelUps {
  /** Announces the level a committed payment took its sender to, if it took them up: only the payment that crossed a threshold does. */
  committed(commit: CountedCommit): Promise<void>;
  /** At start: announces levels reached by payments whose process stopped before announcing them, and takes levels from before levels existed as they stand. */
  repair(): Promise<RepairResult>;
}

export interface LevelUpsDependencies {
  db: Database;
  events: Pick<OutboxRelay, 'append' | 'committed'>;
  config: StatusConfig;
  now: () => Date;
}

/** Viewers read by the start-up repair at a time. */
const REPAIR_PAGE = 500;

/**
 * `gifter.level_up` events: a level is announced once, by the payment whose transfer crossed its threshold
 * (the ledger tells each transfer its total right after it, in commit order), with the level recorded in the
 * same transaction as the event. A level is never announced twice, also after a clawback took the viewer
 * down and they climbed again.
 */
export function createLevelUps(deps: LevelUpsDependencies): LevelUps {
  const { db, events, config, now } = deps;

  async function announce(trx: Kysely<Schema>, senderId: string, level: number, coins: bigint, liveId: string | null, at: Date) {
    const raised = await trx
      .insertInto('gifter_levels')
      .values({ sender_id: senderId, level: BigInt(level), reached_at: at.toISOString() })
      .onConflict((conflict) =>
        conflict
          .column('sender_id')
          .doUpdateSet({ level: BigInt(level), reached_at: at.toISOString() })
          .where('gifter_levels.level', '<', BigInt(level)),
      )
      .returning('level')
      .executeTakeFirst();
    if (!raised) return [];
    const reached = { userId: senderId, level, lifetimeCoins: Number(coins), liveId, reachedAt: at.toISOString() };
    return events.append(trx, [
      { topic: 'webhook', payload: { event: 'gifter.level_up', data: reached } },
      ...(liveId === null ? [] : [{ topic: `live:${liveId}`, payload: { type: 'level_up', ...reached } }]),
    ]);
  }

  return {
    async committed(commit) {
      const after = gifterLevelOf(Number(commit.lifetimeCoinsAfter), config.levelThresholds).level;
      const before = gifterLevelOf(Number(commit.lifetimeCoinsAfter) - commit.coins, config.levelThresholds).level;
      if (after <= before) return;
      const messages = await writeTransaction(db, (trx) => announce(trx, commit.senderId, after, commit.lifetimeCoinsAfter, commit.liveId, commit.at));
      events.committed(messages);
    },

    async repair() {
      const result: RepairResult = { finished: 0, skipped: [] };
      let after = '';
      for (;;) {
        const rows = await db.kysely
          .selectFrom('gifter_totals as t')
          .leftJoin('gifter_levels as l', 'l.sender_id', 't.sender_id')
          .select(['t.sender_id', 't.coins', sql<bigint | null>`l.level`.as('announced')])
          .where('t.sender_id', '>', after)
          .orderBy('t.sender_id')
          .limit(REPAIR_PAGE)
          .execute();
        if (rows.length === 0) return result;
        after = rows.at(-1)!.sender_id;
        const behind = rows.flatMap((row) => {
          const level = gifterLevelOf(Number(row.coins), config.levelThresholds).level;
          const announced = row.announced === null ? 1 : Number(row.announced);
          return level > announced || (row.announced !== null && Number(row.announced) === 0) ? [Object.assign({}, row, { level })] : [];
        });
        const page = await repairEach(
          behind,
          (row) => row.sender_id,
          async (row) => {
            if (row.announced !== null && Number(row.announced) === 0) {
              await db.kysely
                .updateTable('gifter_levels')
                .set({ level: BigInt(row.level), reached_at: now().toISOString() })
                .where('sender_id', '=', row.sender_id)
                .where('level', '=', 0n)
                .execute();
              return;
            }
            const messages = await writeTransaction(db, (trx) => announce(trx, row.sender_id, row.level, row.coins, null, now()));
            events.committed(messages);
          },
        );
        result.finished += page.finished;
        result.skipped.push(...page.skipped);
      }
    },
  };
}
