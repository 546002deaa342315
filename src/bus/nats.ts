import { connect, Events, type ConnectionOptions, type NatsConnection, type Subscription } from 'nats';
import type { Logger } from 'pino';
import { brokerBus, CONNECT_TIMEOUT_MS, describeBusUrl } from './broker.js';
import type { Bus } from './bus.js';

/**
 * Subjects are `ovation.<topic>`. A topic is one subject token: the bus
 * refuses topics with `.`, `*`, `>` or whitespace (see assertTopic), so no
 * topic can span tokens or act as a wildcard.
 */
const SUBJECT_PREFIX = 'ovation.';

export interface NatsBusOptions {
  /** How long to wait for NATS at start. */
  connectTimeoutMs?: number;
}

/**
 * A bus on NATS core publish/subscribe over one connection. Rejects when NATS
 * does not answer in time.
 */
export async function createNatsBus(url: string, logger: Logger, options: NatsBusOptions = {}): Promise<Bus> {
  const where = describeBusUrl(url);
  let nc: NatsConnection;
  try {
    nc = await connect(
      Object.assign(connectionTarget(url), {
        name: 'ovation-bus',
        timeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
        // The first connection must succeed (waitOnFirstConnect is off); after that, reconnect for as long as it takes.
        maxReconnectAttempts: -1,
      }),
    );
  } catch (error) {
    throw new Error(`cannot reach the NATS bus at ${where}: ${(error as Error).message}`);
  }
  logger.info({ bus: where }, 'NATS bus connected');

  // While disconnected the client would buffer publishes without bound; refusing them lets the outbox retry instead.
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) {
        connected = false;
        logger.warn({ bus: where, server: status.data }, 'NATS bus connection lost; reconnecting');
      } else if (status.type === Events.Reconnect) {
        connected = true;
        logger.info({ bus: where, server: status.data }, 'NATS bus reconnected');
      } else if (status.type === Events.Error) {
        logger.warn({ bus: where, error: status.data, permission: status.permissionContext }, 'NATS bus error from the server');
      } else if (status.type === Events.LDM) {
        logger.warn({ bus: where }, 'NATS server entering lame duck mode; the client moves to another server');
      }
    }
  })().catch((error: unknown) => logger.error({ err: error, bus: where }, 'NATS bus status monitor failed'));
  void nc.closed().then((error) => {
    if (error) logger.error({ err: error, bus: where }, 'NATS bus connection closed by an error');
  });

  const assertConnected = () => {
    if (!connected) throw new Error(`the NATS bus at ${where} is disconnected`);
  };

  return brokerBus('nats', logger, (deliver) => {
    const subscriptions = new Map<string, Subscription>();
    return {
      async publish(topic, message) {
        assertConnected();
        nc.publish(SUBJECT_PREFIX + topic, message);
      },
      async subscribe(topic) {
        assertConnected();
        const subscription = nc.subscribe(SUBJECT_PREFIX + topic, {
          // A callback rather than an async iterator: messages are handed over in arrival order with no queue in between.
          callback: (error, msg) => {
            if (error) logger.error({ err: error, bus: where, topic }, 'NATS bus subscription failed');
            else deliver(topic, msg.string());
          },
        });
        subscriptions.set(topic, subscription);
        try {
          // The server has the subscription once it answers a ping sent after it.
          await nc.flush();
        } catch (error) {
          subscription.unsubscribe();
          subscriptions.delete(topic);
          throw error;
        }
      },
      async unsubscribe(topic) {
        subscriptions.get(topic)?.unsubscribe();
        subscriptions.delete(topic);
      },
      async ping() {
        assertConnected();
        await nc.flush();
      },
      async close() {
        if (nc.isClosed()) return;
        // Draining delivers messages already received and sends publishes still buffered before closing.
        if (connected) {
          try {
            await nc.drain();
            return;
          } catch (error) {
            logger.warn({ err: error, bus: where }, 'NATS bus drain failed; closing');
          }
        }
        await nc.close();
      },
    };
  });
}

/** The server and credentials in a nats:// URL: `user:password@` or a `token@`. */
function connectionTarget(url: string): Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'token'> {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const servers = parsed.host;
  if (user === '') return { servers };
  if (password === '') return { servers, token: user };
  return { servers, user, pass: password };
}
