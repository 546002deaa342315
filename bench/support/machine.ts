import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { testPgUrl } from '../../src/db/testing/databases.js';
import { testRedisUrl } from '../../src/bus/testing/brokers.js';
import { round } from './stats.js';

/** The machine a run measured, recorded with every result so figures from elsewhere are not compared blindly. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  /** The server's version, or why it could not be reached (its benchmarks are then skipped). */
  postgres: { version: string } | { unreachable: string };
  redis: { version: string } | { unreachable: string };
  /** Open files a process may have (`ulimit -n`): each viewer socket takes one on each side. */
  openFilesLimit: number;
  /** 1-minute load average when the run started: other work on the machine makes figures noisy. */
  loadAverage: number;
}

export async function describeMachine(): Promise<Machine> {
  const memory = new BetterSqlite3(':memory:');
  const sqlite = memory.prepare('select sqlite_version()').pluck().get() as string;
  memory.close();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    os: `${platform()} ${release()}`,
    node: process.version,
    sqlite,
    postgres: await postgresVersion(),
    redis: await redisVersion(),
    openFilesLimit: openFilesLimit('-Sn'),
    loadAverage: round(loadavg()[0]!, 2),
  };
}

/** `ulimit -Sn` (soft, in force) or `-Hn` (hard, the most it may be raised to) of this process. */
export function openFilesLimit(which: '-Sn' | '-Hn'): number {
  const value = execFileSync('sh', ['-c', `ulimit ${which}`], { encoding: 'utf8' }).trim();
  return value === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(value);
}

async function postgresVersion(): Promise<Machine['postgres']> {
  const client = new pg.Client({ connectionString: testPgUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return { version: rows[0]!.server_version.split(' ')[0]! };
  } catch (error) {
    return { unreachable: `PostgreSQL at ${testPgUrl()}: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisVersion(): Promise<Machine['redis']> {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, connectTimeout: 3000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const info = await redis.info('server');
    return { version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  } catch (error) {
    return { unreachable: `Redis at ${testRedisUrl()}: ${(error as Error).message}` };
  } finally {
    redis.disconnect();
  }
}

export function machineLine(machine: Machine): string {
  const version = (service: { version: string } | { unreachable: string }) => ('version' in service ? service.version : 'unreachable');
  return (
    `${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node.slice(1)}, ` +
    `SQLite ${machine.sqlite}, PostgreSQL ${version(machine.postgres)}, Redis ${version(machine.redis)}, ulimit -n ${machine.openFilesLimit}, load ${machine.loadAverage}`
  );
}
