// `npm run torture`: the bank-style torture test. `--quick` is the short run CI makes; `--long` runs longer with more clients.
import { parseArgs } from 'node:util';
import { formatTortureSummaries, runTorture, tortureProfile, TORTURE_MODES, type TortureMode, type TortureSummary } from './torture.js';
import { enginesUnderTest } from '../db/testing/databases.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    long: { type: 'boolean', default: false },
    mode: { type: 'string', multiple: true },
  },
});

const modes = (values.mode ?? [...TORTURE_MODES]) as TortureMode[];
for (const mode of modes) if (!TORTURE_MODES.includes(mode)) throw new Error(`--mode: expected one of ${TORTURE_MODES.join(', ')}, got ${mode}`);
const profile = values.quick ? 'quick' : values.long ? 'long' : 'standard';
const postgres = (await enginesUnderTest()).find((engine) => engine.engine === 'postgres')!;

const summaries: TortureSummary[] = [];
for (const mode of modes) {
  if (mode !== 'sqlite' && postgres.skip) {
    console.error(`SKIPPING ${mode}: ${postgres.skip}`);
    continue;
  }
  console.error(`torture ${mode} (${profile})`);
  const summary = await runTorture({ ...tortureProfile(profile), mode, log: (line) => console.error(`  ${line}`) });
  summaries.push(summary);
  for (const discrepancy of summary.verification.discrepancies) console.error(`  DISCREPANCY ${discrepancy}`);
  for (const error of summary.serverErrors) console.error(`  server error: ${error}`);
}
console.log(formatTortureSummaries(summaries));
process.exitCode = summaries.some((summary) => summary.verification.discrepancies.length > 0) ? 1 : 0;
