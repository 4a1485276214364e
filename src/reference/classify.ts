/**
 * The outcome of one trajectory in float64, exactly as src/core/outcome.ts defines it, under any
 * optimizer (the state and its tangent map are the optimizer's: step.ts). This is the
 * reference the GPU engine is compared against, so it follows the definition's wording step by step
 * rather than taking shortcuts (no early exit once a period is found, for instance: the Lyapunov
 * sum runs to N whatever the period).
 */
import {
  decideOutcome,
  DEFAULT_CLASSIFY,
  MAX_PERIOD,
  Outcome,
  periodOf,
  tangentStart,
  warmupStart,
  type ClassifySettings,
} from '../core/outcome.ts';
import { type TrajectoryRecord } from '../core/records.ts';
import { counted } from '../objective/limits.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../optimizer/rules.ts';
import { escaped, rateVector, type Rate } from './gd.ts';
import { lambdaMax, normInf } from './linalg.ts';
import { hyperVector, StateStepper } from './step.ts';
import { rescaleTangent, tangentExponent, unitTangent } from './tangent.ts';

/** [β, β₂, ε] of the default optimizer (GD reads none of them). */
const DEFAULT_HYPER = hyperVector(DEFAULT_OPTIMIZER);

/** Scratch buffers for one objective and optimizer, so classifying a grid allocates nothing per trajectory. */
export class ClassifyWorkspace {
  readonly stepper: StateStepper;
  /** The state z (x, the optimizer's vectors, the clocks). */
  readonly x: Float64Array;
  /** Tangent vector v over x and the optimizer's vectors (rescaled by powers of two), and J_k v. */
  readonly v: Float64Array;
  readonly jv: Float64Array;
  /** Checkpoint c = z_{N-P} (x and the optimizer's vectors). */
  readonly c: Float64Array;
  /** The first x of the current half of the averaging window (x_T, then x_M). */
  readonly anchor: Float64Array;
  /** d_1 … d_P of rule 3 (grown by `returnsFor` for a caller whose P exceeds the spec's 64). */
  returns = new Float64Array(MAX_PERIOD);
  readonly hess: Float64Array;
  readonly eig: Float64Array;
  constructor(obj: CompiledObjective, optimizer?: Pick<OptimizerSettings, 'kind' | 'biasCorrection'>) {
    const st = (this.stepper = new StateStepper(obj, optimizer));
    const dim = obj.dim;
    this.x = st.alloc();
    this.v = new Float64Array(st.tdim);
    this.jv = new Float64Array(st.tdim);
    this.c = new Float64Array(st.tdim);
    this.anchor = new Float64Array(dim);
    this.hess = new Float64Array(dim * dim);
    this.eig = new Float64Array(dim * dim);
  }
}

/** The workspace's array for d_1 … d_count, grown when a direct caller's P exceeds the spec's. */
function returnsFor(ws: ClassifyWorkspace, count: number): Float64Array {
  if (ws.returns.length < count) ws.returns = new Float64Array(count);
  return ws.returns;
}

/** A record with every field unset, to be filled by classifyInto. */
export function emptyRecord(): TrajectoryRecord {
  return {
    outcome: Outcome.DIVERGED,
    iter: 0,
    period: 0,
    lyapunov: NaN,
    f: NaN,
    sharpness: NaN,
    obs0: NaN,
    obs1: NaN,
    final0: NaN,
    final1: NaN,
  };
}

/** ‖a - b‖∞ over the first n components. */
function distInf(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/**
 * Classifies the trajectory from x0 with per-coordinate rates h (length dim), parameters p and
 * hyperparameters o ([β, β₂, ε]) under the workspace's optimizer, writing into `rec` (reused across a
 * grid). Returns the steps taken: N, or the escape iteration.
 *
 * A diverged record has `iter` = the escape iteration and every other number unset (period 0, the
 * floats NaN): the definition decides nothing else for it.
 */
export function classifyInto(
  obj: CompiledObjective,
  ws: ClassifyWorkspace,
  x0: ArrayLike<number>,
  h: Float64Array,
  p: ArrayLike<number>,
  iterations: number,
  transient: number,
  s: ClassifySettings,
  rec: TrajectoryRecord,
  o: ArrayLike<number> = DEFAULT_HYPER,
): number {
  const n = obj.dim;
  const N = iterations;
  const { x: z, v, jv, c, anchor, stepper } = ws;
  const tn = stepper.tdim;
  stepper.start(x0, z);
  // Checkpoint index N - P; a spec keeps P < N, a direct caller may not.
  const K = Math.max(0, N - s.maxPeriod);
  // Rule 3: s = max(1, ‖c‖∞) and the distances d_i from c, over the whole state (periodOf).
  let scale = 0;
  const returns = returnsFor(ws, N - K);
  if (K === 0) {
    c.set(z.subarray(0, tn));
    scale = Math.max(1, normInf(c, tn));
  }
  const lyap = s.lyapunov && transient < N;
  if (lyap) tangentStart(tn, v);
  // Rule 4: the tangent's unmeasured warm-up runs from W0; at T it is renormalised and measured.
  const warm = warmupStart(transient);
  let exponents = 0;
  // Rule 5: extents R1, R2 of x over the two halves of the window T … N, each from its first state.
  const T = Math.min(transient, N);
  const half = Math.floor((N - T) / 2);
  const mid = T + half;
  // R1, R2, and R2 over the tail (k + 1 > K), rule 5's R2'.
  const r = [0, 0, 0];
  if (T === 0) anchor.set(z.subarray(0, n));

  for (let k = 0; k < N; k++) {
    if (lyap && k >= warm) {
      if (k === transient && warm < transient) {
        unitTangent(v, tn);
        exponents = 0;
      }
      // J_k v at z_k, before the step moves z: the whole update's Jacobian (rule 4).
      // v is rescaled by a power of two and λ taken from its final length (tangent.ts).
      stepper.tangent(z, v, h, p, o, jv);
      exponents += rescaleTangent(jv, v, tn);
    }

    stepper.step(z, h, p, o);
    const k1 = k + 1;

    if (escaped(z, n, s.divergeRadius)) {
      rec.outcome = Outcome.DIVERGED;
      rec.iter = k1;
      rec.period = 0;
      rec.lyapunov = NaN;
      rec.f = NaN;
      rec.sharpness = NaN;
      rec.obs0 = NaN;
      rec.obs1 = NaN;
      rec.final0 = NaN;
      rec.final1 = NaN;
      return k1;
    }

    if (k1 > T && k1 <= mid + half) {
      const d = distInf(z, anchor, n);
      const which = k1 <= mid ? 0 : 1;
      r[which] = Math.max(r[which], d);
      if (which === 1 && k1 > K) r[2] = Math.max(r[2], d);
    }
    if (k1 === T || k1 === mid) anchor.set(z.subarray(0, n));

    if (k1 === K) {
      c.set(z.subarray(0, tn));
      scale = Math.max(1, normInf(c, tn));
    } else if (k1 > K) {
      returns[k1 - K - 1] = distInf(z, c, tn);
    }
  }
  const period = periodOf(returns, N - K, scale, s.tol);

  const x = z.subarray(0, n);
  const lambda = lyap ? tangentExponent(v, tn, exponents, N - transient) : NaN;
  rec.outcome = decideOutcome(period, lambda, r[0], r[1], half, s.chaosThreshold, s.tol * scale, r[2]);
  rec.iter = N;
  rec.period = period;
  rec.lyapunov = lambda;
  rec.f = obj.f(x, p);
  obj.hess(x, p, ws.hess);
  rec.sharpness = lambdaMax(ws.hess, n, ws.eig);
  rec.obs0 = obj.observableCount > 0 ? obj.observable(0, x, p) : NaN;
  rec.obs1 = obj.observableCount > 1 ? obj.observable(1, x, p) : NaN;
  rec.final0 = x[0];
  rec.final1 = n > 1 ? x[1] : NaN;
  return N;
}

/** Options of a single classification; omitted settings take DEFAULT_CLASSIFY. */
export interface ClassifyOptions {
  iterations: number;
  transient: number;
  settings?: Partial<ClassifySettings>;
  /** Parameter values in the objective's order; default: the compiled ones. */
  params?: ArrayLike<number>;
  /** The optimizer; default plain GD. */
  optimizer?: OptimizerSettings;
}

/** The outcome of one trajectory (allocates; for a grid use classifyInto with a workspace). */
export function classifyTrajectory(
  obj: CompiledObjective,
  x0: ArrayLike<number>,
  h: Rate,
  options: ClassifyOptions,
): TrajectoryRecord {
  if (x0.length !== obj.dim)
    throw new RangeError(
      `x0 has ${counted(x0.length, 'entry', 'entries')}, the objective ${counted(obj.dim, 'coordinate')}`,
    );
  const rec = emptyRecord();
  const optimizer = options.optimizer ?? DEFAULT_OPTIMIZER;
  classifyInto(
    obj,
    new ClassifyWorkspace(obj, optimizer),
    x0,
    rateVector(h, obj.dim),
    options.params ?? obj.paramValues,
    options.iterations,
    options.transient,
    { ...DEFAULT_CLASSIFY, ...options.settings },
    rec,
    hyperVector(optimizer),
  );
  return rec;
}
