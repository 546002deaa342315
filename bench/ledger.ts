/**
 * Ledger: gift-shaped transfers (viewer coins to the gift sink, diamonds to one hot creator) from many
 * concurrent callers, batched versus one transaction per transfer, on SQLite and PostgreSQL, with
 * durable commits. In the bench process itself: there is no network between callers and the ledger.
 */
import { createTestDatabase } from '../src/db/testing/databases.js';
import type { Engine } from '../src/db/database.js';
import {
  COIN,
  DIAMOND,
  createLedger,
  platformAccountId,
  platformAccountSpecs,
  runAudit,
  userCoinWalletId,
  userDiamondWalletId,
  userWalletSpecs,
  type Ledger,
  type LegInput,
} from '../src/ledger/index.js';
import type { Benchmark, BenchmarkContext, Headline, Table } from './support/report.js';
import { formatCount, formatMs, formatRatio, summarizeLatencies } from './support/stats.js';

interface Mode {
  name: 'batched' | 'one tx per transfer';
  maxBatchSize: number;
  writers: number;
  transfers: number;
}

/** Transfers per run: enough for a steady rate, bounded so a run takes seconds. */
function modes(engine: Engine, quick: boolean): Mode[] {
  const scale = quick ? 0.1 : 1;
  return [
    { name: 'batched', maxBatchSize: 1000, writers: engine === 'postgres' ? 2 : 1, transfers: Math.round((engine === 'sqlite' ? 200_000 : 100_000) * scale) },
    { name: 'one tx per transfer', maxBatchSize: 1, writers: engine === 'postgres' ? 16 : 1, transfers: Math.round(2_000 * scale) },
  ];
}

const CONCURRENT_CALLERS = 2_000;
const GIFT_COINS = 5;
const CREATOR = 'creator-hot';

interface LedgerResult {
  engine: Engine;
  mode: Mode['name'];
  transfers: number;
  seconds: number;
  transfersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  auditOk: boolean;
}

export function giftLegs(viewer: number): LegInput[] {
  const diamonds = Math.max(1, Math.floor(GIFT_COINS / 2));
  return [
    { accountId: userCoinWalletId(`viewer-${viewer}`), asset: COIN, direction: 'debit', amount: GIFT_COINS },
    { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit', amount: GIFT_COINS },
    { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit', amount: diamonds },
    { accountId: userDiamondWalletId(CREATOR), asset: DIAMOND, direction: 'credit', amount: diamonds },
  ];
}

export async function fundViewers(ledger: Ledger, viewers: number, transfersPlanned: number): Promise<void> {
  const specs = [...platformAccountSpecs(['USD']), ...userWalletSpecs(CREATOR)];
  for (let v = 0; v < viewers; v++) specs.push(...userWalletSpecs(`viewer-${v}`));
  for (let i = 0; i < specs.length; i += 1000) await ledger.ensureAccounts(specs.slice(i, i + 1000));
  const coinsEach = (Math.ceil(transfersPlanned / viewers) + 1) * GIFT_COINS;
  // In rounds of a thousand, well inside the ledger's queue bound.
  for (let first = 0; first < viewers; first += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, viewers - first) }, (_, offset) => first + offset).map((v) =>
        ledger.submit({
          type: 'posted',
          idempotencyKey: `fund-${v}`,
          legs: [
            { accountId: platformAccountId('coin_issuance', COIN), asset: COIN, direction: 'debit', amount: coinsEach },
            { accountId: userCoinWalletId(`viewer-${v}`), asset: COIN, direction: 'credit', amount: coinsEach },
          ],
        }),
      ),
    );
  }
}

async function run(engine: Engine, mode: Mode, viewers: number): Promise<LedgerResult> {
  const target = await createTestDatabase(engine);
  try {
    const ledger = createLedger(target.db, { maxBatchSize: mode.maxBatchSize, writers: mode.writers });
    const setup = createLedger(target.db);
    await fundViewers(setup, viewers, mode.transfers);
    await setup.close();

    const latenciesMs = new Float64Array(mode.transfers);
    let next = 0;
    const startedAt = process.hrtime.bigint();
    const caller = async () => {
      for (let i = next++; i < mode.transfers; i = next++) {
        const sentAt = process.hrtime.bigint();
        await ledger.submit({ type: 'posted', idempotencyKey: `gift-${i}`, legs: giftLegs(i % viewers), metadata: { giftId: 'rose' } });
        latenciesMs[i] = Number(process.hrtime.bigint() - sentAt) / 1e6;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_CALLERS, mode.transfers) }, caller));
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    await ledger.close();

    const audit = await runAudit(target.db);
    const creator = await ledger.getAccount(userDiamondWalletId(CREATOR));
    const expectedDiamonds = BigInt(mode.transfers * Math.floor(GIFT_COINS / 2));
    if (creator?.posted !== expectedDiamonds) throw new Error(`creator has ${creator?.posted} diamonds, expected ${expectedDiamonds}`);
    const latency = summarizeLatencies(latenciesMs);
    return { engine, mode: mode.name, transfers: mode.transfers, seconds, transfersPerSecond: mode.transfers / seconds, p50Ms: latency.p50Ms, p99Ms: latency.p99Ms, auditOk: audit.ok };
  } finally {
    await target.destroy();
  }
}

const ENGINE_NAMES: Record<Engine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export const ledgerBenchmark: Benchmark = {
  name: 'ledger',
  description:
    `Gift-shaped transfers (four legs: viewer coins to the gift sink, diamonds to one hot creator) from ${formatCount(CONCURRENT_CALLERS)} concurrent callers, ` +
    'with durable commits (SQLite WAL with synchronous=FULL; PostgreSQL defaults), through the batching writer, beside the naive approach in the same run: ' +
    'one database transaction per transfer with row locks (16 concurrent connections on PostgreSQL). The audit must pass after every run.',
  async run({ quick, machine, progress }: BenchmarkContext) {
    const viewers = quick ? 2_000 : 10_000;
    const engines: Engine[] = 'version' in machine.postgres ? ['sqlite', 'postgres'] : ['sqlite'];
    const results: LedgerResult[] = [];
    for (const engine of engines) {
      for (const mode of modes(engine, quick)) {
        progress(`ledger: ${engine} ${mode.name}, ${formatCount(mode.transfers)} transfers`);
        results.push(await run(engine, mode, viewers));
      }
    }
    const naiveOf = (engine: Engine) => results.find((r) => r.engine === engine && r.mode === 'one tx per transfer')!;
    const table: Table = {
      title: `Hot creator account: ${formatCount(viewers)} viewers, one creator`,
      columns: ['engine', 'mode', 'transfers', 'seconds', 'transfers/s', 'p50 ms', 'p99 ms', 'vs naive', 'audit'],
      rows: results.map((r) => [
        ENGINE_NAMES[r.engine],
        r.mode,
        formatCount(r.transfers),
        r.seconds.toFixed(1),
        formatCount(r.transfersPerSecond),
        formatMs(r.p50Ms),
        formatMs(r.p99Ms),
        formatRatio(r.transfersPerSecond / naiveOf(r.engine).transfersPerSecond),
        r.auditOk ? 'ok' : 'FAILED',
      ]),
      notes: 'version' in machine.postgres ? [] : [`PostgreSQL skipped: ${machine.postgres.unreachable}`],
    };
    if (results.some((r) => !r.auditOk)) throw new Error('the audit failed after a ledger run');
    const headlines: Headline[] = results
      .filter((r) => r.mode === 'batched')
      .map((r) => ({
        benchmark: 'ledger',
        measure: `${ENGINE_NAMES[r.engine]} transfers/s, hot account`,
        ovation: formatCount(r.transfersPerSecond),
        baseline: `${formatCount(naiveOf(r.engine).transfersPerSecond)} (one tx per transfer)`,
        ratio: formatRatio(r.transfersPerSecond / naiveOf(r.engine).transfersPerSecond),
      }));
    return { tables: [table], headlines, data: { viewers, concurrentCallers: CONCURRENT_CALLERS, results } };
  },
};
