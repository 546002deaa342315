/**
 * Ledger benchmark: gift-shaped transfers (viewer coins to the gift sink,
 * diamonds to one hot creator) from many concurrent callers, batched versus
 * one transaction per transfer, on SQLite and PostgreSQL, with durable
 * commits. Prints a table and writes JSON to bench/results/.
 *
 *   npm run bench:ledger [-- --quick] [-- --engine sqlite|postgres]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
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

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, engine: { type: 'string', multiple: true } },
});
const engines = (args.engine ?? ['sqlite', 'postgres']) as Engine[];

interface Mode {
  name: string;
  maxBatchSize: number;
  writers: number;
  transfers: number;
}

/** Transfers per run: enough for a steady rate, bounded so a run takes seconds. */
function modes(engine: Engine): Mode[] {
  const scale = args.quick ? 0.1 : 1;
  return [
    { name: 'batched', maxBatchSize: 1000, writers: engine === 'postgres' ? 2 : 1, transfers: Math.round((engine === 'sqlite' ? 300_000 : 150_000) * scale) },
    { name: 'one tx per transfer', maxBatchSize: 1, writers: engine === 'postgres' ? 16 : 1, transfers: Math.round(4_000 * scale) },
  ];
}

const VIEWERS = args.quick ? 2_000 : 10_000;
const CONCURRENT_CALLERS = 2_000;
const GIFT_COINS = 5;
const CREATOR = 'creator-hot';

interface Result {
  engine: Engine;
  mode: string;
  transfers: number;
  seconds: number;
  transfersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  auditOk: boolean;
}

function giftLegs(viewer: number): LegInput[] {
  const diamonds = Math.max(1, Math.floor(GIFT_COINS / 2));
  return [
    { accountId: userCoinWalletId(`viewer-${viewer}`), asset: COIN, direction: 'debit', amount: GIFT_COINS },
    { accountId: platformAccountId('gift_sink', COIN), asset: COIN, direction: 'credit', amount: GIFT_COINS },
    { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit', amount: diamonds },
    { accountId: userDiamondWalletId(CREATOR), asset: DIAMOND, direction: 'credit', amount: diamonds },
  ];
}

async function fundViewers(ledger: Ledger, transfersPlanned: number): Promise<void> {
  const specs = [...platformAccountSpecs(['USD']), ...userWalletSpecs(CREATOR)];
  for (let v = 0; v < VIEWERS; v++) specs.push(...userWalletSpecs(`viewer-${v}`));
  for (let i = 0; i < specs.length; i += 1000) await ledger.ensureAccounts(specs.slice(i, i + 1000));
  const coinsEach = (Math.ceil(transfersPlanned / VIEWERS) + 1) * GIFT_COINS;
  await Promise.all(
    Array.from({ length: VIEWERS }, (_, v) =>
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

async function run(engine: Engine, mode: Mode): Promise<Result> {
  const target = await createTestDatabase(engine);
  try {
    const ledger = createLedger(target.db, { maxBatchSize: mode.maxBatchSize, writers: mode.writers });
    const setup = createLedger(target.db);
    await fundViewers(setup, mode.transfers);
    await setup.close();

    const latenciesMs = new Float64Array(mode.transfers);
    let next = 0;
    const startedAt = process.hrtime.bigint();
    const caller = async () => {
      for (let i = next++; i < mode.transfers; i = next++) {
        const sentAt = process.hrtime.bigint();
        await ledger.submit({ type: 'posted', idempotencyKey: `gift-${i}`, legs: giftLegs(i % VIEWERS), metadata: { giftId: 'rose' } });
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
    latenciesMs.sort();
    return {
      engine,
      mode: mode.name,
      transfers: mode.transfers,
      seconds: round(seconds, 2),
      transfersPerSecond: Math.round(mode.transfers / seconds),
      p50Ms: round(latenciesMs[Math.floor(mode.transfers * 0.5)]!, 1),
      p99Ms: round(latenciesMs[Math.floor(mode.transfers * 0.99)]!, 1),
      auditOk: audit.ok,
    };
  } finally {
    await target.destroy();
  }
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

async function databaseVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const engine of engines) {
    const target = await createTestDatabase(engine);
    const query = engine === 'sqlite' ? sql<{ v: string }>`select sqlite_version() as v` : sql<{ v: string }>`select current_setting('server_version') as v`;
    versions[engine] = (await query.execute(target.db.kysely)).rows[0]!.v;
    await target.destroy();
  }
  return versions;
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: round(totalmem() / 2 ** 30, 1),
  node: process.version,
  databases: await databaseVersions(),
};
console.log(`ledger benchmark: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
  Object.entries(machine.databases).map(([e, v]) => `${e} ${v}`).join(', '));
console.log(`gift-shaped transfers (4 legs) from ${CONCURRENT_CALLERS} concurrent callers, ${VIEWERS} viewers, one hot creator; durable commits`);

const results: Result[] = [];
for (const engine of engines) {
  for (const mode of modes(engine)) {
    process.stdout.write(`  ${engine} ${mode.name}: ${mode.transfers} transfers ... `);
    const result = await run(engine, mode);
    console.log(`${result.transfersPerSecond} /s`);
    results.push(result);
  }
}

const header = ['engine', 'mode', 'transfers', 'seconds', 'transfers/s', 'p50 ms', 'p99 ms', 'speed-up', 'audit'];
const rows = results.map((r) => {
  const naive = results.find((n) => n.engine === r.engine && n.mode === 'one tx per transfer');
  const speedUp = naive ? `${round(r.transfersPerSecond / naive.transfersPerSecond, 1)}x` : '';
  return [r.engine, r.mode, String(r.transfers), String(r.seconds), String(r.transfersPerSecond), String(r.p50Ms), String(r.p99Ms), speedUp, r.auditOk ? 'ok' : 'FAILED'];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(['', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));

mkdirSync('bench/results', { recursive: true });
const file = `bench/results/ledger-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ benchmark: 'ledger', date: new Date().toISOString(), quick: args.quick, machine, results }, null, 2));
console.log(`\nwrote ${file}`);
if (results.some((r) => !r.auditOk)) process.exitCode = 1;
