/**
 * The WGSL basin engine against the float64 reference (src/reference/grid.ts) on Dawn/SwiftShader:
 * outcomes, periods, tiling, chunking, refusals and compile errors. Grids are small (48×48, ≤ 400
 * iterations) because SwiftShader shares two cores.
 */
import { describe, expect, test } from 'vitest';
import { GpuBasinEngine, planTiles } from '../src/engine/gpu-engine.ts';
import { ShaderCompileError } from '../src/engine/shader.ts';
import { compileObjective } from '../src/objective/compile.ts';
import {
  COLUMN_KEYS,
  countOutcomes,
  Outcome,
  RECORD_BYTES,
  type RecordColumns,
} from '../src/core/outcome.ts';
import { CpuBasinEngine, runGrid } from '../src/reference/grid.ts';
import { fieldRanges } from '../src/colormaps.ts';
import { parseSpec, SpecError, type ExperimentSpec } from '../src/experiment/spec.ts';
import { anisoGpu, fixtureCompiler, mfGpu, smallSpec, wellGpu } from './engine-fixtures.ts';
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

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
function expectBitIdentical(a: RecordColumns, b: RecordColumns): void {
  for (const k of COLUMN_KEYS) expect(bytes(a[k]), k).toEqual(bytes(b[k]));
}

/** A run and every record of it read back (these tests compare whole grids against float64). */
async function withColumns(engine: GpuBasinEngine, spec: ExperimentSpec) {
  const result = await engine.runBasin(spec);
  return Object.assign(result, { columns: await result.readAll() });
}

const mfPlane = { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } };

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
    const spec = parseSpec({
      ...smallSpec({}),
      objective: { expr: wellGpu.expr, preset: null, params: {} },
      x0: [0.5],
      lr: 1,
      plane: { u: { quantity: 'lr', min: 0.5, max: 2.3 }, v: { quantity: 'x', min: -1.8, max: 1.8 } },
      // N - T = 120 is a multiple of every period up to 6 and of 8: λ averages whole cycles, so it
      // does not depend on the phase at which f32 and f64 enter the same cycle.
      iterations: 400,
      transient: 280,
    });
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

describe('chunking, tiling and the data path', () => {
  const spec = smallSpec({ lr: 1.25, iterations: 300, transient: 150, plane: mfPlane });

  test('whatever the dispatches, submits and pixel blocks, the records are bit-identical', async () => {
    await withDevice(async (device) => {
      const one = await withColumns(
        new GpuBasinEngine(device, fixtureCompiler, { itersPerDispatch: 300 }),
        spec,
      );
      // Seven iterations per dispatch, one dispatch per submit: progress after every dispatch.
      const chunked = new GpuBasinEngine(device, fixtureCompiler, {
        itersPerDispatch: 7,
        dispatchesPerSubmit: 1,
      });
      let calls = 0;
      const many = await chunked.runBasin(spec, { onProgress: () => calls++ });
      expect(calls).toBe(chunked.plan(many.context).dispatches.length);
      // The run's parts (before the tangent's warm-up, the warm-up of 64 steps, the window's halves,
      // the last P steps) cut 300 iterations in 86 + 64 + 75 + 59 + 16, each in sevens.
      expect(calls).toBe(13 + 10 + 11 + 9 + 3);
      expectBitIdentical(one.columns, await many.readAll());
      // Blocks of 100 pixels (not a multiple of the workgroup) with 40 iterations per dispatch.
      const blocks = await withColumns(
        new GpuBasinEngine(device, fixtureCompiler, { itersPerDispatch: 40, pixelsPerDispatch: 100 }),
        spec,
      );
      expectBitIdentical(one.columns, blocks.columns);
      expect(blocks.counts).toEqual(one.counts);
      // A short run goes in one dispatch per pixel through the `whole` entry point: the same records
      // as the same run cut into chunks of the `mixed` one.
      const short = smallSpec({ lr: 1.25, iterations: 60, transient: 30, plane: mfPlane });
      const fused = new GpuBasinEngine(device, fixtureCompiler);
      const whole = await withColumns(fused, short);
      expect(new Set(fused.plan(whole.context).dispatches.map((d) => d.phase))).toEqual(new Set(['whole']));
      const parts = await withColumns(
        new GpuBasinEngine(device, fixtureCompiler, { itersPerDispatch: 13, dispatchesPerSubmit: 3 }),
        short,
      );
      expectBitIdentical(whole.columns, parts.columns);
    });
  });

  test('a binding limit smaller than the grid tiles it by rows, with identical records and a note', async () => {
    await withDevice(async (device) => {
      const whole = await withColumns(new GpuBasinEngine(device, fixtureCompiler), spec);
      expect(whole.notes).toBeUndefined();
      // A device cannot be asked for limits below the defaults (Dawn raises them to 128 MiB), so a
      // small device is emulated by capping the engine's view of its limits: 8 rows of 48 records.
      const small = new GpuBasinEngine(device, fixtureCompiler, { maxBindingBytes: 8 * 48 * RECORD_BYTES });
      const tiled = await withColumns(small, spec);
      expect(tiled.notes?.[0]).toMatch(/split into 6 tiles of at most 8 rows/);
      expect(tiled.records).toHaveLength(6);
      expectBitIdentical(whole.columns, tiled.columns);
      expect(tiled.counts).toEqual(countOutcomes(runGrid(spec, mfGpu).columns));
      expect(tiled.steps).toBe(whole.steps);
      // A record of the fourth tile, and an image coloured tile by tile.
      const k = 30 * 48 + 17;
      expect(await tiled.readRecord(k)).toEqual(await whole.readRecord(k));
      expect(await tiled.readImage(spec.colour)).toEqual(await whole.readImage(spec.colour));
    });
  });

  test('one record read back is the record of the full readback, and of the float64 reference', async () => {
    await withDevice(async (device) => {
      const result = await withColumns(new GpuBasinEngine(device, fixtureCompiler), spec);
      const ref = runGrid(spec, mfGpu).columns;
      let periodic = 0;
      for (const k of [0, 47, 48 * 24 + 24, 48 * 48 - 1, 1000, 1500]) {
        const r = await result.readRecord(k);
        const c = result.columns;
        expect(r).toEqual({
          outcome: c.outcome[k],
          iter: c.iter[k],
          period: c.period[k],
          lyapunov: c.lyapunov[k],
          f: c.f[k],
          sharpness: c.sharpness[k],
          obs0: c.obs0[k],
          obs1: c.obs1[k],
          final0: c.final0[k],
          final1: c.final1[k],
        });
        // Away from basin boundaries the pixel is what float64 says it is.
        expect(r.outcome).toBe(ref.outcome[k]);
        if (r.outcome === Outcome.PERIODIC) periodic++;
      }
      expect(periodic).toBeGreaterThan(0);
      await expect(result.readRecord(48 * 48)).rejects.toThrow(/no pixel 2304 in a 48×48 grid/);
    });
  });

  test('the GPU statistics buffer holds the counts, steps and ranges of the full readback', async () => {
    await withDevice(async (device) => {
      // The double well over (lr, x): diverged, converged, several periods and chaos side by side.
      const mixed = parseSpec({
        ...smallSpec({}),
        objective: { expr: wellGpu.expr, preset: null, params: {} },
        x0: [0.5],
        plane: { u: { quantity: 'lr', min: 0.5, max: 2.3 }, v: { quantity: 'x', min: -1.8, max: 1.8 } },
        iterations: 400,
        transient: 280,
      });
      for (const tiles of [undefined, 8 * 48 * RECORD_BYTES]) {
        const engine = new GpuBasinEngine(device, fixtureCompiler, { maxBindingBytes: tiles });
        const result = await withColumns(engine, mixed);
        const c = result.columns;
        const counts = countOutcomes(c);
        expect(Object.keys(counts.periodic).length).toBeGreaterThanOrEqual(2);
        expect(counts.diverged).toBeGreaterThan(100);
        expect(counts.chaotic).toBeGreaterThan(20);
        expect(result.counts).toEqual(counts);
        expect(result.steps).toBe(c.iter.reduce((a, b) => a + b, 0));
        // Ranges are reduced when a colour asks for them, not with the run.
        expect(result.ranges).toBeNull();
        expect(await result.ensureRanges()).toEqual(fieldRanges(c));
        expect(result.ranges).toEqual(fieldRanges(c));
        // A statistics-only run (no records written) reduces to the same counts and steps, and to the
        // diverged pixels of each column (tiles start mid-grid: the column is the pixel's, not the tile's).
        const perColumn = new Uint32Array(c.width);
        c.outcome.forEach((o, k) => o === Outcome.DIVERGED && perColumn[k % c.width]++);
        expect(new Set(perColumn).size).toBeGreaterThan(5);
        const stats = await engine.runBasin(mixed, { records: 'none', columns: true });
        expect(stats.records).toBeNull();
        expect(stats.ranges).toBeNull();
        expect(stats.counts).toEqual(counts);
        expect(stats.steps).toBe(result.steps);
        expect(stats.columnDiverged).toEqual(perColumn);
        // The next run gets the pooled statistics and column buffers back: both start over.
        stats.dispose();
        const kept = await engine.runBasin(mixed, { columns: true });
        expect(kept.counts).toEqual(counts);
        expect(kept.columnDiverged).toEqual(perColumn);
        kept.dispose();
        expect(result.columnDiverged).toBeUndefined();
      }
    });
  });

  test('records above the memory budget are not kept, and are recomputed bit for bit when read', async () => {
    await withDevice(async (device) => {
      const kept = await withColumns(new GpuBasinEngine(device, fixtureCompiler), spec);
      const engine = new GpuBasinEngine(device, fixtureCompiler, { maxRecordBytes: 1000 });
      const result = await engine.runBasin(spec);
      expect(result.records).toBeNull();
      expect(result.notes?.[0]).toMatch(/records of 48×48 pixels .* exceed the 0\.0 GiB kept on the GPU/);
      expect(result.counts).toEqual(kept.counts);
      expectBitIdentical(await result.readAll(), kept.columns);
      expect(await result.readRecord(777)).toEqual(await kept.readRecord(777));
      const colour = { field: 'sharpness', colormap: 'magma', log: true, range: null } as const;
      expect(await result.readImage(colour)).toEqual(await kept.readImage(colour));
      expect(result.ranges).toEqual(kept.ranges);
    });
  });

  test('planTiles follows the device limits: a 4096² grid fits a 2 GiB binding in one tile', () => {
    const big = { maxStorageBufferBindingSize: 2 ** 31 - 4, maxBufferSize: 2 ** 32 };
    expect(planTiles(4096, 4096, big).tiles).toEqual([{ p0: 0, count: 4096 * 4096 }]);
    const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };
    const plan = planTiles(4096, 4096, limits);
    expect(plan.tiles.length).toBe(7);
    expect(plan.tiles.reduce((s, t) => s + t.count, 0)).toBe(4096 * 4096);
    expect(Math.max(...plan.tiles.map((t) => t.count)) * RECORD_BYTES).toBeLessThanOrEqual(128 * 2 ** 20);
    expect(plan.note).toMatch(/4096×4096 needs 768\.0 MiB of records/);
    expect(planTiles(16384, 16384, limits).tiles.length).toBe(97);
    expect(() => planTiles(10, 10, { maxStorageBufferBindingSize: 100, maxBufferSize: 100 })).toThrow(
      /one row of 10 pixels needs .* above this device's storage binding limit/,
    );
  });
});

describe('refusals and errors', () => {
  test('NaN and infinite parameters are refused', async () => {
    for (const bad of [NaN, Infinity, -Infinity])
      expect(() =>
        parseSpec({ objective: { expr: 'a*x^2/2 + b*y^2/2', preset: null, params: { a: bad, b: 1 } } }),
      ).toThrow(SpecError);
    // A spec built without parseSpec (a caller's own object) meets the engine's own check.
    const spec = {
      ...smallSpec({ plane: mfPlane }),
      objective: { expr: anisoGpu.expr, preset: null, params: { a: NaN, b: 1 } },
    };
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      await expect(engine.runBasin(spec)).rejects.toThrow(
        /objective\.params: parameter 0 must be a finite number \(got NaN\)/,
      );
    });
  });

  test('a WGSL error reports its part, line and column', async () => {
    // Line 3 of the objective block: `let r = 1.0 - x[0] * q;` with q undeclared at column 25.
    const broken = {
      ...mfGpu,
      wgsl: mfGpu.wgsl.replace('let r = 1.0 - x[0] * x[1];', 'let r = 1.0 - x[0] * q;'),
    };
    expect(broken.wgsl).not.toBe(mfGpu.wgsl);
    const line = broken.wgsl.split('\n').findIndex((l) => l.includes('* q;')) + 1;
    const column = broken.wgsl.split('\n')[line - 1].indexOf('q;') + 1;
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      const error = await engine.runCompiled(smallSpec({ plane: mfPlane }), broken).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ShaderCompileError);
      const e = error as ShaderCompileError;
      const first = e.messages.find((m) => m.type === 'error')!;
      expect(first).toMatchObject({ part: 'objective (generated)', line, column });
      expect(e.message).toContain(`objective (generated):${line}:${column}:`);
      // The engine is still usable, and the failed compile was not cached.
      const ok = await engine.runCompiled(smallSpec({ plane: mfPlane, size: [8, 8] }), mfGpu);
      expect(ok.width * ok.height).toBe(64);
      expect(ok.counts.diverged + ok.counts.converged).toBeGreaterThan(0);
    });
  });

  test('an aborted run rejects between dispatches and leaves the engine usable', async () => {
    const spec = smallSpec({ plane: mfPlane });
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler, {
        itersPerDispatch: 10,
        dispatchesPerSubmit: 1,
      });
      const controller = new AbortController();
      let progress = 0;
      const run = engine.runBasin(spec, {
        signal: controller.signal,
        onProgress: () => {
          if (++progress === 3) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      // The submit in flight when the signal fired completes unreported; nothing after it is sent.
      expect(progress).toBe(3);
      const again = await engine.runBasin(spec);
      expect(again.counts).toEqual(countOutcomes(runGrid(spec, mfGpu).columns));
    });
  });
});
