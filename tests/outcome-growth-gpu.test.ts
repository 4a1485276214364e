/**
 * Rule 5's growth criterion in WGSL (shaders/gd-outcome.wgsl) where no exponent decides: without the
 * Lyapunov exponent an orbit that neither settles nor diverges is escaping when its second half's
 * extent exceeds twice the first's (R2 > 2·R1), and unsettled otherwise.
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
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
});
