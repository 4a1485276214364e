/**
 * Engine selection for Node (the CLI, the benchmark, scripts): `auto` (decide.ts) between the GPU
 * engine on Dawn's device and the float64 CPU engine on a worker_threads pool, or the one forced.
 * The browser makes the same decision in src/ui/engine-host/select.ts. This module, not the engines,
 * imports both: the GPU and CPU engines never import each other.
 */
import { availableParallelism } from 'node:os';
import { IN_PROCESS_STEPS, type BasinEngine } from '../core/engine.ts';
import type { EnsembleEngine } from '../core/ensemble.ts';
import { defaultSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { compileObjective } from '../objective/compile.ts';
import type { WorkerPool } from '../cpu/pool.ts';
import type { DeviceProblem } from '../engine/errors.ts';
import type { GpuEngineOptions } from '../engine/gpu-engine.ts';
import type { NodeGpu } from '../engine/node-gpu.ts';
import type { ReducePass } from '../engine/reduce-pass.ts';
import { softwareAdapter, softwareRasteriser } from '../engine/adapter-kind.ts';
import { estimateCost } from './cost.ts';
import { decide, type Decision, type EngineChoice } from './decide.ts';

export interface CreateEngineOptions {
  /** Default 'auto'. */
  choice?: EngineChoice;
  /** The older spelling of a forced choice. */
  prefer?: 'gpu' | 'cpu';
  /** The spec auto estimates for (the default spec's workload when absent). */
  spec?: ExperimentSpec;
  /**
   * What `spec` is, as the reason words it (default 'this spec'): a command that runs more specs on
   * the engine chosen for the first says which it was.
   */
  subject?: string;
  /** Where warnings go (device problems); default: stderr. */
  warn?: (message: string) => void;
  /** Tunables of the GPU engine. */
  gpu?: GpuEngineOptions;
  /** Device limits to request (tests lower maxStorageBufferBindingSize to force tiling). */
  limits?: Record<string, number>;
  /** CPU worker threads (default: the machine's). */
  threads?: number;
}

/** An engine, why it was chosen, and what releases it (the device, the workers). */
export interface CreatedEngine<E> {
  engine: E;
  decision: Decision;
  /** Whether the GPU was asked for but the CPU engine runs instead. */
  fellBack: boolean;
  dispose(): void;
}

interface Opened {
  decision: Decision;
  gpu: NodeGpu | null;
  /** The warmed reduction pass on gpu's device (warmGpu), if any. */
  reducePass?: Promise<ReducePass>;
  fellBack: boolean;
  /** The CPU engine's workers (started), when the decision is the CPU. */
  pool: WorkerPool | null;
}

let warmed: Promise<WorkerPool> | null = null;

// The CPU engines and their worker pool load only where the CPU runs, as Dawn and the GPU engine load
// only where a GPU may: a GPU run otherwise compiled ~90 KB of float64 kernels it never calls.
const loadPool = async (threads?: number) => (await import('../cpu/node-pool.ts')).nodeWorkerPool(threads);
const cpuBasin = async (pool: WorkerPool) =>
  new (await import('../cpu/basin-engine.ts')).ParallelCpuEngine(pool);
const cpuEnsemble = async (pool: WorkerPool) =>
  new (await import('../cpu/ensemble-engine.ts')).ParallelEnsembleEngine(pool);

/**
 * Starts the CPU workers ahead of createEngine (the CLI calls it first thing under --engine cpu),
 * so that their start-up overlaps the parsing and compiling before the run.
 */
export function warmCpuPool(threads?: number): void {
  warmed ??= loadPool(threads).then((p) => (p.warm(), p));
}

async function cpuPool(threads?: number): Promise<WorkerPool> {
  const pool = warmed ? await warmed : await loadPool(threads);
  warmed = null;
  pool.warm();
  return pool;
}

interface WarmGpu {
  gpu: NodeGpu | null;
  reducePass?: Promise<ReducePass>;
}

let gpuWarm: Promise<WarmGpu> | null = null;

/**
 * Opens Dawn's device ahead of createEngine (the CLI calls it first thing unless --engine cpu) and,
 * where the GPU engine is sure to run (`--engine gpu`, or a hardware adapter), asks for the
 * reductions of a basin run that keeps its records or not. Resolves once they are asked for, not
 * compiled: Dawn compiles pipelines on a worker thread of its own, so they compile while the caller
 * parses and checks its spec (measured on SwiftShader, a `gdlab basin` spent 28–50 ms compiling the
 * reduction after its spec was ready), and the shader module's checks answer meanwhile too (waiting
 * for them left the CLI idle for 5–8 ms). Failures surface where createEngine meets them.
 */
export async function warmGpu(
  choice: EngineChoice,
  basin?: { records: 'keep' | 'outcome' | 'none'; columns: boolean },
): Promise<void> {
  if (choice === 'cpu' || gpuWarm) return;
  gpuWarm = (async () => {
    const gpu = await (await import('../engine/node-gpu.ts')).requestNodeDevice();
    if (!gpu || !basin || (choice === 'auto' && softwareRasteriser(gpu.adapter.info))) return { gpu };
    const { basinReduceKinds, ReducePass, reduceStride } = await import('../engine/reduce-pass.ts');
    const created = ReducePass.create(gpu.device, reduceStride(softwareAdapter(gpu.adapterName)));
    const kinds = basinReduceKinds(basin.records === 'keep');
    const reducePass = created.then((pass) => pass.prepare(kinds, basin.columns));
    reducePass.catch(() => {});
    return { gpu, reducePass };
  })();
  await gpuWarm.catch(() => {});
}

async function openDevice(options: CreateEngineOptions): Promise<WarmGpu> {
  if (gpuWarm && !options.limits) {
    const warm = gpuWarm;
    gpuWarm = null;
    return warm;
  }
  return { gpu: await (await import('../engine/node-gpu.ts')).requestNodeDevice(options.limits) };
}

async function open(options: CreateEngineOptions): Promise<Opened> {
  const choice: EngineChoice = options.choice ?? options.prefer ?? 'auto';
  const forced = `--engine ${choice}`;
  // The GPU side (Dawn, the engine and its shaders) loads only when a GPU may run.
  const { gpu, reducePass } = choice === 'cpu' ? { gpu: null } : await openDevice(options);
  const facts = gpu ? { name: gpu.adapterName, software: softwareRasteriser(gpu.adapter.info) } : null;
  const threads = options.threads ?? availableParallelism();
  const decision = decide(
    choice,
    facts,
    () => {
      const spec = options.spec ?? defaultSpec();
      const obj = compileObjective({ expr: spec.objective.expr, params: spec.objective.params });
      // A small map runs on this thread (ParallelCpuEngine): the reason names the threads that run it.
      const inProcess =
        spec.kind === 'basin' && spec.size[0] * spec.size[1] * spec.iterations <= IN_PROCESS_STEPS;
      return estimateCost(obj.graph!, spec, inProcess ? 1 : threads);
    },
    forced,
    options.subject,
  );
  if (decision.kind === 'cpu' && gpu) gpu.device.destroy();
  return {
    decision,
    gpu: decision.kind === 'gpu' ? gpu : null,
    reducePass: decision.kind === 'gpu' ? reducePass : undefined,
    fellBack: choice === 'gpu' && decision.kind === 'cpu',
    pool: decision.kind === 'cpu' ? await cpuPool(options.threads) : null,
  };
}

/** A basin engine: the GPU engine or the parallel float64 engine, as the choice decides. */
export async function createEngine(options: CreateEngineOptions = {}): Promise<CreatedEngine<BasinEngine>> {
  const warn = options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const o = await open(options);
  if (o.fellBack) warn(o.decision.reason);
  if (o.gpu) {
    const gpu = o.gpu;
    const { attachErrorSink } = await import('../engine/errors.ts');
    const { GpuBasinEngine } = await import('../engine/gpu-engine.ts');
    const detach = attachErrorSink(gpu.device, (p: DeviceProblem) => {
      if (p.reason !== 'destroyed')
        warn(`WebGPU ${p.kind === 'lost' ? 'device lost' : 'error'}: ${p.message}`);
    });
    const engine = new GpuBasinEngine(gpu.device, compileObjective, {
      adapterName: gpu.adapterName,
      reducePass: o.reducePass,
      inlineCompile: true,
      ...options.gpu,
    });
    return {
      engine,
      decision: o.decision,
      fellBack: false,
      dispose() {
        engine.dispose();
        detach();
        gpu.device.destroy();
      },
    };
  }
  const engine = await cpuBasin(o.pool!);
  return { engine, decision: o.decision, fellBack: o.fellBack, dispose: () => engine.dispose() };
}

/** Both engines from one decision, on one device or one pool (the gallery renders both kinds). */
export async function createEngines(
  options: CreateEngineOptions = {},
): Promise<{ basin: BasinEngine; ensemble: EnsembleEngine; decision: Decision; dispose(): void }> {
  const o = await open(options);
  if (o.gpu) {
    const gpu = o.gpu;
    const { GpuEnsembleEngine } = await import('../engine/bifurcation.ts');
    const { GpuBasinEngine } = await import('../engine/gpu-engine.ts');
    const basin = new GpuBasinEngine(gpu.device, compileObjective, {
      adapterName: gpu.adapterName,
      inlineCompile: true,
      ...options.gpu,
    });
    const ensemble = new GpuEnsembleEngine(gpu.device, { adapter: gpu.adapterName });
    return {
      basin,
      ensemble,
      decision: o.decision,
      dispose() {
        basin.dispose();
        ensemble.dispose();
        gpu.device.destroy();
      },
    };
  }
  const pool = o.pool!;
  return {
    basin: await cpuBasin(pool),
    ensemble: await cpuEnsemble(pool),
    decision: o.decision,
    dispose: () => pool.dispose(),
  };
}

/** An ensemble engine (bifurcation, density), chosen the same way. */
export async function createEnsembleEngine(
  options: CreateEngineOptions = {},
): Promise<CreatedEngine<EnsembleEngine>> {
  const o = await open(options);
  if (o.gpu) {
    const gpu = o.gpu;
    const { GpuEnsembleEngine } = await import('../engine/bifurcation.ts');
    const engine = new GpuEnsembleEngine(gpu.device, { adapter: gpu.adapterName });
    return {
      engine,
      decision: o.decision,
      fellBack: false,
      dispose() {
        engine.dispose();
        gpu.device.destroy();
      },
    };
  }
  const pool = o.pool!;
  const engine = await cpuEnsemble(pool);
  return { engine, decision: o.decision, fellBack: o.fellBack, dispose: () => pool.dispose() };
}
