/**
 * What the bifurcation and density views share between the WGSL engine and the float64 reference:
 * the run plan (swept values, starts, observable), the per-sample summary, the per-column reduction
 * and the automatic vertical range. Both engines follow the definition below; only precision differs.
 *
 * Definition of an ensemble run (kind 'bifurcation' or 'density'):
 * - Each column c has a value u_c of the swept quantity; each column runs M = ensemble.samples
 *   trajectories from the same M starts (spread over ensemble.box, or all at x0).
 * - A trajectory of the spec's optimizer runs N = transient + keep steps (not spec.iterations: the
 *   ensemble views are sized by what they keep). Divergence, the period (checkpoint z_{N-P}, the
 *   whole state) and the Lyapunov exponent (over k = transient … N-1) follow src/core/outcome.ts
 *   exactly. A column may sweep β or β₂ instead of a rate, coordinate or parameter.
 * - The kept iterates are x_{T+1} … x_{T+K}. Only samples that stay bounded for all N steps
 *   contribute, each with exactly K counts: one per kept iterate, in a bin of [lo, hi] or in the
 *   column's `outside` count. So Σ density + Σ outside = (bounded samples) × K, exactly.
 * - An automatic range spans the kept iterates of the bounded samples that are not escaping
 *   (chooseRange), so a slow runaway lands in `outside` instead of flattening the picture.
 * - Kind 'attractor' is one column whose rows are the cells of a 2-D grid over a pair of quantities
 *   (plan.pair): src/core/attractor.ts completes the definition.
 */
import { DEFAULT_CLASSIFY, OUTCOME_NAMES, type ClassifySettings, type Outcome } from './outcome.ts';
import type { ColumnStats } from './ensemble-stats.ts';
import {
  MAX_WORK,
  SpecError,
  checkSpecQuantities,
  resolveQuantity,
  type ExperimentSpec,
  type QuantityRef,
} from '../experiment/spec.ts';
import { compileObjective } from '../objective/compile.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { AxisKind, axisCode, axisValue } from '../experiment/plane.ts';
import { compileOptimizer, stateSize } from '../optimizer/compile.ts';
import type { OptimizerSettings } from '../optimizer/rules.ts';
import type { EngineInfo, RunOptions } from './engine.ts';
import { attractorObservableInputs, pairObservables, widenRange, type PairPlan } from './attractor.ts';

// The per-column statistics live apart (ensemble-stats.ts); their importers find them here too.
export {
  emptyColumnStats,
  escapingSamples,
  reduceColumns,
  sampleOutcome,
  setColumnStats,
  type ColumnStats,
} from './ensemble-stats.ts';

/**
 * What is histogrammed: a state coordinate, f, or a compiled observable (slot 0 unless `slot` says:
 * an attractor's pair compiles two, src/core/attractor.ts).
 */
export type EnsembleObservable =
  { kind: 'coord'; index: number } | { kind: 'f' } | { kind: 'expr'; slot?: number };

/** Everything an engine needs to run an ensemble, resolved once from a spec and an objective. */
export interface EnsemblePlan {
  dim: number;
  /** Columns (W) and rows / bins (H) of the density. */
  columns: number;
  rows: number;
  /** Trajectories per column (M). */
  samples: number;
  /** The swept quantity and its value per column. */
  quantity: QuantityRef;
  /** Index of the swept parameter in the objective's parameter order, or -1. */
  paramIndex: number;
  /** The sweep as src/experiment/plane.ts codes it for uniforms: AxisKind and the coordinate or slot (-1 for lr). */
  axisKind: AxisKind;
  axisIndex: number;
  values: Float64Array;
  /** Name of the swept quantity (the JSON key of each column's value). */
  quantityName: string;
  observable: EnsembleObservable;
  transient: number;
  keep: number;
  /** N = transient + keep. */
  iterations: number;
  /** Starts, M × dim (before a swept coordinate overrides its component). */
  starts: Float64Array;
  /** Base rate per coordinate (lrPerCoord or lr). */
  lr: Float64Array;
  /** Base parameter values, in the objective's `params` order. */
  params: Float64Array;
  /** The optimizer, and its base hyperparameters [β, β₂, ε] (a column may sweep β or β₂). */
  optimizer: OptimizerSettings;
  hyper: Float64Array;
  /** Words of one trajectory's state (x, the optimizer's vectors and clocks): what z_T holds. */
  stateWords: number;
  /** Fixed vertical range; null: from the first pass. */
  range: [number, number] | null;
  classify: ClassifySettings;
  /** An attractor's pair: `observable` and `range` are u's, this is v's; absent otherwise. */
  pair?: PairPlan;
}

/** One trajectory's fate, as both engines report it after the first pass. */
export interface SampleSummary {
  /** Escape iteration; 0 when bounded for all N steps. */
  escape: number;
  /** Least period found (1…P), 0 when none. */
  period: number;
  /** Largest Lyapunov exponent (NaN when disabled). */
  lyapunov: number;
  /** Extremes of the kept observable (meaningless when escaped). */
  min: number;
  max: number;
  /** Extents R1, R2 of the two halves of the averaging window (rule 5 of src/core/outcome.ts). */
  r1: number;
  r2: number;
  /** R2 over the tail (from the checkpoint N - P on): rule 5's R2'. */
  r2tail: number;
  /** s = max(1, ‖c‖∞) of the period test (rule 3). */
  scale: number;
}

/** A bifurcation diagram (or, with one column, a density): counts and per-column statistics. */
export interface BifurcationResult {
  spec: ExperimentSpec;
  info: EngineInfo;
  plan: EnsemblePlan;
  /** Vertical range of the rows: row r covers [lo + r (hi-lo)/H, lo + (r+1)(hi-lo)/H), row 0 at the bottom. */
  range: [number, number];
  /** W × H counts, index r * W + c. */
  density: Uint32Array;
  /** Kept iterates of bounded samples outside the range (or non-finite), per column. */
  outside: Uint32Array;
  stats: ColumnStats;
  /** An attractor run's range of v (`range` is u's): cell (i, j) as src/core/attractor.ts bins it. */
  range2?: [number, number];
  /** Wall time in milliseconds. */
  ms: number;
}

/** An engine that computes bifurcation diagrams; the GPU and CPU engines both implement it. */
export interface EnsembleEngine {
  readonly info: EngineInfo;
  runEnsemble(
    spec: ExperimentSpec,
    objective: CompiledObjective,
    plan: EnsemblePlan,
    options?: RunOptions,
  ): Promise<BifurcationResult>;
  dispose(): void;
}

/** Steps of one ensemble trajectory. */
export function ensembleIterations(spec: Pick<ExperimentSpec, 'transient' | 'ensemble'>): number {
  return spec.transient + spec.ensemble.keep;
}

/**
 * Deterministic starts spread over a box: the R_d (generalised golden ratio) sequence, which fills
 * any number of dimensions evenly for any M; in one dimension, cell centres (m + ½)/M.
 */
export function ensembleStarts(
  x0: readonly number[],
  box: { min: number[]; max: number[] } | null,
  samples: number,
): Float64Array {
  const dim = x0.length;
  const out = new Float64Array(samples * dim);
  if (!box) {
    for (let m = 0; m < samples; m++) for (let i = 0; i < dim; i++) out[m * dim + i] = x0[i];
    return out;
  }
  // φ_d is the root of x^{d+1} = x + 1; α_i = φ_d^{-(i+1)}.
  let phi = 2;
  for (let it = 0; it < 64; it++) phi = Math.pow(1 + phi, 1 / (dim + 1));
  for (let m = 0; m < samples; m++)
    for (let i = 0; i < dim; i++) {
      const t = dim === 1 ? (m + 0.5) / samples : (0.5 + m * Math.pow(phi, -(i + 1))) % 1;
      out[m * dim + i] = box.min[i] + t * (box.max[i] - box.min[i]);
    }
  return out;
}

/** Resolves the observable name against the objective: a variable, `f`, or the compiled expression. */
export function resolveObservable(name: string, vars: readonly string[]): EnsembleObservable {
  const i = vars.indexOf(name.trim());
  if (i >= 0) return { kind: 'coord', index: i };
  if (name.trim() === 'f') return { kind: 'f' };
  return { kind: 'expr' };
}

/**
 * The observables list to compile the objective with, so that an expression observable is slot 0.
 * Anything but `f` is compiled, a lone name too: so that a name the objective does not have (`z`, `y`
 * in 1-D) is an error with the compiler's message instead of a histogram of NaN.
 */
export function ensembleObservableInputs(spec: ExperimentSpec): string[] {
  if (spec.kind === 'attractor') return attractorObservableInputs(spec);
  const o = spec.ensemble.observable.trim();
  return o === 'f' ? [] : [o];
}

/**
 * Plans a run of the spec: columns along plane.u (bifurcation), or one column at the spec's own
 * rate with `ensemble.bins` rows (density).
 */
export function planEnsemble(
  spec: ExperimentSpec,
  objective: Pick<CompiledObjective, 'vars' | 'params' | 'paramValues' | 'dim'>,
  mode: 'bifurcation' | 'density' | 'attractor' = spec.kind === 'basin' ? 'bifurcation' : spec.kind,
): EnsemblePlan {
  const dim = objective.dim;
  const lr = new Float64Array(dim);
  for (let i = 0; i < dim; i++) lr[i] = spec.lrPerCoord ? spec.lrPerCoord[i] : spec.lr;
  const params = new Float64Array(objective.params.length);
  objective.params.forEach((p, j) => (params[j] = spec.objective.params[p] ?? objective.paramValues[j]));
  const pairMode = mode === 'attractor';
  const observed: [string, string][] = pairMode
    ? [
        ['attractor.u', spec.attractor.u],
        ['attractor.v', spec.attractor.v],
      ]
    : [['ensemble.observable', spec.ensemble.observable]];
  // A lone parameter compiles (it is an expression) but is the same number along every trajectory.
  for (const [path, text] of observed) {
    const name = text.trim();
    if (objective.params.includes(name) && !objective.vars.includes(name))
      throw new SpecError([
        `${path}: '${name}' is a parameter, constant along every trajectory; histogram a variable (${objective.vars.join(', ')}), f, or an expression in them`,
      ]);
  }
  const pair = pairMode ? pairObservables(spec, objective.vars) : null;
  const density = mode === 'density' || pairMode;
  // One column at the spec's own rate: its rate h, or with one rate per coordinate the first
  // coordinate's (which its column then sets to what it is), so that no column value overrides them.
  const perCoord = density ? spec.lrPerCoord : null;
  const quantityName = !density ? spec.plane.u.quantity : perCoord ? `lr.${objective.vars[0]}` : 'lr';
  const quantity = resolveQuantity(quantityName, objective.vars, objective.params, spec.optimizer);
  const code = axisCode(quantity, objective.params);
  const columns = density ? 1 : spec.size[0];
  // The ensemble's own work is columns × samples × (transient + keep), which the spec's grid check
  // (size × iterations) does not see; the same limit applies, and sample indices stay 32-bit.
  const work = columns * spec.ensemble.samples * ensembleIterations(spec);
  if (work > MAX_WORK || columns * spec.ensemble.samples >= 2 ** 32)
    throw new SpecError([
      `ensemble.samples: columns × samples × (transient + keep) = ${work} exceeds the limit ${MAX_WORK}`,
    ]);
  // Counts are u32 on both engines; one cell can receive every kept iterate of its column.
  if (spec.ensemble.samples * spec.ensemble.keep >= 2 ** 32)
    throw new SpecError([
      `ensemble.samples: samples × keep = ${spec.ensemble.samples * spec.ensemble.keep} could overflow a 32-bit count; lower one of them`,
    ]);
  return {
    dim,
    columns,
    rows: pairMode ? spec.size[0] * spec.size[1] : density ? spec.ensemble.bins : spec.size[1],
    samples: spec.ensemble.samples,
    quantity,
    paramIndex: quantity.kind === 'param' ? objective.params.indexOf(quantity.name) : -1,
    axisKind: code.kind,
    axisIndex: code.index,
    quantityName,
    values: density
      ? Float64Array.of(perCoord ? perCoord[0] : spec.lr)
      : Float64Array.from({ length: columns }, (_, i) => axisValue(spec.plane.u, i, columns)),
    observable: pair ? pair[0] : resolveObservable(spec.ensemble.observable, objective.vars),
    transient: spec.transient,
    keep: spec.ensemble.keep,
    iterations: ensembleIterations(spec),
    starts: ensembleStarts(spec.x0, spec.ensemble.box, spec.ensemble.samples),
    lr,
    params,
    optimizer: { ...spec.optimizer },
    hyper: Float64Array.of(spec.optimizer.beta, spec.optimizer.beta2, spec.optimizer.eps),
    stateWords: stateSize(compileOptimizer(spec.optimizer), dim).sdim,
    range: fixedRange(pairMode ? spec.attractor.uRange : spec.ensemble.range),
    classify: { ...DEFAULT_CLASSIFY, ...spec.classify },
    ...(pair && {
      pair: {
        v: pair[1],
        width: spec.size[0],
        height: spec.size[1],
        range: fixedRange(spec.attractor.vRange),
      },
    }),
  };
}

const fixedRange = (r: [number, number] | null): [number, number] | null => (r ? [r[0], r[1]] : null);

/**
 * The vertical range: the fixed one, or the extremes of the kept observable over the bounded samples
 * that are not escaping (rule 6 of src/core/outcome.ts), over all bounded samples when every one is
 * escaping, widened when they coincide (a column of fixed points) so the bins have width. An escaping
 * sample's kept iterates still count, in `outside` where they leave the range: x²/2 at h = 2.02 is
 * still bounded after 700 steps at |x| ~ 7e5, and would otherwise squeeze every attractor of the
 * diagram into one row.
 */
export function chooseRange(plan: EnsemblePlan, stats: ColumnStats): [number, number] {
  if (plan.range) return plan.range;
  const extremes = (min: Float64Array, max: Float64Array): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < plan.columns; c++)
      if (stats.bounded[c]) {
        lo = Math.min(lo, min[c]);
        hi = Math.max(hi, max[c]);
      }
    return [lo, hi];
  };
  const settled = extremes(stats.rangeMin, stats.rangeMax);
  return widenRange(...(settled[0] <= settled[1] ? settled : extremes(stats.min, stats.max)));
}

/** Row of a value in [lo, hi] with H rows, or -1 outside (including NaN); hi itself is in the top row. */
export function rowOf(v: number, lo: number, hi: number, rows: number): number {
  if (!(v >= lo && v <= hi)) return -1;
  return Math.min(rows - 1, Math.floor(((v - lo) / (hi - lo)) * rows));
}

/** The column objects of the CLI's JSON, keyed by the swept quantity's name. */
export function columnsJson(result: BifurcationResult): Record<string, number | string | null>[] {
  const { plan, stats } = result;
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  return Array.from({ length: plan.columns }, (_, c) => ({
    [plan.quantityName]: plan.values[c],
    diverged: stats.diverged[c],
    period: stats.period[c],
    outcome: OUTCOME_NAMES[stats.outcome[c] as Outcome],
    lyapunov: num(stats.lyapunov[c]),
    min: num(stats.min[c]),
    max: num(stats.max[c]),
  }));
}

/**
 * Compiles the spec's objective (with an expression observable as slot 0), checks the spec's
 * quantities against it and plans the run: what both engines take.
 */
export function prepareEnsemble(spec: ExperimentSpec): { objective: CompiledObjective; plan: EnsemblePlan } {
  const objective = compileObjective({
    expr: spec.objective.expr,
    params: spec.objective.params,
    observables: ensembleObservableInputs(spec),
  });
  checkSpecQuantities(spec, objective.vars, objective.params);
  return { objective, plan: planEnsemble(spec, objective) };
}

/** Runs a spec on an engine: prepareEnsemble, then the engine. */
export async function runEnsembleSpec(
  engine: EnsembleEngine,
  spec: ExperimentSpec,
  options?: RunOptions,
): Promise<BifurcationResult> {
  const { objective, plan } = prepareEnsemble(spec);
  return engine.runEnsemble(spec, objective, plan, options);
}
