#!/usr/bin/env node
// The module rules of src/ (shared/DESIGN.md, "The shape of the system"), run by `npm run lint`:
//
// - the import rules of .dependency-cruiser.mjs (no cycle between modules or files, no domain import of
//   src/server, another module only through its index.ts), checked by dependency-cruiser;
// - table ownership: each module owns the tables its migrations create, and only it reads or writes them.
//   Every table a file names in a Kysely query (selectFrom, insertInto, updateTable, deleteFrom, joins) or
//   in raw SQL (FROM, JOIN, INTO, UPDATE, in capitals) must belong to the file's own module; tests, the
//   torture run and the audit (src/audit), which verify the modules from outside, are exempt.
//
// Any violation fails.
//
//   node scripts/check-module-rules.mjs              check
//   ... --root <folder>                              check another tree (its src/)
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = resolve(fileURLToPath(new URL('..', import.meta.url)));
const rootArgument = process.argv.indexOf('--root');
const root = rootArgument === -1 ? repository : resolve(process.argv[rootArgument + 1]);

/** "rule: from → to" for each of dependency-cruiser's violations. */
function importViolations() {
  const cruise = spawnSync(
    process.execPath,
    [join(repository, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'src', '--config', join(repository, '.dependency-cruiser.mjs'), '--output-type', 'json'],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (cruise.error || (cruise.status !== 0 && !cruise.stdout.startsWith('{'))) {
    console.error(cruise.stderr || cruise.error);
    process.exit(2);
  }
  return JSON.parse(cruise.stdout).summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
}

/**
 * Tests, the torture run's verification and the audit (src/audit) reach inside modules on purpose: they
 * check them from the outside, reading the tables rather than asking the code they check.
 */
const isVerifier = (file) => file.endsWith('.test.ts') || file.split('/').includes('testing') || file.startsWith('src/torture/') || file.startsWith('src/audit/');

/** "table-ownership: file → table" for each table a file names that another module owns. */
function tableViolations() {
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)))
    .filter((file) => !isVerifier(file))
    .sort();
  const moduleOf = (file) => file.split('/')[1];

  const owners = new Map();
  for (const file of files.filter((name) => /\/migrations\.ts$/.test(name))) {
    for (const [, table] of readFileSync(join(root, file), 'utf8').matchAll(/\.createTable\(\s*'([a-z_][a-z0-9_]*)'/g)) {
      if (owners.has(table) && owners.get(table) !== moduleOf(file)) throw new Error(`table ${table} is created by both ${owners.get(table)} and ${moduleOf(file)}`);
      owners.set(table, moduleOf(file));
    }
  }

  const kyselyTable = /\.(?:selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|innerJoinLateral|leftJoinLateral)\(\s*'([a-z_][a-z0-9_]*)/g;
  const rawSqlTable = /\b(?:FROM|JOIN|INTO|UPDATE)\s+"?([a-z_][a-z0-9_]*)/g;
  const found = new Set();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const pattern of [kyselyTable, rawSqlTable]) {
      for (const [, table] of text.matchAll(pattern)) {
        const owner = owners.get(table);
        if (owner !== undefined && owner !== moduleOf(file)) found.add(`table-ownership: ${file} → ${table} (owned by ${owner})`);
      }
    }
  }
  return [...found];
}

const violations = [...new Set([...importViolations(), ...tableViolations()])].sort();
for (const violation of violations) console.error(`  error ${violation}`);
if (violations.length > 0) {
  console.error(`module rules: ${violations.length} violation(s) (see .dependency-cruiser.mjs and this script's header)`);
  process.exit(1);
}
console.log('module rules: no violations');
