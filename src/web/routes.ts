import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { BUILT_APP_DIR, chooseEncoding, loadBuiltApp, type BuiltFile } from './files.js';

export interface WebAppOptions {
  /** The folder `npm run build` wrote the app to; BUILT_APP_DIR unless a test names another. */
  dir?: string;
}

/**
 * Headers of the app's HTML. Scripts and styles only from this server, no
 * inline script or style; the stream player may fetch and play HLS from any
 * https CDN (hls.js reads segments with fetch and plays them from blob: URLs
 * in a worker); the QR code of two-factor enrolment is a data: image. The
 * app is never framed: nothing can overlay a gift button with a decoy.
 */
const APP_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  // Always revalidated, so a deploy reaches every open tab's next navigation; the assets it names are immutable.
  'cache-control': 'no-cache',
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: https:",
    "connect-src 'self' https:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** First path segments that belong to the server, never to the app: an unknown path there is a plain 404. */
const SERVER_SEGMENTS = new Set(['api', 'overlay', 'assets', 'healthz', 'readyz', 'metrics']);

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Ovation</title>
<p>The web app has not been built. Run <code>npm run build</code> and restart the server.</p></html>`;

/** True for a path the app's router handles: not the server's, and not a file name (a missing file is a 404, not the app). */
function isAppRoute(path: string): boolean {
  const [first = ''] = path.split('/').filter(Boolean);
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !SERVER_SEGMENTS.has(first) && !last.includes('.');
}

function send(request: FastifyRequest, reply: FastifyReply, file: BuiltFile, headers: Readonly<Record<string, string>>) {
  const encoding = chooseEncoding(file, request.headers['accept-encoding']);
  const etag = encoding === 'identity' ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;
  reply.headers({ ...headers, etag });
  if (file.br || file.gzip) reply.header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.send(encoding === 'br' ? file.br : encoding === 'gzip' ? file.gzip : file.body);
}

/**
 * Serves the built web app: files by their path (hashed assets cached for
 * good), brotli or gzip copies made at build time when the browser takes
 * them, and index.html for every other path the app's router owns.
 */
export const webAppRoutes: FastifyPluginAsync<WebAppOptions> = async (app, options) => {
  const dir = options.dir ?? BUILT_APP_DIR;
  const files = loadBuiltApp(dir);
  if (!files) app.log.warn({ dir }, 'the web app is not built (npm run build); its pages answer 503');
  const index = files?.get('/index.html');

  app.get<{ Params: { '*': string } }>('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = `/${request.params['*']}`;
    const file = files?.get(path);
    if (file && file !== index) {
      const immutable = path.startsWith('/assets/');
      return send(request, reply, file, {
        'content-type': file.contentType,
        // Vite names assets by content hash: a changed file is a new URL.
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
    }
    // What is left is the index itself, or no file: only an app route gets the app's page.
    if (!isAppRoute(path) && file === undefined) return reply.callNotFound();
    if (!index) return reply.code(503).headers(APP_PAGE_HEADERS).send(NOT_BUILT_PAGE);
    return send(request, reply, index, APP_PAGE_HEADERS);
  });
};
