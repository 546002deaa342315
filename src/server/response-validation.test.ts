import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { OvationServer } from './server.js';
import { createTestApp, type TestApp } from './testing/app.js';
import { RESPONSE_VALIDATION_COUNT_DIR } from './testing/response-validation.js';

/** Set when this file runs itself as the suite a careless route would break (below). */
const AS_FAILING_SUITE = 'OVATION_RESPONSE_VALIDATION_FAILING_SUITE';

/** Test-only routes: one answers a status its schema does not document, one a body its schema does not allow. */
function addOffDocumentRoutes(server: OvationServer): void {
  // Replies typed loosely: the typed ones would refuse to compile the answers the schema does not allow.
  const app = server as unknown as FastifyInstance;
  const schema = { tags: ['development'], summary: 'A route for the response check’s own test', response: { 200: Type.Object({ ok: Type.Boolean() }) } };
  app.get('/test/undocumented-status', { schema }, async (_request, reply: FastifyReply) => reply.code(418).send({ ok: true }));
  app.get('/test/undocumented-body', { schema }, async (_request, reply: FastifyReply) => reply.type('application/json').serializer(String).send('{"ok":"yes"}'));
  app.get('/test/documented', { schema }, async () => ({ ok: true }));
}
const OFF_DOCUMENT_ACCESS = { 'GET /test/undocumented-status': 'public', 'GET /test/undocumented-body': 'public', 'GET /test/documented': 'public' } as const;

if (process.env[AS_FAILING_SUITE] === '1') {
  // A test that looks at nothing: the response check alone must fail it.
  test('a route answering a status its document lacks', async () => {
    const t = await createTestApp('sqlite', { extraRouteAccess: OFF_DOCUMENT_ACCESS, addRoutes: addOffDocumentRoutes });
    try {
      await t.app.inject({ method: 'GET', url: '/test/undocumented-status' });
    } finally {
      await t.destroy();
    }
  });
} else {
  describe('every response is checked against the OpenAPI document', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp('sqlite', { extraRouteAccess: OFF_DOCUMENT_ACCESS, addRoutes: addOffDocumentRoutes });
    });
    after(async () => {
      // destroy() reports the off-document responses this suite provoked on purpose.
      await assert.rejects(t.destroy(), /responses the OpenAPI document does not allow[\s\S]*answered 418[\s\S]*answered 200/);
    });

    it('a documented response reaches the test unchanged', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/test/documented' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { ok: true });
    });

    it('an undocumented status reaches the test as a 500 naming it', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/test/undocumented-status' });
      assert.equal(response.statusCode, 500);
      const { error } = response.json() as { error: { code: string; message: string } };
      assert.equal(error.code, 'response_not_documented');
      assert.match(error.message, /answered 418.*status 418 is not documented/);
    });

    it('a body its schema does not allow reaches the test as a 500 naming the field', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/test/undocumented-body' });
      assert.equal(response.statusCode, 500);
      assert.match((response.json() as { error: { message: string } }).error.message, /\/ok must be boolean/);
    });

    it('a test whose route answers an undocumented status fails, and the responses it checked are counted', () => {
      const counts = mkdtempSync(join(tmpdir(), 'ovation-validations-'));
      try {
        // Without the test runner's own context, the child runs as a suite of its own rather than reporting to this one;
        // TAP named, as Node 24 reports in its spec format by default.
        const { NODE_TEST_CONTEXT: _ownContext, ...env } = process.env;
        const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', fileURLToPath(import.meta.url)], {
          env: { ...env, [AS_FAILING_SUITE]: '1', [RESPONSE_VALIDATION_COUNT_DIR]: counts },
          encoding: 'utf8',
          timeout: 60_000,
        });
        assert.equal(run.status, 1, run.stdout + run.stderr);
        assert.match(run.stdout, /not ok .* a route answering a status its document lacks/);
        assert.match(run.stdout + run.stderr, /status 418 is not documented/);
        const counted = readdirSync(counts).reduce((sum, name) => sum + Number(readFileSync(join(counts, name), 'utf8').trim()), 0);
        assert.equal(counted, 1);
      } finally {
        rmSync(counts, { recursive: true, force: true });
      }
    });
  });
}
