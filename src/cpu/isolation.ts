/**
 * The response headers that make the lab's page cross-origin isolated, so that its CPU workers
 * share results through SharedArrayBuffer (src/cpu/web-pool.ts): vite's dev server and preview send
 * them (vite.config.ts), and so does the browser tests' server. A host that cannot send them still
 * runs the lab, with results transferred instead.
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
