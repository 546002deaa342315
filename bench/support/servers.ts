import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServerProcess, waitUntilReady, type ServerProcess } from '../../src/server/testing/process.js';
import { commandChannel } from './ipc.js';

/**
 * What every server under benchmark runs with: per-IP limits out of the way (every viewer comes from
 * 127.0.0.1, so every anonymous viewer is one viewer with many sockets), no background reconciliation,
 * and lives that outlast a run without creator heartbeats.
 */
export const BENCH_SERVER_ENV = {
  AUTH_IP_MAX_REQUESTS: '1000000',
  LOGIN_IP_MAX_FAILURES: '1000000',
  ROOM_MAX_SOCKETS_PER_VIEWER: '1000000',
  RECONCILE_INTERVAL_MS: '0',
  LIVE_CREATOR_TIMEOUT_MS: '3600000',
} as const;

export interface BenchServer {
  url: string;
  process: ServerProcess;
  /** The server's memory after a full garbage collection. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** SIGTERM, a graceful shutdown, and the exit. */
  stop(): Promise<void>;
}

const probe = new URL('./memory-probe.mjs', import.meta.url).href;
let profileDirectory: string | undefined;

/** Makes every server started from now on write a CPU profile (`node --cpu-prof`) into `directory` when it exits. */
export function profileServers(directory: string): void {
  profileDirectory = directory;
}

/** Starts the built server (`node dist/server/main.js`, what `npm start` runs) with a memory probe, and waits for /readyz. */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const profiling = profileDirectory === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`];
  const server = startServerProcess({ ...BENCH_SERVER_ENV, ...env }, { nodeArgs: [...profiling, '--expose-gc', '--import', probe, 'dist/server/main.js'], ipc: true });
  const channel = commandChannel(server.child);
  try {
    const url = await server.listening;
    await waitUntilReady(url);
    return {
      url,
      process: server,
      memory: () => channel.call<NodeJS.MemoryUsage>('memory'),
      async stop() {
        server.child.kill('SIGTERM');
        await server.exited;
      },
    };
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
}

/**
 * Compiles src/ to dist/ (`npm run build`), so servers run the code as it is now. tsc writes its output
 * even when it finds type errors; those fail `npm run typecheck`, so here they only warn.
 */
export async function buildServer(warn: (text: string) => void): Promise<void> {
  try {
    await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: new URL('../..', import.meta.url), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? '');
    if (!output.includes('error TS')) throw error;
    warn(`npm run build found type errors; measuring what it compiled. The first: ${output.split('\n')[0]}`);
  }
}
