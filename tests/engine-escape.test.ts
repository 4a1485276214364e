/**
 * Rule 2 on the GPU at the edges of its bound: the parts outside the averaging window clear the radius
 * by a running maximum of Σ x_i² (shaders/gd-escape.wgsl, sumsq_limit), which proves ‖x‖∞ ≤ R; where it
 * fails the part is replayed with the exact test. Escape iterations must equal float64's wherever the
 * sum and the norm disagree, and where R² is not a normal f32 (flushed to zero, or overflowing).
 */
import { describe, expect, test } from 'vitest';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes } from '../src/core/records.ts';
import { runGrid } from '../src/reference/grid.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { anisoGpu, fixtureCompiler, smallSpec } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

describe('the divergence bound', () => {
  test('the escape test before the window proves ‖x‖∞ ≤ R from Σx², at any radius, and stays exact', async () => {
    // x ↦ -x (x²/2 + y²/2 at h = 2, exact in f32 and f64): ‖x_k‖∞ is ‖x_0‖∞ for ever, so a start
    // with ‖x_0‖∞ > R escapes at iteration 1 and every other stays bounded, although where x² + y² > R²
    // the sum fails the bound in every part and each is replayed. Scaled by 2⁻⁷⁰ (R² below f32's least
    // normal, which SwiftShader flushes: no sum proves anything) and by 2⁹⁰ (x² overflows) alike.
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      for (const scale of [1, 2 ** -70, 2 ** 90]) {
        const spec = smallSpec({
          objective: { expr: anisoGpu.expr, preset: null, params: { a: 1, b: 1 } },
          lr: 2,
          x0: [0, 0],
          plane: {
            u: { quantity: 'x', min: 0.5 * scale, max: 1.5 * scale },
            v: { quantity: 'y', min: 0.5 * scale, max: 1.5 * scale },
          },
          size: [24, 24],
          iterations: 200,
          transient: 100,
          classify: { ...smallSpec({}).classify, divergeRadius: scale, maxPeriod: 8 },
        });
        const ref = runGrid(spec, anisoGpu).columns;
        const result = await engine.runBasin(spec);
        const gpu = Object.assign(result, { columns: await result.readAll() });
        const escaped = ref.outcome.filter((o) => o === Outcome.DIVERGED).length;
        // 12 of 24 columns and rows start beyond the radius: 24² - 12² pixels escape.
        expect(escaped, `scale ${scale}`).toBe(24 * 24 - 12 * 12);
        expect(gpu.columns.outcome, `scale ${scale}`).toEqual(ref.outcome);
        expect(gpu.columns.iter, `scale ${scale}`).toEqual(ref.iter);
        expect(gpu.counts, `scale ${scale}`).toEqual(countOutcomes(ref));
        gpu.dispose();
      }
    });
  });
  test('a state exactly on the radius has not escaped: ‖x‖∞ > R, not ≥', async () => {
    // x ↦ -x again (exact), R = 1, x and y over [0, 2] at 3 pixels: centres 1/3, 1 and 5/3, and 1 is
    // exact in f32 ((1 + 0.5)·2/3). ‖x_k‖∞ = ‖x_0‖∞ for ever, so only the 5 starts with a coordinate at
    // 5/3 escape (at iteration 1); the 4 whose largest coordinate is 1 or 1/3 stay bounded, with period
    // 2. Whole runs (a window of parts, bound and replay) and 20-step runs (the exact test every step).
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      for (const [iterations, transient] of [
        [200, 100],
        [20, 10],
      ]) {
        const spec = smallSpec({
          objective: { expr: anisoGpu.expr, preset: null, params: { a: 1, b: 1 } },
          lr: 2,
          x0: [0, 0],
          plane: { u: { quantity: 'x', min: 0, max: 2 }, v: { quantity: 'y', min: 0, max: 2 } },
          size: [3, 3],
          iterations,
          transient,
          classify: { ...smallSpec({}).classify, divergeRadius: 1, maxPeriod: 4 },
        });
        const result = await engine.runBasin(spec);
        const gpu = await result.readAll();
        const D = Outcome.DIVERGED;
        const P = Outcome.PERIODIC;
        // Row j = 0 is y = 1/3; column i = 0 is x = 1/3.
        expect(Array.from(gpu.outcome), `N = ${iterations}`).toEqual([P, P, D, P, P, D, D, D, D]);
        expect(Array.from(gpu.iter), `N = ${iterations}`).toEqual(
          [0, 0, 1, 0, 0, 1, 1, 1, 1].map((k) => k || iterations),
        );
        result.dispose();
      }
    });
  });

  test('an orbit out of the radius for one step is diverged there, though Σx² stays below 1.5 R²', async () => {
    // GD at h = 1 on f = (0.24x² - 1.14xy + 1.76y²)/2: x ↦ Mx with M = [[0.76, 0.57], [0.57, -0.76]],
    // 0.95 times a reflection (M² = 0.9025 I). From x₀ ≈ (0.92, 0.69) (pixel centres 0.90875 …
    // 0.93125 by 0.67875 … 0.70125), ‖x₀‖∞ < 1 = R and x₁ = Mx₀ has x₁ ≥ 0.76·0.90875 + 0.57·0.67875
    // > 1.07: diverged at iteration 1. Every later state is 0.9025^k x₀ or 0.9025^k x₁ (x₃ < 0.9025·1.108
    // < 1), back inside for good, with Σx_k² < 1.23 for k ≥ 1: a bound on Σx² looser than R² would let
    // the run through. Whole runs, and runs cut into dispatches (each replays only its pending parts).
    const spec = smallSpec({
      objective: { expr: '(0.24*x^2 - 1.14*x*y + 1.76*y^2)/2', preset: null, params: {} },
      lr: 1,
      x0: [0, 0],
      plane: { u: { quantity: 'x', min: 0.905, max: 0.935 }, v: { quantity: 'y', min: 0.675, max: 0.705 } },
      size: [4, 4],
      iterations: 200,
      transient: 100,
      classify: { ...smallSpec({}).classify, divergeRadius: 1 },
    });
    await withDevice(async (device) => {
      for (const options of [{}, { itersPerDispatch: 37 }]) {
        const result = await new GpuBasinEngine(device, compileObjective, options).runBasin(spec);
        const gpu = await result.readAll();
        expect(Array.from(gpu.outcome)).toEqual(new Array(16).fill(Outcome.DIVERGED));
        expect(Array.from(gpu.iter)).toEqual(new Array(16).fill(1));
        result.dispose();
      }
    });
  });
});
