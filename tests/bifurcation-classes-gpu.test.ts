/**
 * What an ensemble column is called (ColumnStats.outcome) on both engines: columns of orbits that
 * neither settle nor diverge, and columns whose samples tie between classes, where the rules of
 * reduceColumns (src/core/ensemble-stats.ts) and the GPU's reduce_columns (shaders/ensemble.wgsl) must
 * break the tie alike.
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { labColours, renderBifurcation } from '../src/engine/bifurcation-render.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { OUTCOME_PALETTE } from '../src/palette.ts';
import { diagramSpec } from './bifurcation-fixtures.ts';
import { runBothEngines } from './helpers/both-engines.ts';

describe('the class of an ensemble column', () => {
  it('calls columns that neither settle nor diverge unsettled or escaping, not chaotic, and draws them so', async () => {
    // x²/2 across h = 2: x_k = (1 - h)^k x₀ flips sign at every step, shrinking by |1 - h| = 0.995 at
    // h = 1.995 (too slowly to settle in 700 steps), growing by 1.005 and 1.015 at h = 2.005 and 2.015
    // (too slowly to leave the radius), beyond 1.025 out of it.
    const { gpu, cpu } = await runBothEngines(diagramSpec('x^2/2', [1.96, 2.04], 8, 8, [0.1, 1.4]));
    const { CONVERGED: C1, UNSETTLED: U, ESCAPING: E, DIVERGED: D } = Outcome;
    expect(Array.from(cpu.stats.outcome)).toEqual([C1, C1, C1, U, E, E, D, D]);
    expect(Array.from(gpu.stats.outcome)).toEqual(Array.from(cpu.stats.outcome));
    expect(gpu.stats.period.slice(3, 6)).toEqual([null, null, null]);
    const img = renderBifurcation(gpu, labColours('viridis'), { stripRows: 1 });
    const strip = (c: number) => Array.from(img.rgba.subarray((2 * 8 + c) * 4, (2 * 8 + c) * 4 + 3));
    expect([3, 4, 6].map(strip)).toEqual([
      OUTCOME_PALETTE.unsettled,
      OUTCOME_PALETTE.escaping,
      OUTCOME_PALETTE.diverged[0],
    ]);
  });

  it('breaks ties as reduceColumns does: a period against aperiodic orbits wins, chaos before not settled', async () => {
    // The tilted double well (x² - 1)²/4 + x/10 from two starts (the box's R_d points -0.4 and 1.6),
    // measured one start at a time in float64: at h = 1.1625 one orbit is chaotic and one converges,
    // at 1.1875 one is chaotic and one not settled, at 1.2125 one is chaotic and one has period 2.
    const { gpu, cpu } = await runBothEngines(
      diagramSpec('(x^2 - 1)^2/4 + 0.1*x', [0.8, 1.3], 20, 2, [-1.4, 2.6]),
    );
    expect(Array.from(cpu.plan.starts)).toEqual([expect.closeTo(-0.4, 12), expect.closeTo(1.6, 12)]);
    expect(Array.from(cpu.stats.bounded.slice(14, 17))).toEqual([2, 2, 2]);
    expect(Array.from(cpu.stats.outcome.slice(14, 17))).toEqual([
      Outcome.CONVERGED,
      Outcome.CHAOTIC,
      Outcome.PERIODIC,
    ]);
    expect(cpu.stats.period.slice(14, 17)).toEqual([1, null, 2]);
    // The GPU's chaotic orbits are f32 ones, but chaotic all the same (λ well above the threshold), and
    // its converging and period-2 orbits are those of float64: the same ties, broken the same way.
    expect([gpu.stats.outcome[14], gpu.stats.outcome[16]]).toEqual([Outcome.CONVERGED, Outcome.PERIODIC]);
    expect([gpu.stats.period[14], gpu.stats.period[16]]).toEqual([1, 2]);
  });

  it('leaves escaping orbits out of the automatic range, and takes them only when nothing else is bounded', async () => {
    // The columns of the first test: converged to 0 (three), not settled (|x| ≤ 0.05), escaping (|x|
    // up to ~50 after 700 steps, still inside the radius), diverged (two).
    const { gpu, cpu } = await runBothEngines(diagramSpec('x^2/2', [1.96, 2.04], 8, 8, [0.1, 1.4]));
    const { min, max, outcome } = cpu.stats;
    expect(Array.from(outcome.slice(4, 6))).toEqual([Outcome.ESCAPING, Outcome.ESCAPING]);
    const lo = Math.min(...min.slice(0, 4));
    const hi = Math.max(...max.slice(0, 4));
    expect(cpu.range).toEqual([lo, hi]);
    expect(hi).toBeGreaterThan(0.01);
    expect(Math.max(...max.slice(4, 6))).toBeGreaterThan(100 * hi);
    expect(gpu.range[0]).toBeCloseTo(lo, 6);
    expect(gpu.range[1]).toBeCloseTo(hi, 6);
    for (const r of [cpu, gpu]) {
      // Every kept iterate of a bounded sample counts once, an escaping one mostly outside the range.
      for (let c = 0; c < 8; c++) {
        let inside = 0;
        for (let row = 0; row < 16; row++) inside += r.density[row * 8 + c];
        expect(inside + r.outside[c]).toBe(r.stats.bounded[c] * 200);
      }
      expect(r.outside[4]).toBeGreaterThan(0.9 * 8 * 200);
    }
    // Only escaping orbits bounded: the range is theirs, as before they were told apart.
    const runaway = await runBothEngines(diagramSpec('x^2/2', [2.004, 2.016], 2, 8, [0.1, 1.4]));
    expect(Array.from(runaway.cpu.stats.outcome)).toEqual([Outcome.ESCAPING, Outcome.ESCAPING]);
    const all: [number, number] = [Math.min(...runaway.cpu.stats.min), Math.max(...runaway.cpu.stats.max)];
    expect(runaway.cpu.range).toEqual(all);
    // f32 rounding compounds over 700 steps of x ↦ (1 - h)x: about 700 × 6e-8 relative.
    for (const i of [0, 1]) expect(Math.abs(runaway.gpu.range[i] / all[i] - 1)).toBeLessThan(1e-4);
  });

  it('leaves the escaping starts of a mixed column out of the range, sample by sample', async () => {
    // y settles in a double well at its own rate 0.3 and sets x's curvature 0.9 + 0.1y: 1 at y = 1,
    // where x at rate 2.01 grows by 1.01 a step (escaping: |x| ~ 1 after 700 steps from 0.0015), 0.8
    // at y = -1, where x shrinks by 0.608 a step to 0. One column, its starts split by the sign of y₀.
    const spec = parseSpec({
      kind: 'bifurcation',
      objective: { expr: '(y^2 - 1)^2/4 + (0.9 + 0.1*y)*x^2/2', preset: null, params: {} },
      lr: 0.3,
      lrPerCoord: [2.01, 0.3],
      x0: [0.0015, 0],
      plane: { u: { quantity: 'lr.x', min: 2, max: 2.02 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [1, 16],
      iterations: 700,
      transient: 500,
      ensemble: {
        samples: 8,
        box: { min: [0.001, -1.5], max: [0.002, 1.5] },
        keep: 200,
        observable: 'x',
        bins: 16,
        range: null,
      },
    });
    const { gpu, cpu } = await runBothEngines(spec);
    // The settled starts win the column; the escaping ones reach |x| ≈ 1 and would have set the range.
    expect([cpu.stats.outcome[0], gpu.stats.outcome[0]]).toEqual([Outcome.CONVERGED, Outcome.CONVERGED]);
    expect(cpu.stats.bounded[0]).toBe(8);
    expect(Math.min(-cpu.stats.min[0], cpu.stats.max[0])).toBeGreaterThan(0.5);
    // The rest end at x = 0 (|x| < 1e-100 in float64): a range of one value, widened by 10⁻³.
    expect(cpu.range).toEqual([-0.001, 0.001]);
    for (const k of [0, 1]) expect(gpu.range[k]).toBeCloseTo(cpu.range[k], 9);
    // Each escaping start's 200 kept iterates lie outside it, in both engines alike.
    expect(cpu.outside[0] % 200).toBe(0);
    expect(cpu.outside[0] / 200).toBeGreaterThanOrEqual(2);
    expect(cpu.outside[0] / 200).toBeLessThanOrEqual(6);
    expect(gpu.outside[0]).toBe(cpu.outside[0]);
  });
});
