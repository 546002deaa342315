// The staleness check `npm run lint` runs (scripts/emit-openapi.ts --check): generated files pass until a
// route's schema, and so the document, changes under them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_FILES, differingClientFiles, emitClientFiles } from './emit-openapi.js';

describe('the client files check', () => {
  let fresh: string;
  let committed: string;

  before(async () => {
    fresh = mkdtempSync(join(tmpdir(), 'ovation-fresh-'));
    committed = mkdtempSync(join(tmpdir(), 'ovation-committed-'));
    await emitClientFiles(fresh);
  });
  after(() => {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(committed, { recursive: true, force: true });
  });

  it('writes the document with every API route and the types of its paths', () => {
    const document = JSON.parse(readFileSync(join(fresh, 'client/openapi.json'), 'utf8')) as { paths: Record<string, unknown> };
    assert.ok(document.paths['/api/v1/lives/{id}/gifts']);
    assert.match(readFileSync(join(fresh, 'client/src/schema.d.ts'), 'utf8'), /"\/api\/v1\/lives\/\{id\}\/gifts": \{/);
  });

  it('passes files generated from the routes as they are', () => {
    cpSync(fresh, committed, { recursive: true });
    assert.deepEqual(differingClientFiles(committed, fresh), []);
  });

  it('names each file that no longer matches the routes, as after a response schema changed', () => {
    cpSync(fresh, committed, { recursive: true });
    const documentPath = join(committed, 'client/openapi.json');
    writeFileSync(documentPath, readFileSync(documentPath, 'utf8').replace('"coins":{', '"coinsRenamed":{'));
    assert.deepEqual(differingClientFiles(committed, fresh), ['client/openapi.json']);
    rmSync(join(committed, 'client/src/schema.d.ts'));
    assert.deepEqual(differingClientFiles(committed, fresh), [...CLIENT_FILES]);
  });
});
