import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));
/** Beside the server's compiled web plugin (dist/web/*.js); src/web/files.ts reads it from here. */
const outDir = fileURLToPath(new URL('../dist/web/app/', import.meta.url));

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|webmanifest)$/;

/**
 * Writes file.br and file.gz beside every compressible file, at the highest
 * levels: done once per build, so the server sends them without compressing
 * per request.
 */
function precompress(): Plugin {
  return {
    name: 'ovation-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? outDir;
      await Promise.all(
        Object.values(bundle)
          .filter((output) => COMPRESSIBLE.test(output.fileName))
          .map(async (output) => {
            const source = Buffer.from(output.type === 'chunk' ? output.code : output.source);
            const path = join(dir, output.fileName);
            await writeFile(`${path}.br`, brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } }));
            await writeFile(`${path}.gz`, gzipSync(source, { level: 9 }));
          }),
      );
    },
  };
}

export default defineConfig({
  root: webDir,
  plugins: [svelte(), precompress()],
  resolve: {
    // hls.js's light build plays live HLS (no subtitles, alternate audio or DRM, which rooms do not use) in 98 KB
    // of brotli instead of 146 KB, so a room with its player stays under the 150 KB page budget.
    alias: { 'hls.js': 'hls.js/dist/hls.light.min.mjs' },
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // The server sends hashed assets with a year-long cache; source maps stay out of production.
    sourcemap: false,
    // hls.js (about 370 kB, 98 kB brotli) is one lazy chunk, loaded only by a live room with a stream.
    chunkSizeWarningLimit: 600,
    // Per-plugin timings are noise in every build's output.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    // `npm run dev:web`: the API and sockets come from the server on :3000.
    proxy: { '/api': { target: 'http://localhost:3000', ws: true }, '/overlay': 'http://localhost:3000' },
  },
});
