import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { CONSOLE_BASE_PATH } from '../lib/config/console.ts';

/**
 * The console build: `web/` → `web/dist/`, served under `/console/` (local stack and CloudFront). Routes are split
 * into lazy chunks; the initial JavaScript budget is checked by `scripts/check-bundle-budget.ts`.
 * `npm run dev:web` proxies the API and the local issuer to a running `npm start` (`CONSOLE_API`, default
 * http://localhost:3000).
 */
const api = process.env.CONSOLE_API ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: CONSOLE_BASE_PATH,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    manifest: true,
    // Two entries from one build: the console (index.html) and its component gallery (gallery.html), which the
    // visual and accessibility suites render (docs/visual-testing.md). The gallery's chunks load only on its page.
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        gallery: fileURLToPath(new URL('gallery.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: { '/console/config.json': api },
  },
});
