// The module rules `npm run lint` enforces (scripts/check-module-rules.mjs with .dependency-cruiser.mjs),
// run on a small tree of their own: each rule must refuse the mistake it names, and a tree without
// mistakes must pass.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A tree with two modules, alpha owning `alpha_things`, and the server; `extra` adds or replaces files. */
function writeTree(folder: string, extra: Record<string, string>): void {
  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
    'src/alpha/migrations.ts': "export const up = (db: any) => db.schema.createTable('alpha_things');\n",
    'src/alpha/things.ts': "export const count = (db: any) => db.selectFrom('alpha_things').selectAll();\n",
    'src/alpha/index.ts': "export { count } from './things.js';\n",
    'src/beta/index.ts': "import { count } from '../alpha/index.js';\nexport const twice = (db: any) => [count(db), count(db)];\n",
    'src/server/errors.ts': 'export class HttpError extends Error {}\n',
    'src/server/app.ts': "import { twice } from '../beta/index.js';\nexport const app = twice;\n",
    ...extra,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
}

/** `npm run lint:modules` on the tree. */
function lintModules(folder: string): { ok: boolean; output: string } {
  const check = spawnSync(process.execPath, [join(repository, 'scripts', 'check-module-rules.mjs'), '--root', folder], { encoding: 'utf8' });
  return { ok: check.status === 0, output: check.stdout + check.stderr };
}

describe('module rules in lint', () => {
  let parent: string;
  let count = 0;
  const tree = (extra: Record<string, string> = {}) => {
    const folder = join(parent, `tree-${count++}`);
    writeTree(folder, extra);
    return lintModules(folder);
  };

  before(() => (parent = mkdtempSync(join(tmpdir(), 'ovation-module-rules-'))));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('passes a tree that keeps the rules', () => {
    const { ok, output } = tree();
    assert.ok(ok, output);
  });

  it("refuses a module that reads another module's table", () => {
    const { ok, output } = tree({ 'src/beta/report.ts': "export const report = (db: any) => db.selectFrom('alpha_things').selectAll();\n" });
    assert.equal(ok, false);
    assert.match(output, /table-ownership: src\/beta\/report\.ts → alpha_things \(owned by alpha\)/);
  });

  it("refuses raw SQL on another module's table", () => {
    const { ok, output } = tree({ 'src/beta/report.ts': 'export const query = `SELECT count(*) FROM alpha_things`;\n' });
    assert.equal(ok, false);
    assert.match(output, /table-ownership: src\/beta\/report\.ts → alpha_things/);
  });

  it('refuses domain code that imports the server', () => {
    const { ok, output } = tree({ 'src/beta/fail.ts': "import { HttpError } from '../server/errors.js';\nexport const fail = () => new HttpError();\n" });
    assert.equal(ok, false);
    assert.match(output, /domain-imports-no-server: src\/beta\/fail\.ts → src\/server\/errors\.ts/);
  });

  it("refuses an import of another module's file instead of its index", () => {
    const { ok, output } = tree({ 'src/beta/peek.ts': "import { count } from '../alpha/things.js';\nexport const peek = count;\n" });
    assert.equal(ok, false);
    assert.match(output, /through-module-index: src\/beta\/peek\.ts → src\/alpha\/things\.ts/);
  });

  it('lets the audit read any table: it checks the modules from outside', () => {
    const { ok, output } = tree({ 'src/audit/alpha.ts': 'export const query = `SELECT count(*) FROM alpha_things`;\n' });
    assert.ok(ok, output);
  });

  it('refuses a new cycle between modules', () => {
    const { ok, output } = tree({ 'src/alpha/index.ts': "export { count } from './things.js';\nexport { twice } from '../beta/index.js';\n" });
    assert.equal(ok, false);
    assert.match(output, /no-module-cycle: src\/(alpha|beta) → /);
  });
});
