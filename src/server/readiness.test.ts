import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { busesUnderTest } from '../bus/testing/brokers.js';
import { createTestApp, type TestApp } from './testing/app.js';

/** A TCP hop between the server and its broker that the test cuts (connections dropped, new ones refused) and restores. */
class BrokerLink {
  private readonly sockets = new Set<Socket>();
  private cut = false;
  private readonly server: Server;

  constructor(private readonly broker: URL) {
    this.server = createServer((client) => {
      if (this.cut) return void client.destroy();
      const upstream = connect(Number(broker.port), broker.hostname);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(from);
        from.pipe(to);
        from.on('error', () => to.destroy());
        from.on('close', () => {
          this.sockets.delete(from);
          to.destroy();
        });
      }
    });
  }

  /** Listens on loopback; answers the broker's URL through this link. */
  async open(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const url = new URL(this.broker);
    url.port = String((this.server.address() as { port: number }).port);
    return url.toString();
  }

  sever(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cut = false;
  }

  async close(): Promise<void> {
    this.sever();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

for (const bus of (await busesUnderTest()).filter((candidate) => candidate.kind !== 'memory')) {
  describe(`GET /readyz with the ${bus.kind} bus`, { skip: bus.skip }, () => {
    let link: BrokerLink;
    let t: TestApp;
    before(async () => {
      link = new BrokerLink(new URL(bus.url!));
      t = await createTestApp('sqlite', { env: { BUS_URL: await link.open() } });
    });
    after(async () => {
      await t?.destroy();
      await link.close();
    });

    /** Asks until the answer has `status`, for up to 15 s: the bus notices a lost connection and reconnects within seconds. */
    async function readinessBecomes(status: number): Promise<{ statusCode: number; body: unknown }> {
      for (let attempt = 0; ; attempt++) {
        const response = await t.app.inject({ method: 'GET', url: '/readyz' });
        if (response.statusCode === status || attempt === 60) return { statusCode: response.statusCode, body: response.json() };
        await sleep(250);
      }
    }

    it('answers 503 bus_unavailable while the broker cannot be reached, and 200 once it can again', { timeout: 60_000 }, async () => {
      assert.deepEqual(await readinessBecomes(200), { statusCode: 200, body: { status: 'ok' } });
      link.sever();
      const down = await readinessBecomes(503);
      assert.equal(down.statusCode, 503);
      assert.deepEqual((down.body as { error: { type: string; code: string } }).error.code, 'bus_unavailable');
      link.restore();
      assert.deepEqual(await readinessBecomes(200), { statusCode: 200, body: { status: 'ok' } });
    });
  });
}
