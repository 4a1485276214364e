/**
 * Where the bifurcation and density views compute: the WGSL ensemble engine on the lab's GPU device
 * when the lab has one, else the float64 reference in a Web Worker (the same split as
 * src/ui/engine-host for basin maps). Both return a BifurcationResult whose counts and column
 * statistics live on the CPU, so the view colours them itself.
 */
import { runEnsembleSpec, type BifurcationResult } from '../../engine/bifurcation-common.ts';
import { GpuEnsembleEngine } from '../../engine/bifurcation.ts';
import type { EngineInfo, RunOptions } from '../../engine/types.ts';
import type { ExperimentSpec } from '../../spec/spec.ts';
import type { LabBackend } from '../engine-host/backend.ts';
import type { EnsembleReply, EnsembleRequest } from './ensemble-protocol.ts';

/** The GPU device of a lab backend, when it has one (the GPU backend exposes it read-only). */
export function backendDevice(backend: LabBackend | null): GPUDevice | null {
  if (!backend || backend.info.kind !== 'gpu') return null;
  const d = (backend as unknown as { device?: unknown }).device;
  return typeof GPUDevice !== 'undefined' && d instanceof GPUDevice ? d : null;
}

interface Pending {
  resolve: (r: BifurcationResult) => void;
  reject: (e: Error) => void;
  onProgress?: (done: number, total: number) => void;
}

/** Runs ensemble specs on one engine; made per backend and disposed with it. */
export class EnsembleHost {
  readonly info: EngineInfo;
  private readonly gpu: GpuEnsembleEngine | null;
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(device: GPUDevice | null, adapter = 'webgpu') {
    this.gpu = device ? new GpuEnsembleEngine(device, { adapter }) : null;
    this.info = this.gpu?.info ?? { kind: 'cpu', precision: 'f64', adapter: 'cpu (Web Worker)' };
  }

  run(spec: ExperimentSpec, options: RunOptions = {}): Promise<BifurcationResult> {
    if (this.gpu) return runEnsembleSpec(this.gpu, spec, options);
    return this.runCpu(spec, options);
  }

  private runCpu(spec: ExperimentSpec, options: RunOptions): Promise<BifurcationResult> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const signal = options.signal;
    return new Promise<BifurcationResult>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      this.pending.set(id, { resolve, reject, onProgress: options.onProgress });
      signal?.addEventListener('abort', () => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        worker.postMessage({ type: 'cancel', id } satisfies EnsembleRequest);
        reject(signal.reason as Error);
      });
      worker.postMessage({ type: 'run', id, spec } satisfies EnsembleRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./ensemble-worker.ts', import.meta.url), { type: 'module' });
    w.addEventListener('message', (e: MessageEvent<EnsembleReply>) => {
      const msg = e.data;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') return p.onProgress?.(msg.done, msg.total);
      this.pending.delete(msg.id);
      if (msg.type === 'error') {
        const err = new Error(msg.message);
        err.name = msg.name;
        p.reject(err);
      } else p.resolve({ ...msg.result, info: this.info });
    });
    w.addEventListener('error', (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`CPU worker failed: ${e.message}`));
      this.pending.clear();
    });
    this.worker = w;
    return w;
  }

  dispose(): void {
    for (const p of this.pending.values()) p.reject(new DOMException('engine disposed', 'AbortError'));
    this.pending.clear();
    this.worker?.terminate();
    this.worker = null;
    this.gpu?.dispose();
  }
}
