import type { Logger } from 'pino';
import { createMemoryBus } from './memory.js';

export interface BusSubscription {
  /** Stops this handler; the broker subscription ends with the topic's last handler. Safe to call twice. */
  unsubscribe(): Promise<void>;
}

/**
 * Carries room events between server processes. Delivery is at most once:
 * a message published while a subscriber is cut off from the broker is lost
 * to it, which is why nothing that moves value depends on the bus.
 */
export interface Bus {
  readonly kind: BusKind;
  /**
   * Sends to every subscriber of the topic in every process, this one included.
   * Publishes from one process reach each subscriber in call order, even when
   * they are not awaited one by one. Rejects when the broker is unreachable.
   */
  publish(topic: string, message: string): Promise<void>;
  /** Resolves once messages published from now on reach `handler`. A handler that throws or rejects is logged and skipped. */
  subscribe(topic: string, handler: (message: string) => unknown): Promise<BusSubscription>;
  /** Ends every subscription and the broker connections. Publishing or subscribing afterwards rejects. */
  close(): Promise<void>;
}

export type BusKind = 'memory' | 'redis' | 'nats';

/** The broker a `BUS_URL` selects: `redis://` or `rediss://` (TLS) for Redis, `nats://` for NATS. Throws for anything else. */
export function parseBusUrl(url: string): Exclude<BusKind, 'memory'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('expected a URL such as redis://127.0.0.1:6379 or nats://127.0.0.1:4222');
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss' && scheme !== 'nats') {
    throw new Error(`scheme ${JSON.stringify(scheme)} is not supported (use redis://, rediss:// or nats://)`);
  }
  if (parsed.hostname === '') throw new Error(`expected a host, as in ${scheme}://127.0.0.1`);
  return scheme === 'nats' ? 'nats' : 'redis';
}

/**
 * The in-process bus when `url` is undefined, else Redis or NATS. Rejects when
 * the URL is invalid or the broker cannot be reached within CONNECT_TIMEOUT_MS.
 */
export async function createBus(url: string | undefined, logger: Logger): Promise<Bus> {
  if (url === undefined) return createMemoryBus(logger);
  let kind: Exclude<BusKind, 'memory'>;
  try {
    kind = parseBusUrl(url);
  } catch (error) {
    throw new Error(`BUS_URL: ${(error as Error).message}`);
  }
  // Loaded on demand: a single process on the in-process bus never loads a broker client.
  if (kind === 'redis') return (await import('./redis.js')).createRedisBus(url, logger);
  return (await import('./nats.js')).createNatsBus(url, logger);
}
