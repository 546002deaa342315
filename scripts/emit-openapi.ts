/**
 * Writes the API's OpenAPI document (client/openapi.json) and the client's types generated from it
 * (client/src/schema.d.ts), from the routes as the server registers them. With --check it writes both
 * into a temporary folder instead and fails when the committed files differ: lint runs it that way, so a
 * route whose schema changed without the client being regenerated does not pass. Under CI=true it also fails
 * when the files differ from git's: CI's install runs the build, which would otherwise have regenerated them.
 *
 *   tsx scripts/emit-openapi.ts            regenerate the files in client/
 *   tsx scripts/emit-openapi.ts --check    compare them with freshly generated ones
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { createTestApp } from '../src/server/testing/app.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLIENT_FILES = ['client/openapi.json', 'client/src/schema.d.ts'] as const;

const SCHEMA_HEADER = '// Generated from client/openapi.json by scripts/emit-openapi.ts (npm run build:client): do not edit.\n\n';

/** The document the server serves at /api/openapi.json under the default settings, from an app that never listens. */
export async function buildOpenApiDocument(): Promise<OpenAPI3> {
  const test = await createTestApp('sqlite');
  try {
    return test.app.swagger() as OpenAPI3;
  } finally {
    await test.destroy();
  }
}

/** Writes the document and its types below `root`, at the paths of CLIENT_FILES. */
export async function emitClientFiles(root: string): Promise<void> {
  const document = await buildOpenApiDocument();
  const types = astToString(await openapiTS(document, { alphabetize: false, silent: true }));
  const [documentPath, schemaPath] = CLIENT_FILES.map((path) => join(root, path)) as [string, string];
  mkdirSync(dirname(schemaPath), { recursive: true });
  // One line: the document's indentation alone doubled its size; tools read it either way, and /api/openapi.json serves the same.
  writeFileSync(documentPath, `${JSON.stringify(document)}\n`);
  writeFileSync(schemaPath, SCHEMA_HEADER + types);
}

/** The files of CLIENT_FILES under `root` that differ from freshly generated ones (empty when up to date). */
export async function staleClientFiles(root: string): Promise<string[]> {
  const fresh = mkdtempSync(join(tmpdir(), 'ovation-client-'));
  try {
    await emitClientFiles(fresh);
    return differingClientFiles(root, fresh);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

/** The files of CLIENT_FILES whose text under `root` is not the text under `fresh`; a missing file differs. */
export function differingClientFiles(root: string, fresh: string): string[] {
  return CLIENT_FILES.filter((path) => readOrEmpty(join(root, path)) !== readOrEmpty(join(fresh, path)));
}

/** The files of CLIENT_FILES whose text differs from what git holds for them. */
function uncommittedClientFiles(root: string): string[] {
  const diff = spawnSync('git', ['diff', '--name-only', '--', ...CLIENT_FILES], { cwd: root, encoding: 'utf8' });
  if (diff.status !== 0) throw new Error(`git diff failed: ${diff.stderr}`);
  return diff.stdout.split('\n').filter(Boolean);
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  if (process.argv.includes('--check')) {
    const stale = [...new Set([...(await staleClientFiles(ROOT)), ...(process.env.CI === 'true' ? uncommittedClientFiles(ROOT) : [])])];
    if (stale.length > 0) {
      console.error(`${stale.join(' and ')} ${stale.length === 1 ? 'is' : 'are'} stale: the routes' schemas changed. Run npm run build:client and commit the result.`);
      process.exitCode = 1;
    }
  } else {
    await emitClientFiles(ROOT);
  }
}
