import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/database.js';
import { createLedger, platformAccountId, platformAccountSpecs } from '../ledger/index.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface LogLine {
  level: number;
  msg: string;
  url?: string;
  migrations?: string[];
}

interface ServerProcess {
  child: ChildProcess;
  logs: LogLine[];
  /** Resolves with the URL once the server logs that it listens. */
  listening: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Runs `node --import tsx src/server/main.ts`, the same entry `npm start` runs once built. */
function startServerProcess(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  let resolveListening: (url: string) => void;
  let rejectListening: (error: Error) => void;
  const listening = new Promise<string>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const text of lines) {
      if (text.trim() === '') continue;
      const line = JSON.parse(text) as LogLine;
      logs.push(line);
      if (line.msg.startsWith('Ovation listening on') && line.url) resolveListening(line.url);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      rejectListening(new Error(`server exited (${code ?? signal}) before listening. stderr: ${stderr} logs: ${JSON.stringify(logs)}`));
      resolve({ code, signal });
    });
  });
  return { child, logs, listening, exited, stderr: () => stderr };
}

async function waitUntilReady(url: string, timeout_ms = 20_000): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) {
        assert.deepEqual(await response.json(), { status: 'ok' });
        return;
      }
    } catch {
      // not accepting connections yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/readyz did not answer 200 within ${timeout_ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
