import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run bundle -w tools/slack-sim` (part of the root `npm run build`): the browser UI as static files in
// tools/slack-sim/dist-ui, which the simulator serves at `/`. Nothing is fetched at run time.
const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
});
