/**
 * The CLI's worker pool: worker_threads, one per hardware thread, running the bundled worker
 * (node-bundle.ts) or, without esbuild, the TypeScript sources through bin/cpu-worker.js (tsx and
 * the `?raw` hook, as bin/gdlab.js loads them).
 */
import { availableParallelism } from 'node:os';
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
  const spawn = bundle
    ? () => wrap(new Worker(bundle, { eval: true }))
    : () =>
        wrap(
          new Worker(new URL('../../bin/cpu-worker.js', import.meta.url), {
            workerData: { entry: new URL('./node-worker.ts', import.meta.url).href },
          }),
        );
  return new WorkerPool(spawn, Math.max(1, threads));
}
