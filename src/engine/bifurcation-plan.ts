/**
 * The shape of one GPU ensemble run (src/engine/bifurcation.ts), planned from sizes alone before a
 * buffer is allocated: groups of whole columns whose sample summaries fit one storage binding, state
 * tiles within them, and the run's dispatches in order (the first pass of every sample cut by the
 * cost model, `reduce_columns` per group, `choose_range` when a range is automatic, then the binning
 * pass). Kept apart from the engine so the order of the passes reads in one place, free of buffers
 * and submits.
 */
import type { EnsemblePlan } from '../core/ensemble.ts';
import { WORKGROUP_SIZE } from './bifurcation-layout.ts';
import type { Cost } from './cost-model.ts';
import { GpuError, mib } from './shader.ts';
import { phaseSegments, planDispatches, type Dispatch, type Segment, type Tile } from './dispatch-plan.ts';
import type { EnsembleEntry } from './ensemble-pass.ts';

/** A dispatch of one entry point; r0 is the first sample of the samples binding (its group). */
export interface EnsembleDispatch extends Dispatch {
  entry: EnsembleEntry;
  group: number;
  r0: number;
  /** GD steps it does (progress). */
  steps: number;
}

/** A range of whole columns whose sample summaries share one buffer. */
export interface Group {
  c0: number;
  c1: number;
}

/** How a run's samples are cut to fit the device's storage bindings. */
export interface EnsembleGroups {
  /** Groups of whole columns, each one samples buffer. */
  groups: Group[];
  /** Most samples one state tile holds. */
  tileCap: number;
}

/** The tunables of GpuEnsembleOptions that shape the dispatches. */
export interface EnsemblePlanOptions {
  /** Upper bound on samples × steps per dispatch (fixes the chunking; default: the cost model's). */
  stepsPerDispatch?: number;
  /** Longest a dispatch should run. Default 100 ms. */
  targetDispatchMs?: number;
  /**
   * Every iteration by the `mixed` entry point, chunked anywhere (a heavy step's kernels: forStep),
   * so that a run compiles one pipeline for its trajectories whatever the cost model plans.
   */
  oneLoop?: boolean;
}

/** The dispatches of a run in submit order, with what the buffers and uniforms need of them. */
export interface EnsembleDispatchPlan {
  dispatches: EnsembleDispatch[];
  /** Samples of trajectory state the run needs between dispatches (the state buffer's size). */
  statePixels: number;
  /** Bit 0: the observable's range is chosen on the GPU; bit 1: so is an attractor's second range. */
  autoRange: number;
}

/**
 * Groups of whole columns whose summaries (`sampleWords` each) fit one storage binding of `binding`
 * bytes, and the state tile size within them (`stateBytes` per sample). Throws where one column's
 * samples alone exceed the binding.
 */
export function ensembleGroups(
  plan: EnsemblePlan,
  sampleWords: number,
  stateBytes: number,
  binding: number,
  maxTileSamples?: number,
): EnsembleGroups {
  const { columns: W, samples: M } = plan;
  const perGroup = Math.floor(binding / (4 * sampleWords * M));
  if (perGroup < 1)
    throw new GpuError(
      'out-of-memory',
      'planning the ensemble',
      `${M} samples of one column need ${mib(4 * sampleWords * M)}, above this device's storage binding limit; use fewer samples`,
    );
  const groups: Group[] = [];
  for (let c0 = 0; c0 < W; c0 += perGroup) groups.push({ c0, c1: Math.min(W, c0 + perGroup) });
  const tileCap = Math.max(1, Math.min(maxTileSamples ?? 1 << 20, Math.floor(binding / stateBytes)));
  return { groups, tileCap };
}

/** The run's dispatches over its groups, each predicted by `cost` to stay under the target. */
export function planEnsembleDispatches(
  plan: EnsemblePlan,
  { groups, tileCap }: EnsembleGroups,
  cost: Cost,
  options: EnsemblePlanOptions,
): EnsembleDispatchPlan {
  const M = plan.samples;
  const N = plan.iterations;
  const K = plan.keep;
  const fixedSteps = options.stepsPerDispatch;
  const plan1 = (tiles: Tile[], segments: Segment[]) => {
    const largest = Math.max(...tiles.map((t) => t.count));
    return planDispatches(tiles, segments, cost, {
      targetMs: options.targetDispatchMs ?? 100,
      minBlock: 4096,
      granule: WORKGROUP_SIZE,
      maxBlock: tileCap,
      fixed:
        fixedSteps !== undefined
          ? { pixels: largest, iterations: Math.max(1, Math.floor(fixedSteps / largest)) }
          : undefined,
    });
  };
  const dispatches: EnsembleDispatch[] = [];
  let statePixels = 0;
  groups.forEach((g, gi) => {
    const r0 = g.c0 * M;
    const tiles: Tile[] = [];
    for (let p = r0; p < g.c1 * M; p += tileCap)
      tiles.push({ p0: p, count: Math.min(tileCap, g.c1 * M - p) });
    const first = plan1(
      tiles,
      options.oneLoop
        ? [{ k0: 0, k1: N, phase: 'mixed' }]
        : phaseSegments(N, plan.transient, plan.classify.maxPeriod, plan.classify.lyapunov),
    );
    statePixels = Math.max(statePixels, first.statePixels);
    for (const d of first.dispatches)
      dispatches.push({
        ...d,
        entry: d.phase as EnsembleEntry,
        group: gi,
        r0,
        steps: d.count * (d.k1 - d.k0),
      });
    dispatches.push({
      phase: 'run',
      entry: 'reduce_columns',
      p0: g.c0,
      count: g.c1 - g.c0,
      k0: 0,
      k1: 0,
      tile: 0,
      s0: 0,
      group: gi,
      r0,
      steps: 0,
    });
  });
  const autoRange = (plan.range ? 0 : 1) | (plan.pair && !plan.pair.range ? 2 : 0);
  if (autoRange)
    dispatches.push({
      phase: 'run',
      entry: 'choose_range',
      p0: 0,
      count: 1,
      k0: 0,
      k1: 0,
      tile: 0,
      s0: 0,
      group: 0,
      r0: 0,
      steps: 0,
    });
  groups.forEach((g, gi) => {
    const r0 = g.c0 * M;
    const second = plan1([{ p0: r0, count: (g.c1 - g.c0) * M }], [{ k0: 0, k1: K, phase: 'run' }]);
    for (const d of second.dispatches)
      dispatches.push({ ...d, entry: 'bin', group: gi, r0, steps: d.count * (d.k1 - d.k0) });
  });
  return { dispatches, statePixels, autoRange };
}
