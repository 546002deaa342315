import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { STRONG_PASSWORD, uniqueEmail } from '../../accounts/testing/users.js';

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

export interface ServerProcessOptions {
  /** Node's arguments, entry included; by default the built `dist/server/main.js`. */
  nodeArgs?: string[];
  /** Opens an IPC channel to the child, for `child.send` and its 'message' events. */
  ipc?: boolean;
}

/**
 * Runs `node dist/server/main.js`, as `npm start` does: built from the current source by scripts/run-tests.mjs
 * before the tests (and by `npm run build`), and started in half the CPU time of the source through tsx.
 */
export function startServerProcess(env: Record<string, string>, options: ServerProcessOptions = {}): ServerProcess {
  const child = spawn(process.execPath, options.nodeArgs ?? ['dist/server/main.js'], {
    cwd: projectRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
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

/** A new adult user, signed up and signed in through a server process's API. */
export async function signUpOverNetwork(url: string, displayName: string): Promise<{ id: string; token: string }> {
  const email = uniqueEmail('net');
  const signup = await callServer(url, 'POST', '/api/v1/auth/signup', { body: { email, password: STRONG_PASSWORD, displayName, birthDate: '1990-01-01' } });
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  const login = await callServer(url, 'POST', '/api/v1/auth/login', { body: { email, password: STRONG_PASSWORD } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return { id: login.body.user.id, token: login.body.token };
}

/** A TCP port free on 127.0.0.1 a moment ago, for a process that must be told its port before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
