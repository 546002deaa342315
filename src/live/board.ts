import type { TopGifterEntry } from './protocol.js';

interface Supporter {
  userId: string;
  /** Null until the profile is looked up (a sender first seen in an event, which carries no handle). */
  handle: string | null;
  displayName: string;
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
  load(entries: readonly TopGifterEntry[]): void {
    const base = -entries.length - this.arrivals;
    entries.forEach((entry, index) => {
      const seen = this.supporters.get(entry.userId);
      this.supporters.set(entry.userId, {
        userId: entry.userId,
        handle: entry.handle,
        displayName: entry.displayName,
        coins: entry.coins + (seen?.coins ?? 0),
        lastSentAt: seen?.lastSentAt ?? '',
        order: seen?.order ?? base + index,
      });
    });
  }

  add(senderId: string, senderName: string, coins: number, sentAt: string): void {
    const supporter = this.supporters.get(senderId);
    if (supporter) {
      supporter.coins += coins;
      if (sentAt >= supporter.lastSentAt) supporter.lastSentAt = sentAt;
      supporter.order = this.arrivals++;
    } else {
      this.supporters.set(senderId, { userId: senderId, handle: null, displayName: senderName, coins, lastSentAt: sentAt, order: this.arrivals++ });
    }
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
}

function ahead(a: Supporter, b: Supporter): boolean {
  if (a.coins !== b.coins) return a.coins > b.coins;
  if (a.lastSentAt !== b.lastSentAt) return a.lastSentAt < b.lastSentAt;
  return a.order < b.order;
}

export function entryOf(supporter: Supporter): TopGifterEntry | undefined {
  return supporter.handle === null ? undefined : { userId: supporter.userId, handle: supporter.handle, displayName: supporter.displayName, coins: supporter.coins };
}
