/**
 * The basin engine's data path on Dawn/SwiftShader: records bit-identical however a run is cut into
 * dispatches, submits, pixel blocks and tiles; one record and the statistics buffer against the full
 * readback and float64; records over the memory budget recomputed; refusals, compile errors and
 * cancellation. Grids are small because SwiftShader shares two cores.
 */
import { describe, expect, test } from 'vitest';
import { GpuBasinEngine, planTiles } from '../src/engine/gpu-engine.ts';
import { ShaderCompileError } from '../src/engine/shader.ts';
import { Outcome, periodHasDivisor } from '../src/core/outcome.ts';
import { countOutcomes, RECORD_BYTES } from '../src/core/records.ts';
import { runGrid } from '../src/reference/grid.ts';
import { columnRecord } from '../src/core/host-result.ts';
import { fieldRanges } from '../src/colormaps.ts';
import { parseSpec, SpecError } from '../src/experiment/spec.ts';
import {
  anisoGpu,
  expectBitIdentical,
  fixtureCompiler,
  mfGpu,
  mfPlane,
  smallSpec,
  wellMap,
  withColumns,
} from './engine-fixtures.ts';
import { readBuffer, withDevice } from './helpers/gpu.ts';
import { STATS_BYTES } from '../src/engine/layouts.ts';
import { parseStats } from '../src/engine/stats.ts';

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
        expect(r).toEqual(columnRecord(c, k));
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

      // 48² pixels whole and in tiles of 8 rows; 47 × 45 in tiles of 7 rows (329 pixels: summary words
      // are reduced four at a time, and a tile's last four are partly past its end); 160 × 128 in two
      // reduction workgroups at a CPU adapter's stride (64 invocations of 256 records), the second
      // partly empty, or in ten at a GPU's (32 records per invocation).
      const cases: [[number, number], number | undefined, number][] = [
        [[48, 48], undefined, 256],
        [[48, 48], 8 * 48 * RECORD_BYTES, 32],
        [[47, 45], 7 * 47 * RECORD_BYTES, 256],
        [[160, 128], undefined, 256],
        [[160, 128], undefined, 32],
      ];
      for (const [size, tiles, reduceStride] of cases) {
        const mixed = wellMap({ size });
        const engine = new GpuBasinEngine(device, fixtureCompiler, { maxBindingBytes: tiles, reduceStride });
        expect((await engine.reduce(['counts'])).stride).toBe(reduceStride);
        const result = await withColumns(engine, mixed);
        const c = result.columns;
        const counts = countOutcomes(c);
        expect(Object.keys(counts.periodic).length).toBeGreaterThanOrEqual(2);
        expect(counts.diverged).toBeGreaterThan(100);
        expect(counts.chaotic).toBeGreaterThan(20);
        expect(result.counts).toEqual(counts);
        expect(result.steps).toBe(c.iter.reduce((a, b) => a + b, 0));
        // The bounded pixels whose period has a divisor (here periods 4 and 8; the period field of
        // chaotic pixels counts too), which decide whether a short run's divisor test runs at all.
        const composite = c.outcome.filter((o, k) => o !== Outcome.DIVERGED && periodHasDivisor(c.period[k]));
        expect(composite.length).toBeGreaterThan(10);
        const words = new Uint32Array(await readBuffer(device, result.stats, STATS_BYTES));
        expect(parseStats(words).composite).toBe(composite.length);
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
        const packed = new Uint32Array(await readBuffer(device, stats.stats, STATS_BYTES));
        expect(parseStats(packed).composite).toBe(composite.length);
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
    expect(plan.note).toMatch(
      /4096×4096 split into 7 tiles of at most 682 rows, so that a tile.s records fit one storage binding \(128\.0 MiB\): the grid.s would take 768\.0 MiB \(48 B per pixel\)/,
    );
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
      // On the message's first line, which is all the CLI prints of an internal error.
      expect(e.message.split('\n')[0]).toContain(`objective (generated):${line}:${column}:`);
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

  test('a run aborted as its last submit completes, its statistics mapped already, leaves them usable', async () => {
    const spec = smallSpec({ plane: mfPlane });
    const want = countOutcomes(runGrid(spec, mfGpu).columns);
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler, {
        itersPerDispatch: 100,
        dispatchesPerSubmit: 1,
      });
      const controller = new AbortController();
      let last = false;
      const run = engine.runBasin(spec, {
        signal: controller.signal,
        onProgress: (done, total) => {
          if (done === total) {
            last = true;
            controller.abort();
          }
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      expect(last).toBe(true);
      // The pooled readback the aborted run was mapping serves the next runs, mapped anew each time.
      for (let i = 0; i < 2; i++) expect((await engine.runBasin(spec)).counts).toEqual(want);
    });
  });
});
