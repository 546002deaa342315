import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandlers } from '../server/errors.js';
import { webAppRoutes } from './routes.js';

const INDEX = '<!doctype html><title>Ovation</title><script type="module" src="/assets/index-abc123.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

/** A server with only the web app's routes over a built app in a temporary folder (or none). */
async function serverOver(dir: string): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandlers(app);
  app.get('/api/v1/known', async () => ({ ok: true }));
  await app.register(webAppRoutes, { dir });
  await app.ready();
  return app;
}

describe('serving the built web app', () => {
  let dir: string;
  let app: FastifyInstance;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ovation-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets/index-abc123.js'), SCRIPT);
    await writeFile(join(dir, 'assets/index-abc123.js.br'), brotliCompressSync(SCRIPT));
    await writeFile(join(dir, 'assets/index-abc123.js.gz'), gzipSync(SCRIPT));
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await serverOver(dir);
  });
  after(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers index.html for the app’s paths, with a strict CSP and no framing', async () => {
    for (const url of ['/', '/wallet', '/live/live_123?x=1', '/studio/payouts']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.body, INDEX);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.headers['cache-control'], 'no-cache');
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('sends hashed assets for good, brotli or gzip as the browser accepts', async () => {
    const url = '/assets/index-abc123.js';
    const br = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(br.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(br.headers.vary, 'accept-encoding');
    assert.deepEqual(br.rawPayload, brotliCompressSync(SCRIPT));

    const gzip = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, br;q=0' } });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    const plain = await app.inject({ method: 'GET', url });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, SCRIPT);

    const again = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.notEqual(br.headers.etag, plain.headers.etag, 'each encoding has its own validator');
  });

  it('serves other files with a short cache, and a missing file or server path as the JSON 404', async () => {
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'public, max-age=3600');

    for (const url of ['/assets/missing.js', '/api/v1/unknown', '/overlay/', '/robots.txt']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error.code, 'route_not_found', url);
    }
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/known' })).json(), { ok: true }, 'routes of the server win');
    assert.equal((await app.inject({ method: 'POST', url: '/wallet' })).statusCode, 404, 'pages are GET only');
  });

  it('answers 503 with a hint when the app was not built', async () => {
    const unbuilt = await serverOver(join(dir, 'no-such-folder'));
    const response = await unbuilt.inject({ method: 'GET', url: '/wallet' });
    assert.equal(response.statusCode, 503);
    assert.match(response.body, /npm run build/);
    const unknownApi = await unbuilt.inject({ method: 'GET', url: '/api/v1/no-such-route' });
    assert.equal(unknownApi.statusCode, 404, 'an unknown API path is not found, built app or not');
    assert.equal(unknownApi.json().error.code, 'route_not_found');
    await unbuilt.close();
  });
});
