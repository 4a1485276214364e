/**
 * The CLI's worker pool: worker_threads, one per hardware thread, running the bundled worker
 * (node-bundle.ts) or, without esbuild, the TypeScript sources through bin/cpu-worker.js (tsx and
 * the `?raw` hook, as bin/gdlab.js loads them).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerBundle } from './node-bundle.ts';
import { WorkerPool, type PoolWorker } from './pool.ts';
import type { JobReply } from './protocol.ts';

function wrap(w: Worker): PoolWorker {
  // An idle pool must not keep the process alive.
  w.unref();
  return {
    postMessage: (m, transfer) => w.postMessage(m, transfer as never),
    onMessage: (listener) => w.on('message', (m: JobReply) => listener(m)),
    onError: (listener) => w.on('error', listener),
    terminate: () => void w.terminate(),
    hold: (busy) => (busy ? w.ref() : w.unref()),
  };
}

/**
 * A pool of `threads` workers (default: the machine's available parallelism). `bundle: false` runs
 * the sources through tsx even where esbuild is there (the fallback, which the tests exercise).
 */
export async function nodeWorkerPool(
  threads = availableParallelism(),
  options: { bundle?: boolean } = {},
): Promise<WorkerPool> {
  const bundle = options.bundle === false ? null : await workerBundle();
  const script = new URL('../../bin/cpu-worker.js', import.meta.url);
  const entry = new URL('./node-worker.ts', import.meta.url);
  // A gdlab bundled into one file without esbuild's binary or the sources (the pack that the device
  // machines run) has neither: one message rather than a worker that dies on a missing file.
  if (!bundle && !(existsSync(fileURLToPath(script)) && existsSync(fileURLToPath(entry))))
    throw Object.assign(
      new Error(
        "the CPU engine cannot start its worker threads: this gdlab has neither esbuild nor the TypeScript sources to build them from (run it from a checkout after 'npm install', or use --engine gpu)",
      ),
      { name: 'EngineUnavailable' },
    );
  const spawn = bundle
    ? () => wrap(new Worker(bundle, { eval: true }))
    : () => wrap(new Worker(script, { workerData: { entry: entry.href } }));
  return new WorkerPool(spawn, Math.max(1, threads));
}
