import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createSharedCache, type Bus, type BusSubscription } from '../bus/index.js';
import type { Schema } from '../db/index.js';
import { gifterLevelOf, type StatusConfig } from './levels.js';

/** A payment's place in its sender's lifetime total, claimed before its transfer is submitted. */
export interface LevelClaim {
  /** The sender's level with this payment, for its alert and answer. */
  level: number;
  /** The payment committed, and the ledger said what the sender's total became. */
  committed(lifetimeCoinsAfter: bigint): void;
  /** The payment was not made. */
  released(): void;
}

export interface SenderLevels {
  claim(senderId: string, coins: number): Promise<LevelClaim>;
  /** A clawback lowered these senders' lifetime totals and fan points (committed): every process reads them again. */
  lowered(senderIds: readonly string[]): Promise<void>;
  /** Hears, from every process, each sender a clawback lowered, for what shows their levels elsewhere (rooms' badges). */
  onLowered(listener: (senderId: string) => void): Promise<BusSubscription>;
  close(): Promise<void>;
}

/** Where `lowered` is told: the cache below drops the senders from it, and `onLowered` listens to it. */
const LOWERED_TOPIC = 'gifter_totals:lowered';

interface Known {
  /** The latest total the ledger reported (or the table held when first read). */
  coins: bigint;
  /** Coins of this process's payments submitted and not yet settled. */
  pending: number;
}

/**
 * Each sender's level as this process knows it, for payments' alerts without a database read each:
 * read once per sender, then set from what the ledger reports after each of this process's payments.
 * Payments through another process at the same moment may be missing from it until the sender's next
 * payment here; level-up events never depend on it (level-ups.ts). A total only falls through a
 * clawback, which drops the sender here and in every process over the bus (or after ten minutes, if
 * the word was lost).
 */
export function createSenderLevels(deps: { kysely: Kysely<Schema>; config: StatusConfig; bus: Bus; logger: Logger }): SenderLevels {
  const { kysely, config } = deps;
  const known = createSharedCache<Known>({
    bus: deps.bus,
    topic: LOWERED_TOPIC,
    load: async (senderId) => {
      const row = await kysely.selectFrom('gifter_totals').select('coins').where('sender_id', '=', senderId).executeTakeFirst();
      return { coins: row?.coins ?? 0n, pending: 0 };
    },
    ttlMs: 600_000,
    maxEntries: 100_000,
    logger: deps.logger,
  });

  return {
    async claim(senderId, coins) {
      const entry = await known.get(senderId);
      entry.pending += coins;
      let settled = false;
      const settle = () => {
        if (!settled) entry.pending -= coins;
        settled = true;
      };
      return {
        level: gifterLevelOf(Number(entry.coins) + entry.pending, config.levelThresholds).level,
        committed(lifetimeCoinsAfter) {
          settle();
          // Between clawbacks totals only grow: a report older than one seen already changes nothing.
          if (lifetimeCoinsAfter > entry.coins) entry.coins = lifetimeCoinsAfter;
        },
        released: settle,
      };
    },
    async lowered(senderIds) {
      await Promise.all(senderIds.map((senderId) => known.invalidate(senderId)));
    },
    onLowered: (listener) => deps.bus.subscribe(LOWERED_TOPIC, listener),
    close: () => known.close(),
  };
}
