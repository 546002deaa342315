import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/database.js';
import { createLedger, platformAccountId, platformAccountSpecs } from '../ledger/index.js';
import { WebSocket } from 'ws';
import { liveWithPayingViewer } from '../gifts/testing/network.js';
import { startServerProcess, waitUntilReady, type ServerProcess } from './testing/process.js';

/** Starts a server process, hands it over once it answers /readyz, and kills it if it is still running afterwards. */
async function withReadyServer(env: Record<string, string>, use: (server: ServerProcess, url: string) => Promise<void>): Promise<void> {
  const server = startServerProcess(env);
  try {
    const url = await server.listening;
    await waitUntilReady(url);
    await use(server, url);
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  }
}

/** Sends the signal and checks that the process finished its shutdown by itself, with exit code 0; answers its log messages. */
async function assertShutsDownCleanly(server: ServerProcess, signal: NodeJS.Signals): Promise<string[]> {
  server.child.kill(signal);
  const { code, signal: killedBy } = await server.exited;
  assert.equal(killedBy, null, 'the process must exit by itself, not die of the signal');
  assert.equal(code, 0, JSON.stringify(server.logs.slice(-5)));
  const messages = server.logs.map((line) => line.msg);
  assert.equal(messages.at(-1), 'shut down cleanly');
  return messages;
}

describe('server process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ovation-shutdown-'));
  const databaseUrl = join(dir, 'ovation.db');
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [signal, run] of [
    ['SIGTERM', 'first start'],
    ['SIGINT', 'restart on the same database'],
  ] as const) {
    it(`${run}: becomes ready, then shuts down cleanly on ${signal} with exit code 0`, { timeout: 60_000 }, async () => {
      await withReadyServer({ DATABASE_URL: databaseUrl }, async (server) => {
        const messages = await assertShutsDownCleanly(server, signal);
        assert.ok(
          messages.some((msg) => msg.startsWith('shutting down')),
          messages.join('\n'),
        );
        if (run === 'first start') {
          assert.ok(
            server.logs.some((line) => (line.migrations?.length ?? 0) > 0),
            'first start applies the migrations',
          );
        } else {
          assert.ok(messages.includes('database schema is up to date'), 'a restart has nothing to migrate');
        }
      });
    });
  }

  it('seeded the platform accounts on first start', async () => {
    const db = openDatabase(databaseUrl);
    const ledger = createLedger(db);
    try {
      for (const spec of platformAccountSpecs(['USD', 'EUR', 'GBP', 'JPY', 'KRW'])) {
        const account = await ledger.getAccount(spec.id);
        assert.ok(account, `missing platform account ${spec.id}`);
      }
      assert.ok(await ledger.getAccount(platformAccountId('coin_issuance', 'COIN')));
    } finally {
      await ledger.close();
      await db.close();
    }
  });

  it('SIGTERM with a viewer that never answers the close frame: its socket is cut and the server still shuts down cleanly', { timeout: 60_000 }, async () => {
    // ws alone would wait 30 s for the close frame's answer, far past this shutdown timeout.
    await withReadyServer({ DATABASE_URL: join(dir, 'viewers.db'), CREATOR_APPROVAL: 'auto', SHUTDOWN_TIMEOUT_MS: '5000' }, async (server, url) => {
      const { liveId } = await liveWithPayingViewer(url);
      const viewer = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/lives/${liveId}/ws`);
      const [welcome] = await once(viewer, 'message');
      assert.equal(JSON.parse(String(welcome)).type, 'welcome');
      // The viewer stops reading, as a phone that lost its network would: the close frame is never answered.
      (viewer as unknown as { _socket: Socket })._socket.pause();
      await assertShutsDownCleanly(server, 'SIGTERM');
      viewer.terminate();
    });
  });

  it('SIGTERM with a connection opened but never used: the server does not wait for it', { timeout: 60_000 }, async () => {
    await withReadyServer({ DATABASE_URL: join(dir, 'unused.db'), SHUTDOWN_TIMEOUT_MS: '5000' }, async (server, url) => {
      // As a browser's or HTTP client's speculative connection: connected, nothing sent.
      const unused = connect(Number(new URL(url).port), '127.0.0.1');
      await once(unused, 'connect');
      await assertShutsDownCleanly(server, 'SIGTERM');
      unused.destroy();
    });
  });

  it('exits 1 with a message naming the variable when the configuration is invalid', async () => {
    const server = startServerProcess({ DATABASE_URL: databaseUrl, LEDGER_MAX_BATCH: 'lots' });
    server.listening.catch(() => {});
    const { code } = await server.exited;
    assert.equal(code, 1);
    assert.match(server.stderr(), /LEDGER_MAX_BATCH: expected a whole number/);
  });
});
