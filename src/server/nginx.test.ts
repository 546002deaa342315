import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { busesUnderTest } from '../bus/testing/brokers.js';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../db/testing/databases.js';
import { liveWithPayingViewer } from '../gifts/testing/network.js';
import { connectRoom, type Received, type RoomClient } from '../live/testing/room-client.js';
import { auditEverything } from '../audit/index.js';
import { until } from '../shared/testing/waits.js';
import { nginxSkipReason, startNginx, type RunningNginx } from './testing/nginx.js';
import { callServer, freePort, startServerProcess, waitUntilReady, type ServerProcess } from './testing/process.js';

const postgres = (await enginesUnderTest()).find((engine) => engine.engine === 'postgres')!;
const redis = (await busesUnderTest()).find((bus) => bus.kind === 'redis')!;
const nginxMissing = nginxSkipReason();

/** What a client writes in X-Forwarded-For to pass for someone else: the servers must not believe it. */
const FORGED_ADDRESS = '203.0.113.7';
/** Anonymous viewers, each from its own loopback address: the servers tell them apart by the address nginx saw. */
const VIEWER_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'];
/** Not a streak: each gift is one room event with its own eventId, never merged with the next. */
const GIFT = 'gift_perfume';

/**
 * A viewer as the web app is one: when its socket is closed by a server going away (1001) or cut (1006), it
 * reconnects through the proxy with `since=` the last money event it received.
 */
class ResumingViewer {
  readonly connections: RoomClient[] = [];
  private leaving = false;
  private reconnecting: Promise<void> | undefined;

  constructor(
    private readonly roomUrl: string,
    readonly address: string,
  ) {}

  async connect(since?: string): Promise<void> {
    const client = await connectRoom(since === undefined ? this.roomUrl : `${this.roomUrl}?since=${encodeURIComponent(since)}`, {
      localAddress: this.address,
      headers: { 'x-forwarded-for': FORGED_ADDRESS },
    });
    this.connections.push(client);
    // Left while this connection was being made: nothing may stay open after the suite.
    if (this.leaving) return client.close();
    await client.next((message) => message.type === 'welcome');
    void client.closed.then(({ code }) => {
      if (!this.leaving && (code === 1001 || code === 1006)) this.reconnecting = this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 1; !this.leaving; attempt++) {
      try {
        return await this.connect(this.lastEventId());
      } catch (error) {
        if (attempt === 100) throw error;
        await sleep(100);
      }
    }
  }

  /** Settles once a reconnection under way has its welcome. */
  settled(): Promise<void> {
    return this.reconnecting ?? Promise.resolve();
  }

  get current(): RoomClient {
    return this.connections.at(-1)!;
  }

  /** Every money event's id received, in order, over all its connections: those sent live and those a resume replayed (not a welcome's recent ones). */
  moneyEventIds(): string[] {
    return this.connections.flatMap((client) => client.messages.filter(isMoney).map((message) => message.eventId as string));
  }

  lastEventId(): string | undefined {
    return this.moneyEventIds().at(-1);
  }

  welcomes(): Received[] {
    return this.connections.map((client) => client.messages.find((message) => message.type === 'welcome')!);
  }

  leave(): void {
    this.leaving = true;
    for (const client of this.connections) client.close();
  }
}

function isMoney(message: Received): boolean {
  return message.type === 'gift' || message.type === 'paid_message' || message.type === 'cheer';
}

/** A GET from `localAddress`, with a forged X-Forwarded-For; answers the status and the request id the server logged it under. */
function getFrom(localAddress: string, url: string): Promise<{ status: number; requestId: string }> {
  return new Promise((resolve, reject) => {
    get(url, { localAddress, agent: false, headers: { 'x-forwarded-for': FORGED_ADDRESS } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, requestId: String(response.headers['x-request-id']) }));
    }).on('error', reject);
  });
}

describe('nginx with the shipped configuration in front of two server processes on PostgreSQL with Redis', { skip: postgres.skip ?? redis.skip ?? nginxMissing }, () => {
  let testDb: TestDatabase;
  let nginx: RunningNginx | undefined;
  /** The processes behind nginx; the first is stopped and started again on its port. */
  const servers: ServerProcess[] = [];
  const ports: number[] = [];
  const viewers: ResumingViewer[] = [];
  let env: Record<string, string>;
  /** Whether the journey's clients are still sending gifts; the suite's end stops them, also when a test failed. */
  let sending = false;

  before(
    async () => {
      testDb = await createTestDatabase('postgres');
      ports.push(await freePort(), await freePort());
      // As docs/deployment.md says for nginx on the same machine: only its address is a proxy.
      env = { DATABASE_URL: testDb.url, BUS_URL: redis.url!, TRUST_PROXY: '127.0.0.1', CREATOR_APPROVAL: 'auto', RECONCILE_INTERVAL_MS: '0', AUTH_IP_MAX_REQUESTS: '1000' };
      servers.push(...ports.map((port) => startServerProcess({ ...env, PORT: String(port) })));
      await Promise.all(servers.map(async (server) => waitUntilReady(await server.listening)));
      nginx = await startNginx(await freePort(), [ports[0]!, ports[1]!], { callbackPort: await freePort() });
    },
    { timeout: 60_000 },
  );

  after(async () => {
    sending = false;
    for (const viewer of viewers) viewer.leave();
    await nginx?.stop();
    for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
    await Promise.all(servers.map((server) => server.exited));
    await testDb?.destroy();
  });

  it('the servers log the address nginx saw the client at, not nginx and not what the client wrote', async () => {
    const { status, requestId } = await getFrom('127.0.0.9', `${nginx!.url}/api/v1/lives`);
    assert.equal(status, 200);
    await until(() => servers.some((server) => server.logs.some((line) => (line as { reqId?: string }).reqId === requestId)), 'the request in a server log', 5000);
    const logged = servers.flatMap((server) => server.logs).find((line) => (line as { reqId?: string }).reqId === requestId && line.msg === 'request completed');
    assert.equal((logged as unknown as { req: { remoteAddress: string } }).req.remoteAddress, '127.0.0.9');
  });

  it('a gift journey while one process is stopped and started again: viewers resume without a gap or a repeat, and every acknowledged gift is in the ledger once', { timeout: 90_000 }, async () => {
    const proxy = nginx!;
    const [portA] = ports as [number, number];
    const upstreamA = `127.0.0.1:${portA}`;
    const { liveId, viewer: sender } = await liveWithPayingViewer(proxy.url);

    const roomUrl = `${proxy.url.replace(/^http/, 'ws')}/api/v1/lives/${liveId}/ws`;
    // One after another: nginx hands the upgrades to the two processes in turn, so both have viewers of the room.
    for (const address of VIEWER_ADDRESSES) {
      const viewer = new ResumingViewer(roomUrl, address);
      viewers.push(viewer);
      await viewer.connect();
    }
    // Counted by address across both processes: six clients, though each came through nginx and claimed one forged address.
    await Promise.all(viewers.map((viewer) => viewer.current.next((message) => message.type === 'viewers' && message.count === VIEWER_ADDRESSES.length, 15_000)));

    // Gifts as a client sends them: a request without an answer, or answered 502 or 503, is sent again with its key.
    const acknowledged = new Map<string, string>();
    let resent = 0;
    sending = true;
    const sendUntilAcknowledged = async (key: string): Promise<string> => {
      let last = '';
      // At most 10 seconds of sends for one key, so that a run that fails still ends.
      for (let attempt = 1; attempt <= 200; attempt++) {
        // An error is a connection to nginx cut: the client does not know whether the gift was sent.
        const sent = await callServer(proxy.url, 'POST', `/api/v1/lives/${liveId}/gifts`, { token: sender.token, key, body: { giftId: GIFT } }).catch((error: unknown) => error as Error);
        if (!(sent instanceof Error)) {
          if (sent.status === 201) return sent.body.gift.id as string;
          assert.ok(sent.status === 502 || sent.status === 503, JSON.stringify(sent));
        }
        last = sent instanceof Error ? sent.message : String(sent.status);
        resent++;
        await sleep(50);
      }
      throw new Error(`no 201 for ${key} in 200 sends; the last answer: ${last}`);
    };
    const senders = Array.from({ length: 2 }, async (_, index) => {
      for (let gift = 0; sending; gift++) {
        const key = `journey-${index}-${gift}`;
        acknowledged.set(key, await sendUntilAcknowledged(key));
        // About 8 gifts a second in all: the viewer's 7,000 coins are 350 gifts, over 40 seconds of sending, twice a usual run.
        await sleep(250);
      }
    });
    let moved: ResumingViewer[] = [];
    const acknowledgedReach = (count: number, what: string) => until(() => acknowledged.size >= count, what, 20_000);

    try {
      await until(() => acknowledged.size >= 10 && viewers.every((viewer) => viewer.lastEventId() !== undefined), 'gifts shown to every viewer', 20_000);

      servers[0]!.child.kill('SIGTERM');
      const stopped = await servers[0]!.exited;
      assert.equal(stopped.code, 0, JSON.stringify(servers[0]!.logs.slice(-5)));
      await acknowledgedReach(acknowledged.size + 10, 'gifts through the process left');
      moved = viewers.filter((viewer) => viewer.connections.length > 1);
      assert.ok(moved.length > 0 && moved.length < viewers.length, `the stopped process had some of the viewers, not all: ${moved.length} moved`);
      await Promise.all(viewers.map((viewer) => viewer.settled()));
      for (const viewer of moved) {
        assert.equal(viewer.connections[0]!.socket.readyState, viewer.connections[0]!.socket.CLOSED);
        assert.equal(viewer.welcomes()[1]!.resumed, true, 'the other process still had the last event the viewer received');
      }

      const loggedBeforeRestart = proxy.requests().length;
      servers[0] = startServerProcess({ ...env, PORT: String(portA) });
      await waitUntilReady(await servers[0].listening);
      // nginx tries the process again once its fail_timeout has passed.
      const servedByA = () =>
        proxy
          .requests()
          .slice(loggedBeforeRestart)
          .some((request) => request.method === 'POST' && request.status === 201 && request.upstreams.at(-1) === upstreamA);
      await until(servedByA, 'a gift through the restarted process', 20_000);
      await acknowledgedReach(acknowledged.size + 5, 'gifts through both processes again');
    } finally {
      sending = false;
      await Promise.all(senders);
    }

    // Every acknowledged gift is in the ledger's projection once, and nothing else was sent.
    const giftIds = [...acknowledged.values()];
    assert.equal(new Set(giftIds).size, giftIds.length, 'each key answers its own gift');
    const recorded = await testDb.db.kysely.selectFrom('gift_events').select('transfer_id').where('live_id', '=', liveId).execute();
    assert.deepEqual(recorded.map((row) => row.transfer_id).sort(), [...giftIds].sort());
    const report = await auditEverything(testDb.db);
    assert.equal(report.ok, true, report.violations.join('\n'));

    // The room events committed with those gifts, by the id viewers receive them under.
    const outbox = await testDb.db.kysely.selectFrom('outbox').select(['transfer_seq', 'position', 'payload']).where('topic', '=', `live:${liveId}`).execute();
    const giftEvents = outbox.filter((row) => (JSON.parse(row.payload) as { type: string }).type === 'gift');
    assert.deepEqual(giftEvents.map((row) => `tr_${row.transfer_seq}`).sort(), [...giftIds].sort());
    const eventIds = new Set(giftEvents.map((row) => `evt_${row.transfer_seq}_${row.position}`));
    await until(() => viewers.every((viewer) => viewer.moneyEventIds().length >= eventIds.size), 'every gift at every viewer', 15_000);
    const reference = viewers.find((viewer) => viewer.connections.length === 1)!.moneyEventIds();
    for (const viewer of viewers) {
      const received = viewer.moneyEventIds();
      assert.equal(new Set(received).size, received.length, `${viewer.address} received an event twice`);
      assert.deepEqual(new Set(received), eventIds, `${viewer.address} received every gift's event and nothing else`);
      assert.deepEqual(received, reference, `${viewer.address} received the events in the order every viewer did`);
    }
    const passedOn = proxy.requests().filter((request) => request.upstreams.length > 1).length;
    console.log(
      `nginx journey: ${giftIds.length} gifts acknowledged, ${resent} sent again by the client, ${passedOn} requests passed on by nginx, ${moved.length} viewers resumed on the other process`,
    );
  });
});
