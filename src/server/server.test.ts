import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Type } from 'typebox';
import { enginesUnderTest } from '../db/testing/databases.js';
import { pino } from 'pino';
import { openDatabase, type Database } from '../db/database.js';
import { loadConfig } from '../config/config.js';
import { createServices } from './services.js';
import { createMemoryBus } from '../bus/memory.js';
import { LedgerError, type Ledger } from '../ledger/index.js';
import { buildServer, REQUEST_ID_HEADER, type OvationServer } from './server.js';
import { loadModuleSettings } from './settings.js';
import { createTestApp, type TestApp } from './testing/app.js';
import { installResponseValidation, type ResponseValidation } from './testing/response-validation.js';
import { deferred } from '../shared/testing/waits.js';

const config = loadConfig({ LOG_LEVEL: 'silent' });
const TEST_ROUTES = { 'POST /test/validated': 'public', 'GET /test/ledger-error': 'public', 'GET /test/crash': 'public', 'GET /test/slow': 'public' } as const;

/** Everything buildServer needs, on `db`. */
function dependencies(db: Database, ledger: Ledger) {
  const logger = pino({ level: 'silent' });
  const bus = createMemoryBus(logger);
  const services = createServices({ config, settings: loadModuleSettings({}), db, ledger, bus, logger });
  return { config, db, ledger, services, bus, extraRouteAccess: TEST_ROUTES };
}

/** A server built apart from the test app (its own logger, database connection or listener), its responses checked as the test app's are. */
async function separateServer(deps: Parameters<typeof buildServer>[0]): Promise<{ server: OvationServer; responses: ResponseValidation }> {
  const server = await buildServer(deps);
  return { server, responses: installResponseValidation(server) };
}

function assertErrorShape(body: unknown, expected: { type: string; code: string }) {
  assert.ok(body && typeof body === 'object' && 'error' in body, `expected an error object, got ${JSON.stringify(body)}`);
  const { error } = body as { error: Record<string, unknown> };
  assert.deepEqual(
    Object.keys(error)
      .filter((key) => key !== 'param')
      .sort(),
    ['code', 'message', 'type'],
  );
  assert.equal(error.type, expected.type);
  assert.equal(error.code, expected.code);
  assert.equal(typeof error.message, 'string');
  assert.ok((error.message as string).length > 0);
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`HTTP server on ${engine}`, { skip }, () => {
    let t: TestApp;
    let app: OvationServer;

    before(async () => {
      t = await createTestApp(engine, {
        extraRouteAccess: TEST_ROUTES,
        // Routes that exist only in this test, to exercise the central error handler.
        addRoutes: (server) => {
          server.post('/test/validated', { schema: { body: Type.Object({ coins: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } }, async (request) => request.body);
          server.get('/test/ledger-error', { schema: { summary: 'Refuses as the ledger does: 402 insufficient_funds' } }, async () => {
            throw new LedgerError('insufficient_funds', 'The wallet holds 5 coins; the gift costs 10.');
          });
          server.get('/test/crash', async () => {
            throw new Error('connect ECONNREFUSED postgres://ovation:hunter2@db.internal');
          });
        },
      });
      app = t.app;
    });

    after(async () => {
      await t?.destroy();
    });

    it('logs one line per answered request, naming it and its request id, and none for health probes', async () => {
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
      const { server: logged, responses } = await separateServer({ ...dependencies(t.db, t.ledger), logger });
      try {
        const answered = await logged.inject({ method: 'GET', url: '/api/v1/gifts?region=US' });
        assert.equal(answered.statusCode, 200);
        await logged.inject({ method: 'GET', url: '/healthz' });
        const requestLines = lines.filter((line) => 'req' in line || 'res' in line);
        assert.equal(requestLines.length, 1, JSON.stringify(requestLines));
        const [line] = requestLines as [{ msg: string; reqId: string; req: { method: string; url: string }; res: { statusCode: number }; responseTime: number }];
        assert.equal(line.msg, 'request completed');
        assert.equal(line.reqId, answered.headers[REQUEST_ID_HEADER]);
        assert.deepEqual([line.req.method, line.req.url, line.res.statusCode], ['GET', '/api/v1/gifts?region=US', 200]);
        assert.equal(typeof line.responseTime, 'number');
      } finally {
        await logged.close();
      }
      responses.assertDocumented();
    });

    it('GET /healthz answers 200 { status: "ok" }', async () => {
      const response = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { status: 'ok' });
      assert.match(response.headers['content-type'] as string, /^application\/json/);
    });

    it('GET /readyz answers 200 { status: "ok" } while the database answers', async () => {
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { status: 'ok' });
    });

    it('GET /readyz answers 503 with an error object once the database is closed', async () => {
      const db = openDatabase(t.databaseUrl);
      const { server: probe, responses } = await separateServer(dependencies(db, t.ledger));
      try {
        assert.equal((await probe.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
        await db.close();
        const response = await probe.inject({ method: 'GET', url: '/readyz' });
        assert.equal(response.statusCode, 503);
        assertErrorShape(response.json(), { type: 'api_error', code: 'database_unavailable' });
      } finally {
        await probe.close();
      }
      responses.assertDocumented();
    });

    it('GET /api/openapi.json serves an OpenAPI 3 document listing the routes', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
      assert.equal(response.statusCode, 200);
      const document = response.json() as { openapi: string; info: { title: string }; paths: Record<string, unknown> };
      assert.match(document.openapi, /^3\./);
      assert.equal(document.info.title, 'Ovation API');
      assert.ok('/healthz' in document.paths, `paths: ${Object.keys(document.paths).join(', ')}`);
      assert.ok('/readyz' in document.paths);
    });

    it('GET /api/docs serves the browsable docs as HTML', async () => {
      let response = await app.inject({ method: 'GET', url: '/api/docs' });
      if (response.statusCode >= 300 && response.statusCode < 400) {
        response = await app.inject({ method: 'GET', url: new URL(response.headers.location as string, 'http://localhost/api/docs').pathname });
      }
      assert.equal(response.statusCode, 200);
      assert.match(response.headers['content-type'] as string, /^text\/html/);
      assert.match(response.body, /<html/i);
    });

    it('answers an unknown route with 404 and the error object', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/v1/no-such-thing?x=1' });
      assert.equal(response.statusCode, 404);
      assertErrorShape(response.json(), { type: 'invalid_request_error', code: 'route_not_found' });
      assert.match(response.json().error.message, /GET \/api\/v1\/no-such-thing\./);
    });

    it('answers a schema violation with 400 invalid_request_error', async () => {
      const response = await app.inject({ method: 'POST', url: '/test/validated', payload: { coins: 0 } });
      assert.equal(response.statusCode, 400);
      assertErrorShape(response.json(), { type: 'invalid_request_error', code: 'validation_failed' });
      assert.match(response.json().error.message, /coins/);
      assert.equal(response.json().error.param, 'coins');
    });

    it('refuses a wrong type or an unknown field instead of coercing or dropping it', async () => {
      const wrongType = await app.inject({ method: 'POST', url: '/test/validated', payload: { coins: '5' } });
      assert.equal(wrongType.statusCode, 400);
      assert.equal(wrongType.json().error.param, 'coins');
      const unknown = await app.inject({ method: 'POST', url: '/test/validated', payload: { coins: 5, bonus: 1 } });
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json().error.param, 'bonus');
      assert.match(unknown.json().error.message, /Unknown field "bonus"/);
    });

    it('answers malformed JSON with 400 invalid_json', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/test/validated',
        headers: { 'content-type': 'application/json' },
        payload: '{"coins": ',
      });
      assert.equal(response.statusCode, 400);
      assertErrorShape(response.json(), { type: 'invalid_request_error', code: 'invalid_json' });
    });

    it('answers a ledger refusal with its code and a fitting status', async () => {
      const response = await app.inject({ method: 'GET', url: '/test/ledger-error' });
      assert.equal(response.statusCode, 402);
      assertErrorShape(response.json(), { type: 'invalid_request_error', code: 'insufficient_funds' });
      assert.equal(response.json().error.message, 'The wallet holds 5 coins; the gift costs 10.');
    });

    it('answers an unexpected error with 500 api_error and no internals', async () => {
      const response = await app.inject({ method: 'GET', url: '/test/crash' });
      assert.equal(response.statusCode, 500);
      assertErrorShape(response.json(), { type: 'api_error', code: 'internal_error' });
      assert.doesNotMatch(response.body, /hunter2|ECONNREFUSED|postgres:/);
    });

    it('while closing: finishes requests in flight, answers new ones 503 shutting_down', async () => {
      const { server: closingApp, responses } = await separateServer(dependencies(t.db, t.ledger));
      const slowGate = deferred();
      const slowStarted = deferred();
      closingApp.get('/test/slow', async () => {
        slowStarted.resolve();
        await slowGate.promise;
        return { done: true };
      });
      // Holds shutdown between its first step (refusing new requests) and closing the listener.
      const listenerGate = deferred();
      closingApp.addHook('preClose', async () => listenerGate.promise);
      await closingApp.listen({ port: 0, host: '127.0.0.1' });
      const { port } = closingApp.server.address() as AddressInfo;

      const slow = fetch(`http://127.0.0.1:${port}/test/slow`);
      await slowStarted.promise;
      let closed = false;
      const closing = closingApp.close().then(() => (closed = true));

      const late = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(late.status, 503);
      assert.equal(late.headers.get('connection'), 'close');
      assertErrorShape(await late.json(), { type: 'api_error', code: 'shutting_down' });

      listenerGate.resolve();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed, false, 'close waits for the request in flight');

      slowGate.resolve();
      const response = await slow;
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('connection'), 'close', 'a keep-alive connection must not hold shutdown open');
      assert.deepEqual(await response.json(), { done: true });
      await closing;
      assert.equal(closed, true);
      responses.assertDocumented();
    });

    it('sends a request id header with every response', async () => {
      const ok = await app.inject({ method: 'GET', url: '/healthz' });
      const notFound = await app.inject({ method: 'GET', url: '/nope' });
      assert.match(ok.headers[REQUEST_ID_HEADER] as string, /^[0-9a-f-]{36}$/);
      assert.notEqual(ok.headers[REQUEST_ID_HEADER], notFound.headers[REQUEST_ID_HEADER]);
    });
  });
}
