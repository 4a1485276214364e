/**
 * Where the bifurcation and density views compute: the WGSL ensemble engine on the lab's GPU device
 * when the lab has one, else the float64 engine on the page's Web Workers (src/cpu; the same split
 * as src/ui/engine-host for basin maps). Both return a BifurcationResult whose counts and column
 * statistics live on the CPU, so the view can colour them itself; the GPU engine also keeps its
 * latest result's counts on the device, where `render` (a diagram) and `renderAttractor` colour them
 * (src/engine/ensemble-colour-pass.ts).
 */
import { runEnsembleSpec, type BifurcationResult } from '../../core/ensemble.ts';
import { GpuEnsembleEngine } from '../../engine/bifurcation.ts';
import type { EngineInfo, RunOptions } from '../../core/engine.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type {
  BifurcationColours,
  BifurcationRenderOptions,
  RgbaImage,
} from '../../engine/bifurcation-render.ts';
import type { LabBackend } from '../engine-host/backend.ts';
import { ParallelEnsembleEngine } from '../../cpu/ensemble-engine.ts';
import { webWorkerPool } from '../../cpu/web-pool.ts';

/** The GPU device of a lab backend, when it has one (the GPU backend exposes it read-only). */
export function backendDevice(backend: LabBackend | null): GPUDevice | null {
  if (!backend || backend.info.kind !== 'gpu') return null;
  const d = (backend as unknown as { device?: unknown }).device;
  return typeof GPUDevice !== 'undefined' && d instanceof GPUDevice ? d : null;
}

/** Runs ensemble specs on one engine; made per backend and disposed with it. */
export class EnsembleHost {
  readonly info: EngineInfo;
  private readonly gpu: GpuEnsembleEngine | null;
  private readonly cpu: ParallelEnsembleEngine | null;

  constructor(device: GPUDevice | null, adapter = 'webgpu') {
    this.gpu = device ? new GpuEnsembleEngine(device, { adapter }) : null;
    // The workers start on the first CPU run: with a GPU device they are never needed.
    this.cpu = device ? null : new ParallelEnsembleEngine(webWorkerPool());
    this.info = (this.gpu ?? this.cpu)!.info;
  }

  run(spec: ExperimentSpec, options: RunOptions = {}): Promise<BifurcationResult> {
    return runEnsembleSpec((this.gpu ?? this.cpu)!, spec, options);
  }

  /**
   * The picture of `result` coloured on the GPU; null on the CPU engine, or where the GPU engine has
   * run since (an export at another size): the caller colours it with renderBifurcation then.
   */
  render(
    result: BifurcationResult,
    colours: BifurcationColours,
    options?: BifurcationRenderOptions,
  ): Promise<RgbaImage | null> {
    return this.gpu ? this.gpu.renderEnsemble(result, colours, options) : Promise.resolve(null);
  }

  /** renderAttractor's picture of an attractor `result` coloured on the GPU; null as for `render`. */
  renderAttractor(result: BifurcationResult, colours: BifurcationColours): Promise<RgbaImage | null> {
    return this.gpu ? this.gpu.renderAttractor(result, colours) : Promise.resolve(null);
  }

  dispose(): void {
    this.gpu?.dispose();
  }
}
