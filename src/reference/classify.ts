/**
 * The outcome of one trajectory in float64, exactly as src/core/outcome.ts defines it. This is the
 * reference the GPU engine is compared against, so it follows the definition's wording step by step
 * rather than taking shortcuts (no early exit once a period is found, for instance: the Lyapunov
 * sum runs to N whatever the period).
 */
import {
  decideOutcome,
  DEFAULT_CLASSIFY,
  Outcome,
  tangentStart,
  type ClassifySettings,
  type TrajectoryRecord,
} from '../core/outcome.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { escaped, rateVector, type Rate } from './gd.ts';
import { lambdaMax, normInf } from './linalg.ts';
import { rescaleTangent, tangentExponent } from './tangent.ts';

/** Scratch buffers for one dimension, so classifying a grid allocates nothing per trajectory. */
export class ClassifyWorkspace {
  readonly x: Float64Array;
  readonly g: Float64Array;
  /** Tangent vector v (rescaled by powers of two), and J_k v before rescaling. */
  readonly v: Float64Array;
  readonly jv: Float64Array;
  /** Checkpoint c = x_{N-P}. */
  readonly c: Float64Array;
  /** The first state of the current half of the averaging window (x_T, then x_M). */
  readonly anchor: Float64Array;
  readonly hess: Float64Array;
  readonly eig: Float64Array;
  constructor(readonly dim: number) {
    this.x = new Float64Array(dim);
    this.g = new Float64Array(dim);
    this.v = new Float64Array(dim);
    this.jv = new Float64Array(dim);
    this.c = new Float64Array(dim);
    this.anchor = new Float64Array(dim);
    this.hess = new Float64Array(dim * dim);
    this.eig = new Float64Array(dim * dim);
  }
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

/**
 * Classifies the trajectory from x0 with per-coordinate rates h (length dim) and parameters p,
 * writing into `rec` (reused across a grid). Returns the GD steps taken: N, or the escape iteration.
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
): number {
  const n = obj.dim;
  const N = iterations;
  const { x, g, v, jv, c, anchor } = ws;
  for (let k = 0; k < n; k++) x[k] = x0[k];
  // Checkpoint index N - P; a spec keeps P < N, a direct caller may not.
  const K = Math.max(0, N - s.maxPeriod);
  // Rule 3: s = max(1, ‖c‖∞) and the extent a_i of the orbit seen from c so far.
  let scale = 0;
  let extent = 0;
  if (K === 0) {
    c.set(x);
    scale = Math.max(1, normInf(c, n));
  }
  const lyap = s.lyapunov && transient < N;
  if (lyap) tangentStart(n, v);
  let exponents = 0;
  let period = 0;
  // Rule 5: extents R1, R2 of the two halves of the window T … N, each from its first state.
  const T = Math.min(transient, N);
  const half = Math.floor((N - T) / 2);
  const mid = T + half;
  const r = [0, 0];
  if (T === 0) anchor.set(x);

  for (let k = 0; k < N; k++) {
    if (lyap && k >= transient) {
      // J_k v = v - h ⊙ ∇²f(x_k) v, at x_k: before the step moves x.
      // v is rescaled by a power of two and λ taken from its final length (tangent.ts).
      obj.hvp(x, p, v, jv);
      for (let i = 0; i < n; i++) jv[i] = v[i] - h[i] * jv[i];
      exponents += rescaleTangent(jv, v, n);
    }

    obj.grad(x, p, g);
    for (let i = 0; i < n; i++) x[i] -= h[i] * g[i];
    const k1 = k + 1;

    if (escaped(x, n, s.divergeRadius)) {
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
      let d = 0;
      for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(x[i] - anchor[i]));
      const which = k1 <= mid ? 0 : 1;
      r[which] = Math.max(r[which], d);
    }
    if (k1 === T || k1 === mid) anchor.set(x);

    if (k1 === K) {
      c.set(x);
      scale = Math.max(1, normInf(c, n));
    } else if (k1 > K && period === 0) {
      let d = 0;
      for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(x[i] - c[i]));
      const i = k1 - K;
      if (d <= s.tol * (i === 1 ? scale : Math.min(scale, extent))) period = i;
      else extent = Math.max(extent, d);
    }
  }

  const lambda = lyap ? tangentExponent(v, n, exponents, N - transient) : NaN;
  rec.outcome = decideOutcome(period, lambda, r[0], r[1], half, s.chaosThreshold);
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
}

/** The outcome of one trajectory (allocates; for a grid use classifyInto with a workspace). */
export function classifyTrajectory(
  obj: CompiledObjective,
  x0: ArrayLike<number>,
  h: Rate,
  options: ClassifyOptions,
): TrajectoryRecord {
  if (x0.length !== obj.dim)
    throw new RangeError(`x0 has ${x0.length} entries, the objective ${obj.dim} coordinates`);
  const rec = emptyRecord();
  classifyInto(
    obj,
    new ClassifyWorkspace(obj.dim),
    x0,
    rateVector(h, obj.dim),
    options.params ?? obj.paramValues,
    options.iterations,
    options.transient,
    { ...DEFAULT_CLASSIFY, ...options.settings },
    rec,
  );
  return rec;
}
