import type { FanBadge, SubscriberBadge, TopGifterEntry } from './protocol.js';

/**
 * Tells a live's rooms, in every process, that a clawback took coins a sender paid in the live off its
 * board (the records' board already left them out in the clawback's transaction). Rooms keep it to
 * themselves: clients see the board change.
 */
export const SUPPORT_TAKEN_BACK = '_support_taken_back';
export type SupportTakenBack = { type: typeof SUPPORT_TAKEN_BACK; userId: string; coins: number };

/** A supporter's total from the records, as the gifts module answers it. */
export type SupporterTotal = Omit<TopGifterEntry, 'subscriber'>;

interface Supporter {
  userId: string;
  /** Null until the profile is looked up (a sender first seen in an event, which carries no handle). */
  handle: string | null;
  displayName: string;
  /** Their subscription to the room's creator; undefined until looked up, which happens once they reach the board. */
  subscriber: SubscriberBadge | null | undefined;
  /** Gifter level and fan badge: looked up with the subscription, then kept from the payments' events. */
  level?: number;
  fan?: FanBadge | null;
  coins: number;
  /** When the supporter last sent coins ('' for totals loaded from the records); ties go to whoever reached the total first. */
  lastSentAt: string;
  /** Order of arrival, for ties within one instant and among loaded totals. */
  order: number;
}

/**
 * A live's supporters by coins, kept in memory: loaded from the gift records once, then counted up
 * from each money event the room receives, in the order of the records' own board (coins, then
 * whoever reached the total first).
 */
export class SupporterBoard {
  private readonly supporters = new Map<string, Supporter>();
  private arrivals = 0;

  /** Totals from the records, best first; counted under whatever the room already added. */
  load(entries: readonly SupporterTotal[]): void {
    const base = -entries.length - this.arrivals;
    entries.forEach((entry, index) => {
      const seen = this.supporters.get(entry.userId);
      this.supporters.set(entry.userId, {
        userId: entry.userId,
        handle: entry.handle,
        displayName: entry.displayName,
        subscriber: seen?.subscriber,
        coins: entry.coins + (seen?.coins ?? 0),
        lastSentAt: seen?.lastSentAt ?? '',
        order: seen?.order ?? base + index,
      });
    });
  }

  add(senderId: string, senderName: string, coins: number, sentAt: string, senderLevel: number | undefined): void {
    const supporter = this.supporters.get(senderId);
    if (supporter) {
      if (senderLevel !== undefined && senderLevel > (supporter.level ?? 0)) supporter.level = senderLevel;
      supporter.coins += coins;
      if (sentAt >= supporter.lastSentAt) supporter.lastSentAt = sentAt;
      supporter.order = this.arrivals++;
    } else {
      this.supporters.set(senderId, { userId: senderId, handle: null, displayName: senderName, subscriber: undefined, level: senderLevel, coins, lastSentAt: sentAt, order: this.arrivals++ });
    }
  }

  /** Takes clawed-back coins off a supporter; one left with none leaves the board, as from the records' board. Answers whether it changed. */
  take(senderId: string, coins: number): boolean {
    const supporter = this.supporters.get(senderId);
    if (!supporter || coins <= 0) return false;
    supporter.coins -= coins;
    if (supporter.coins <= 0) this.supporters.delete(senderId);
    return true;
  }

  /** The best `limit` supporters, with whether their profile is known. */
  top(limit: number): Supporter[] {
    const best: Supporter[] = [];
    for (const supporter of this.supporters.values()) {
      if (best.length === limit && !ahead(supporter, best[limit - 1]!)) continue;
      let at = best.length;
      while (at > 0 && ahead(supporter, best[at - 1]!)) at--;
      best.splice(at, 0, supporter);
      if (best.length > limit) best.pop();
    }
    return best;
  }

  setProfile(userId: string, handle: string, displayName: string): void {
    const supporter = this.supporters.get(userId);
    if (!supporter) return;
    supporter.handle = handle;
    supporter.displayName = displayName;
  }

  /** Sets a supporter's badge (undefined: to be looked up again); answers whether they are a supporter. */
  setSubscriber(userId: string, subscriber: SubscriberBadge | null | undefined): boolean {
    const supporter = this.supporters.get(userId);
    if (!supporter) return false;
    supporter.subscriber = subscriber;
    return true;
  }

  /** Sets a supporter's gifter level and fan badge; answers whether they are a supporter. */
  setStatus(userId: string, status: { level?: number; fan?: FanBadge | null }): boolean {
    const supporter = this.supporters.get(userId);
    if (!supporter) return false;
    Object.assign(supporter, status);
    return true;
  }

  /** Gives every known badge a new value (tiers renamed); answers whether any changed. */
  renameBadges(rename: (badge: SubscriberBadge) => SubscriberBadge): boolean {
    let changed = false;
    for (const supporter of this.supporters.values()) {
      if (!supporter.subscriber) continue;
      const renamed = rename(supporter.subscriber);
      changed ||= renamed.tierName !== supporter.subscriber.tierName;
      supporter.subscriber = renamed;
    }
    return changed;
  }
}

function ahead(a: Supporter, b: Supporter): boolean {
  if (a.coins !== b.coins) return a.coins > b.coins;
  if (a.lastSentAt !== b.lastSentAt) return a.lastSentAt < b.lastSentAt;
  return a.order < b.order;
}

export function entryOf(supporter: Supporter): TopGifterEntry | undefined {
  if (supporter.handle === null) return undefined;
  return {
    userId: supporter.userId,
    handle: supporter.handle,
    displayName: supporter.displayName,
    coins: supporter.coins,
    subscriber: supporter.subscriber ?? null,
    ...(supporter.level === undefined ? {} : { level: supporter.level }),
    ...(supporter.fan === undefined ? {} : { fan: supporter.fan }),
  };
}
