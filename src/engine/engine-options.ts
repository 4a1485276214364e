/**
 * The GPU basin engine's tunables, and their defaults by adapter: a CPU rasterizer (SwiftShader, on
 * which this project's tests run) and a GPU want different strides, memory budgets and first guesses
 * of the cost of a step.
 */
import type { RunOptions } from '../core/engine.ts';
import { softwareAdapter } from './adapter-kind.ts';
import { reduceStride, type ReducePass } from './reduce-pass.ts';

/** Tunables of the GPU engine; the defaults suit both SwiftShader and a real GPU. */
export interface GpuEngineOptions {
  /** Adapter description for EngineInfo (and whether the cost model starts from a CPU's speed). */
  adapterName?: string;
  /** Caps the device's maxStorageBufferBindingSize and maxBufferSize (emulates a small device). */
  maxBindingBytes?: number;
  /**
   * Most GPU memory a result keeps for its records (default 2 GiB on a GPU, 256 MiB on a CPU
   * adapter, whose "GPU memory" is the process's own). A larger grid keeps only its statistics and
   * recomputes records when they are read (bit for bit the same).
   */
  maxRecordBytes?: number;
  /**
   * Pixels settled per invocation of the `escape` entry point (shaders/basin.wgsl): default 32 on a
   * CPU adapter, whose workgroups cost microseconds each to start (mf-scalar, 1024² × 200 with 40%
   * diverged, SwiftShader: 423 ms at 1, 381 at 32, 401 at 256), 1 on a GPU.
   */
  escapeStride?: number;
  /** Records per invocation of the reductions (reduceStride of reduce-pass.ts: 256 on a CPU adapter, 32 on a GPU). */
  reduceStride?: number;
  /** Longest a dispatch should run (a browser's GPU watchdog fires after a few seconds). Default 100. */
  targetDispatchMs?: number;
  /** Work per submit: the granularity of progress and cancellation. Default 250. */
  submitMs?: number;
  /** Fixed iterations per dispatch (tests of chunking); default: from the cost model. */
  itersPerDispatch?: number;
  /** Fixed pixels per dispatch (tests of pixel splitting); default: from the cost model. */
  pixelsPerDispatch?: number;
  /** At most this many dispatches per submit (tests of batching). */
  dispatchesPerSubmit?: number;
  /** WGSL replacing shaders/basin.wgsl (same entry point and bindings), for kernel experiments. */
  kernel?: string;
  /** WGSL replacing the GD core, shaders/gd-core.wgsl and gd-tail.wgsl together, for kernel experiments. */
  core?: string;
  /** Always the general kernel (GENERAL_VARIANT), not one specialised to the run (tests). */
  general?: boolean;
  /** DAG nodes from which a step loops one step per trip everywhere (forStep; default HEAVY_STEP_NODES). */
  heavyStepNodes?: number;
  /** Called once per device loss. */
  onDeviceLost?: (info: GPUDeviceLostInfo) => void;
  /**
   * The reduction pass on this device, created ahead (its pipelines compiling while the caller did
   * other work: warmGpu of src/select/node.ts).
   */
  reducePass?: Promise<ReducePass>;
  /**
   * Create a run's GD pipelines on this thread (createComputePipeline) rather than on Dawn's worker.
   * In Node, Dawn's worker compiles one pipeline at a time, so a run's kernel waited behind the
   * reduction that the CLI asks for first; on this thread the two compile side by side (SwiftShader,
   * first 1024² × 20 run: the GD submitted 64 ms sooner). It blocks this thread for the compile (100
   * ms there): for a command line, not a page, where the browser compiles in its GPU process anyway.
   */
  inlineCompile?: boolean;
}

/** Options of one GPU run. */
export interface GpuRunOptions extends RunOptions {
  /** Measure the phases separately (extra round trips; for the benchmark's breakdown). */
  profile?: boolean;
}

/** The options with every default filled in for the adapter. */
export type ResolvedOptions = GpuEngineOptions & {
  targetDispatchMs: number;
  submitMs: number;
  maxRecordBytes: number;
  escapeStride: number;
  reduceStride: number;
};

/** The defaults for the adapter the options name, overridden by the options given. */
export function resolveOptions(options: GpuEngineOptions): ResolvedOptions {
  const software = softwareAdapter(options.adapterName);
  return {
    targetDispatchMs: 100,
    submitMs: 250,
    maxRecordBytes: software ? 2 ** 28 : 2 ** 31,
    escapeStride: software ? 32 : 1,
    reduceStride: reduceStride(software),
    // An option given as undefined keeps its default.
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
}

/**
 * What an invocation and a GD step of mf-scalar's weight (REFERENCE_STEP_WEIGHT; the cost model scales
 * b by an objective's) cost on an unmeasured device (ns): a CPU rasterizer, or a slow GPU. SwiftShader
 * measures 1.1 ns a step here (1.8 with λ, 5.6 for Adam with λ); a guess much above that planned the
 * first run of an 8-D objective (241 nodes) in five part pipelines and the next in `whole`: 2.5 s and
 * 1.2 s of mostly compiling, against 1.3 s and 0.4 s planned from b = 3.
 */
export function guessCost(adapter: string | undefined): { a: number; b: number } {
  return softwareAdapter(adapter) ? { a: 400, b: 3 } : { a: 4, b: 0.2 };
}
