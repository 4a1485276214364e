/**
 * The attractor view's part of the ensemble definition (src/core/ensemble.ts), shared by both engines.
 *
 * Definition of an attractor run (kind 'attractor'): one column at the spec's rate (lrPerCoord or lr)
 * and parameters; M = ensemble.samples starts spread over ensemble.box; each runs N = transient + keep
 * steps under the outcome definition of src/core/outcome.ts, exactly as a density's column. Each kept
 * iterate x_{T+1} … x_{T+K} of a bounded sample is counted once: in the cell (i, j) of the W × H grid
 * (spec.size) over [u_lo, u_hi] × [v_lo, v_hi] that holds (u(x), v(x)), or in `outside` when either
 * lies outside its range or is not finite. So Σ cells + outside = (bounded samples) × K, exactly.
 * Cell (i, j) is index j·W + i, j = 0 at the bottom (v = v_lo); each axis bins as rowOf does. An
 * automatic range is the extremes of that quantity over the kept iterates of the bounded samples that
 * are not escaping (of every bounded sample when all escape), widened when they coincide, as
 * chooseRange does for the density's one quantity.
 */
import type { ExperimentSpec } from '../experiment/spec.ts';
import type { BifurcationResult, EnsembleObservable, EnsemblePlan } from './ensemble.ts';
import { OUTCOME_NAMES, type Outcome } from './outcome.ts';

/** What a pair run adds to an EnsemblePlan (whose `observable` and `range` are u's). */
export interface PairPlan {
  /** The vertical quantity. */
  v: EnsembleObservable;
  /** Bins across (u) and up (v): the plan's rows are width × height cells, cell j·width + i. */
  width: number;
  height: number;
  /** Fixed range of v; null: from the data. */
  range: [number, number] | null;
}

const trimmed = (s: string) => s.trim();

/**
 * The observables an attractor spec compiles its objective with: u and v, except `f` (the objective
 * itself). Names are compiled too, so that one the objective lacks is the compiler's error.
 */
export function attractorObservableInputs(spec: Pick<ExperimentSpec, 'attractor'>): string[] {
  return [spec.attractor.u, spec.attractor.v].map(trimmed).filter((o) => o !== 'f');
}

/** u and v resolved: a variable, f, or the compiled observable at its slot of attractorObservableInputs. */
export function pairObservables(
  spec: Pick<ExperimentSpec, 'attractor'>,
  vars: readonly string[],
): [EnsembleObservable, EnsembleObservable] {
  let slot = 0;
  const resolve = (name: string): EnsembleObservable => {
    const o = name.trim();
    if (o === 'f') return { kind: 'f' };
    const s = slot++;
    const i = vars.indexOf(o);
    return i >= 0 ? { kind: 'coord', index: i } : { kind: 'expr', slot: s };
  };
  return [resolve(spec.attractor.u), resolve(spec.attractor.v)];
}

/** Cell of (u, v) in a W × H grid over ranges ur × vr (as rowOf on each axis), or -1 outside. */
export function cellOf(
  u: number,
  v: number,
  ur: readonly [number, number],
  vr: readonly [number, number],
  W: number,
  H: number,
): number {
  if (!(u >= ur[0] && u <= ur[1] && v >= vr[0] && v <= vr[1])) return -1;
  const i = Math.min(W - 1, Math.floor(((u - ur[0]) / (ur[1] - ur[0])) * W));
  const j = Math.min(H - 1, Math.floor(((v - vr[0]) / (vr[1] - vr[0])) * H));
  return j * W + i;
}

/**
 * v's extremes over the kept iterates of the bounded samples, then over those not escaping:
 * [lo, hi, settledLo, settledHi], ±∞ where none.
 */
export type PairExtremes = [number, number, number, number];

/** Extremes of two parts of an attractor's samples together. */
export function mergePairExtremes(a: PairExtremes, b: Readonly<PairExtremes>): PairExtremes {
  return [Math.min(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.max(a[3], b[3])];
}

/** v's automatic range by chooseRange's rule: the samples not escaping, all bounded ones when none. */
export function pairRange(e: Readonly<PairExtremes>): [number, number] {
  return e[2] <= e[3] ? widenRange(e[2], e[3]) : widenRange(e[0], e[1]);
}

/** Extremes as chooseRange widens them: [-1, 1] when nothing was seen, a small pad when they coincide. */
export function widenRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
  const scale = Math.max(1, Math.abs(lo), Math.abs(hi));
  if (hi - lo < 1e-6 * scale) {
    const pad = 1e-3 * scale;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** An attractor histogram as the CLI writes it and the lab draws it. */
export interface AttractorReport {
  /** Bins across (u) and up (v). */
  bins: [number, number];
  /** The quantities and their ranges (fixed, or chosen from the data). */
  u: string;
  v: string;
  uRange: [number, number];
  vRange: [number, number];
  /** W × H counts, cell (i, j) at j·W + i, j = 0 at the bottom. */
  counts: Uint32Array;
  /** Kept iterates of bounded samples outside the ranges (or not finite). */
  outside: number;
  /** Samples that stayed bounded, of `samples`; each contributes `keep` counts. */
  bounded: number;
  samples: number;
  keep: number;
  /** Mean largest Lyapunov exponent over the bounded samples (NaN when off or none is bounded). */
  lyapunov: number;
  /** Most common period among bounded samples; null where aperiodic orbits (or none) win. */
  period: number | null;
  /** The class of the samples (ColumnStats.outcome): converged or periodic where a period wins, else chaotic, escaping, unsettled, or diverged where none is bounded. */
  outcome: string;
}

/** The report of an attractor run (a one-column ensemble result with a pair). */
export function attractorReport(result: BifurcationResult): AttractorReport {
  const { plan, spec } = result;
  const pair = plan.pair;
  if (!pair || plan.columns !== 1 || !result.range2)
    throw new RangeError('an attractor report needs the result of an attractor run');
  return {
    bins: [pair.width, pair.height],
    u: spec.attractor.u,
    v: spec.attractor.v,
    uRange: [result.range[0], result.range[1]],
    vRange: [result.range2[0], result.range2[1]],
    counts: result.density,
    outside: result.outside[0],
    bounded: result.stats.bounded[0],
    samples: plan.samples,
    keep: plan.keep,
    lyapunov: result.stats.lyapunov[0],
    period: result.stats.period[0],
    outcome: OUTCOME_NAMES[result.stats.outcome[0] as Outcome],
  };
}

/** Whether a plan is an attractor's (its rows are the cells of a pair grid). */
export function isPairPlan(plan: EnsemblePlan): plan is EnsemblePlan & { pair: PairPlan } {
  return !!plan.pair;
}
