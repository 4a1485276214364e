/**
 * A pool of workers running jobs (protocol.ts), handed out as workers free up so that fast and slow
 * ranges balance. The same pool runs in Node (worker_threads) and in a page (Web Workers): only
 * `spawn` differs. Workers start on first use and stay for later runs.
 */
import type { JobReply, JobRequest } from './protocol.ts';

/** What the pool needs of a worker. */
export interface PoolWorker {
  postMessage(message: JobRequest, transfer?: Transferable[]): void;
  onMessage(listener: (reply: JobReply) => void): void;
  onError(listener: (error: Error) => void): void;
  terminate(): void;
  /** Whether the worker keeps its process alive (Node): only while it has a job. */
  hold?(busy: boolean): void;
}

export interface PoolRun<J, R> {
  jobs: J[];
  /** The request of a job and the buffers to transfer with it. */
  request(job: J): { job: JobRequest['job']; transfer?: Transferable[] };
  /** Turns a job's reply into its result (called in completion order). */
  done(job: J, reply: Exclude<JobReply, { type: 'error' }>): R;
  signal?: AbortSignal;
  /** Shared flag the workers poll between blocks (1: stop); null where memory cannot be shared. */
  cancel: Int32Array | null;
}

export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  /** Jobs posted to each worker and not yet answered. */
  private readonly queued: number[] = [];
  /** The worker of each job in flight, and what to do with its reply (nothing once abandoned). */
  private readonly owner = new Map<number, number>();
  private readonly handlers = new Map<number, (reply: JobReply) => void>();
  private nextId = 1;
  private broken: Error | null = null;

  constructor(
    private readonly spawn: () => PoolWorker,
    /** Workers at most: the machine's hardware threads. */
    readonly size: number,
  ) {}

  private worker(i: number): PoolWorker {
    if (!this.workers[i]) {
      const w = this.spawn();
      w.onMessage((reply) => {
        const at = this.owner.get(reply.id);
        if (at === undefined) return;
        this.owner.delete(reply.id);
        if (--this.queued[at] === 0) this.workers[at]?.hold?.(false);
        const handler = this.handlers.get(reply.id);
        this.handlers.delete(reply.id);
        handler?.(reply);
      });
      w.onError((e) => {
        this.broken = new Error(`CPU worker failed: ${e.message}`);
        const failed = [...this.handlers.values()];
        this.handlers.clear();
        for (const h of failed) h({ id: -1, type: 'error', name: 'Error', message: this.broken.message });
      });
      this.workers[i] = w;
      this.queued[i] = 0;
    }
    return this.workers[i];
  }

  /** Starts every worker now, so that their start-up overlaps the caller's own work. */
  warm(): void {
    for (let i = 0; i < this.size; i++) this.worker(i);
  }

  /** Runs every job; resolves with the results in job order, or rejects on the first error or abort. */
  run<J, R>(run: PoolRun<J, R>): Promise<R[]> {
    const { jobs, signal } = run;
    const results = new Array<R>(jobs.length);
    return new Promise<R[]>((resolve, reject) => {
      if (this.broken) return reject(this.broken);
      if (signal?.aborted) return reject(signal.reason as Error);
      let next = 0;
      let pending = 0;
      let failed = false;
      const mine = new Set<number>();
      const onAbort = () => fail(signal?.reason as Error);
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        signal?.removeEventListener('abort', onAbort);
        if (run.cancel) Atomics.store(run.cancel, 0, 1);
        // Replies still to come free their workers and are dropped.
        for (const id of mine) this.handlers.delete(id);
        reject(e);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: number) => {
        if (failed) return;
        if (next >= jobs.length) {
          if (pending === 0) {
            signal?.removeEventListener('abort', onAbort);
            resolve(results);
          }
          return;
        }
        const index = next++;
        const id = this.nextId++;
        const { job, transfer } = run.request(jobs[index]);
        mine.add(id);
        pending++;
        this.handlers.set(id, (reply) => {
          mine.delete(id);
          pending--;
          if (reply.type === 'error') {
            const err = new Error(reply.message);
            err.name = reply.name;
            return fail(err);
          }
          try {
            results[index] = run.done(jobs[index], reply);
          } catch (e) {
            return fail(e as Error);
          }
          feed(w);
        });
        const worker = this.worker(w);
        this.owner.set(id, w);
        if (this.queued[w]++ === 0) worker.hold?.(true);
        worker.postMessage({ id, job, cancel: run.cancel }, transfer);
      };
      const width = Math.min(this.size, jobs.length);
      if (width === 0) return resolve(results);
      for (let w = 0; w < width; w++) feed(w);
    });
  }

  dispose(): void {
    for (const w of this.workers) w?.terminate();
    this.workers.length = 0;
    this.handlers.clear();
    this.owner.clear();
  }
}
