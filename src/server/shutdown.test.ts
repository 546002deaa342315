import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/database.js';
import { createLedger, platformAccountId, platformAccountSpecs } from '../ledger/index.js';
import { startServerProcess, waitUntilReady } from './testing/process.js';

describe('server process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ovation-shutdown-'));
  const databaseUrl = join(dir, 'ovation.db');
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [signal, run] of [
    ['SIGTERM', 'first start'],
    ['SIGINT', 'restart on the same database'],
  ] as const) {
    it(`${run}: becomes ready, then shuts down cleanly on ${signal} with exit code 0`, { timeout: 60_000 }, async () => {
      const server = startServerProcess({ DATABASE_URL: databaseUrl });
      try {
        const url = await server.listening;
        await waitUntilReady(url);
        server.child.kill(signal);
        const { code, signal: killedBy } = await server.exited;
        assert.equal(killedBy, null, 'the process must exit by itself, not die of the signal');
        assert.equal(code, 0, JSON.stringify(server.logs));
        const messages = server.logs.map((line) => line.msg);
        assert.ok(messages.some((msg) => msg.startsWith('shutting down')), messages.join('\n'));
        assert.equal(messages.at(-1), 'shut down cleanly');
        if (run === 'first start') {
          assert.ok(server.logs.some((line) => (line.migrations?.length ?? 0) > 0), 'first start applies the migrations');
        } else {
          assert.ok(messages.includes('database schema is up to date'), 'a restart has nothing to migrate');
        }
      } finally {
        if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      }
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

  it('exits 1 with a message naming the variable when the configuration is invalid', async () => {
    const server = startServerProcess({ DATABASE_URL: databaseUrl, LEDGER_MAX_BATCH: 'lots' });
    server.listening.catch(() => {});
    const { code } = await server.exited;
    assert.equal(code, 1);
    assert.match(server.stderr(), /LEDGER_MAX_BATCH: expected a whole number/);
  });
});
