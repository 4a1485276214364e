import { defineConfig } from 'vitest/config';
import { CROSS_ORIGIN_ISOLATION } from './src/cpu/isolation.ts';

// The lab is a static page: `npm start` serves it, `npm run build` writes dist/ for the browser tests.
// Served cross-origin isolated, so the CPU engine's workers can share memory (src/cpu/isolation.ts).
export default defineConfig({
  build: { target: 'es2022', outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1500 },
  worker: { format: 'es' },
  server: { port: 5173, headers: { ...CROSS_ORIGIN_ISOLATION } },
  preview: { headers: { ...CROSS_ORIGIN_ISOLATION } },
  test: {
    include: ['tests/**/*.test.ts'],
    // Dawn and headless Chromium each want the two cores to themselves.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['tests/setup-env.ts'],
  },
});
