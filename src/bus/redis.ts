import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { brokerBus, CONNECT_TIMEOUT_MS, describeBusUrl } from './broker.js';
import type { Bus } from './bus.js';
import { redisLimits } from './limits.js';

/** Namespaces the bus's channels on a Redis shared with other applications. */
const CHANNEL_PREFIX = 'ovation:';
/** Longest pause between reconnection attempts once the bus is running. */
const RECONNECT_MAX_DELAY_MS = 2000;
/** Reconnection attempts a command waits through before it rejects: a publish fails fast and the outbox retries it. */
const COMMAND_MAX_RECONNECT_ATTEMPTS = 2;

export interface RedisBusOptions {
  /** How long to wait for Redis at start. */
  connectTimeoutMs?: number;
}

/**
 * A bus on Redis pub/sub, channel `ovation:<topic>`. Publishing and
 * subscribing use separate connections, since a subscribed connection can
 * send nothing else. Rejects when Redis does not answer in time.
 */
export async function createRedisBus(url: string, logger: Logger, options: RedisBusOptions = {}): Promise<Bus> {
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const where = describeBusUrl(url);
  let started = false;
  let startupError: Error | undefined;

  const connect = (role: 'publisher' | 'subscriber'): Redis => {
    const redis = new Redis(url, {
      lazyConnect: true,
      connectionName: `ovation-bus-${role}`,
      connectTimeout: connectTimeoutMs,
      // At start a failure is final, so a misconfigured process stops; once running, reconnect for as long as it takes.
      retryStrategy: (attempts: number) => (started ? Math.min(attempts * 100, RECONNECT_MAX_DELAY_MS) : null),
      maxRetriesPerRequest: COMMAND_MAX_RECONNECT_ATTEMPTS,
      // The subscriber's channels are subscribed again after each reconnect (ioredis's default, relied on).
      autoResubscribe: true,
    });
    // One warning per outage, not one per reconnection attempt.
    let connected = false;
    const lost = (error: Error | undefined) => {
      logger.warn({ err: error, bus: where, role }, 'Redis bus connection lost; reconnecting');
      connected = false;
    };
    redis.on('error', (error: Error) => {
      if (!started) startupError ??= error;
      else if (connected) lost(error);
      else logger.debug({ err: error, bus: where, role }, 'Redis bus still unreachable');
    });
    // A connection closed without an error (a server restart, CLIENT KILL) shows only as reconnecting.
    redis.on('reconnecting', () => {
      if (connected) lost(undefined);
    });
    redis.on('ready', () => {
      if (started && !connected) logger.info({ bus: where, role }, 'Redis bus reconnected');
      connected = true;
    });
    return redis;
  };

  const publisher = connect('publisher');
  const subscriber = connect('subscriber');
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([publisher.connect(), subscriber.connect()]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      }),
    ]);
  } catch (error) {
    publisher.disconnect();
    subscriber.disconnect();
    throw new Error(`cannot reach the Redis bus at ${where}: ${(startupError ?? (error as Error)).message}`);
  } finally {
    clearTimeout(timer);
  }
  started = true;
  logger.info({ bus: where }, 'Redis bus connected');

  // Limits count on the publisher's connection: a subscribed connection can send nothing else.
  const limits = redisLimits(publisher, logger);
  return brokerBus(
    'redis',
    logger,
    (deliver) => {
      subscriber.on('message', (channel: string, message: string) => {
        if (channel.startsWith(CHANNEL_PREFIX)) deliver(channel.slice(CHANNEL_PREFIX.length), message);
      });
      return {
        async publish(topic, message) {
          await publisher.publish(CHANNEL_PREFIX + topic, message);
        },
        async subscribe(topic) {
          await subscriber.subscribe(CHANNEL_PREFIX + topic);
        },
        async unsubscribe(topic) {
          await subscriber.unsubscribe(CHANNEL_PREFIX + topic);
        },
        async ping() {
          // Redis answers PING on a subscribed connection too: events reach this process only while both answer.
          await Promise.all([publisher.ping(), subscriber.ping()]);
        },
        async close() {
          await Promise.all([disconnect(publisher), disconnect(subscriber)]);
        },
      };
    },
    limits,
  );
}

/** QUIT lets Redis finish what was sent; a connection that is down is simply dropped. */
async function disconnect(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
