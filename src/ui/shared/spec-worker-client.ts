/**
 * The main-thread side of src/ui/shared/spec-worker.ts: numbers each run, relays progress, turns an
 * error reply back into an Error of the same name, cancels a run whose signal aborts, and fails every
 * pending run when the worker dies or is disposed. Each host turns the result reply into its own
 * result.
 */
import type { RunOptions } from '../../core/engine.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { SpecRunError, SpecRunProgress, SpecRunRequest } from './spec-worker.ts';

interface Pending<R> {
  resolve: (reply: R) => void;
  reject: (e: Error) => void;
  onProgress?: (done: number, total: number) => void;
}

export class SpecWorkerClient<R extends { type: 'result'; id: number }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending<R>>();

  /** `worker` is made by the caller, with its own `new URL(…, import.meta.url)` for the bundler. */
  constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (e: MessageEvent<R | SpecRunProgress | SpecRunError>) =>
      this.onMessage(e.data),
    );
    worker.addEventListener('error', (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`CPU worker failed: ${e.message}`));
      this.pending.clear();
    });
  }

  /** Runs a spec in the worker; resolves to the worker's result reply. */
  run(spec: ExperimentSpec, options: RunOptions = {}): Promise<R> {
    const id = this.nextId++;
    const signal = options.signal;
    return new Promise<R>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      this.pending.set(id, { resolve, reject, onProgress: options.onProgress });
      signal?.addEventListener('abort', () => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        this.post({ type: 'cancel', id });
        reject(signal.reason as Error);
      });
      this.post({ type: 'run', id, spec });
    });
  }

  /** Fails the pending runs with an AbortError and ends the worker. */
  dispose(): void {
    for (const p of this.pending.values()) p.reject(new DOMException('engine disposed', 'AbortError'));
    this.pending.clear();
    this.worker.terminate();
  }

  private post(msg: SpecRunRequest): void {
    this.worker.postMessage(msg);
  }

  private onMessage(msg: R | SpecRunProgress | SpecRunError): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.done, msg.total);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'error') {
      const err = new Error(msg.message);
      err.name = msg.name;
      p.reject(err);
      return;
    }
    p.resolve(msg as R);
  }
}
