/**
 * The float64 engines on a worker_threads pool (src/cpu): the same records as the interpreted
 * reference, with results shared in place or transferred, progress per job, and an abort that
 * rejects at once and leaves the pool usable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { prepareEnsemble, runEnsembleSpec, type EnsemblePlan } from '../src/core/ensemble.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { CpuMemoryError } from '../src/core/host-result.ts';
import { ParallelCpuEngine, basinJobs } from '../src/cpu/basin-engine.ts';
import { ensembleJobs, ParallelEnsembleEngine } from '../src/cpu/ensemble-engine.ts';
import { nodeWorkerPool } from '../src/cpu/node-pool.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { CpuBasinEngine, runGrid } from '../src/reference/grid.ts';
import { doubleWellSpec } from './bifurcation-fixtures.ts';
import { runCli } from './helpers/cli.ts';

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
    // The spec is valid (the GPU engine runs it): said as the GPU engine says it, not as an invalid spec.
    const message =
      "out-of-memory error while allocating the CPU engine's records: 16384 × 16384 pixels need 16.3 GiB " +
      'of float64 records, more than its 4.0 GiB; use the GPU engine or a smaller grid, or render it in ' +
      'pieces (gdlab basin --tile)';
    for (const engine of [new ParallelCpuEngine(pool), new CpuBasinEngine()]) {
      const refusal = await engine.runBasin(huge).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(CpuMemoryError);
      expect((refusal as CpuMemoryError).message).toBe(message);
      expect((refusal as CpuMemoryError).bytes).toBe(16384 * 16384 * 65);
    }
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
  // Two million trajectories of two steps each: 112 MB of summaries that pass one once kept whole.
  const wide = parseSpec({
    kind: 'bifurcation',
    objective: { expr: 'x^2', preset: null, params: {} },
    x0: [0],
    plane: { u: { quantity: 'lr', min: 0.1, max: 0.2 }, v: { quantity: 'x', min: -1, max: 1 } },
    size: [2000, 2],
    transient: 1,
    classify: { maxPeriod: 1 },
    ensemble: { samples: 1000, keep: 1, box: { min: [-1], max: [1] } },
  });

  it('keeps no sample on the calling thread, and x_T only within its budget', async () => {
    const { objective, plan } = prepareEnsemble(wide);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const onProgress = () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers));
    const engine = new ParallelEnsembleEngine(pool, { keptStateBytes: 0 });
    const got = await engine.runEnsemble(wide, objective, plan, { onProgress });
    expect(peak - before).toBeLessThan(16e6);
    const ref = await runEnsembleCpu(wide, objective, plan);
    expect(Array.from(got.density)).toEqual(Array.from(ref.density));
    expect(got.stats).toEqual(ref.stats);
  });

  it('plans jobs of at most 2^20 samples, one column at least', () => {
    const plan = { columns: 4096, samples: 1_000_000, iterations: 2 } as EnsemblePlan;
    expect(ensembleJobs(plan, 2)).toEqual(Array.from({ length: 4096 }, (_, c) => [c, c + 1]));
    expect(ensembleJobs({ ...plan, samples: 1000 }, 2)[0]).toEqual([0, 512]);
  });

  it('counts the same when pass two runs the trajectories again (x_T over its budget)', async () => {
    const s = doubleWellSpec({ lr: [0.5, 2.1], columns: 20, samples: 10, transient: 300, keep: 120 });
    const { objective, plan } = prepareEnsemble(s);
    const ref = await runEnsembleCpu(s, objective, plan, { interpreted: true });
    for (const got of [
      await new ParallelEnsembleEngine(pool, { keptStateBytes: 0 }).runEnsemble(s, objective, plan),
      await runEnsembleCpu(s, objective, plan, { keptStateBytes: 0 }),
      await runEnsembleCpu(s, objective, plan, { keptStateBytes: 0, interpreted: true }),
    ]) {
      expect(Array.from(got.density)).toEqual(Array.from(ref.density));
      expect(Array.from(got.outside)).toEqual(Array.from(ref.outside));
      expect(got.range).toEqual(ref.range);
      expect(got.stats).toEqual(ref.stats);
    }
  });

  it('gdlab bifurcation with 4096 columns of a million samples runs (and stops on time)', async () => {
    // Once 4·10⁹ summaries allocated at once: exit 3, "internal error: RangeError".
    const args = ['bifurcation', '--objective', 'x^2', '--lr', '0.1:0.2', '--x0', '-1:1', '--engine', 'cpu'];
    const more = ['--samples', '1000000', '--transient', '1', '--keep', '1', '--max-period', '1'];
    const r = await runCli([...args, ...more, '--columns', '4096', '--rows', '2', '--max-seconds', '2'], {
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^gdlab bifurcation: this run would take about .+, more than --max-seconds 2: stopped after [\d.]+ s; nothing was written\n$/,
    );
  });

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
