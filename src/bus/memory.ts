import type { Logger } from 'pino';
import { brokerBus, type Broker, type Deliver } from './broker.js';
import type { Bus } from './bus.js';

/**
 * The broker behind in-process buses. Buses on one hub hear each other as
 * processes on one Redis do; each bus made without a hub gets its own.
 */
export class MemoryHub {
  private readonly subscribers = new Map<string, Set<Deliver>>();

  /** Delivers in a later microtask, so no handler runs inside publish; microtasks run in order, so messages do too. */
  publish(topic: string, message: string): void {
    queueMicrotask(() => {
      const delivers = this.subscribers.get(topic);
      if (delivers) for (const deliver of [...delivers]) deliver(topic, message);
    });
  }

  subscribe(topic: string, deliver: Deliver): void {
    let delivers = this.subscribers.get(topic);
    if (!delivers) {
      delivers = new Set();
      this.subscribers.set(topic, delivers);
    }
    delivers.add(deliver);
  }

  unsubscribe(topic: string, deliver: Deliver): void {
    const delivers = this.subscribers.get(topic);
    if (!delivers) return;
    delivers.delete(deliver);
    if (delivers.size === 0) this.subscribers.delete(topic);
  }
}

export function createMemoryBus(logger: Logger, hub = new MemoryHub()): Bus {
  return brokerBus('memory', logger, (deliver): Broker => {
    const topics = new Set<string>();
    return {
      async publish(topic, message) {
        hub.publish(topic, message);
      },
      async subscribe(topic) {
        topics.add(topic);
        hub.subscribe(topic, deliver);
      },
      async unsubscribe(topic) {
        topics.delete(topic);
        hub.unsubscribe(topic, deliver);
      },
      async ping() {},
      async close() {
        for (const topic of topics) hub.unsubscribe(topic, deliver);
        topics.clear();
      },
    };
  });
}
