/**
 * The WGSL basin engine against the float64 reference (src/reference/grid.ts) on Dawn/SwiftShader:
 * outcomes, periods, steps, final values, sharpness and the edge cases of the definition (the data
 * path, refusals and errors: engine-data-path.test.ts). Grids are small (48×48, ≤ 400 iterations)
 * because SwiftShader shares two cores.
 */
import { describe, expect, test } from 'vitest';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes, type RecordColumns } from '../src/core/records.ts';
import { CpuBasinEngine, runGrid } from '../src/reference/grid.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import {
  anisoGpu,
  fixtureCompiler,
  mfGpu,
  mfPlane,
  smallSpec,
  wellGpu,
  wellMap,
  withColumns,
} from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

/**
 * Compares outcomes pixel by pixel. A disagreement is explained when the pixel lies on a basin
 * boundary (one of its 8 neighbours has a different reference value: the f32 start, rounded from
 * the same pixel centre, can sit on the other side), or when the reference orbit is chaotic or
 * marginal (λ > -0.01: nearby f32 and f64 orbits separate like e^{λk}, so nothing fixes their fate).
 */
function compare(ref: RecordColumns, gpu: RecordColumns, key: 'outcome' | 'period') {
  const { width: W, height: H } = ref;
  let agree = 0;
  const unexplained: string[] = [];
  const reasons = { boundary: 0, chaotic: 0 };
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const k = j * W + i;
      if (ref[key][k] === gpu[key][k]) {
        agree++;
        continue;
      }
      let boundary = false;
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          const jj = j + dj;
          if (ii >= 0 && jj >= 0 && ii < W && jj < H && ref[key][jj * W + ii] !== ref[key][k])
            boundary = true;
        }
      const chaotic = ref.outcome[k] === Outcome.CHAOTIC || ref.lyapunov[k] > -0.01;
      if (boundary) reasons.boundary++;
      else if (chaotic) reasons.chaotic++;
      else unexplained.push(`(${i}, ${j}): ref ${ref[key][k]} gpu ${gpu[key][k]} λ=${ref.lyapunov[k]}`);
    }
  return { fraction: agree / (W * H), unexplained, reasons };
}

describe('GPU basin engine against the float64 reference', () => {
  test('mf-scalar h=1.1: outcomes, periods, steps and final values', async () => {
    const spec = smallSpec({
      lr: 1.1,
      iterations: 400,
      transient: 300,
      plane: mfPlane,
      observables: ['x^2-y^2'],
    });
    const ref = runGrid(spec, mfGpu);
    const gpu = await withDevice((device) => withColumns(new GpuBasinEngine(device, fixtureCompiler), spec));
    expect(gpu.info).toMatchObject({ kind: 'gpu', precision: 'f32' });
    const c = compare(ref.columns, gpu.columns, 'outcome');
    expect(c.fraction).toBeGreaterThanOrEqual(0.99);
    expect(c.unexplained).toEqual([]);
    expect(countOutcomes(ref.columns).periodic['2']).toBeGreaterThan(1000);
    expect(Math.abs(gpu.steps - ref.steps) / ref.steps).toBeLessThan(0.01);
    // The escape test runs over blocks of steps with a replay: the escape iteration is still exact.
    let bothDiverged = 0;
    let sameEscape = 0;
    for (let k = 0; k < ref.columns.outcome.length; k++)
      if (ref.columns.outcome[k] === Outcome.DIVERGED && gpu.columns.outcome[k] === Outcome.DIVERGED) {
        bothDiverged++;
        if (ref.columns.iter[k] === gpu.columns.iter[k]) sameEscape++;
      }
    expect(bothDiverged).toBeGreaterThan(800);
    expect(sameEscape / bothDiverged).toBeGreaterThanOrEqual(0.99);
    // Where both end at the same point of a 2-cycle, f, sharpness, λ and the observable agree.
    let checked = 0;
    let diagonal = 0;
    let periodic = 0;
    for (let k = 0; k < ref.columns.outcome.length; k++) {
      if (ref.columns.outcome[k] !== Outcome.PERIODIC || gpu.columns.outcome[k] !== Outcome.PERIODIC)
        continue;
      // Which of the symmetric 2-cycles, and at which phase, an orbit ends is decided by a transient that
      // can be long and chaotic (x - y is multiplied by 1 + h(xy - 1) per step), so f32 and f64 may end
      // at different points of equally attracting cycles. Most end at the same point; there the
      // record's values are compared.
      periodic++;
      if (!(Math.abs(gpu.columns.final0[k] - ref.columns.final0[k]) < 1e-3)) continue;
      if (!(Math.abs(gpu.columns.final1[k] - ref.columns.final1[k]) < 1e-3)) continue;
      checked++;
      expect(Math.abs(gpu.columns.f[k] - ref.columns.f[k])).toBeLessThan(1e-3);
      expect(Math.abs(gpu.columns.sharpness[k] - ref.columns.sharpness[k])).toBeLessThan(
        1e-3 * ref.columns.sharpness[k],
      );
      const x = ref.columns.final0[k];
      if (Math.abs(x - ref.columns.final1[k]) > 1e-6) continue;
      diagonal++;
      // The 2-cycle {u, u'} lies on the diagonal, where the tangent map has eigenvectors (1,1), with
      // multiplier 1 + h(1 - 3u²), and (1,-1), with 1 - h(1 - u²). v₀ = (1,1)/√2 starts on the first,
      // and rounding (1e-16 in f64, 1e-7 in f32) lets the second, larger exponent take over partway
      // through the N - T = 100 averaged steps: so each engine's λ lies between the two Floquet
      // exponents, the f32 one nearer the largest. Both are right by the definition; the test
      // checks the bracket rather than equality.
      const h = 1.1;
      const u2 = x + h * x * (1 - x * x);
      const diag =
        (Math.log(Math.abs(1 + h * (1 - 3 * x * x))) + Math.log(Math.abs(1 + h * (1 - 3 * u2 * u2)))) / 2;
      const anti = (Math.log(Math.abs(1 - h * (1 - x * x))) + Math.log(Math.abs(1 - h * (1 - u2 * u2)))) / 2;
      for (const lam of [ref.columns.lyapunov[k], gpu.columns.lyapunov[k]]) {
        expect(lam).toBeGreaterThan(Math.min(diag, anti) - 1e-3);
        expect(lam).toBeLessThan(Math.max(diag, anti) + 1e-3);
      }
      expect(Math.abs(gpu.columns.obs0[k] - ref.columns.obs0[k])).toBeLessThan(1e-3);
    }
    expect(checked / periodic).toBeGreaterThan(0.98);
    expect(diagonal).toBeGreaterThan(500);
  });

  test('mf-scalar where orbits of period 2 and 4 attract: the period map matches', async () => {
    // On the diagonal GD is the cubic map u ↦ u + h u(1 - u²) (NOTES.md): its fixed point u = 1 loses
    // stability at h = 1 to a 2-cycle, which doubles again near h = 1.24; the reference finds
    // period 2 at h = 1.1 and period 4 at h = 1.25 over most of the bounded starts.
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      for (const [lr, p] of [
        [1.1, '2'],
        [1.25, '4'],
      ] as const) {
        const spec = smallSpec({ lr, iterations: 400, transient: 300, plane: mfPlane });
        const ref = runGrid(spec, mfGpu);
        const gpu = await withColumns(engine, spec);
        expect(countOutcomes(ref.columns).periodic[p]).toBeGreaterThan(1000);
        const c = compare(ref.columns, gpu.columns, 'period');
        expect(c.fraction, `h=${lr}`).toBeGreaterThanOrEqual(0.99);
        expect(c.unexplained, `h=${lr}`).toEqual([]);
      }
    });
  });

  test('double well over (lr, x): the period-doubling cascade into chaos', async () => {
    // lr from 0.5 to 2.3 crosses the cubic map's cascade and its chaotic band; a plane with lr on u.
    const spec = wellMap({ lr: 1 });
    const ref = runGrid(spec, wellGpu);
    const gpu = await withDevice((device) => withColumns(new GpuBasinEngine(device, fixtureCompiler), spec));
    const counts = countOutcomes(ref.columns);
    expect(counts.aperiodic).toBeGreaterThan(50);
    expect(Object.keys(counts.periodic).length).toBeGreaterThanOrEqual(2);
    const c = compare(ref.columns, gpu.columns, 'outcome');
    expect(c.fraction).toBeGreaterThanOrEqual(0.99);
    expect(c.unexplained).toEqual([]);
    // In one dimension λ has no direction to choose: on attracting cycles it agrees to f32 accuracy.
    let checked = 0;
    for (let k = 0; k < ref.columns.outcome.length; k++)
      if (
        ref.columns.outcome[k] === Outcome.PERIODIC &&
        gpu.columns.period[k] === ref.columns.period[k] &&
        120 % ref.columns.period[k] === 0 &&
        ref.columns.lyapunov[k] < -0.05
      ) {
        checked++;
        expect(Math.abs(gpu.columns.lyapunov[k] - ref.columns.lyapunov[k])).toBeLessThan(2e-3);
      }
    expect(checked).toBeGreaterThan(100);
  });

  test('a parameter plane: a x²/2 + b y²/2 diverges exactly where h·max(a, b) > 2', async () => {
    const spec = parseSpec({
      ...smallSpec({}),
      objective: { expr: anisoGpu.expr, preset: null, params: { a: 1, b: 1 } },
      x0: [0.3, -0.2],
      lr: 0.5,
      plane: { u: { quantity: 'a', min: 0.1, max: 5.9 }, v: { quantity: 'b', min: 0.1, max: 5.9 } },
      iterations: 200,
      transient: 100,
    });
    const gpu = await withDevice((device) => withColumns(new GpuBasinEngine(device, fixtureCompiler), spec));
    const W = 48;
    for (let j = 0; j < W; j++)
      for (let i = 0; i < W; i++) {
        const a = 0.1 + ((i + 0.5) * 5.8) / W;
        const b = 0.1 + ((j + 0.5) * 5.8) / W;
        // |1 - h a| > 1 grows as (h a - 1)^k: away from the edge it leaves radius 1e6 within 200 steps.
        const rate = Math.max(Math.abs(1 - 0.5 * a), Math.abs(1 - 0.5 * b));
        if (Math.abs(rate - 1) < 0.08) continue;
        expect(gpu.columns.outcome[j * W + i], `a=${a} b=${b}`).toBe(
          rate > 1 ? Outcome.DIVERGED : Outcome.CONVERGED,
        );
      }
  });

  test('edge cases of the definition: a transient inside the last P steps, and λ = -∞', async () => {
    // T = N - 5 > N - P: the tangent map starts inside the step-by-step tail of the kernel.
    const late = parseSpec({
      ...smallSpec({}),
      objective: { expr: wellGpu.expr, preset: null, params: {} },
      x0: [0.5],
      plane: { u: { quantity: 'lr', min: 0.5, max: 1.5 }, v: { quantity: 'x', min: 0.2, max: 1.4 } },
      size: [16, 8],
      iterations: 200,
      transient: 195,
    });
    // h·a = h·b = 1: GD lands on 0 in one step and the tangent map is 0, so log‖J v‖ = -∞.
    const exact = parseSpec({
      ...smallSpec({}),
      objective: { expr: anisoGpu.expr, preset: null, params: { a: 1, b: 1 } },
      x0: [0.5, 0.5],
      lr: 1,
      plane: { u: { quantity: 'x', min: -1, max: 1 }, v: { quantity: 'y', min: -1, max: 1 } },
      size: [4, 4],
      iterations: 50,
      transient: 10,
    });
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler, { itersPerDispatch: 3 });
      const ref = runGrid(late, wellGpu).columns;
      const gpu = (await withColumns(engine, late)).columns;
      let compared = 0;
      // Over a 5-step window λ of a chaotic orbit is noise, and f32 and f64 orbits have decorrelated
      // by then: chaotic and unsettled (both bounded, no period) are one class here.
      const bounded = (o: number) => (o === Outcome.CHAOTIC ? Outcome.UNSETTLED : o);
      for (let k = 0; k < ref.outcome.length; k++) {
        expect(bounded(gpu.outcome[k])).toBe(bounded(ref.outcome[k]));
        if (ref.outcome[k] !== Outcome.CONVERGED) continue;
        compared++;
        expect(Math.abs(gpu.lyapunov[k] - ref.lyapunov[k])).toBeLessThan(1e-3);
      }
      expect(compared).toBeGreaterThan(20);
      const refExact = runGrid(exact, anisoGpu).columns;
      const gpuExact = (await withColumns(engine, exact)).columns;
      expect([...refExact.lyapunov]).toEqual(new Array(16).fill(-Infinity));
      expect([...gpuExact.lyapunov]).toEqual(new Array(16).fill(-Infinity));
      expect([...gpuExact.outcome]).toEqual(new Array(16).fill(Outcome.CONVERGED));
    });
  });

  test('four and eight coordinates: outcomes and the Jacobi sharpness agree with float64', async () => {
    const cases = [
      {
        expr: '((a11 - x1*x3)^2 + (a12 - x1*x4)^2 + (a21 - x2*x3)^2 + (a22 - x2*x4)^2)/2',
        params: { a11: 1, a12: 0, a21: 0, a22: 0.5 },
        x0: [2, 0.1, 0.4, 0.1],
      },
      {
        expr: '(x1^2 + 2*x2^2 + 3*x3^2 + x4^2 + x5^2 + x6^2 + x7^2 + 5*x8^2)/2 + x1*x2*x3/4 + x8*x7/3',
        params: {},
        x0: [0.5, 0.4, 0.3, 0.2, 0.1, -0.1, -0.2, 0.3],
      },
    ];
    await withDevice(async (device) => {
      for (const c of cases) {
        const spec = parseSpec({
          ...smallSpec({}),
          objective: { expr: c.expr, preset: null, params: c.params },
          x0: c.x0,
          lr: 0.3,
          plane: { u: { quantity: 'x1', min: -2, max: 2 }, v: { quantity: 'x3', min: -2, max: 2 } },
          size: [8, 8],
          iterations: 200,
          transient: 100,
        });
        const gpu = (await withColumns(new GpuBasinEngine(device, compileObjective), spec)).columns;
        const ref = (await new CpuBasinEngine(compileObjective).runBasin(spec)).columns;
        expect([...gpu.outcome]).toEqual([...ref.outcome]);
        expect(ref.outcome.filter((o) => o === Outcome.CONVERGED).length).toBeGreaterThan(30);
        for (let k = 0; k < 64; k++)
          if (ref.outcome[k] === Outcome.CONVERGED)
            expect(Math.abs(gpu.sharpness[k] - ref.sharpness[k])).toBeLessThan(
              1e-5 * Math.abs(ref.sharpness[k]),
            );
      }
    });
  });

  test('the compiled objective (compileObjective) on the GPU agrees with the CPU engine', async () => {
    const spec = smallSpec({
      objective: { expr: '(1 - x*y)^2/2', preset: 'mf-scalar', params: {} },
      lr: 1.1,
      iterations: 300,
      transient: 200,
      plane: mfPlane,
    });
    const cpu = await new CpuBasinEngine(compileObjective).runBasin(spec);
    const gpu = await withDevice((device) => withColumns(new GpuBasinEngine(device, compileObjective), spec));
    const c = compare(cpu.columns, gpu.columns, 'outcome');
    expect(c.fraction).toBeGreaterThanOrEqual(0.99);
    expect(c.unexplained).toEqual([]);
  });
});
