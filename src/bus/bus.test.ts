import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { CONNECT_TIMEOUT_MS } from './broker.js';
import { parseBusUrl } from '../config/index.js';
import { createBus, type Bus, type BusKind } from './bus.js';
import { createMemoryBus, MemoryHub } from './memory.js';
import { createNatsBus } from './nats.js';
import { createRedisBus } from './redis.js';
import { freePort } from '../server/testing/process.js';
import { busesUnderTest, testRedisUrl } from './testing/brokers.js';
import { until } from '../shared/testing/waits.js';

interface LogLine {
  level: number;
  msg: string;
  topic?: string;
  role?: string;
}

function capturingLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** A topic no other test run shares, even on a shared broker. */
function uniqueTopic(name: string): string {
  return `live:test_${name}_${randomBytes(6).toString('hex')}`;
}

function collector() {
  const messages: string[] = [];
  return { messages, handler: (message: string) => void messages.push(message) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where nats-server is installed (Debian puts it in /usr/sbin), to run a private one that a test can stop. */
function findNatsServer(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v nats-server'], { env: { PATH: `${process.env.PATH}:/usr/sbin:/usr/local/sbin` }, encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
const natsServerPath = findNatsServer();

/** Retries every 20 ms for up to 2 s: a server just spawned takes a moment to listen. */
async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 100) throw error;
      await sleep(20);
    }
  }
}

async function rejectionTime(promise: Promise<unknown>, pattern: RegExp): Promise<number> {
  const startedAt = Date.now();
  await assert.rejects(promise, pattern);
  return Date.now() - startedAt;
}

for (const { kind, url, skip } of await busesUnderTest()) {
  describe(`bus on ${kind}`, { skip }, () => {
    const { logger, lines } = capturingLogger();
    // Two buses on one broker, as two server processes would have.
    let a: Bus;
    let b: Bus;
    const hub = new MemoryHub();
    const open = async (): Promise<Bus> => (kind === 'memory' ? createMemoryBus(logger, hub) : createBus(url, logger));
    let redisAdmin: Redis | undefined;

    before(async () => {
      a = await open();
      b = await open();
      if (kind === 'redis') redisAdmin = new Redis(testRedisUrl());
    });
    after(async () => {
      await a?.close();
      await b?.close();
      redisAdmin?.disconnect();
    });

    /** Broker subscriptions to the topic, where the broker can tell (Redis); undefined elsewhere. */
    async function brokerSubscriptions(topic: string): Promise<number | undefined> {
      if (!redisAdmin) return undefined;
      const [, count] = (await redisAdmin.call('PUBSUB', 'NUMSUB', `ovation:${topic}`)) as [string, number];
      return count;
    }

    /**
     * Returns once everything A published so far has reached A's and B's
     * handlers: a marker published after it arrives after it.
     */
    async function settle(): Promise<void> {
      const topic = uniqueTopic('marker');
      const onA = collector();
      const onB = collector();
      const subscriptions = [await a.subscribe(topic, onA.handler), await b.subscribe(topic, onB.handler)];
      await a.publish(topic, 'marker');
      await until(() => onA.messages.length > 0 && onB.messages.length > 0, 'the marker');
      for (const subscription of subscriptions) await subscription.unsubscribe();
    }

    it(`is the ${kind} bus`, () => {
      assert.equal(a.kind, kind);
      if (url !== undefined) assert.equal(parseBusUrl(url), kind);
    });

    it('delivers 1,000 messages in publish order to another process and to this one', async () => {
      const topic = uniqueTopic('order');
      const remote = collector();
      const local = collector();
      const subscriptions = [await b.subscribe(topic, remote.handler), await a.subscribe(topic, local.handler)];
      const sent = Array.from({ length: 1000 }, (_, i) => `{"n":${i}}`);
      // Not awaited one by one, as the outbox relay publishes.
      await Promise.all(sent.map((message) => a.publish(topic, message)));
      await until(() => remote.messages.length >= sent.length && local.messages.length >= sent.length, '1,000 messages on both buses');
      assert.deepEqual(remote.messages, sent);
      assert.deepEqual(local.messages, sent);
      for (const subscription of subscriptions) await subscription.unsubscribe();
    });

    it('never runs a handler inside publish', async () => {
      const topic = uniqueTopic('async');
      const received = collector();
      const subscription = await a.subscribe(topic, received.handler);
      const publishing = a.publish(topic, 'later');
      assert.deepEqual(received.messages, []);
      await publishing;
      await until(() => received.messages.length === 1, 'the message');
      await subscription.unsubscribe();
    });

    it('gives each message to every handler of a topic over one broker subscription, until the last leaves', async () => {
      const topic = uniqueTopic('handlers');
      const first = collector();
      const second = collector();
      const firstSubscription = await b.subscribe(topic, first.handler);
      const secondSubscription = await b.subscribe(topic, second.handler);
      assert.ok([undefined, 1].includes(await brokerSubscriptions(topic)));

      await a.publish(topic, 'one');
      await until(() => first.messages.length === 1 && second.messages.length === 1, 'both handlers');

      await firstSubscription.unsubscribe();
      await firstSubscription.unsubscribe();
      assert.ok([undefined, 1].includes(await brokerSubscriptions(topic)));
      await a.publish(topic, 'two');
      await settle();
      assert.deepEqual(first.messages, ['one']);
      assert.deepEqual(second.messages, ['one', 'two']);

      await secondSubscription.unsubscribe();
      assert.ok([undefined, 0].includes(await brokerSubscriptions(topic)));
      await a.publish(topic, 'three');
      await settle();
      assert.deepEqual(second.messages, ['one', 'two']);
    });

    it('keeps one broker subscription through concurrent subscribes and unsubscribes', async () => {
      const topic = uniqueTopic('churn');
      const early = await Promise.all(Array.from({ length: 5 }, () => b.subscribe(topic, () => {})));
      const late = collector();
      const [lateSubscription] = await Promise.all([b.subscribe(topic, late.handler), ...early.map((subscription) => subscription.unsubscribe())]);
      assert.ok([undefined, 1].includes(await brokerSubscriptions(topic)));
      await a.publish(topic, 'still here');
      await until(() => late.messages.length === 1, 'the message after the churn');
      await lateSubscription.unsubscribe();
      assert.ok([undefined, 0].includes(await brokerSubscriptions(topic)));
    });

    it('keeps topics apart', async () => {
      const wanted = uniqueTopic('wanted');
      const other = uniqueTopic('other');
      const received = collector();
      const subscription = await b.subscribe(wanted, received.handler);
      await a.publish(other, 'not for you');
      await a.publish(`${wanted}x`, 'nor this');
      await a.publish(wanted, 'for you');
      await settle();
      assert.deepEqual(received.messages, ['for you']);
      await subscription.unsubscribe();
    });

    it('logs a failing handler and still delivers to the others', async () => {
      const topic = uniqueTopic('throws');
      const received = collector();
      const subscriptions = [
        await b.subscribe(topic, () => {
          throw new Error('handler bug');
        }),
        await b.subscribe(topic, async () => {
          throw new Error('async handler bug');
        }),
        await b.subscribe(topic, received.handler),
      ];
      await a.publish(topic, 'first');
      await a.publish(topic, 'second');
      await until(() => received.messages.length === 2, 'both messages');
      assert.deepEqual(received.messages, ['first', 'second']);
      await until(() => lines.filter((line) => line.msg === 'bus handler failed' && line.topic === topic).length === 4, 'four logged failures');
      for (const subscription of subscriptions) await subscription.unsubscribe();
    });

    it('refuses topics that are not one token of letters, digits, _, - and :', async () => {
      for (const topic of ['', 'live.x', 'live:*', 'live:>', 'live x', 'live\nx', 'x'.repeat(201)]) {
        await assert.rejects(a.publish(topic, 'x'), TypeError, JSON.stringify(topic));
        await assert.rejects(
          a.subscribe(topic, () => {}),
          TypeError,
          JSON.stringify(topic),
        );
      }
    });

    it('refuses to publish or subscribe once closed', async () => {
      const bus = await open();
      const subscription = await bus.subscribe(uniqueTopic('closed'), () => {});
      await bus.close();
      await bus.close();
      await subscription.unsubscribe();
      await assert.rejects(bus.publish(uniqueTopic('closed'), 'x'), /closed/);
      await assert.rejects(
        bus.subscribe(uniqueTopic('closed'), () => {}),
        /closed/,
      );
    });

    if (kind === 'redis') {
      it('subscribes again after its connection to Redis drops', async () => {
        const user = `ovation_bus_test_${randomBytes(6).toString('hex')}`;
        await redisAdmin!.call('ACL', 'SETUSER', user, 'on', '>secret', '~*', '&*', '+@all');
        const userUrl = new URL(testRedisUrl());
        userUrl.username = user;
        userUrl.password = 'secret';
        const c = await createBus(userUrl.toString(), logger);
        try {
          const topic = uniqueTopic('reconnect');
          const received = collector();
          await c.subscribe(topic, received.handler);
          await redisAdmin!.call('CLIENT', 'KILL', 'USER', user);
          // Messages published while it is down are lost (at most once), so keep publishing until one arrives.
          for (let attempt = 0; received.messages.length === 0; attempt++) {
            assert.ok(attempt < 500, 'no message arrived after the reconnect');
            await a.publish(topic, `attempt ${attempt}`);
            await sleep(20);
          }
          const mine = lines.filter((line) => line.role === 'subscriber' && line.msg.startsWith('Redis bus'));
          assert.ok(mine.some((line) => line.level === 40 && line.msg === 'Redis bus connection lost; reconnecting'));
          assert.ok(mine.some((line) => line.level === 30 && line.msg === 'Redis bus reconnected'));
        } finally {
          await c.close();
          await redisAdmin!.call('ACL', 'DELUSER', user);
        }
      });
    }

    if (kind === 'nats') {
      it('refuses publishes while NATS is down and subscribes again when it is back', { skip: natsServerPath === undefined ? 'nats-server is not installed' : undefined }, async () => {
        const port = await freePort();
        const startServer = () => spawn(natsServerPath!, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
        let server = startServer();
        try {
          const serverUrl = `nats://127.0.0.1:${port}`;
          const c = await eventually(() => createBus(serverUrl, logger));
          const topic = uniqueTopic('restart');
          const received = collector();
          await c.subscribe(topic, received.handler);
          const linesBefore = lines.length;
          server.kill();
          await until(() => lines.slice(linesBefore).some((line) => line.level === 40 && line.msg === 'NATS bus connection lost; reconnecting'), 'the disconnect');
          await assert.rejects(c.publish(topic, 'while down'), /the NATS bus at nats:\/\/127\.0\.0\.1:\d+ is disconnected/);
          server = startServer();
          for (let attempt = 0; received.messages.length === 0; attempt++) {
            assert.ok(attempt < 500, 'no message arrived after the reconnect');
            await c.publish(topic, `attempt ${attempt}`).catch(() => {});
            await sleep(20);
          }
          assert.match(received.messages[0]!, /^attempt \d+$/);
          await c.close();
        } finally {
          server.kill();
        }
      });
    }
  });
}

describe('creating a bus', () => {
  const { logger } = capturingLogger();

  it('is in-process without a URL', async () => {
    const bus = await createBus(undefined, logger);
    assert.equal(bus.kind, 'memory');
    await bus.close();
  });

  it('refuses a URL of another scheme', async () => {
    await assert.rejects(createBus('amqp://127.0.0.1:5672', logger), /^Error: BUS_URL: scheme "amqp" is not supported \(use redis:\/\/, rediss:\/\/ or nats:\/\/\)$/);
    await assert.rejects(createBus('not a url', logger), /BUS_URL: expected a URL/);
    await assert.rejects(createBus('redis://', logger), /BUS_URL: expected a host/);
  });

  for (const [kind, name] of [
    ['redis', 'Redis'],
    ['nats', 'NATS'],
  ] as [BusKind, string][]) {
    it(`rejects at once, naming the broker, when ${name} refuses the connection`, async () => {
      const url = `${kind}://user:hunter2@127.0.0.1:1`;
      const elapsedMs = await rejectionTime(createBus(url, logger), new RegExp(`^Error: cannot reach the ${name} bus at ${kind}://user:\\*\\*\\*@127\\.0\\.0\\.1:1`));
      assert.ok(elapsedMs < CONNECT_TIMEOUT_MS, `took ${elapsedMs} ms`);
    });
  }

  describe('when the broker accepts connections but never answers', () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    let port: number;
    before(async () => {
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });
    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('gives up on Redis after the connect timeout', async () => {
      const elapsedMs = await rejectionTime(createRedisBus(`redis://127.0.0.1:${port}`, logger, { connectTimeoutMs: 300 }), /^Error: cannot reach the Redis bus at redis:\/\/127\.0\.0\.1:\d+: /);
      assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`);
    });

    it('gives up on NATS after the connect timeout', async () => {
      const elapsedMs = await rejectionTime(createNatsBus(`nats://127.0.0.1:${port}`, logger, { connectTimeoutMs: 300 }), /^Error: cannot reach the NATS bus at nats:\/\/127\.0\.0\.1:\d+: /);
      assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`);
    });
  });
});
