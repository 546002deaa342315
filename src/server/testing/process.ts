import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface LogLine {
  level: number;
  msg: string;
  url?: string;
  migrations?: string[];
}

export interface ServerProcess {
  child: ChildProcess;
  logs: LogLine[];
  /** Resolves with the URL once the server logs that it listens. */
  listening: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Runs `node --import tsx src/server/main.ts`, the same entry `npm start` runs once built. */
export function startServerProcess(env: Record<string, string>): ServerProcess {
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
    // 'close', not 'exit': it comes once stdout is drained, so the last log lines have been read.
    child.on('close', (code, signal) => {
      rejectListening(new Error(`server exited (${code ?? signal}) before listening. stderr: ${stderr} logs: ${JSON.stringify(logs)}`));
      resolve({ code, signal });
    });
  });
  return { child, logs, listening, exited, stderr: () => stderr };
}

export async function waitUntilReady(url: string, timeout_ms = 20_000): Promise<void> {
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

/** One JSON request to a server process, as a client on the network makes it. */
export async function callServer(url: string, method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
