/**
 * The lab's worker pool: navigator.hardwareConcurrency Web Workers, one pool for the page, shared by
 * the basin map's and the ensemble views' CPU engines (a run of one waits for the other's jobs
 * rather than doubling the workers). Results are shared through SharedArrayBuffer where the page
 * is cross-origin isolated (vite.config.ts serves it so), and transferred otherwise.
 */
import { WorkerPool, type PoolWorker } from './pool.ts';
import type { JobReply } from './protocol.ts';

function spawnWebWorker(): PoolWorker {
  const w = new Worker(new URL('./web-worker.ts', import.meta.url), { type: 'module', name: 'gdlab-cpu' });
  return {
    postMessage: (m, transfer) => w.postMessage(m, transfer ?? []),
    onMessage: (listener) => w.addEventListener('message', (e: MessageEvent<JobReply>) => listener(e.data)),
    onError: (listener) =>
      w.addEventListener('error', (e) => {
        e.preventDefault();
        listener(new Error(e.message || 'the worker script failed to load'));
      }),
    terminate: () => w.terminate(),
  };
}

let pool: WorkerPool | null = null;

/** The page's pool (created on first use). */
export function webWorkerPool(): WorkerPool {
  pool ??= new WorkerPool(spawnWebWorker, Math.max(1, navigator.hardwareConcurrency || 1));
  return pool;
}
