/**
 * The reduction of an ensemble column's samples (src/core/ensemble-stats.ts) on summaries made by
 * hand, where every tie the rules break is met: the smallest period wins a tie between periods, a
 * period wins a tie with the aperiodic class, and among the aperiodic outcomes chaotic beats escaping
 * beats unsettled.
 */
import { describe, expect, it } from 'vitest';
import { reduceColumns, type EnsemblePlan, type SampleSummary } from '../src/core/ensemble.ts';
import { DEFAULT_CLASSIFY, Outcome } from '../src/core/outcome.ts';

// N = 100, T = 0: the averaging window's halves are H = 50 steps, long enough to judge growth.
const plan = {
  columns: 4,
  samples: 4,
  transient: 0,
  iterations: 100,
  classify: DEFAULT_CLASSIFY,
} as EnsemblePlan;

/** A bounded sample of period p (0: none) and exponent λ whose window extents are r1, r2. */
const bounded = (period: number, lyapunov: number, r2 = 1, min = 0, max = 1): SampleSummary => ({
  escape: 0,
  period,
  lyapunov,
  min,
  max,
  r1: 1,
  r2,
  // At its farthest over the tail, as a runaway is (rule 5's R2').
  r2tail: r2,
  scale: 1,
});
const diverged: SampleSummary = { ...bounded(0, Number.NaN), escape: 7 };
// λ = 0.5 > θ, extent steady: chaotic. λ = -0.1 with R2 = 3 > 2·R1: escaping; with R2 = R1: unsettled.
const chaotic = bounded(0, 0.5, 1, -2, 3);
const escaping = bounded(0, -0.1, 3, -1, 5);
const unsettled = bounded(0, -0.1);

const columns: SampleSummary[][] = [
  [bounded(4, -0.2), bounded(2, -0.4), bounded(4, -0.2), bounded(2, -0.4)],
  [bounded(2, -0.4), chaotic, bounded(2, -0.4), unsettled],
  [diverged, chaotic, escaping, diverged],
  [escaping, diverged, unsettled, diverged],
];

describe('reduceColumns', () => {
  it('breaks every tie as documented, and averages over the bounded samples only', () => {
    const stats = reduceColumns(plan, (i) => columns[Math.floor(i / 4)][i % 4]);
    // Two samples of period 2 and two of period 4: the smaller period.
    // Two of period 2 against two aperiodic ones: the period (aperiodic wins only outright).
    expect(stats.period).toEqual([2, 2, null, null]);
    // One chaotic against one escaping: chaotic; one escaping against one unsettled: escaping.
    expect([...stats.outcome]).toEqual([
      Outcome.PERIODIC,
      Outcome.PERIODIC,
      Outcome.CHAOTIC,
      Outcome.ESCAPING,
    ]);
    expect([...stats.bounded]).toEqual([4, 4, 2, 2]);
    expect([...stats.diverged]).toEqual([0, 0, 0.5, 0.5]);
    // Means of λ over bounded samples: (-0.2-0.4-0.2-0.4)/4, (-0.4+0.5-0.4-0.1)/4, (0.5-0.1)/2, -0.1.
    const want = [-0.3, -0.1, 0.2, -0.1];
    stats.lyapunov.forEach((l, c) => expect(l).toBeCloseTo(want[c], 14));
    // Extremes of the kept observable over bounded samples: a diverged sample's are ignored.
    expect([...stats.min]).toEqual([0, -2, -2, -1]);
    expect([...stats.max]).toEqual([1, 3, 5, 5]);
  });

  it('reduces a range of columns to the same statistics as the whole', () => {
    const whole = reduceColumns(plan, (i) => columns[Math.floor(i / 4)][i % 4]);
    const part = reduceColumns(plan, (i) => columns[Math.floor(i / 4)][i % 4], 2, 4);
    expect(part.period).toEqual(whole.period.slice(2));
    expect([...part.outcome]).toEqual([...whole.outcome.slice(2)]);
  });
});
