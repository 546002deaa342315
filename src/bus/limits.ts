import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { WindowCounter } from '../shared/window-counter.js';

/**
 * A count per key in fixed windows (a key's window starts at its first count), such as failed sign-ins
 * per address. Every step is atomic where the count is kept, so concurrent callers, in this process or
 * in others sharing the count, cannot all pass a check made before their counts.
 */
export interface SharedLimit {
  /** Counts one for `key` unless it is at the limit: answers 0 when counted, else the milliseconds until it may act again. */
  take(key: string): Promise<number>;
  /** Gives back one count `take` took, for something that turned out not to count. */
  release(key: string): Promise<void>;
  /** Counts one for `key` whatever its count: answers the count, this one included, and the milliseconds left in its window. */
  hit(key: string): Promise<{ count: number; resetInMs: number }>;
}

/** Where limits are counted: in this process, or in the bus's Redis for every process that shares it. */
export interface LimitStore {
  /** True when every process on the bus shares the counts (Redis). */
  readonly shared: boolean;
  /** The limit `name` (a namespace for its keys) of `max` per `windowMs`. */
  limit(name: string, max: number, windowMs: number): SharedLimit;
}

/** Counts kept in this process's memory: each process counts alone, and a restart forgets. */
export function memoryLimits(nowMs: () => number = Date.now): LimitStore {
  return {
    shared: false,
    limit(_name, max, windowMs) {
      const counter = new WindowCounter(max, windowMs, nowMs);
      return {
        take: async (key) => counter.take(key),
        release: async (key) => counter.release(key),
        async hit(key) {
          const { count, resetInMs } = counter.count(key);
          return { count, resetInMs };
        },
      };
    },
  };
}

/** Keys of the limits, beside the bus's channels on a Redis shared with other applications. */
const KEY_PREFIX = 'ovation:limit:';

/** Counts one unless at the limit (ARGV[1]); the first count starts the window (ARGV[2] ms). Answers {1, 0} when counted, {0, ms left} when not. */
const TAKE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = 0 end
  return {0, ttl}
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, 0}`;
/** Gives one back, never below zero, and never starts a window. */
const RELEASE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0`;
/** Counts one whatever the count; answers {count, ms left in the window}. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return {count, ttl}`;

/**
 * Counts kept in Redis, shared by every process on the same Redis. When Redis does not answer (it is
 * down, or the bus is reconnecting), the process counts in its own memory until it does, so a limit
 * still holds per process and sign-ins do not fail with the broker.
 */
export function redisLimits(redis: Redis, logger: Logger): LimitStore {
  const fallback = memoryLimits();
  let warned = false;
  const degraded = (error: unknown) => {
    if (!warned) logger.warn({ err: error }, 'Redis does not answer: rate limits are counted in this process until it does');
    warned = true;
  };
  const answered = () => {
    warned = false;
  };
  return {
    shared: true,
    limit(name, max, windowMs) {
      const local = fallback.limit(name, max, windowMs);
      const keyOf = (key: string) => `${KEY_PREFIX}${name}:${key}`;
      return {
        async take(key) {
          try {
            const [counted, ttl] = (await redis.eval(TAKE, 1, keyOf(key), max, windowMs)) as [number, number];
            answered();
            return counted === 1 ? 0 : Math.max(1, ttl);
          } catch (error) {
            degraded(error);
            return local.take(key);
          }
        },
        async release(key) {
          try {
            await redis.eval(RELEASE, 1, keyOf(key));
          } catch (error) {
            degraded(error);
            await local.release(key);
          }
        },
        async hit(key) {
          try {
            const [count, ttl] = (await redis.eval(HIT, 1, keyOf(key), windowMs)) as [number, number];
            answered();
            return { count, resetInMs: ttl };
          } catch (error) {
            degraded(error);
            return local.hit(key);
          }
        },
      };
    },
  };
}
