import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OVERLAY_CSS } from './assets/styles.js';

/**
 * Where `npm run build` writes the overlay's script (web/vite.overlay.config.ts,
 * from web/src/overlay/overlay.ts). The same path from src/overlay/ and from
 * the compiled dist/overlay/, both two folders deep.
 */
export const BUILT_OVERLAY_SCRIPT = fileURLToPath(new URL('../../dist/web/overlay/overlay.js', import.meta.url));

export interface OverlayAsset {
  /** Where it is served. */
  path: string;
  contentType: string;
  body: string;
  /** A digest of the body: the page links `path?v=version`, so browsers may cache an asset for good. */
  version: string;
}

function asset(path: string, contentType: string, body: string): OverlayAsset {
  return { path, contentType, body, version: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
}

export const OVERLAY_SCRIPT_PATH = '/overlay/assets/overlay.js';
export const OVERLAY_STYLES_ASSET = asset('/overlay/assets/overlay.css', 'text/css; charset=utf-8', OVERLAY_CSS);

/** The built script, read once at start; undefined when the web build has not run. */
export function loadOverlayScript(file = BUILT_OVERLAY_SCRIPT): OverlayAsset | undefined {
  if (!existsSync(file)) return undefined;
  return asset(OVERLAY_SCRIPT_PATH, 'text/javascript; charset=utf-8', readFileSync(file, 'utf8'));
}

/**
 * Headers of the overlay page and of its not-found page. Only this server's
 * script, stylesheet, images and socket ('self' covers ws: and wss: to the
 * same host). No frame-ancestors and no X-Frame-Options: OBS docks and
 * streaming tools embed the page.
 */
export const OVERLAY_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  // The URL holds the key: nothing should keep the page once the key is rotated.
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The page OBS loads as a browser source. Its links and socket path are
 * relative to the page, so it works under any PUBLIC_URL path.
 * `data-connection` says where the socket is (connecting, live, waiting for
 * the creator to go live, or closed for good), for tests and troubleshooting.
 * Without a built script the page still links it, unversioned: it answers 503.
 */
export function overlayPage(handle: string, script: OverlayAsset | undefined): string {
  const socketPath = `../api/v1/overlay/${encodeURIComponent(handle)}/ws`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Ovation overlay</title>
<link rel="stylesheet" href="assets/overlay.css?v=${OVERLAY_STYLES_ASSET.version}">
<script type="module" src="assets/overlay.js${script ? `?v=${script.version}` : ''}"></script>
</head>
<body>
<main id="overlay" data-connection="connecting" data-socket="${escapeHtml(socketPath)}">
<div id="battle" hidden><p><span class="here"></span> <span class="status"></span> <span class="other"></span></p><div class="track"><div class="fill"></div></div></div>
<div id="goal" hidden><p><span class="title"></span> <span class="progress"></span></p><div class="track"><div class="fill"></div></div></div>
<div id="ticker"><ol id="top-gifters" aria-label="Top gifters"></ol></div>
<div id="stage"></div>
<div id="lane" aria-live="polite"></div>
</main>
</body>
</html>
`;
}

/** The same page for an unknown handle and a wrong key, so a guess learns nothing. */
export const OVERLAY_NOT_FOUND_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Not found</title></head>
<body><p>Not found. Copy the overlay URL again from your creator settings.</p></body>
</html>
`;
