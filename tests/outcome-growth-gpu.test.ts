/**
 * Rule 5's growth criterion in WGSL (shaders/gd-outcome.wgsl) where no exponent decides: without the
 * Lyapunov exponent an orbit that neither settles nor diverges is escaping when its second half's
 * extent exceeds twice the first's (R2 > 2·R1), and unsettled otherwise.
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { runGrid } from '../src/reference/grid.ts';
import { anisoGpu, fixtureCompiler, smallSpec } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

describe('the growth criterion without an exponent', () => {
  it('calls an oscillation escaping when R2 > 2·R1, unsettled below, on the GPU as in float64', async () => {
    // x²/2 at h > 2: x_{T+j} = (-q)^j x_T with q = h - 1. Anchored at x_T, the first half's extent is
    // max_j |(-q)^j - 1|·|x_T| = (q^(H-1) + 1)|x_T| (j = H - 1 odd, H = 100), the second half's the
    // same from x_M = (-q)^H x_T: R2/R1 = q^H exactly. At h = 2.004, 2.009 and 2.014, q^100 is 1.49,
    // 2.45 and 4.02: unsettled, escaping, escaping. (x_500 ≤ 1.014^500 < 1100: inside the radius.)
    const spec = smallSpec({
      objective: { expr: anisoGpu.expr, preset: null, params: { a: 1, b: 1 } },
      lr: 2,
      x0: [1, 0],
      plane: { u: { quantity: 'lr', min: 2.0015, max: 2.0165 }, v: { quantity: 'y', min: -0.5, max: 0.5 } },
      size: [3, 1],
      iterations: 500,
      transient: 300,
      classify: { ...smallSpec({}).classify, lyapunov: false },
    });
    const hs = [0, 1, 2].map((i) => 2.0015 + ((i + 0.5) * 0.015) / 3);
    expect(hs.map((h) => (h - 1) ** 100)).toEqual([
      expect.closeTo(1.49, 2),
      expect.closeTo(2.45, 2),
      expect.closeTo(4.02, 2),
    ]);
    const expected = [Outcome.UNSETTLED, Outcome.ESCAPING, Outcome.ESCAPING];
    expect(Array.from(runGrid(spec, anisoGpu).columns.outcome)).toEqual(expected);
    await withDevice(async (device) => {
      const result = await new GpuBasinEngine(device, fixtureCompiler).runBasin(spec);
      expect(Array.from((await result.readAll()).outcome)).toEqual(expected);
      result.dispose();
    });
  });

  it('measures the second half from its own anchor x_M: slow exponential drift is unsettled', async () => {
    // f = -0.0004x² at h = 1: x_k = q^k x₀ with q = 1.0008, λ = ln q = 8.0e-4 < θ = 1e-3 (not chaotic,
    // so R2 > 2·R1 decides). R1 = (q^H - 1)|x_T| from x_T, R2 = (q^H - 1)|x_M| from x_M: R2/R1 = q^H,
    // 1.083 at H = 100 and 1.049 at H = 60: unsettled. Measured from x_T instead, R2 would be
    // (q^2H - 1)|x_T|, and R2/R1 = q^H + 1 > 2: escaping. H = 100 (N = 501, T = 300, P = 16) anchors
    // x_M before the tail; H = 60 (N = 220, T = 100, P = 64) inside it (M = 160 > N - P = 156).
    // Whole runs, and runs cut into dispatches, whose parts must start at the kernel's M = T + ⌊(N - T)/2⌋
    // (N - T = 201 is odd: M = 400, not 401).
    expect([1.0008 ** 100, 1.0008 ** 60]).toEqual([expect.closeTo(1.083, 3), expect.closeTo(1.049, 3)]);
    for (const [iterations, transient, maxPeriod] of [
      [501, 300, 16],
      [220, 100, 64],
    ]) {
      const spec = smallSpec({
        objective: { expr: '-0.0004*x^2', preset: null, params: {} },
        lr: 1,
        x0: [1],
        plane: { u: { quantity: 'x', min: 1, max: 3 }, v: { quantity: 'lr', min: 0.5, max: 1.5 } },
        size: [2, 1],
        iterations,
        transient,
        classify: { ...smallSpec({}).classify, maxPeriod },
      });
      const unsettled = [Outcome.UNSETTLED, Outcome.UNSETTLED];
      expect(Array.from(runGrid(spec, compileObjective(spec.objective)).columns.outcome)).toEqual(unsettled);
      await withDevice(async (device) => {
        for (const options of [{}, { itersPerDispatch: 37 }]) {
          const result = await new GpuBasinEngine(device, compileObjective, options).runBasin(spec);
          expect(Array.from((await result.readAll()).outcome), `N = ${iterations}`).toEqual(unsettled);
          result.dispose();
        }
      });
    }
  });
});
