import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The stream overlay's script, a build of its own: one self-contained file
 * sharing no chunk with the app, at a name without a hash, since the page
 * links it by content digest (?v=…). src/overlay/page.ts reads it from here.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web/overlay/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      input: fileURLToPath(new URL('src/overlay/overlay.ts', import.meta.url)),
      output: { entryFileNames: 'overlay.js' },
      checks: { pluginTimings: false },
    },
  },
});
