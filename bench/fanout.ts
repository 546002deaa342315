/**
 * fanout: viewer sockets in one live room, from another process, while gifts arrive at a set rate
 * through the HTTP API; beside a plain `ws` server broadcasting the same bytes at the same rate to
 * the same number of sockets, in the same run. The room sends a tick's events in one frame, so at
 * high gift rates the baseline batches them the same way (one frame per tick).
 */
import { createTestDatabase } from '../src/db/testing/databases.js';
import type { HttpLoadResult } from './load/http-load.js';
import type { ViewersReport } from './load/viewers.js';
import { forkLoadProcess } from './support/ipc.js';
import { creatorLive, viewersWithCoins } from './support/population.js';
import { residentBytes } from './support/proc.js';
import type { Benchmark, BenchmarkContext, Headline, Table } from './support/report.js';
import { startBenchServer } from './support/servers.js';
import { formatCount, formatMs, formatRatio, NO_LATENCIES, type LatencySummary } from './support/stats.js';

/** Sizes measured, each at a steady gift rate; deliveries per second are viewers times gifts per second. */
const FULL_SIZES = [
  { viewers: 1_000, giftsPerSecond: 5 },
  { viewers: 1_000, giftsPerSecond: 500 },
  { viewers: 5_000, giftsPerSecond: 5 },
  { viewers: 10_000, giftsPerSecond: 5 },
];
const QUICK_SIZES = [
  { viewers: 200, giftsPerSecond: 5 },
  { viewers: 1_000, giftsPerSecond: 500 },
];
/** The room's tick (ROOM_FANOUT_TICK_MS, default): the baseline sends at most this many frames a second, as the room does. */
const TICK_MS = 50;
/** Sockets timed per size: the rest only count what they receive, so the viewer process keeps up. */
const TIMED_SOCKETS = 200;
/** Sockets beyond the viewers that a process keeps open: its own files, database, connections. */
const SPARE_FILES = 200;

interface SideResult {
  viewers: number;
  giftsSent: number;
  latency: LatencySummary;
  /** Room events delivered per second, all sockets together (a batch holds several). */
  deliveriesPerSecond: number;
  /** Frames, and room events in them, each viewer got per second. */
  framesPerViewerSecond: number;
  eventsPerViewerSecond: number;
  /** Share of the gifts sent that reached the timed sockets (a merged combo event counts as its quantity). */
  delivered: number;
  closedSockets: number;
  /** Frames besides room events each viewer got per second: viewer counts and top-gifter boards. */
  otherFramesPerViewerSecond: number;
  connectSeconds: number;
  /** Resident memory, and JS heap with buffers, added per connected idle viewer. */
  rssBytesPerViewer: number;
  heapBytesPerViewer: number;
}

interface SizeResult {
  viewers: number;
  giftsPerSecond: number;
  ovation: SideResult;
  plainWs: SideResult;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const fanoutBenchmark: Benchmark = {
  name: 'fanout',
  description:
    "N viewer sockets (anonymous, from a separate process) in one live room on the built server (SQLite) while gifts arrive through `POST /api/v1/lives/:id/gifts` at a set rate (autocannon's overallRate, which sends each connection's requests for a second at that second's start: 5 gifts/s arrive as a burst of five each second, as when viewers answer one moment together). " +
    "Latency runs from the gift's `sentAt` (stamped by the server just before it submits the ledger transfer) to receipt, on an evenly spread sample of sockets. " +
    'Memory per viewer is the server’s growth (RSS, and JS heap with buffers, after a full collection) from no viewers to N idle ones. ' +
    'The baseline is a plain `ws` server in its own process broadcasting the same bytes at the same rate, spread evenly over each second, to the same number of sockets.',
  async run({ quick, machine, progress }: BenchmarkContext) {
    const sizes = (quick ? QUICK_SIZES : FULL_SIZES).map((size) => ({ ...size, viewers: Math.min(size.viewers, machine.openFilesLimit - SPARE_FILES) }));
    const seconds = quick ? 3 : 6;
    const database = await createTestDatabase('sqlite');
    const server = await startBenchServer({ DATABASE_URL: database.url });
    const baseline = forkLoadProcess('ws-broadcast-server.ts', ['--expose-gc']);
    const viewers = forkLoadProcess('viewers.ts', ['--max-old-space-size=4096']);
    const load = forkLoadProcess('http-load.ts');
    try {
      const { liveId } = await creatorLive(server.url);
      const senderCount = quick ? 10 : 30;
      progress(`fanout: signing up ${senderCount} senders with coins`);
      const senders = await viewersWithCoins(server.url, senderCount);
      const roomUrl = `${server.url.replace(/^http/, 'ws')}/api/v1/lives/${liveId}/ws`;
      const baselineUrl = await baseline.call<string>('listen');
      const serverPid = server.process.child.pid!;
      const baselinePid = baseline.child.pid!;
      let keys = 0;
      let frame: string | undefined;

      const measureSide = async (side: 'ovation' | 'plain ws', size: (typeof sizes)[number]): Promise<SideResult> => {
        const pid = side === 'ovation' ? serverPid : baselinePid;
        // After a full collection, and a moment for the collector to hand pages back.
        const memory = async () => {
          const usage = await (side === 'ovation' ? server.memory() : baseline.call<NodeJS.MemoryUsage>('memory'));
          await sleep(500);
          return { heap: usage.heapUsed + usage.external, rss: residentBytes(pid) };
        };
        const before = await memory();
        progress(`fanout: ${side}, connecting ${formatCount(size.viewers)} viewers`);
        const connected = await viewers.call<{ seconds: number }>(
          'connect',
          {
            url: side === 'ovation' ? roomUrl : baselineUrl,
            count: size.viewers,
            group: side,
            sampleEvery: Math.max(1, Math.floor(size.viewers / TIMED_SOCKETS)),
            untilFirstFrame: side === 'ovation',
          },
          300_000,
        );
        // Timers that follow joins (viewer counts, presence) settle first.
        await sleep(1500);
        const after = await memory();
        progress(`fanout: ${side}, ${size.giftsPerSecond} gifts/s to ${formatCount(size.viewers)} viewers for ${seconds} s`);
        await viewers.call('measure', {});
        let giftsSent: number;
        // Gifts arriving faster than the room's ticks go out one frame per tick: so does the baseline's.
        const baselineFramesPerSecond = Math.min(size.giftsPerSecond, 1000 / TICK_MS);
        const eventsPerFrame = Math.max(1, Math.round(size.giftsPerSecond / baselineFramesPerSecond));
        if (side === 'ovation') {
          const sent = await load.call<HttpLoadResult>(
            'run',
            {
              url: server.url,
              method: 'POST',
              path: `/api/v1/lives/${liveId}/gifts`,
              body: JSON.stringify({ giftId: 'gift_rose' }),
              tokens: senders.map((sender) => sender.token),
              idempotencyKeyPrefix: `fanout-${++keys}`,
              connections: Math.max(10, Math.ceil(size.giftsPerSecond / 10)),
              durationSeconds: seconds,
              amount: size.giftsPerSecond * seconds,
              overallRate: size.giftsPerSecond,
            },
            seconds * 20_000,
          );
          giftsSent = sent.ok;
        } else {
          if (!frame) throw new Error('no gift event was received from the server to send the same bytes');
          const sent = await baseline.call<{ frames: number }>('broadcast', { frame, framesPerSecond: baselineFramesPerSecond, eventsPerFrame, durationSeconds: seconds }, seconds * 20_000);
          giftsSent = sent.frames * eventsPerFrame;
        }
        // Deliveries still in flight arrive.
        await sleep(1000);
        const report = await viewers.call<ViewersReport>('report');
        frame ??= report.sampleFrame;
        await viewers.call('close', {}, 120_000);
        const latency = report.latencies.all ?? NO_LATENCIES;
        // A gift whose answer came too late for the load generator (a timeout) was still sent into the room.
        if (side === 'ovation') giftsSent = Math.max(giftsSent, report.distinctEvents);
        return {
          viewers: size.viewers,
          giftsSent,
          latency,
          deliveriesPerSecond: report.events / seconds,
          framesPerViewerSecond: report.frames / size.viewers / seconds,
          eventsPerViewerSecond: report.events / size.viewers / seconds,
          delivered: report.sampledGifts / Math.max(1, giftsSent * report.sampledSockets),
          closedSockets: report.closed,
          otherFramesPerViewerSecond: (report.frames - report.eventFrames) / size.viewers / report.seconds,
          connectSeconds: connected.seconds,
          rssBytesPerViewer: (after.rss - before.rss) / size.viewers,
          heapBytesPerViewer: (after.heap - before.heap) / size.viewers,
        };
      };

      const results: SizeResult[] = [];
      for (const size of sizes) {
        const ovation = await measureSide('ovation', size);
        const plainWs = await measureSide('plain ws', size);
        results.push({ ...size, ovation, plainWs });
      }

      const kib = (bytes: number) => (bytes / 1024).toFixed(1);
      const table: Table = {
        title: 'Gifts fanned out to one room, versus a plain ws server broadcasting the same bytes',
        columns: [
          'viewers',
          'gifts/s',
          'sent/s',
          'server',
          'p50 ms',
          'p99 ms',
          'deliveries/s',
          'delivered',
          'frames/viewer/s',
          'events/viewer/s',
          'other frames/viewer/s',
          'dropped sockets',
          'KiB/viewer (RSS)',
          'KiB/viewer (heap+buffers)',
          'p99 vs plain ws',
        ],
        rows: results.flatMap((r) =>
          (['ovation', 'plainWs'] as const).map((side) => {
            const s = r[side];
            return [
              formatCount(r.viewers),
              String(r.giftsPerSecond),
              formatCount(s.giftsSent / seconds),
              side === 'ovation' ? 'Ovation' : 'plain ws',
              formatMs(s.latency.p50Ms),
              formatMs(s.latency.p99Ms),
              formatCount(s.deliveriesPerSecond),
              `${(s.delivered * 100).toFixed(1)}%`,
              s.framesPerViewerSecond.toFixed(1),
              s.eventsPerViewerSecond.toFixed(1),
              s.otherFramesPerViewerSecond.toFixed(2),
              formatCount(s.closedSockets),
              kib(s.rssBytesPerViewer),
              kib(s.heapBytesPerViewer),
              side === 'ovation' ? formatRatio(s.latency.p99Ms / r.plainWs.latency.p99Ms) : '',
            ];
          }),
        ),
        notes: [
          `Latency on ${TIMED_SOCKETS} evenly spread sockets per size, of each gift event received (a combo event merged from several gifts is timed from its latest gift's sentAt); delivered is the share of gifts sent that reached them, a merged event counting as its quantity. ` +
            'Deliveries count room events on every socket, alone or inside batch frames; frames/viewer/s counts every frame, events/viewer/s the money events in them (both over the seconds gifts were sent; fewer events than gifts where combos merged); other frames are those without one (viewer counts and top-gifter boards sent alone).',
          `The room gathers events for a tick (ROOM_FANOUT_TICK_MS, ${TICK_MS} ms): at high gift rates the baseline sends the same events batched one frame per tick too, stamped when sent, so it pays no wait for the tick.`,
          'Target: p99 under 250 ms at 10,000 viewers and 500 gifts/s, and under 16 KiB per idle viewer. 500 gifts/s to 10,000 viewers is 5,000,000 deliveries a second, ' +
            'more than two cores can send and receive with both ends on one machine (the plain ws baseline cannot either), so the sizes above use rates this machine sustains.',
          ...(sizes.some((size, index) => size.viewers < (quick ? QUICK_SIZES : FULL_SIZES)[index]!.viewers)
            ? [`Viewers capped by the open-file limit (ulimit -n ${machine.openFilesLimit}); raise it to measure the full sizes.`]
            : []),
        ],
      };
      const largest = results.reduce((best, result) => (result.viewers > best.viewers || (result.viewers === best.viewers && result.giftsPerSecond < best.giftsPerSecond) ? result : best));
      const busiest = results.reduce((best, result) => (result.giftsPerSecond > best.giftsPerSecond ? result : best));
      const headlines: Headline[] = [
        {
          benchmark: 'fanout',
          measure: `p99 ms, ${formatCount(largest.viewers)} viewers, ${largest.giftsPerSecond} gifts/s`,
          ovation: formatMs(largest.ovation.latency.p99Ms),
          baseline: `${formatMs(largest.plainWs.latency.p99Ms)} (plain ws, same bytes)`,
          ratio: formatRatio(largest.ovation.latency.p99Ms / largest.plainWs.latency.p99Ms),
        },
        ...(busiest.giftsPerSecond > largest.giftsPerSecond
          ? [
              {
                benchmark: 'fanout',
                measure: `frames per viewer per second, ${formatCount(busiest.viewers)} viewers, ${busiest.giftsPerSecond} gifts/s`,
                ovation: busiest.ovation.framesPerViewerSecond.toFixed(1),
                baseline: `${busiest.ovation.eventsPerViewerSecond.toFixed(0)} (events per viewer per second)`,
                ratio: formatRatio(busiest.ovation.framesPerViewerSecond / busiest.ovation.eventsPerViewerSecond),
              },
            ]
          : []),
        {
          benchmark: 'fanout',
          measure: `KiB per idle viewer (RSS), ${formatCount(largest.viewers)} viewers`,
          ovation: kib(largest.ovation.rssBytesPerViewer),
          baseline: `${kib(largest.plainWs.rssBytesPerViewer)} (plain ws)`,
          ratio: formatRatio(largest.ovation.rssBytesPerViewer / largest.plainWs.rssBytesPerViewer),
        },
      ];
      return { tables: [table], headlines, data: { seconds, sizes: results } };
    } finally {
      await Promise.all([load.stop(), viewers.stop(), baseline.stop(), server.stop()]);
      await database.destroy();
    }
  },
};
