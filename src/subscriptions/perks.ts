import type { Logger } from 'pino';
import type { Bus, BusSubscription } from '../bus/index.js';
import type { Database } from '../db/index.js';
import type { SubscriptionEmote } from './tiers.js';

/** Every process hears here of a subscription or a creator's tiers that changed, once the change committed. */
const SUBSCRIPTIONS_CHANGED_TOPIC = 'subscriptions:changed';

/** A subscription of `subscriberId` to `creatorId` changed; without `subscriberId`, the creator's tiers did. */
export interface SubscriptionChange {
  creatorId: string;
  subscriberId?: string;
}

/** A subscription giving access now, as perks show it. */
export interface SubscriberAccess {
  tierLevel: number;
  totalMonths: number;
  streakMonths: number;
}

/** A tier as perks need it: its name for badges, its emotes for chat. Closed tiers too: their subscribers renew on them. */
export interface PerkTier {
  level: number;
  name: string;
  emotes: SubscriptionEmote[];
}

/**
 * What subscribers get outside the subscription itself (badges, emotes, subscriber-only chat and gifts), read
 * in batches for live rooms, and the word that something changed, which rooms in every process act on.
 */
export interface SubscriberPerks {
  /** Of these users, those whose subscription to the creator gives access now (active, or past due within grace): one read for all. */
  accessOfMany(creatorId: string, userIds: readonly string[]): Promise<Map<string, SubscriberAccess>>;
  /** The creator's tiers by level, closed ones included. */
  tiersOf(creatorId: string): Promise<PerkTier[]>;
  /** Tells every process that a change committed. Never rejects: a lost word leaves a badge stale until the viewer joins again. */
  changed(change: SubscriptionChange): void;
  /** Hears every process's changes, this one's included. */
  onChanged(listener: (change: SubscriptionChange) => void): Promise<BusSubscription>;
}

export function createSubscriberPerks(deps: { db: Database; bus: Bus; logger: Logger; now: () => Date }): SubscriberPerks {
  const { bus, logger, now } = deps;
  const kysely = deps.db.kysely;

  return {
    async accessOfMany(creatorId, userIds) {
      const found = new Map<string, SubscriberAccess>();
      if (userIds.length === 0) return found;
      const at = now().toISOString();
      const rows = await kysely
        .selectFrom('subscriptions')
        .select(['subscriber_id', 'tier_level', 'total_months', 'streak_months'])
        .where('creator_id', '=', creatorId)
        .where('subscriber_id', 'in', [...new Set(userIds)])
        // The rule of Subscriptions.accessOf: active, or past due within its grace.
        .where((eb) => eb.or([eb('status', '=', 'active'), eb.and([eb('status', '=', 'past_due'), eb('grace_ends_at', '>', at)])]))
        .execute();
      for (const row of rows) {
        found.set(row.subscriber_id, { tierLevel: Number(row.tier_level), totalMonths: Number(row.total_months), streakMonths: Number(row.streak_months) });
      }
      return found;
    },

    async tiersOf(creatorId) {
      const rows = await kysely.selectFrom('subscription_tiers').select(['level', 'name', 'emotes']).where('creator_id', '=', creatorId).orderBy('level').execute();
      return rows.map((row) => ({ level: Number(row.level), name: row.name, emotes: JSON.parse(row.emotes) as SubscriptionEmote[] }));
    },

    changed(change) {
      bus.publish(SUBSCRIPTIONS_CHANGED_TOPIC, JSON.stringify(change)).catch((error: unknown) => logger.warn({ err: error, ...change }, 'publishing a subscription change failed'));
    },

    onChanged(listener) {
      return bus.subscribe(SUBSCRIPTIONS_CHANGED_TOPIC, (message) => {
        const { creatorId, subscriberId } = JSON.parse(message) as { creatorId?: unknown; subscriberId?: unknown };
        if (typeof creatorId !== 'string') return;
        listener(typeof subscriberId === 'string' ? { creatorId, subscriberId } : { creatorId });
      });
    },
  };
}
