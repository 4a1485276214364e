/**
 * Rule 3's divisor test (src/core/outcome.ts) on the GPU, against float64: a candidate period p with a
 * divisor 2 ≤ q < p is the period only when d_p ≤ tol·d_q. The double well u ↦ u + h·u(1 - u²) has a
 * 2-cycle that attracts up to its doubling at h = √5 - 1 = 1.23607, approached ever more slowly
 * towards it; 700 steps from starts near 0.3 leave that approach coming back after 4 steps within
 * tol·a_4, and without the divisor test those starts read as period 4 from h ≈ 1.2343.
 */
import { describe, expect, it } from 'vitest';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes } from '../src/core/records.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { GpuBasinEngine, type ObjectiveCompiler } from '../src/engine/gpu-engine.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { runGrid } from '../src/reference/grid.ts';
import { fixtureCompiler, smallSpec, wellGpu, withColumns } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { getPreset } from '../src/presets.ts';

const DOUBLING = Math.sqrt(5) - 1;
const W = 40;
const H = 4;

/** The double well over rates across the doubling (columns) and starts near 0.3 (rows). */
const spec = parseSpec({
  ...smallSpec({}),
  objective: { expr: wellGpu.expr, preset: null, params: {} },
  x0: [0.3],
  plane: { u: { quantity: 'lr', min: 1.2325, max: 1.2405 }, v: { quantity: 'x', min: 0.28, max: 0.32 } },
  size: [W, H],
  iterations: 700,
  transient: 500,
});
const rate = (i: number) => 1.2325 + ((i + 0.5) * 0.008) / W;

/**
 * The GPU's three ways to the divisor test: a whole run leaves it to its `escape` pass (replay from the
 * start); chunks of 7 steps cut the 16-step tail in three, and the kernel's replay loop runs it from
 * the checkpoint kept in the state; a statistics-only run marks and settles summary words instead of
 * records (its counts are checked against the whole run's records here).
 */
async function threeWays(spec: ExperimentSpec, compiler: ObjectiveCompiler) {
  const [whole, chunked, counts] = await withDevice(async (device) => {
    const engine = new GpuBasinEngine(device, compiler);
    return [
      (await withColumns(engine, spec)).columns,
      (await withColumns(new GpuBasinEngine(device, compiler, { itersPerDispatch: 7 }), spec)).columns,
      (await engine.runBasin(spec, { records: 'none' })).counts,
    ] as const;
  });
  expect(counts).toEqual(countOutcomes(whole));
  return { whole, chunked };
}

describe("rule 3's divisor test", () => {
  it('calls the slow approach to the 2-cycle unsettled, on the GPU as in float64, chunked or whole', async () => {
    const ref = runGrid(spec, wellGpu).columns;
    const { whole, chunked } = await threeWays(spec, fixtureCompiler);
    const cls = (c: typeof ref, k: number) => `${c.outcome[k]}:${c.period[k]}`;
    let unsettled = 0;
    let four = 0;
    let agree = 0;
    for (let k = 0; k < W * H; k++) {
      const h = rate(k % W);
      expect(cls(chunked, k), `pixel ${k}`).toBe(cls(whole, k));
      if (cls(whole, k) === cls(ref, k)) agree++;
      if (ref.outcome[k] === Outcome.UNSETTLED) unsettled++;
      // Below the band nothing is unsettled; in it, nothing below the doubling reads as period 4.
      if (h < 1.2335) expect(cls(ref, k), `h = ${h}`).toBe(`${Outcome.PERIODIC}:2`);
      if (h < DOUBLING) {
        expect(whole.period[k], `GPU, h = ${h}`).not.toBe(4);
        expect(ref.period[k], `float64, h = ${h}`).not.toBe(4);
      }
      if (h > 1.2375 && ref.outcome[k] === Outcome.PERIODIC && ref.period[k] === 4) four++;
    }
    // A band of unsettled columns on both sides of the doubling; real 4-cycles beyond it, which pass the
    // test after their replay.
    expect(unsettled).toBeGreaterThanOrEqual(40);
    expect(four).toBeGreaterThanOrEqual(60);
    expect(agree / (W * H)).toBeGreaterThanOrEqual(0.95);
  });

  it("finds float32's 8-cycles just past the doubling by their exact return after 16 steps", async () => {
    // The double well's 8-cycle at h ≈ 1.5492 lies within d_4 ≈ 3e-3 of its 4-cycle: float32 orbits
    // return after 8 steps within tens of ulps (≈ 3e-6), above tol·d_4 ≈ 3e-7, and fall into cycles
    // of 16 of float32's arithmetic. Without the exact return the GPU called 50 of these 256 pixels
    // not settled (float64: 18) and found period 8 in 164 (float64: 204), at any N.
    const well = getPreset('double-well')!;
    const band = parseSpec({
      ...smallSpec({}),
      objective: { expr: well.formula, preset: null, params: {} },
      x0: [0],
      plane: { u: { quantity: 'lr', min: 1.5488, max: 1.5494 }, v: { quantity: 'x', min: -1, max: 1 } },
      size: [32, 8],
      iterations: 1000,
      transient: 600,
    });
    const obj = compileObjective({ expr: well.formula, params: {} });
    const ref = runGrid(band, obj).columns;
    const { whole, chunked } = await threeWays(band, compileObjective);
    const cls = (c: typeof ref, k: number) => `${c.outcome[k]}:${c.period[k]}`;
    for (let k = 0; k < 256; k++) expect(cls(chunked, k), `pixel ${k}`).toBe(cls(whole, k));
    const gpu = countOutcomes(whole);
    const cpu = countOutcomes(ref);
    expect(cpu.periodic[8]).toBeGreaterThanOrEqual(190);
    expect(gpu.periodic[8]).toBeGreaterThanOrEqual(0.95 * cpu.periodic[8]);
    expect(gpu.unsettled).toBeLessThanOrEqual(cpu.unsettled);
    let agree = 0;
    for (let k = 0; k < 256; k++) if (cls(whole, k) === cls(ref, k)) agree++;
    expect(agree / 256).toBeGreaterThanOrEqual(0.85);
  });

  it('calls the diagram columns just below the doubling unsettled, not period 4, on both engines', async () => {
    const diagram = parseSpec({
      kind: 'bifurcation',
      objective: { expr: wellGpu.expr, preset: null, params: {} },
      lr: 1,
      x0: [0.3],
      plane: { u: { quantity: 'lr', min: 1.2335, max: 1.2375 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [4, 16],
      iterations: 700,
      transient: 500,
      ensemble: {
        samples: 8,
        box: { min: [0.28], max: [0.32] },
        keep: 200,
        observable: 'x',
        bins: 16,
        range: null,
      },
    });
    const { objective, plan } = prepareEnsemble(diagram);
    const gpu = await withDevice((device) =>
      new GpuEnsembleEngine(device).runEnsemble(diagram, objective, plan),
    );
    const cpu = await runEnsembleCpu(diagram, objective, plan);
    // Columns at h = 1.234 (settled on the 2-cycle), 1.235 and 1.236 (still approaching it), 1.237
    // (past √5 - 1: a 4-cycle).
    const { UNSETTLED: U, PERIODIC: P } = Outcome;
    expect(Array.from(cpu.stats.outcome)).toEqual([P, U, U, P]);
    expect(cpu.stats.period).toEqual([2, null, null, 4]);
    expect(Array.from(gpu.stats.outcome)).toEqual(Array.from(cpu.stats.outcome));
    expect(gpu.stats.period).toEqual(cpu.stats.period);
  });
});
