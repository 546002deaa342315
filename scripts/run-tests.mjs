#!/usr/bin/env node
// Runs the test suite with node:test. Node 20's --test takes no globs, so this finds the files.
//
//   node scripts/run-tests.mjs                      every src/**/*.test.ts, bench/**/*.test.ts and scripts/**/*.test.ts
//   node scripts/run-tests.mjs src/server           the tests under a folder
//   node scripts/run-tests.mjs a.test.ts b.test.ts  these files
//
// Arguments starting with "--" go to node itself, e.g. --test-name-pattern=readyz.
// Three files run at a time (TEST_CONCURRENCY, default 3; 1 runs them one by one): each suite makes its
// own databases (random names, also on the shared PostgreSQL server), listens on ports the system picks,
// and uses bus topics of its own, so suites in parallel do not see each other. Their databases are copies
// of migrated templates the run makes first and drops at the end (src/db/testing/templates.ts).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEFAULT_ROOTS = ['src', 'bench', 'scripts'];

function findTests(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => !file.split(/[\\/]/).includes('node_modules'))
    .sort();
}

const args = process.argv.slice(2);
const nodeFlags = args.filter((arg) => arg.startsWith('--'));
const targets = args.filter((arg) => !arg.startsWith('--'));

const missing = targets.filter((target) => !existsSync(target));
if (missing.length > 0) {
  console.error(`run-tests: no such file or folder: ${missing.join(', ')}`);
  process.exit(2);
}

const files = (targets.length > 0 ? targets.map((target) => resolve(target)) : DEFAULT_ROOTS.map((dir) => join(root, dir))).flatMap(findTests);
if (files.length === 0) {
  console.error('run-tests: no *.test.ts files found');
  process.exit(targets.length > 0 ? 2 : 0);
}

// Three on two cores: a suite spends part of its time waiting for the processes, browsers and services it drives.
const concurrency = process.env.TEST_CONCURRENCY?.trim() || '3';
if (!/^[1-9][0-9]?$/.test(concurrency)) {
  console.error(`run-tests: TEST_CONCURRENCY must be a whole number from 1 to 99, not ${JSON.stringify(concurrency)}`);
  process.exit(2);
}
console.error(`run-tests: ${files.length} file(s), ${concurrency} at a time, Node ${process.version}${process.env.CI === 'true' ? ' (CI=true: PostgreSQL, Redis and NATS suites must run)' : ''}`);
// The server and CLI processes tests start run the built dist/ (src/server/testing/process.ts, src/cli/testing/run.ts),
// as operators run them: built here first, incrementally (a few seconds when nothing changed). A type error does
// not stop the build or the run (the type-check is its own step), so the processes always run the current source.
const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
if (build.error || !existsSync(join(root, 'dist', 'server', 'main.js'))) {
  console.error(`run-tests: building dist/ failed\n${build.error ?? build.stdout}`);
  process.exit(2);
}
// Migrated template databases for the whole run: each suite's database is then a copy (src/db/testing/templates.ts).
const ownTemplates = !process.env.OVATION_TEST_TEMPLATES;
const templateScript = ['--import', 'tsx', join(root, 'scripts', 'test-templates.ts')];
const env = ownTemplates
  ? { ...process.env, OVATION_TEST_TEMPLATES: execFileSync(process.execPath, [...templateScript, 'create'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }) }
  : process.env;
function dropTemplates() {
  if (ownTemplates) execFileSync(process.execPath, [...templateScript, 'drop'], { env, stdio: 'inherit' });
}

// Each test process adds the number of responses it checked against the OpenAPI document (src/server/testing/response-validation.ts) here.
const validationCounts = mkdtempSync(join(tmpdir(), 'ovation-validations-'));
const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...nodeFlags, ...files.map((file) => relative(process.cwd(), file) || file)], {
  stdio: 'inherit',
  env: { ...env, OVATION_RESPONSE_VALIDATION_DIR: validationCounts },
});

function reportValidations() {
  const total = readdirSync(validationCounts)
    .flatMap((name) => readFileSync(join(validationCounts, name), 'utf8').split('\n'))
    .reduce((sum, line) => sum + (Number(line) || 0), 0);
  rmSync(validationCounts, { recursive: true, force: true });
  console.error(`run-tests: ${total} responses validated against the OpenAPI document`);
}

// Let Ctrl-C reach the test process and report its outcome rather than dying first.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

child.on('exit', (code, signal) => {
  reportValidations();
  dropTemplates();
  if (signal) console.error(`run-tests: node --test ended by ${signal}`);
  process.exit(code ?? 1);
});
