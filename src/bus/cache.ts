import type { Logger } from 'pino';
import type { Bus, BusSubscription } from './bus.js';

/** Published on a cache's topic: every process drops every entry. */
export const EVERY_KEY = '*';

/**
 * Values the request path reads without asking the database, shared in
 * spirit across processes: an entry is loaded on first use, served from
 * memory afterwards, and dropped in every process when any process calls
 * `invalidate` for its key (over the bus), or once it is `ttlMs` old, which
 * bounds how long a message lost on the bus can leave it stale. A cache never
 * decides money on its own: what must stop spending at once is also checked
 * inside the ledger's serialized write.
 */
export interface SharedCache<V> {
  /** The value for `key`, loading it when it is not here; concurrent misses share one load. A failed load is not kept. */
  get(key: string): Promise<V>;
  /** The value for `key` if it is here and loaded, without loading it. */
  peek(key: string): V | undefined;
  /** Drops `key` here at once and in every other process once the bus delivers it; `EVERY_KEY` drops everything. */
  invalidate(key: string): Promise<void>;
  /** Stops listening to the bus. */
  close(): Promise<void>;
}

export interface SharedCacheOptions<V> {
  bus: Bus;
  /** The bus topic its invalidations travel on; one per cache. */
  topic: string;
  load(key: string): Promise<V>;
  ttlMs: number;
  /** Past this many entries the oldest is dropped. */
  maxEntries: number;
  /** Told of every key dropped here (invalidated, expired or evicted), for caches that index entries another way too. */
  onDrop?(key: string): void;
  logger: Logger;
  nowMs?: () => number;
}

interface Entry<V> {
  promise: Promise<V>;
  value?: V;
  loadedAtMs: number;
}

export function createSharedCache<V>(options: SharedCacheOptions<V>): SharedCache<V> {
  const { bus, topic, ttlMs, maxEntries, logger } = options;
  const nowMs = options.nowMs ?? Date.now;
  const entries = new Map<string, Entry<V>>();

  function drop(key: string): void {
    if (key === EVERY_KEY) {
      for (const each of [...entries.keys()]) drop(each);
      return;
    }
    if (entries.delete(key)) options.onDrop?.(key);
  }

  // Until the subscription is in place (a few milliseconds at start) a word from another process can be missed: the ttl covers it.
  const subscription: Promise<BusSubscription | undefined> = bus.subscribe(topic, drop).catch((error: unknown) => {
    logger.error({ err: error, topic }, 'subscribing to cache invalidations failed; entries here change only when they expire');
    return undefined;
  });

  function live(key: string): Entry<V> | undefined {
    const entry = entries.get(key);
    if (entry && nowMs() - entry.loadedAtMs >= ttlMs) {
      drop(key);
      return undefined;
    }
    return entry;
  }

  return {
    get(key) {
      const cached = live(key);
      if (cached) return cached.promise;
      const entry: Entry<V> = { promise: options.load(key), loadedAtMs: nowMs() };
      entries.set(key, entry);
      if (entries.size > maxEntries) drop(entries.keys().next().value!);
      entry.promise.then(
        (value) => {
          entry.value = value;
        },
        () => {
          if (entries.get(key) === entry) drop(key);
        },
      );
      return entry.promise;
    },
    peek(key) {
      return live(key)?.value;
    },
    async invalidate(key) {
      drop(key);
      await bus.publish(topic, key).catch((error: unknown) => logger.warn({ err: error, topic, key }, 'publishing a cache invalidation failed; other processes drop the entry when it expires'));
    },
    close: async () => (await subscription)?.unsubscribe(),
  };
}
