import type { Logger } from 'pino';
import { parseBusUrl, type BrokerKind } from '../config/index.js';
import type { LimitStore } from './limits.js';
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
  /** Resolves once the broker has answered on every connection the bus holds; rejects while it cannot (for readiness probes). */
  ping(): Promise<void>;
  /** Ends every subscription and the broker connections. Publishing or subscribing afterwards rejects. */
  close(): Promise<void>;
  /** Where rate limits count: Redis's memory, shared by every process on it, or else this process's own. */
  readonly limits: LimitStore;
}

export type BusKind = 'memory' | BrokerKind;

/**
 * The in-process bus when `url` is undefined, else Redis or NATS. Rejects when
 * the URL is invalid or the broker cannot be reached within CONNECT_TIMEOUT_MS.
 */
export async function createBus(url: string | undefined, logger: Logger): Promise<Bus> {
  if (url === undefined) return createMemoryBus(logger);
  let kind: BrokerKind;
  try {
    kind = parseBusUrl(url);
  } catch (error) {
    throw new Error(`BUS_URL: ${(error as Error).message}`);
  }
  // Loaded on demand: a single process on the in-process bus never loads a broker client.
  if (kind === 'redis') return (await import('./redis.js')).createRedisBus(url, logger);
  return (await import('./nats.js')).createNatsBus(url, logger);
}
