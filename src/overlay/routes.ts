import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Overlays } from './overlays.js';
import { OverlayKeySchema } from './views.js';
import { principalOf } from '../accounts/index.js';
import type { Config } from '../config/index.js';
import { publicUrlFor } from '../shared/public-url.js';
import { BUILT_OVERLAY_SCRIPT, loadOverlayScript, OVERLAY_NOT_FOUND_PAGE, OVERLAY_PAGE_HEADERS, OVERLAY_SCRIPT_PATH, OVERLAY_STYLES_ASSET, overlayPage, type OverlayAsset } from './page.js';

const OverlayEnvelope = Type.Object({ overlay: OverlayKeySchema });

export interface OverlayRoutesOptions {
  overlays: Overlays;
  config: Pick<Config, 'publicUrl' | 'publicUrlGiven'>;
  /** The built overlay script; BUILT_OVERLAY_SCRIPT unless a test names another. */
  scriptFile?: string;
}

/** A creator's overlay keys, and the overlay page with its script and stylesheet. */
export const overlayRoutes: FastifyPluginAsyncTypebox<OverlayRoutesOptions> = async (app, { overlays, config, scriptFile = BUILT_OVERLAY_SCRIPT }) => {
  const script = loadOverlayScript(scriptFile);
  if (!script) app.log.warn({ file: scriptFile }, `the overlay script is not built (npm run build); ${OVERLAY_SCRIPT_PATH} answers 503`);

  app.get(
    '/api/v1/me/overlay',
    {
      schema: {
        tags: ['live'],
        summary: 'Your stream overlay URL',
        description: 'Creators only. The URL to add to OBS as a browser source, on PUBLIC_URL (unset: on the address the request reached); the key is made on first use and stays until rotated.',
        response: { 200: OverlayEnvelope },
      },
    },
    async (request) => ({ overlay: await overlays.get(principalOf(request).userId, publicUrlFor(request, config)) }),
  );

  app.post(
    '/api/v1/me/overlay/rotate',
    {
      schema: {
        tags: ['live'],
        summary: 'Make a new overlay key',
        description: 'Creators only. The old URL stops working at once, and overlays open with it are disconnected; paste the new URL into OBS.',
        response: { 200: OverlayEnvelope },
      },
    },
    async (request) => ({ overlay: await overlays.rotate(principalOf(request).userId, publicUrlFor(request, config)) }),
  );

  app.get(
    '/overlay/:creatorHandle',
    {
      schema: {
        tags: ['live'],
        summary: 'The stream overlay page (HTML, for OBS)',
        description:
          "An HTML page with a transparent background showing the creator's gift alerts, paid messages, cheers and top gifters while they are live. " +
          'A wrong key and an unknown handle both answer the same plain 404 page.',
        params: Type.Object({ creatorHandle: Type.String() }),
        querystring: Type.Object({ key: Type.Optional(Type.String({ description: 'The overlay key from GET /api/v1/me/overlay.' })) }),
        response: {
          200: { description: 'The overlay page', content: { 'text/html': { schema: Type.String() } } },
          404: { description: 'The same plain page for an unknown handle and a wrong key', content: { 'text/html': { schema: Type.String() } } },
        },
      },
    },
    async (request, reply) => {
      const { creatorHandle } = request.params;
      const found = await overlays.verify(creatorHandle, request.query.key ?? '');
      reply.headers(OVERLAY_PAGE_HEADERS);
      if (!found) return reply.code(404).send(OVERLAY_NOT_FOUND_PAGE);
      return reply.send(overlayPage(creatorHandle, script));
    },
  );

  serveAsset(app, OVERLAY_SCRIPT_PATH, 'script', script);
  serveAsset(app, OVERLAY_STYLES_ASSET.path, 'stylesheet', OVERLAY_STYLES_ASSET);
};

function serveAsset(app: Parameters<FastifyPluginAsyncTypebox>[0], path: string, what: string, asset: OverlayAsset | undefined): void {
  app.get(path, { schema: { tags: ['live'], summary: `The overlay page's ${what}` } }, async (_request, reply) => {
    if (!asset) {
      return reply
        .code(503)
        .headers({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
        .send(`The overlay's ${what} has not been built. Run npm run build and restart the server.\n`);
    }
    return reply
      .headers({
        'content-type': asset.contentType,
        // The page links it by content digest (?v=…), so a changed asset is a new URL.
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      })
      .send(asset.body);
  });
}
