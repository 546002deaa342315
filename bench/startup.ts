/**
 * startup: from starting the built server (`node dist/server/main.js`) to /readyz answering 200, and its
 * memory at rest, beside Fastify's hello world started and measured the same way in the same run.
 * `npm start` compiles first (prestart: npm run build); that step is left out, so this is the node start.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../src/db/testing/databases.js';
import { freePort } from '../src/server/testing/process.js';
import { residentBytes } from './support/proc.js';
import type { Benchmark, BenchmarkContext, Headline, Table } from './support/report.js';
import { BENCH_SERVER_ENV } from './support/servers.js';
import { formatMs, formatRatio, percentile } from './support/stats.js';

/** Fastify's hello world with a /readyz route, as a plain ES module run by node. */
const HELLO_WORLD = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/readyz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
`;
const POLL_MS = 5;
const projectRoot = new URL('..', import.meta.url);

interface Start {
  readyMs: number;
  rssBytes: number;
}

/** Starts `node <args>`, polls /readyz until it answers 200, waits `restMs`, reads the RSS, and stops it. */
async function timeStart(args: string[], env: Record<string, string>, restMs: number): Promise<Start> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before it was ready: ${stderr}`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) break;
      if (performance.now() - startedAt > 60_000) throw new Error(`not ready within 60 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const readyMs = performance.now() - startedAt;
    await new Promise((resolve) => setTimeout(resolve, restMs));
    return { readyMs, rssBytes: residentBytes(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function median(starts: Start[]): Start {
  const sorted = (values: number[]) => Float64Array.from(values).sort();
  return { readyMs: percentile(sorted(starts.map((s) => s.readyMs)), 0.5), rssBytes: percentile(sorted(starts.map((s) => s.rssBytes)), 0.5) };
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description:
    'Time from starting the built server (`node dist/server/main.js`; `npm start` runs `npm run build` first, which is left out) until `GET /readyz` answers 200, polled every 5 ms, ' +
    'and its resident memory at rest, beside a Fastify hello world with a /readyz route started and measured the same way. ' +
    'First start: an empty SQLite file, migrated and seeded on start. Restart: the same database again. Median of the runs.',
  async run({ quick, machine, progress }: BenchmarkContext) {
    const runs = quick ? 1 : 3;
    const restMs = quick ? 1000 : 2000;
    const server = ['dist/server/main.js'];
    const serverEnv = { ...BENCH_SERVER_ENV, LOG_LEVEL: 'info' };
    const cases: { name: string; starts: Start[] }[] = [];
    const measure = async (name: string, once: () => Promise<Start>) => {
      progress(`startup: ${name}, ${runs} run(s)`);
      const starts: Start[] = [];
      for (let run = 0; run < runs; run++) starts.push(await once());
      cases.push({ name, starts });
    };

    await measure('Fastify hello world', () => timeStart(['--input-type=module', '-e', HELLO_WORLD], {}, restMs));
    let directory: string | undefined;
    await measure('Ovation, SQLite, first start (migrate and seed)', async () => {
      if (directory) rmSync(directory, { recursive: true, force: true });
      directory = mkdtempSync(join(tmpdir(), 'ovation-bench-'));
      return timeStart(server, { ...serverEnv, DATABASE_URL: join(directory, 'ovation.db') }, restMs);
    });
    await measure('Ovation, SQLite, restart', () => timeStart(server, { ...serverEnv, DATABASE_URL: join(directory!, 'ovation.db') }, restMs));
    rmSync(directory!, { recursive: true, force: true });
    if ('version' in machine.postgres) {
      const database = await createTestDatabase('postgres');
      try {
        await measure('Ovation, PostgreSQL, restart', () => timeStart(server, { ...serverEnv, DATABASE_URL: database.url }, restMs));
      } finally {
        await database.destroy();
      }
    }

    const hello = median(cases[0]!.starts);
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const table: Table = {
      title: 'From node start to /readyz answering, and memory at rest',
      columns: ['server', 'ready ms', 'RSS MiB at rest', 'time vs hello world', 'memory vs hello world'],
      rows: cases.map(({ name, starts }) => {
        const { readyMs, rssBytes } = median(starts);
        return [name, formatMs(readyMs), mib(rssBytes), formatRatio(readyMs / hello.readyMs), formatRatio(rssBytes / hello.rssBytes)];
      }),
      notes: [`RSS read ${restMs / 1000} s after /readyz first answered.${'version' in machine.postgres ? '' : ` PostgreSQL skipped: ${machine.postgres.unreachable}`}`],
    };
    const restart = median(cases.find((c) => c.name === 'Ovation, SQLite, restart')!.starts);
    const headlines: Headline[] = [
      {
        benchmark: 'startup',
        measure: 'ms to /readyz (SQLite, restart)',
        ovation: formatMs(restart.readyMs),
        baseline: `${formatMs(hello.readyMs)} (Fastify hello world)`,
        ratio: formatRatio(restart.readyMs / hello.readyMs),
      },
      {
        benchmark: 'startup',
        measure: 'MiB resident at rest',
        ovation: mib(restart.rssBytes),
        baseline: `${mib(hello.rssBytes)} (Fastify hello world)`,
        ratio: formatRatio(restart.rssBytes / hello.rssBytes),
      },
    ];
    return { tables: [table], headlines, data: { runs, restMs, cases } };
  },
};
