/**
 * cluster: two built server processes on one PostgreSQL database with Redis as the bus. Gifts go in
 * through both, viewers watch on both; throughput beside one process alone (same database and bus,
 * same run), and delivery latency across processes beside latency within one.
 */
import { testRedisUrl } from '../src/bus/testing/brokers.js';
import { createTestDatabase } from '../src/db/testing/databases.js';
import { runAudit } from '../src/ledger/index.js';
import type { HttpLoadArgs, HttpLoadResult } from './load/http-load.js';
import type { ViewersReport } from './load/viewers.js';
import { forkLoadProcess } from './support/ipc.js';
import { creatorLive, viewersWithCoins, type BenchUser } from './support/population.js';
import { SkippedBenchmark, type Benchmark, type BenchmarkContext, type Headline, type Table } from './support/report.js';
import { cpuTimeMs } from './support/proc.js';
import { startBenchServer, type BenchServer } from './support/servers.js';
import { formatCount, formatMs, formatRatio, NO_LATENCIES } from './support/stats.js';

const CONNECTIONS_PER_SERVER = 25;
const GIFT_BODY = JSON.stringify({ giftId: 'gift_rose' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const clusterBenchmark: Benchmark = {
  name: 'cluster',
  description:
    'Two built server processes on one PostgreSQL database with Redis as the bus (BUS_URL), gifts sent through both by autocannon from another process. ' +
    `Throughput at the peak (${CONNECTIONS_PER_SERVER} connections per server) beside one of the processes taking the same load alone in the same run; ` +
    'then viewers on both processes while gifts arrive through both at a steady rate, with the latency of gifts that crossed processes (through Redis) beside those that did not.',
  async run({ quick, machine, progress }: BenchmarkContext) {
    if (!('version' in machine.postgres)) throw new SkippedBenchmark(machine.postgres.unreachable);
    if (!('version' in machine.redis)) throw new SkippedBenchmark(machine.redis.unreachable);
    const seconds = quick ? 3 : 8;
    // Enough coins for every phase at the peak: each sender holds 840 coins, and a rose costs one.
    const sendersPerServer = quick ? 10 : 60;
    const viewersPerServer = quick ? 100 : 1_000;
    const giftsPerSecond = 20;
    const database = await createTestDatabase('postgres');
    const env = { DATABASE_URL: database.url, BUS_URL: testRedisUrl() };
    const servers: BenchServer[] = [];
    const load = forkLoadProcess('http-load.ts');
    const viewers = forkLoadProcess('viewers.ts', ['--max-old-space-size=4096']);
    try {
      const started = await Promise.allSettled([startBenchServer(env), startBenchServer(env)]);
      for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      const [a, b] = servers as [BenchServer, BenchServer];
      const { liveId } = await creatorLive(a.url);
      progress(`cluster: signing up ${sendersPerServer * 2} senders with coins`);
      const senders: [BenchUser[], BenchUser[]] = [await viewersWithCoins(a.url, sendersPerServer), await viewersWithCoins(b.url, sendersPerServer)];
      let keys = 0;
      const gifts = (server: BenchServer, index: 0 | 1, extra: Partial<HttpLoadArgs>): Promise<HttpLoadResult> =>
        load.call<HttpLoadResult>(
          'run',
          {
            url: server.url,
            method: 'POST',
            path: `/api/v1/lives/${liveId}/gifts`,
            body: GIFT_BODY,
            tokens: senders[index].map((sender) => sender.token),
            idempotencyKeyPrefix: `cluster-${++keys}`,
            connections: CONNECTIONS_PER_SERVER,
            durationSeconds: seconds,
            ...extra,
          } satisfies HttpLoadArgs,
          seconds * 20_000,
        );

      progress('cluster: warming up both processes');
      await Promise.all([gifts(a, 0, { durationSeconds: 2 }), gifts(b, 1, { durationSeconds: 2 })]);
      // Server CPU per gift shows contention between the processes where two cores cannot show a doubling.
      const cpuOf = (server: BenchServer) => cpuTimeMs(server.process.child.pid!);
      progress(`cluster: one process alone at the peak, ${seconds} s`);
      const aloneCpuBeforeMs = cpuOf(a);
      const alone = await gifts(a, 0, {});
      const aloneCpuMsPerGift = (cpuOf(a) - aloneCpuBeforeMs) / Math.max(1, alone.ok);
      progress(`cluster: both processes at the peak, ${seconds} s`);
      const bothCpuBeforeMs = cpuOf(a) + cpuOf(b);
      const both = await Promise.all([gifts(a, 0, {}), gifts(b, 1, {})]);
      const bothCpuMsPerGift = (cpuOf(a) + cpuOf(b) - bothCpuBeforeMs) / Math.max(1, both[0].ok + both[1].ok);
      const bothPerSecond = both[0].okPerSecond + both[1].okPerSecond;

      progress(`cluster: ${formatCount(viewersPerServer)} viewers on each process, ${giftsPerSecond} gifts/s through both`);
      const roomUrl = (server: BenchServer) => `${server.url.replace(/^http/, 'ws')}/api/v1/lives/${liveId}/ws`;
      const sampleEvery = Math.max(1, Math.floor(viewersPerServer / 100));
      for (const [group, server] of [
        ['A', a],
        ['B', b],
      ] as const) {
        await viewers.call('connect', { url: roomUrl(server), count: viewersPerServer, group, sampleEvery, untilFirstFrame: true }, 300_000);
      }
      await sleep(1500);
      const origins = Object.fromEntries([...senders[0].map((s) => [s.id, 'A']), ...senders[1].map((s) => [s.id, 'B'])]);
      await viewers.call('measure', { origins });
      const steadily = { connections: 5, overallRate: giftsPerSecond / 2, amount: (giftsPerSecond / 2) * seconds };
      const steady = await Promise.all([gifts(a, 0, steadily), gifts(b, 1, steadily)]);
      await sleep(1000);
      const report = await viewers.call<ViewersReport>('report');
      await viewers.call('close', {}, 120_000);
      for (const server of servers) await server.stop();
      const audit = await runAudit(database.db);
      if (!audit.ok) throw new Error('the ledger audit failed after the cluster run');

      const same = report.latencies['same process'] ?? NO_LATENCIES;
      const across = report.latencies['across processes'] ?? NO_LATENCIES;
      const sent = steady[0].ok + steady[1].ok;
      const throughput: Table = {
        title: 'Gifts/s into one live on PostgreSQL, two processes versus one',
        columns: ['processes', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx', 'server CPU ms/gift', 'vs one process'],
        rows: [
          ['one (A alone)', formatCount(alone.okPerSecond), formatMs(alone.p50Ms), formatMs(alone.p99Ms), formatCount(alone.non2xx + alone.errors), aloneCpuMsPerGift.toFixed(3), '1x'],
          [
            'two (A and B)',
            formatCount(bothPerSecond),
            `${formatMs(both[0].p50Ms)} / ${formatMs(both[1].p50Ms)}`,
            `${formatMs(both[0].p99Ms)} / ${formatMs(both[1].p99Ms)}`,
            formatCount(both[0].non2xx + both[1].non2xx + both[0].errors + both[1].errors),
            bothCpuMsPerGift.toFixed(3),
            `${formatRatio(bothPerSecond / alone.okPerSecond)} gifts/s, ${formatRatio(bothCpuMsPerGift / aloneCpuMsPerGift)} CPU per gift`,
          ],
        ],
        notes: [
          `${machine.cpus} cores run both server processes, PostgreSQL, Redis and the load: a second process adds no cores here, only another event loop; ` +
            'server CPU per gift (both processes together) shows whether they contend.',
          `Target: CPU per gift with two processes within 1.15x of one (${bothCpuMsPerGift <= 1.15 * aloneCpuMsPerGift ? 'met' : 'not met'}).`,
        ],
      };
      const delivery: Table = {
        title: `Delivery to ${formatCount(viewersPerServer * 2)} viewers split over both processes, ${giftsPerSecond} gifts/s split over both`,
        columns: ['gift went', 'events timed', 'p50 ms', 'p99 ms', 'max ms'],
        rows: [
          ['through the viewer’s process', formatCount(same.count), formatMs(same.p50Ms), formatMs(same.p99Ms), formatMs(same.maxMs)],
          ['through the other process (Redis)', formatCount(across.count), formatMs(across.p50Ms), formatMs(across.p99Ms), formatMs(across.maxMs)],
        ],
        notes: [
          `${formatCount(report.events)} deliveries of ${formatCount(sent)} gifts to ${formatCount(viewersPerServer * 2)} viewers (${((report.events / Math.max(1, sent * viewersPerServer * 2)) * 100).toFixed(1)}%); ` +
            `${formatCount(report.closed)} sockets dropped. The audit passed afterwards.`,
        ],
      };
      const headlines: Headline[] = [
        {
          benchmark: 'cluster',
          measure: 'gifts/s, two processes (PostgreSQL, Redis)',
          ovation: formatCount(bothPerSecond),
          baseline: `${formatCount(alone.okPerSecond)} (one process)`,
          ratio: formatRatio(bothPerSecond / alone.okPerSecond),
        },
        {
          benchmark: 'cluster',
          measure: 'server CPU ms per gift, two processes',
          ovation: bothCpuMsPerGift.toFixed(3),
          baseline: `${aloneCpuMsPerGift.toFixed(3)} (one process)`,
          ratio: formatRatio(bothCpuMsPerGift / aloneCpuMsPerGift),
        },
        {
          benchmark: 'cluster',
          measure: 'p99 ms, delivery across processes',
          ovation: formatMs(across.p99Ms),
          baseline: `${formatMs(same.p99Ms)} (within one process)`,
          ratio: formatRatio(across.p99Ms / same.p99Ms),
        },
      ];
      return {
        tables: [throughput, delivery],
        headlines,
        data: {
          seconds,
          sendersPerServer,
          viewersPerServer,
          giftsPerSecond,
          alone,
          both,
          aloneCpuMsPerGift,
          bothCpuMsPerGift,
          steady,
          delivery: report.latencies,
          deliveries: report.events,
          dropped: report.closed,
        },
      };
    } finally {
      await Promise.all([load.stop(), viewers.stop(), ...servers.map((server) => server.stop())]);
      await database.destroy();
    }
  },
};
