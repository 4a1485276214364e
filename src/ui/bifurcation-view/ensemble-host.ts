/**
 * Where the bifurcation and density views compute: the WGSL ensemble engine on the lab's GPU device
 * when the lab has one, else the float64 reference in a Web Worker (the same split as
 * src/ui/engine-host for basin maps). Both return a BifurcationResult whose counts and column
 * statistics live on the CPU, so the view colours them itself.
 */
import { runEnsembleSpec, type BifurcationResult } from '../../core/ensemble.ts';
import { GpuEnsembleEngine } from '../../engine/bifurcation.ts';
import type { EngineInfo, RunOptions } from '../../core/engine.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { LabBackend } from '../engine-host/backend.ts';
import { SpecWorkerClient } from '../shared/spec-worker-client.ts';
import type { EnsembleReply } from './ensemble-protocol.ts';

/** The GPU device of a lab backend, when it has one (the GPU backend exposes it read-only). */
export function backendDevice(backend: LabBackend | null): GPUDevice | null {
  if (!backend || backend.info.kind !== 'gpu') return null;
  const d = (backend as unknown as { device?: unknown }).device;
  return typeof GPUDevice !== 'undefined' && d instanceof GPUDevice ? d : null;
}

type ResultReply = Extract<EnsembleReply, { type: 'result' }>;

/** Runs ensemble specs on one engine; made per backend and disposed with it. */
export class EnsembleHost {
  readonly info: EngineInfo;
  private readonly gpu: GpuEnsembleEngine | null;
  private worker: SpecWorkerClient<ResultReply> | null = null;

  constructor(device: GPUDevice | null, adapter = 'webgpu') {
    this.gpu = device ? new GpuEnsembleEngine(device, { adapter }) : null;
    this.info = this.gpu?.info ?? { kind: 'cpu', precision: 'f64', adapter: 'cpu (Web Worker)' };
  }

  run(spec: ExperimentSpec, options: RunOptions = {}): Promise<BifurcationResult> {
    if (this.gpu) return runEnsembleSpec(this.gpu, spec, options);
    return this.runCpu(spec, options);
  }

  private async runCpu(spec: ExperimentSpec, options: RunOptions): Promise<BifurcationResult> {
    // The worker starts on the first CPU run: with a GPU device it is never needed.
    this.worker ??= new SpecWorkerClient(
      new Worker(new URL('./ensemble-worker.ts', import.meta.url), { type: 'module' }),
    );
    const msg = await this.worker.run(spec, options);
    return { ...msg.result, info: this.info };
  }

  dispose(): void {
    this.worker?.dispose();
    this.worker = null;
    this.gpu?.dispose();
  }
}
