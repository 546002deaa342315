/**
 * The benchmark suite: each benchmark measures Ovation beside a baseline in the same run, prints its
 * tables, and the run is written to bench/results/ as JSON and Markdown (a full run of every
 * benchmark also to bench/results/latest.md, which the README quotes).
 *
 *   npm run bench                      every benchmark, full sizes (5 to 10 minutes on 2 cores)
 *   npm run bench -- --quick           every benchmark, small sizes (CI's smoke run)
 *   npm run bench -- fanout startup    some of them
 *   npm run bench -- --cpu-prof ...    servers also write CPU profiles to bench/results/profiles/
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterBenchmark } from './cluster.js';
import { fanoutBenchmark } from './fanout.js';
import { httpGiftsBenchmark } from './http-gifts.js';
import { ledgerBenchmark } from './ledger.js';
import { migrateDataBenchmark } from './migrate-data.js';
import { startupBenchmark } from './startup.js';
import { describeMachine, machineLine, openFilesLimit } from './support/machine.js';
import { renderTable, SkippedBenchmark, summaryTable, writeResults, type BenchmarkOutcome, type SuiteRun } from './support/report.js';
import { buildServer, profileServers } from './support/servers.js';

const BENCHMARKS = [ledgerBenchmark, httpGiftsBenchmark, fanoutBenchmark, clusterBenchmark, startupBenchmark, migrateDataBenchmark];
/** Open files wanted per process: every viewer socket is a file on each side. */
const OPEN_FILES_WANTED = 65_536;
const RAISED_MARK = 'OVATION_BENCH_OPEN_FILES_RAISED';

const { values: options, positionals: names } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'cpu-prof': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
if (options.help || unknown.length > 0) {
  if (unknown.length > 0) console.error(`unknown benchmark: ${unknown.join(', ')}`);
  console.error(`usage: npm run bench -- [--quick] [--cpu-prof] [${BENCHMARKS.map((b) => b.name).join('|')} ...]`);
  process.exit(options.help ? 0 : 2);
}

// A process cannot raise its own open-file limit from Node: run again under a shell that has (children inherit it).
const [softLimit, hardLimit] = [openFilesLimit('-Sn'), openFilesLimit('-Hn')];
const wantedLimit = Math.min(hardLimit, OPEN_FILES_WANTED);
if (softLimit < wantedLimit && process.env[RAISED_MARK] === undefined) {
  const again = spawn('sh', ['-c', `ulimit -n ${wantedLimit} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RAISED_MARK]: '1' },
  });
  again.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await runSuite();
}

async function runSuite(): Promise<void> {
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => names.includes(benchmark.name));
  const startedAt = performance.now();
  const since = () => `${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s`;
  const progress = (text: string) => console.error(`[${since()}] ${text}`);
  if (options['cpu-prof']) profileServers(fileURLToPath(new URL('results/profiles/', import.meta.url)));
  const machine = await describeMachine();
  console.log(`Ovation benchmarks${options.quick ? ' (quick)' : ''}: ${machineLine(machine)}`);
  if (selected.some((benchmark) => benchmark.name !== 'ledger')) {
    progress('building the server (npm run build)');
    await buildServer(progress);
  }

  const outcomes: BenchmarkOutcome[] = [];
  for (const benchmark of selected) {
    const benchmarkStartedAt = performance.now();
    const outcome: BenchmarkOutcome = { name: benchmark.name, description: benchmark.description, seconds: 0 };
    try {
      Object.assign(outcome, await benchmark.run({ quick: options.quick, machine, progress }));
    } catch (error) {
      if (error instanceof SkippedBenchmark) {
        outcome.skipped = error.message;
        progress(`${benchmark.name} skipped: ${error.message}`);
      } else {
        outcome.failed = error instanceof Error ? (error.stack ?? error.message) : String(error);
        progress(`${benchmark.name} FAILED: ${outcome.failed}`);
      }
    }
    outcome.seconds = (performance.now() - benchmarkStartedAt) / 1000;
    outcomes.push(outcome);
    for (const table of outcome.tables ?? []) {
      console.log(`\n${benchmark.name}: ${table.title}\n${renderTable(table)}`);
      for (const note of table.notes ?? []) console.log(`  ${note}`);
    }
  }

  const run: SuiteRun = {
    date: new Date().toISOString(),
    command: `npm run bench${options.quick || names.length > 0 ? ' --' : ''}${options.quick ? ' --quick' : ''}${names.map((name) => ` ${name}`).join('')}`,
    quick: options.quick,
    seconds: (performance.now() - startedAt) / 1000,
    machine,
    outcomes,
  };
  console.log(`\nSummary\n${renderTable(summaryTable(outcomes))}`);
  const files = writeResults(run, selected.length === BENCHMARKS.length);
  console.log(`\n${since().trim()} in all; wrote ${files.join(', ')}`);
  if (outcomes.some((outcome) => outcome.failed)) process.exitCode = 1;
}
