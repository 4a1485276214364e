/**
 * The WGSL attractor (the ensemble kernel with a pair) against the float64 engine: a periodic orbit
 * cell for cell, a strange attractor's invariant measure in pooled cells and its mean Lyapunov
 * exponent, the conservation identity, and the compiled observables' slots. Small on purpose
 * (SwiftShader on two shared cores): 64 × 64 bins, a few hundred samples and steps.
 */
import { describe, expect, it } from 'vitest';
import { prepareEnsemble, type BifurcationResult } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { Outcome } from '../src/core/outcome.ts';
import { coupledSpec, expectConserved, occupied, pooledCells } from './attractor-fixtures.ts';
import { runBothEngines } from './helpers/both-engines.ts';
import { withDevice } from './helpers/gpu.ts';

/** Every occupied GPU cell lies within one cell of an occupied float64 cell, and vice versa. */
function expectSameCells(a: BifurcationResult, b: BifurcationResult): void {
  const near = (cells: [number, number][], [i, j]: [number, number]) =>
    cells.some(([p, q]) => Math.abs(p - i) <= 1 && Math.abs(q - j) <= 1);
  const ca = occupied(a);
  const cb = occupied(b);
  expect(ca.length).toBeGreaterThan(0);
  for (const c of ca) expect(near(cb, c), `GPU cell ${c}`).toBe(true);
  for (const c of cb) expect(near(ca, c), `float64 cell ${c}`).toBe(true);
}

describe('GPU attractor', () => {
  it('samples the strange attractor of the coupled wells like float64, with the same exponent', async () => {
    // Fixed ranges, so both engines share their cells; 300 starts × 400 kept steps.
    const spec = coupledSpec({ uRange: [-0.05, 1.3], vRange: [-0.05, 1.3] });
    const { gpu, cpu } = await runBothEngines(spec);
    expect(gpu.info).toMatchObject({ kind: 'gpu', precision: 'f32' });
    expect(gpu.stats.bounded[0]).toBe(300);
    expect(cpu.stats.bounded[0]).toBe(300);
    expectConserved(gpu);
    expectConserved(cpu);
    expect(gpu.outside[0]).toBe(0);
    // f32 and float64 orbits decorrelate within tens of steps (λ ≈ 0.44) but sample one invariant
    // measure: 120 000 counts from 300 orbits mixing within ~10 steps are ~12 000 independent draws,
    // whose L1 error over 64 pooled cells is about √(2·64/(π·12 000)) ≈ 0.06 per engine.
    const g = pooledCells(gpu, 8);
    const f = pooledCells(cpu, 8);
    const l1 = g.reduce((s, v, i) => s + Math.abs(v - f[i]), 0);
    expect(l1).toBeLessThan(0.2);
    // The mean exponent over 300 orbits × 400 steps: its spread between starts is ~0.01, so the two
    // means agree to a few thousandths; 0.01 leaves room.
    expect(cpu.stats.lyapunov[0]).toBeGreaterThan(0.4);
    expect(Math.abs(gpu.stats.lyapunov[0] - cpu.stats.lyapunov[0])).toBeLessThan(0.01);
    expect(gpu.stats.period[0]).toBeNull();
  });

  it('puts the anti-phase 2-cycle in the same cells, for a coordinate, f and both observable slots', async () => {
    // Starts near (1, -1) end on (0.711, -0.711) ↔ (1.004, -1.004): two cells, u and v apart.
    for (const [u, v] of [
      ['y', 'x*y'],
      ['x - y', 'f'],
    ]) {
      const spec = coupledSpec({ u, v, samples: 64, keep: 64, transient: 200, box: [0.8, 1.1, -1.1, -0.8] });
      const { gpu, cpu } = await runBothEngines(spec);
      expectConserved(gpu);
      expect(gpu.stats.period[0]).toBe(2);
      expect(cpu.stats.period[0]).toBe(2);
      // The automatic ranges are the orbit's extremes, widened: equal to f32 precision.
      for (const k of [0, 1]) {
        expect(gpu.range[k]).toBeCloseTo(cpu.range[k], 4);
        expect(gpu.range2![k]).toBeCloseTo(cpu.range2![k], 4);
      }
      expectSameCells(gpu, cpu);
      expect(occupied(cpu).length).toBe(2);
    }
  });

  it('runs the optimizer’s state: heavy ball (β = 0.3) damps the chaotic wells onto a 2-cycle in both engines', async () => {
    // The wells at h = 1.4, where plain GD is chaotic (λ > 0.4, the first test): momentum damps a start
    // on the diagonal, (0.7, 0.7), onto a 2-cycle (starts off it wander: the diagonal is invariant, not
    // attracting). Both engines must carry the whole state (x and the velocity) from pass one into the
    // replay; a replay from x alone would bin other iterates.
    const gd = coupledSpec({
      samples: 8,
      keep: 300,
      transient: 300,
      bins: [32, 32],
      box: [0.7, 0.7, 0.7, 0.7],
    });
    const spec = { ...gd, optimizer: { ...gd.optimizer, kind: 'momentum' as const, beta: 0.3 } };
    const { gpu, cpu } = await runBothEngines(spec);
    expectConserved(gpu);
    expectConserved(cpu);
    expect([gpu.stats.period[0], cpu.stats.period[0]]).toEqual([2, 2]);
    // The cycle's exponent: what a window of 300 steps after the tangent's warm-up measures is the
    // limit of long windows to 1e-15 (float64, 300 000 steps: -0.148313); without the warm-up this
    // window said -0.1478.
    expect(cpu.stats.lyapunov[0]).toBeCloseTo(-0.148313, 5);
    expect(Math.abs(gpu.stats.lyapunov[0] - cpu.stats.lyapunov[0])).toBeLessThan(1e-4);
    expectSameCells(gpu, cpu);
    expect(occupied(cpu).length).toBe(2);
  });

  it('gives the same counts when cut into many tiles and dispatches, with a range fixed for v only', async () => {
    const spec = coupledSpec({ samples: 90, keep: 80, transient: 120, bins: [40, 30], vRange: [0, 1.2] });
    const { objective, plan } = prepareEnsemble(spec);
    const [whole, split] = await withDevice(async (device) => [
      await new GpuEnsembleEngine(device).runEnsemble(spec, objective, plan),
      await new GpuEnsembleEngine(device, { maxTileSamples: 32, stepsPerDispatch: 900 }).runEnsemble(
        spec,
        objective,
        plan,
      ),
    ]);
    expect(Array.from(split.density)).toEqual(Array.from(whole.density));
    expect([split.range, split.range2, split.outside[0]]).toEqual([
      whole.range,
      whole.range2,
      whole.outside[0],
    ]);
    expect(whole.range2).toEqual([0, 1.2]);
    expect(whole.outside[0]).toBeGreaterThan(0);
    expectConserved(whole);
  });

  it('takes both ranges from escaping orbits when nothing else is bounded, as float64 does', async () => {
    // (x² + y²)/2 at h = 2.01: every start escapes by 1.01 a step, still inside the radius after 200
    // steps. The ranges (the escaping samples' own, in the GPU's second set of keys) are those of
    // float64 to f32 rounding compounded over the steps, and span the growth, not [-1, 1].
    const spec = parseSpec({
      ...coupledSpec({ samples: 16, keep: 100, transient: 100, bins: [16, 16] }),
      objective: { expr: 'x^2/2 + y^2/2', preset: null, params: {} },
      lr: 2.01,
    });
    const { gpu, cpu } = await runBothEngines(spec);
    expect([gpu.stats.outcome[0], cpu.stats.outcome[0]]).toEqual([Outcome.ESCAPING, Outcome.ESCAPING]);
    expectConserved(gpu);
    for (const [a, b] of [
      [gpu.range, cpu.range],
      [gpu.range2!, cpu.range2!],
    ])
      for (const k of [0, 1]) expect(Math.abs(a[k] / b[k] - 1)).toBeLessThan(1e-4);
    // 1.01^200 = 7.3 times a start of up to 1.2.
    expect(cpu.range2![1]).toBeGreaterThan(5);
    expect(cpu.range2![0]).toBeLessThan(-5);
  });
});
