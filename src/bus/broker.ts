import type { Logger } from 'pino';
import type { Bus, BusKind, BusSubscription } from './bus.js';
import { memoryLimits, type LimitStore } from './limits.js';

/** Letters, digits, `_`, `-` and `:`, as in `live:live_3k9x…`: safe as a Redis channel and as one NATS subject token. */
const TOPIC_PATTERN = /^[A-Za-z0-9_:-]+$/;
const TOPIC_MAX_CHARS = 200;

/** How long creating a bus waits for its broker: a process should fail at start, not hang. */
export const CONNECT_TIMEOUT_MS = 5000;

/** Throws a TypeError for a topic the bus does not carry. */
function assertTopic(topic: string): void {
  if (topic.length > TOPIC_MAX_CHARS || !TOPIC_PATTERN.test(topic)) {
    throw new TypeError(`bus topic must be 1 to ${TOPIC_MAX_CHARS} letters, digits, "_", "-" or ":", got ${JSON.stringify(topic.slice(0, TOPIC_MAX_CHARS))}`);
  }
}

/** The URL without its password, for logs and error messages. */
export function describeBusUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** Hands a message the broker received on a topic to that topic's handlers. */
export type Deliver = (topic: string, message: string) => void;

/**
 * One connection to a broker, as a Bus needs it: at most one broker
 * subscription per topic, with the handlers multiplexed above it.
 */
export interface Broker {
  /** Must hand the message to the connection before returning its promise, so that call order is send order. */
  publish(topic: string, message: string): Promise<void>;
  /** Resolves once the broker routes the topic's messages to `deliver`. */
  subscribe(topic: string): Promise<void>;
  /** Messages already on their way may still reach `deliver`; the bus drops them once the topic has no handlers. */
  unsubscribe(topic: string): Promise<void>;
  /** A round trip to the broker on each connection. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface Handler {
  readonly handle: (message: string) => unknown;
}

interface TopicState {
  readonly handlers: Set<Handler>;
  /** Whether the broker holds a subscription for the topic. */
  subscribed: boolean;
  /** Broker calls for the topic, one at a time, so a subscribe never overtakes an unsubscribe. */
  queue: Promise<void>;
  /** Broker calls queued or running; the state is forgotten only when none are. */
  pendingCalls: number;
}

/**
 * A Bus over a broker connection. `connect` receives the function through
 * which the broker hands over each message it receives.
 */
export function brokerBus(kind: BusKind, logger: Logger, connect: (deliver: Deliver) => Broker, limits: LimitStore = memoryLimits()): Bus {
  const topics = new Map<string, TopicState>();
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing) throw new Error(`the ${kind} bus is closed`);
  }

  function report(error: unknown, topic: string): void {
    logger.error({ err: error, topic }, 'bus handler failed');
  }

  const broker = connect((topic, message) => {
    const state = topics.get(topic);
    if (!state) return;
    // A snapshot, so a handler added while delivering waits for the next message; `has` skips one removed meanwhile.
    for (const handler of [...state.handlers]) {
      if (!state.handlers.has(handler)) continue;
      try {
        const result: unknown = handler.handle(message);
        if (result instanceof Promise) result.catch((error: unknown) => report(error, topic));
      } catch (error) {
        report(error, topic);
      }
    }
  });

  function forgetIfIdle(topic: string, state: TopicState): void {
    if (state.pendingCalls === 0 && state.handlers.size === 0 && !state.subscribed && topics.get(topic) === state) topics.delete(topic);
  }

  /** Brings the broker subscription in line with whether the topic has handlers. */
  async function reconcile(topic: string, state: TopicState): Promise<void> {
    state.pendingCalls++;
    const call = state.queue.then(async () => {
      if (closing) return;
      const wanted = state.handlers.size > 0;
      if (wanted && !state.subscribed) {
        await broker.subscribe(topic);
        state.subscribed = true;
      } else if (!wanted && state.subscribed) {
        await broker.unsubscribe(topic);
        state.subscribed = false;
      }
    });
    state.queue = call.catch(() => {});
    try {
      await call;
    } finally {
      state.pendingCalls--;
      forgetIfIdle(topic, state);
    }
  }

  return {
    kind,
    limits,

    async publish(topic, message) {
      assertTopic(topic);
      assertOpen();
      await broker.publish(topic, message);
    },

    async subscribe(topic, handle) {
      assertTopic(topic);
      assertOpen();
      let state = topics.get(topic);
      if (!state) {
        state = { handlers: new Set(), subscribed: false, queue: Promise.resolve(), pendingCalls: 0 };
        topics.set(topic, state);
      }
      const handler: Handler = { handle };
      state.handlers.add(handler);
      try {
        await reconcile(topic, state);
      } catch (error) {
        state.handlers.delete(handler);
        forgetIfIdle(topic, state);
        throw error;
      }
      assertOpen();
      const subscribed = state;
      return {
        async unsubscribe() {
          if (!subscribed.handlers.delete(handler) || closing) return;
          await reconcile(topic, subscribed);
        },
      } satisfies BusSubscription;
    },

    async ping() {
      assertOpen();
      await broker.ping();
    },

    close() {
      closing ??= (async () => {
        topics.clear();
        await broker.close();
      })();
      return closing;
    },
  };
}
