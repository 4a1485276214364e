/**
 * The per-column statistics of an ensemble run (src/core/ensemble.ts): each sample's outcome, and
 * the reduction of a column's samples to its fraction diverged, its period, its mean Lyapunov
 * exponent and the extremes of its kept observable. A range of columns reduces on its own, so that an
 * engine can reduce each batch of samples as it comes and keep none of them.
 */
import { decideOutcome, Outcome } from './outcome.ts';
import type { EnsemblePlan, SampleSummary } from './ensemble.ts';

/** Per-column statistics of a bifurcation result. */
export interface ColumnStats {
  /** Fraction of the column's samples that diverged. */
  diverged: Float64Array;
  /** Bounded samples per column. */
  bounded: Uint32Array;
  /** Most common period among bounded samples (aperiodic orbits form one class); null when they win or none is bounded. */
  period: (number | null)[];
  /**
   * The column's outcome (an Outcome code): CONVERGED or PERIODIC where `period` won; where the
   * aperiodic orbits won, the most common of CHAOTIC, ESCAPING and UNSETTLED among them (in that order
   * on a tie), so that a column of orbits that have not settled is not shown as chaos; DIVERGED where
   * none is bounded.
   */
  outcome: Uint8Array;
  /** Mean Lyapunov exponent over bounded samples (NaN when none or disabled). */
  lyapunov: Float64Array;
  /** Extremes of the kept observable over bounded samples (NaN when none). */
  min: Float64Array;
  max: Float64Array;
  /**
   * Extremes of the kept observable over the bounded samples that are not escaping (+∞ and -∞ when none):
   * what an automatic range is made of (chooseRange), so that orbits running away slowly, still
   * bounded after N steps, do not stretch the range a million-fold past the attractors.
   */
  rangeMin: Float64Array;
  rangeMax: Float64Array;
}

/** Outcome of a sample by rules 2 and 6 of src/core/outcome.ts. */
export function sampleOutcome(
  s: SampleSummary,
  plan: Pick<EnsemblePlan, 'classify' | 'transient' | 'iterations'>,
): Outcome {
  if (s.escape > 0) return Outcome.DIVERGED;
  const half = Math.floor((plan.iterations - Math.min(plan.transient, plan.iterations)) / 2);
  const { chaosThreshold, tol } = plan.classify;
  return decideOutcome(s.period, s.lyapunov, s.r1, s.r2, half, chaosThreshold, tol * s.scale, s.r2tail);
}

/** Which of `count` samples are escaping (rule 6; 1: escaping), those an automatic range leaves out. */
export function escapingSamples(
  plan: Pick<EnsemblePlan, 'classify' | 'transient' | 'iterations'>,
  count: number,
  summary: (index: number) => SampleSummary,
): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = sampleOutcome(summary(i), plan) === Outcome.ESCAPING ? 1 : 0;
  return out;
}

/** Statistics of W columns, zeroed, for a reduction to fill. */
export function emptyColumnStats(W: number): ColumnStats {
  return {
    diverged: new Float64Array(W),
    bounded: new Uint32Array(W),
    period: new Array<number | null>(W).fill(null),
    outcome: new Uint8Array(W),
    lyapunov: new Float64Array(W),
    min: new Float64Array(W),
    max: new Float64Array(W),
    rangeMin: new Float64Array(W),
    rangeMax: new Float64Array(W),
  };
}

/**
 * Reduces per-sample summaries (column-major: sample m of column c at c*M + m) of columns c0 … c1 - 1
 * to their statistics, column c at c - c0.
 */
export function reduceColumns(
  plan: EnsemblePlan,
  summary: (index: number) => SampleSummary,
  c0 = 0,
  c1 = plan.columns,
): ColumnStats {
  const M = plan.samples;
  const stats = emptyColumnStats(c1 - c0);
  // Class 0 collects chaotic, escaping and unsettled orbits; 1…P are periods.
  const classes = new Uint32Array(plan.classify.maxPeriod + 1);
  // Bounded samples by outcome code.
  const outcomes = new Uint32Array(6);
  for (let c = c0; c < c1; c++) {
    classes.fill(0);
    outcomes.fill(0);
    let bounded = 0;
    let lyap = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let rangeLo = Infinity;
    let rangeHi = -Infinity;
    for (let m = 0; m < M; m++) {
      const s = summary(c * M + m);
      const o = sampleOutcome(s, plan);
      if (o === Outcome.DIVERGED) continue;
      bounded++;
      lyap += s.lyapunov;
      lo = Math.min(lo, s.min);
      hi = Math.max(hi, s.max);
      if (o !== Outcome.ESCAPING) {
        rangeLo = Math.min(rangeLo, s.min);
        rangeHi = Math.max(rangeHi, s.max);
      }
      outcomes[o]++;
      classes[o === Outcome.CONVERGED || o === Outcome.PERIODIC ? s.period : 0]++;
    }
    const k = c - c0;
    stats.bounded[k] = bounded;
    stats.diverged[k] = (M - bounded) / M;
    stats.lyapunov[k] = bounded ? lyap / bounded : NaN;
    stats.min[k] = bounded ? lo : NaN;
    stats.max[k] = bounded ? hi : NaN;
    stats.rangeMin[k] = rangeLo;
    stats.rangeMax[k] = rangeHi;
    // The smallest period wins a tie; aperiodic orbits (class 0) win only outright.
    let best = 1;
    for (let p = 2; p < classes.length; p++) if (classes[p] > classes[best]) best = p;
    stats.period[k] = classes[best] > 0 && classes[best] >= classes[0] ? best : null;
    stats.outcome[k] = columnOutcome(bounded, stats.period[k], (o) => outcomes[o]);
  }
  return stats;
}

/** The aperiodic outcomes, in the order that wins a tie between them. */
export const APERIODIC = [Outcome.CHAOTIC, Outcome.ESCAPING, Outcome.UNSETTLED] as const;

/** ColumnStats.outcome of a column with `bounded` samples, winning period `period` and aperiodic counts. */
export function columnOutcome(
  bounded: number,
  period: number | null,
  count: (o: Outcome) => number,
): Outcome {
  if (bounded === 0) return Outcome.DIVERGED;
  if (period !== null) return period === 1 ? Outcome.CONVERGED : Outcome.PERIODIC;
  let best: Outcome = APERIODIC[0];
  for (const o of APERIODIC) if (count(o) > count(best)) best = o;
  return best;
}

/** Writes the statistics of a range of columns (`part`, from reduceColumns) into `into` from column c0. */
export function setColumnStats(into: ColumnStats, part: ColumnStats, c0: number): void {
  into.diverged.set(part.diverged, c0);
  into.bounded.set(part.bounded, c0);
  into.lyapunov.set(part.lyapunov, c0);
  into.min.set(part.min, c0);
  into.max.set(part.max, c0);
  into.rangeMin.set(part.rangeMin, c0);
  into.rangeMax.set(part.rangeMax, c0);
  into.outcome.set(part.outcome, c0);
  for (let k = 0; k < part.period.length; k++) into.period[c0 + k] = part.period[k];
}
