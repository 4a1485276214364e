/**
 * The tangent's warm-up of rule 4 (src/core/outcome.ts): heavy ball on x²/2 is a linear map, so its
 * exponent is log max|μ| over the roots of μ² − (1 + β − h)μ + β = 0 and none of its orbits is
 * chaotic. Without the warm-up, its non-normal Jacobian biased the window's λ upwards by about
 * log κ/(N − T) and labelled slowly growing orbits near h = 2(1 + β) chaotic (three pixels of the
 * 256² gallery map 'heavy-ball', N = 3000, T = 1000). Checked in float64 and on the GPU (Dawn).
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { type RecordColumns } from '../src/core/records.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { axisValue } from '../src/experiment/plane.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { heavyBallSpec } from '../src/gallery/optimizer-entries.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { classifyTrajectory } from '../src/reference/classify.ts';
import { runGrid } from '../src/reference/grid.ts';
import { withDevice } from './helpers/gpu.ts';

/** log max|μ| of heavy ball's linear map on x²/2 (complex roots: modulus √β). */
function exactExponent(h: number, beta: number): number {
  const b = 1 + beta - h;
  const disc = b * b - 4 * beta;
  if (disc < 0) return 0.5 * Math.log(beta);
  const r = Math.sqrt(disc);
  return Math.log(Math.max(Math.abs(b + r), Math.abs(b - r)) / 2);
}

// The three pixels of the gallery map that were chaotic without the warm-up.
const PIXELS = [
  [2.86171875, 0.4306640625],
  [2.93046875, 0.4651171875],
  [3.84140625, 0.9206640625],
] as const;

const gallery = heavyBallSpec();
// A 16 × 16 window of the gallery map's pixels (same N, T, x₀) whose pixel (8, 8) is the first of them.
const du = (gallery.plane.u.max - gallery.plane.u.min) / 256;
const dv = (gallery.plane.v.max - gallery.plane.v.min) / 256;
const window = parseSpec({
  ...gallery,
  plane: {
    u: { quantity: 'lr', min: 158 * du, max: 174 * du },
    v: { quantity: 'beta', min: 104 * dv, max: 120 * dv },
  },
  size: [16, 16],
});
const CENTRE = 8 * 16 + 8;

/**
 * Every bounded pixel's λ against log max|μ| where the roots are real (a most expanding direction the
 * warm-up turns v to): the largest error and the pixels compared. Where they are complex (h < (1 +
 * √β)², the converging part of this window) v rotates and never aligns, and a window's λ is ½ ln β
 * only up to an oscillating log κ/(N − T): about 1e-3 here, the gallery's 0.01 bound.
 */
function exponentError(c: RecordColumns): { error: number; bounded: number } {
  let error = 0;
  let bounded = 0;
  for (let j = 0; j < 16; j++)
    for (let i = 0; i < 16; i++) {
      const k = j * 16 + i;
      const h = axisValue(window.plane.u, i, 16);
      const beta = axisValue(window.plane.v, j, 16);
      if (c.outcome[k] === Outcome.DIVERGED || h < (1 + Math.sqrt(beta)) ** 2) continue;
      const want = exactExponent(h, beta);
      error = Math.max(error, Math.abs(c.lyapunov[k] - want));
      bounded++;
    }
  return { error, bounded };
}

const count = (c: RecordColumns, o: Outcome) => c.outcome.filter((x) => x === o).length;

describe('the tangent warm-up on heavy ball over (h, β), a linear map', () => {
  const obj = compileObjective({ expr: gallery.objective.expr, params: gallery.objective.params });

  it('the window centre is the gallery pixel, and its map grows like log 1.000686 = 0.000686', () => {
    expect(axisValue(window.plane.u, 8, 16)).toBeCloseTo(PIXELS[0][0], 12);
    expect(axisValue(window.plane.v, 8, 16)).toBeCloseTo(PIXELS[0][1], 12);
    // μ = (b ± √(b² − 4β))/2 with b = 1 + β − h: −0.4304 and −1.000686 (product β).
    expect(exactExponent(...PIXELS[0])).toBeCloseTo(0.000686, 6);
  });

  it('float64: the three pixels are not chaotic, and λ is log max|μ| within 1e-5', () => {
    for (const [h, beta] of PIXELS) {
      const r = classifyTrajectory(obj, gallery.x0, h, {
        iterations: gallery.iterations,
        transient: gallery.transient,
        optimizer: { ...gallery.optimizer, beta },
      });
      expect(r.outcome, `h = ${h}, β = ${beta}`).not.toBe(Outcome.CHAOTIC);
      expect(Math.abs(r.lyapunov - exactExponent(h, beta)), `h = ${h}, β = ${beta}`).toBeLessThan(1e-5);
    }
  });

  it('float64 and GPU: no chaotic pixel in a window across h = 2(1 + β), λ = log max|μ| within 1e-4', async () => {
    const ref = runGrid(window, obj).columns;
    const gpu = await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, compileObjective, { adapterName: 'SwiftShader' });
      const r = await engine.runBasin(window);
      const c = await r.readAll();
      r.dispose();
      engine.dispose();
      return c;
    });
    for (const c of [ref, gpu]) {
      expect(count(c, Outcome.CHAOTIC)).toBe(0);
      // The window straddles the edge: converging, growing and diverged pixels all occur.
      expect(count(c, Outcome.CONVERGED)).toBeGreaterThan(50);
      expect(count(c, Outcome.DIVERGED)).toBeGreaterThan(20);
      expect(Math.abs(c.lyapunov[CENTRE] - exactExponent(...PIXELS[0]))).toBeLessThan(1e-4);
      expect(c.outcome[CENTRE]).toBe(Outcome.UNSETTLED);
      const e = exponentError(c);
      expect(e.bounded).toBeGreaterThan(50);
      expect(e.error).toBeLessThan(1e-4);
    }
  });

  it('GPU and float64 agree wherever the warm-up falls: before T, cut by the checkpoint, T in the tail', async () => {
    // [N, T, P]: the warm-up 116 … 180 cut by the checkpoint 136 (T in the tail); the tail starting at
    // T = 99 with no window; a transient shorter than the warm-up; the usual layout.
    const geometries = [
      [200, 180, 64],
      [100, 99, 1],
      [200, 40, 16],
      [600, 300, 64],
    ] as const;
    await withDevice(async (device) => {
      for (const itersPerDispatch of [undefined, 23]) {
        const engine = new GpuBasinEngine(device, compileObjective, {
          adapterName: 'SwiftShader',
          itersPerDispatch,
        });
        for (const [iterations, transient, maxPeriod] of geometries) {
          const spec = parseSpec({
            ...gallery,
            size: [16, 16],
            iterations,
            transient,
            classify: { ...gallery.classify, maxPeriod },
            plane: { u: { quantity: 'lr', min: 0.5, max: 3.5 }, v: { quantity: 'beta', min: 0.1, max: 0.9 } },
          });
          const label = `N = ${iterations}, T = ${transient}, P = ${maxPeriod}, chunks ${itersPerDispatch}`;
          const ref = runGrid(spec, obj).columns;
          const r = await engine.runBasin(spec);
          const gpu = await r.readAll();
          r.dispose();
          expect(Array.from(gpu.outcome), label).toEqual(Array.from(ref.outcome));
          // Measured: |Δλ| ≤ 1.5e-6, and 1.5e-5 for the one-step window (f32 against f64).
          let bounded = 0;
          for (let k = 0; k < 256; k++)
            if (ref.outcome[k] !== Outcome.DIVERGED) {
              expect(Math.abs(gpu.lyapunov[k] - ref.lyapunov[k]), label).toBeLessThan(1e-4);
              bounded++;
            }
          expect(bounded, label).toBeGreaterThan(200);
        }
        engine.dispose();
      }
    });
  });
});
