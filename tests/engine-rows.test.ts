/**
 * RunOptions.rows: a band of a map computed by the engine itself holds, bit for bit, the records of
 * those rows in a run of the whole map (GPU engine, tiled or not, and the float64 engine).
 */
import { describe, expect, test } from 'vitest';
import { runRows, type BasinEngine } from '../src/core/engine.ts';
import { RECORD_BYTES, type RecordColumns } from '../src/core/records.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { CpuBasinEngine } from '../src/reference/grid.ts';
import { fixtureCompiler, smallSpec } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

// mf-scalar at h = 1.3 over [-2, 2]²: diverged, periodic and aperiodic rows, so a shifted row shows.
const spec = smallSpec({
  lr: 1.3,
  iterations: 300,
  transient: 200,
  plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } },
});
const FIELDS = ['outcome', 'iter', 'period', 'lyapunov', 'f', 'sharpness', 'final0', 'final1'] as const;

/** Bytes of rows [start, end) of whole's columns against band's (NaN payloads included). */
function expectBandOf(whole: RecordColumns, band: RecordColumns, start: number, end: number): void {
  const W = whole.width;
  expect([band.width, band.height]).toEqual([W, end - start]);
  for (const f of FIELDS) {
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const want = whole[f].subarray(start * W, end * W);
    expect(bytes(band[f]).equals(bytes(want)), f).toBe(true);
  }
}

const stepsOf = (c: RecordColumns) => c.iter.reduce((a: number, b: number) => a + b, 0);

async function checkBands(engine: BasinEngine, bandEngine: BasinEngine = engine): Promise<void> {
  const whole = await (await engine.runBasin(spec)).readAll();
  // The band must see every class, or a row mix-up could hide behind a uniform stretch.
  const kinds = new Set(whole.outcome.subarray(13 * 48, 31 * 48));
  expect(kinds.size).toBeGreaterThanOrEqual(3);
  for (const [start, end] of [
    [13, 31],
    [0, 1],
    [47, 48],
  ]) {
    const progress: [number, number][] = [];
    const band = await bandEngine.runBasin(spec, {
      rows: { start, end },
      onProgress: (d, t) => progress.push([d, t]),
    });
    const cols = await band.readAll();
    expectBandOf(whole, cols, start, end);
    expect(band.steps).toBe(stepsOf(cols));
    expect([band.width, band.height]).toEqual([48, end - start]);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
  }
}

describe('RunOptions.rows', () => {
  test('runRows takes a band inside the grid, or refuses it by its rows', () => {
    expect(runRows(undefined, 48)).toEqual([0, 48]);
    expect(runRows({ start: 5, end: 9 }, 48)).toEqual([5, 9]);
    for (const rows of [
      { start: 5, end: 5 },
      { start: -1, end: 3 },
      { start: 40, end: 49 },
      { start: 1.5, end: 3 },
    ])
      expect(() => runRows(rows, 48)).toThrow(RangeError);
    expect(() => runRows({ start: 40, end: 49 }, 48)).toThrow('rows 40 … 48 are not a band of a 48-row grid');
  });

  test('GPU engine: bands of one tile and of many tiles are the whole run’s rows, bit for bit', async () => {
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      await checkBands(engine);
      // Bindings of one row of records: a band of three rows is three tiles.
      const tiny = new GpuBasinEngine(device, fixtureCompiler, { maxBindingBytes: 48 * RECORD_BYTES });
      const band = await tiny.runBasin(spec, { rows: { start: 20, end: 23 } });
      expect(band.notes?.[0]).toMatch(/^grid 48×3 split into 3 tiles of at most 1 row, so that/);
      expectBandOf(await (await engine.runBasin(spec)).readAll(), await band.readAll(), 20, 23);
      await expect(engine.runBasin(spec, { rows: { start: 0, end: 49 } })).rejects.toThrow(RangeError);
    });
  });

  test('float64 engine: bands are the whole run’s rows, bit for bit', async () => {
    const engine = new CpuBasinEngine(fixtureCompiler);
    await checkBands(engine);
    await expect(engine.runBasin(spec, { rows: { start: 3, end: 2 } })).rejects.toThrow(RangeError);
  });
});
