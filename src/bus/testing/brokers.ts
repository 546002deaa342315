import { Redis } from 'ioredis';
import { connect } from 'nats';
import type { BusKind } from '../bus.js';

const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_TEST_NATS_URL = 'nats://127.0.0.1:4222';
/** Reachability checks give up after this long. */
const CHECK_TIMEOUT_MS = 3000;

export function testRedisUrl(): string {
  return process.env.BUS_URL_TEST_REDIS || DEFAULT_TEST_REDIS_URL;
}

function testNatsUrl(): string {
  return process.env.BUS_URL_TEST_NATS || DEFAULT_TEST_NATS_URL;
}

/** Resolves to undefined when Redis answers a PING, else to the reason it does not. */
async function checkRedis(url: string): Promise<string | undefined> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: CHECK_TIMEOUT_MS, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `Redis not reachable at ${url}: ${(lastError ?? (error as Error)).message}`;
  } finally {
    redis.disconnect();
  }
}

/** Resolves to undefined when NATS answers a ping, else to the reason it does not. */
async function checkNats(url: string): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: new URL(url).host, timeout: CHECK_TIMEOUT_MS, reconnect: false });
    await nc.flush();
    await nc.close();
    return undefined;
  } catch (error) {
    return `NATS not reachable at ${url}: ${(error as Error).message}`;
  }
}

export interface BusUnderTest {
  kind: BusKind;
  /** The broker's URL; undefined for the in-process bus. */
  url: string | undefined;
  /** A reason to skip this kind's suites, or undefined to run them. */
  skip: string | undefined;
}

/**
 * The bus kinds a suite runs on: memory always; Redis and NATS when reachable.
 * Under CI=true an unreachable broker is an error, so CI can never pass by skipping.
 */
export async function busesUnderTest(): Promise<BusUnderTest[]> {
  const [redisReason, natsReason] = await Promise.all([checkRedis(testRedisUrl()), checkNats(testNatsUrl())]);
  const reasons = [redisReason, natsReason].filter((reason) => reason !== undefined);
  if (reasons.length > 0 && process.env.CI === 'true') {
    throw new Error(`${reasons.join('; ')}. CI=true requires Redis and NATS for the bus suites.`);
  }
  if (redisReason) console.warn(`SKIPPING Redis bus suites: ${redisReason} (set BUS_URL_TEST_REDIS)`);
  if (natsReason) console.warn(`SKIPPING NATS bus suites: ${natsReason} (set BUS_URL_TEST_NATS)`);
  return [
    { kind: 'memory', url: undefined, skip: undefined },
    { kind: 'redis', url: testRedisUrl(), skip: redisReason },
    { kind: 'nats', url: testNatsUrl(), skip: natsReason },
  ];
}
