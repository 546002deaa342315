import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createMemoryBus, MemoryHub } from './memory.js';
import { createSharedCache, EVERY_KEY, type SharedCache } from './cache.js';

describe('shared cache', () => {
  const logger = pino({ level: 'silent' });
  const hub = new MemoryHub();
  const caches: SharedCache<string>[] = [];
  after(async () => {
    for (const cache of caches) await cache.close();
  });

  /** A cache in its own "process" on the shared hub, counting its loads of each key; values carry the load number. */
  function cacheOn(options: { ttlMs?: number; nowMs?: () => number } = {}) {
    const loads = new Map<string, number>();
    const cache = createSharedCache<string>({
      bus: createMemoryBus(logger, hub),
      topic: 'test:cache',
      ttlMs: options.ttlMs ?? 60_000,
      maxEntries: 3,
      logger,
      nowMs: options.nowMs,
      async load(key) {
        const count = (loads.get(key) ?? 0) + 1;
        loads.set(key, count);
        if (key === 'fails') throw new Error('no such thing');
        return `${key}#${count}`;
      },
    });
    caches.push(cache);
    return { cache, loads };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('loads once for concurrent misses and serves from memory afterwards', async () => {
    const { cache, loads } = cacheOn();
    await settle();
    assert.deepEqual(await Promise.all([cache.get('a'), cache.get('a'), cache.get('a')]), ['a#1', 'a#1', 'a#1']);
    assert.equal(await cache.get('a'), 'a#1');
    assert.equal(loads.get('a'), 1);
  });

  it('an invalidation in one process drops the entry in every other, which loads it again', async () => {
    const first = cacheOn();
    const second = cacheOn();
    await settle();
    assert.equal(await first.cache.get('user'), 'user#1');
    assert.equal(await second.cache.get('user'), 'user#1');
    await first.cache.invalidate('user');
    await settle();
    assert.equal(second.cache.peek('user'), undefined);
    assert.equal(await second.cache.get('user'), 'user#2');
    assert.equal(await first.cache.get('user'), 'user#2');
    await second.cache.invalidate(EVERY_KEY);
    await settle();
    assert.equal(first.cache.peek('user'), undefined);
  });

  it('drops entries once they are older than the ttl, and never keeps a failed load', async () => {
    let now = 0;
    const { cache, loads } = cacheOn({ ttlMs: 1000, nowMs: () => now });
    await settle();
    assert.equal(await cache.get('k'), 'k#1');
    now = 999;
    assert.equal(await cache.get('k'), 'k#1');
    now = 1000;
    assert.equal(await cache.get('k'), 'k#2');
    await assert.rejects(cache.get('fails'));
    await settle();
    await assert.rejects(cache.get('fails'));
    assert.equal(loads.get('fails'), 2);
  });

  it('keeps at most its bound of entries, dropping the oldest', async () => {
    const { cache, loads } = cacheOn();
    await settle();
    for (const key of ['1', '2', '3', '4']) await cache.get(key);
    assert.equal(cache.peek('1'), undefined);
    assert.equal(cache.peek('4'), '4#1');
    await cache.get('1');
    assert.equal(loads.get('1'), 2);
  });
});
