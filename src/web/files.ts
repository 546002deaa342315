import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build` writes the web app (web/vite.config.ts). The same
 * path from src/web/ and from the compiled dist/web/, both two folders deep;
 * dist/web/ itself holds this plugin's compiled code, never served.
 */
export const BUILT_APP_DIR = fileURLToPath(new URL('../../dist/web/app/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** One built file, with the brotli and gzip copies the build wrote beside it (file.br, file.gz). */
export interface BuiltFile {
  contentType: string;
  body: Buffer;
  br: Buffer | undefined;
  gzip: Buffer | undefined;
  /** A strong validator of the uncompressed body; each encoding gets its own suffix. */
  etag: string;
}

/**
 * Reads the whole built app into memory, keyed by URL path (`/assets/x.js`).
 * It is a few hundred kilobytes, read once at start: no disk access per
 * request. Answers undefined when the app was not built.
 */
export function loadBuiltApp(dir: string): Map<string, BuiltFile> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const files = new Map<string, BuiltFile>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.br') || entry.name.endsWith('.gz')) continue;
    const path = join(entry.parentPath, entry.name);
    const body = readFileSync(path);
    const variant = (suffix: string) => (existsSync(path + suffix) ? readFileSync(path + suffix) : undefined);
    files.set(`/${relative(dir, path).split(sep).join('/')}`, {
      contentType: CONTENT_TYPES[extname(entry.name)] ?? 'application/octet-stream',
      body,
      br: variant('.br'),
      gzip: variant('.gz'),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  return files;
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding of `file` the client accepts: brotli, then gzip, else none. */
export function chooseEncoding(file: BuiltFile, acceptEncoding: string | undefined): Encoding {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      // "br;q=0" refuses brotli.
      .filter(([, ...params]) => !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param)))
      .map(([coding]) => coding),
  );
  if (file.br && accepted.has('br')) return 'br';
  if (file.gzip && accepted.has('gzip')) return 'gzip';
  return 'identity';
}
