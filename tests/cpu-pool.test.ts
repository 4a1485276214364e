/**
 * The float64 engines on a worker_threads pool (src/cpu): the same records as the interpreted
 * reference, with results shared in place or transferred, progress per job, and an abort that
 * rejects at once and leaves the pool usable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { prepareEnsemble, runEnsembleSpec } from '../src/core/ensemble.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { ParallelCpuEngine, basinJobs } from '../src/cpu/basin-engine.ts';
import { ParallelEnsembleEngine } from '../src/cpu/ensemble-engine.ts';
import { nodeWorkerPool } from '../src/cpu/node-pool.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { CpuBasinEngine, runGrid } from '../src/reference/grid.ts';
import { doubleWellSpec } from './bifurcation-fixtures.ts';

const pool = await nodeWorkerPool(2);
afterAll(() => pool.dispose());

const spec = parseSpec({
  objective: { expr: '(1 - x*y)^2/2', preset: 'mf-scalar', params: {} },
  lr: 1.1,
  x0: [0, 0],
  plane: { u: { quantity: 'x', min: -2.5, max: 2.5 }, v: { quantity: 'y', min: -2.5, max: 2.5 } },
  size: [40, 30],
  iterations: 400,
  transient: 240,
  observables: ['x^2 - y^2'],
});

describe('ParallelCpuEngine', () => {
  it('gives the interpreted reference’s records, shared in place or transferred per job', async () => {
    const obj = compileObjective({ expr: spec.objective.expr, params: {}, observables: spec.observables });
    const ref = runGrid(spec, obj, { interpreted: true });
    for (const share of [true, false]) {
      const engine = new ParallelCpuEngine(pool, { share, inProcessSteps: 0 });
      const progress: [number, number][] = [];
      const r = await engine.runBasin(spec, { onProgress: (d, t) => progress.push([d, t]) });
      expect(r.info).toEqual({ kind: 'cpu', precision: 'f64', adapter: 'cpu, 2 threads' });
      expect(r.columns).toEqual(ref.columns);
      expect(r.columns.f.buffer instanceof SharedArrayBuffer).toBe(share);
      expect(r.steps).toBe(ref.steps);
      // One report per job after the first wave (one job per worker), growing to the whole map.
      expect(progress.length).toBe(basinJobs(1200, 400, 2).length - 2);
      expect(progress.at(-1)).toEqual([1200, 1200]);
    }
  });

  it('runs a band of rows (RunOptions.rows) as the same pixels of the whole map', async () => {
    const obj = compileObjective({ expr: spec.objective.expr, params: {}, observables: spec.observables });
    const whole = runGrid(spec, obj, { interpreted: true }).columns;
    for (const share of [true, false]) {
      const r = await new ParallelCpuEngine(pool, { share, inProcessSteps: 0 }).runBasin(spec, {
        rows: { start: 7, end: 19 },
      });
      expect([r.columns.width, r.columns.height]).toEqual([40, 12]);
      expect(Array.from(r.columns.final0)).toEqual(Array.from(whole.final0.slice(7 * 40, 19 * 40)));
      expect(Array.from(r.columns.outcome)).toEqual(Array.from(whole.outcome.slice(7 * 40, 19 * 40)));
    }
  });

  it('runs a small map on the calling thread, and says so', async () => {
    const r = await new ParallelCpuEngine(pool).runBasin({ ...spec, size: [8, 8] });
    expect(r.info.adapter).toBe('cpu, 1 thread');
    expect(r.columns.outcome.length).toBe(64);
  });

  it('rejects an aborted run with its reason, then runs the next one', async () => {
    const engine = new ParallelCpuEngine(pool, { inProcessSteps: 0 });
    const big = { ...spec, size: [256, 256] as [number, number], iterations: 2000, transient: 1000 };
    const ctl = new AbortController();
    let reports = 0;
    const run = engine.runBasin(big, {
      signal: ctl.signal,
      onProgress: () => {
        if (++reports === 1) ctl.abort(new DOMException('stop', 'AbortError'));
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(reports).toBe(1);
    const again = await engine.runBasin(spec);
    expect(again.columns.outcome.length).toBe(1200);
  });

  it('runs the same through the TypeScript sources (tsx) where no bundle is built', async () => {
    const tsx = await nodeWorkerPool(1, { bundle: false });
    try {
      const r = await new ParallelCpuEngine(tsx, { inProcessSteps: 0 }).runBasin(spec);
      expect(r.info.adapter).toBe('cpu, 1 thread');
      const obj = compileObjective({ expr: spec.objective.expr, params: {}, observables: spec.observables });
      expect(r.columns).toEqual(runGrid(spec, obj).columns);
    } finally {
      tsx.dispose();
    }
  });

  it('throws the SpecError of a spec that does not fit, before any worker runs', async () => {
    const bad = { ...spec, plane: { ...spec.plane, u: { quantity: 'z', min: 0, max: 1 } } };
    await expect(new ParallelCpuEngine(pool).runBasin(bad)).rejects.toMatchObject({ name: 'SpecError' });
  });

  it('refuses a map whose float64 records would not fit, naming the size and the memory', async () => {
    // 16 GiB allocated at once: an internal error where it failed, a killed process where it did not.
    const huge = parseSpec({ ...spec, size: [16384, 16384], iterations: 20, transient: 10 });
    const message =
      'invalid experiment spec:\n  size: 16384 × 16384 pixels need 16.3 GiB of float64 records on the CPU engine, ' +
      'more than its 4.0 GiB; use the GPU engine or a smaller grid, or render it in pieces (gdlab basin --tile)';
    await expect(new ParallelCpuEngine(pool).runBasin(huge)).rejects.toThrow(message);
    await expect(new CpuBasinEngine().runBasin(huge)).rejects.toThrow(message);
    // A band of rows needs only its own records.
    const band = await new CpuBasinEngine().runBasin(huge, { rows: { start: 0, end: 1 } });
    expect(band.columns.outcome.length).toBe(16384);
  });

  it('plans jobs of whole blocks, at least four per worker, about 2e7 steps each', () => {
    // 2e7 / 1000 = 20000 pixels, rounded up to whole blocks of 256: 20224.
    expect(basinJobs(1024 * 1024, 1000, 2).map(([a, b]) => b - a)).toEqual(
      new Array(51).fill(20224).concat([1024 * 1024 - 51 * 20224]),
    );
    const small = basinJobs(1200, 400, 2);
    expect(small[0]).toEqual([0, 256]);
    expect(small.at(-1)).toEqual([1024, 1200]);
  });
});

describe('ParallelEnsembleEngine', () => {
  it('gives the interpreted reference’s counts and statistics, automatic and fixed range', async () => {
    const engine = new ParallelEnsembleEngine(pool);
    for (const range of [null, [-1.5, 1.5] as [number, number]]) {
      const s = doubleWellSpec({
        lr: [0.5, 2.1],
        columns: 36,
        samples: 10,
        transient: 300,
        keep: 120,
        range,
      });
      const { objective, plan } = prepareEnsemble(s);
      const ref = await runEnsembleCpu(s, objective, plan, { interpreted: true });
      const got = await runEnsembleSpec(engine, s);
      expect(Array.from(got.density)).toEqual(Array.from(ref.density));
      expect(Array.from(got.outside)).toEqual(Array.from(ref.outside));
      expect(got.range).toEqual(ref.range);
      expect(got.stats).toEqual(ref.stats);
      expect(got.info.adapter).toBe('cpu, 2 threads');
    }
  });
});
