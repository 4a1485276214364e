/**
 * Rule 3's divisor test (src/core/outcome.ts) on the GPU where its three paths could part: the
 * kernel's replay from the checkpoint (chunked runs, heavy steps), the `escape` pass's replay from the
 * start (a long `whole` run), and summary words (statistics only). Each case first shows that the test
 * decides pixels there (a core without it reads them otherwise), then that every path gives the same
 * records, bit for bit, and the same counts.
 */
import { describe, expect, it } from 'vitest';
import coreWgsl from '../shaders/gd-core.wgsl?raw';
import tailWgsl from '../shaders/gd-tail.wgsl?raw';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes, type RecordColumns } from '../src/core/records.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import type { GpuEngineOptions } from '../src/engine/engine-options.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { kernelVariant } from '../src/engine/kernel-variant.ts';
import { RECORD_BYTES } from '../src/engine/layouts.ts';
import { DEFAULT_OPTIMIZER } from '../src/optimizer/rules.ts';
import { runGrid } from '../src/reference/grid.ts';
import {
  expectBitIdentical,
  fixtureCompiler,
  mfGpu,
  smallSpec,
  wellGpu,
  withColumns,
} from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

/** The GD core with rule 3's divisor test left out: every candidate stands. */
const WITHOUT_TEST = `${coreWgsl}\n${tailWgsl}`.replace(
  'divisor_p = select(0u, candidate, !DIVISOR_SCAN && period_composite(candidate) && !implied);',
  'divisor_p = 0u;',
);

const CLASSIFY = { maxPeriod: 64, tol: 1e-4, divergeRadius: 1e6, lyapunov: true, chaosThreshold: 1e-3 };

const cls = (c: RecordColumns, k: number) => `${c.outcome[k]}:${c.period[k]}`;

/** Pixels whose outcome or period differ. */
function differing(a: RecordColumns, b: RecordColumns): number[] {
  const out: number[] = [];
  for (let k = 0; k < a.outcome.length; k++) if (cls(a, k) !== cls(b, k)) out.push(k);
  return out;
}

interface Paths {
  whole: RecordColumns;
  /** The pixels the divisor test decides: [pixel, without the test, with it]. */
  decided: [number, string, string][];
}

/**
 * Runs `spec` whole (the escape pass's replay), under each of `variants` (the kernel's replay), and
 * statistics only; expects the same records and counts from all, and returns the whole run's records
 * with the pixels the test decided (those where `untested`, an engine whose core leaves it out, differs).
 */
async function paths(
  spec: ExperimentSpec,
  variants: GpuEngineOptions[],
  untested: GpuEngineOptions = { core: WITHOUT_TEST },
): Promise<Paths> {
  return withDevice(async (device) => {
    const engine = new GpuBasinEngine(device, fixtureCompiler);
    const whole = (await withColumns(engine, spec)).columns;
    const without = (await withColumns(new GpuBasinEngine(device, fixtureCompiler, untested), spec)).columns;
    for (const options of variants) {
      const other = new GpuBasinEngine(device, fixtureCompiler, options);
      expectBitIdentical((await withColumns(other, spec)).columns, whole);
      expect((await other.runBasin(spec, { records: 'none' })).counts, JSON.stringify(options)).toEqual(
        countOutcomes(whole),
      );
    }
    expect((await engine.runBasin(spec, { records: 'none' })).counts).toEqual(countOutcomes(whole));
    const decided = differing(without, whole).map((k): [number, string, string] => [
      k,
      cls(without, k),
      cls(whole, k),
    ]);
    return { whole, decided };
  });
}

/** A failed candidate leaves period 0, and turns only a periodic pixel's outcome (rule 6). */
function expectFailedOnly(p: Paths): void {
  for (const [k, before, after] of p.decided) {
    const [o0, p0] = before.split(':').map(Number);
    const [o1, p1] = after.split(':').map(Number);
    expect(p0, `pixel ${k}: ${before} → ${after}`).toBeGreaterThanOrEqual(4);
    expect(p1, `pixel ${k}`).toBe(0);
    if (o0 === Outcome.PERIODIC) expect([Outcome.UNSETTLED, Outcome.ESCAPING], `pixel ${k}`).toContain(o1);
    else expect(o1, `pixel ${k}`).toBe(o0);
  }
}

const well = (over: Record<string, unknown>) =>
  parseSpec({
    ...smallSpec({}),
    objective: { expr: wellGpu.expr, preset: null, params: {} },
    x0: [0.3],
    plane: { u: { quantity: 'lr', min: 1.2325, max: 1.2905 }, v: { quantity: 'x', min: 0.28, max: 0.32 } },
    size: [40, 4],
    iterations: 700,
    transient: 500,
    classify: CLASSIFY,
    ...over,
  });

describe("rule 3's divisor test on the GPU, edge cases", () => {
  it('replays Adam with bias correction from the checkpoint with its clocks, as from the start', async () => {
    // The double well under Adam over (h, β): 4-, 8-, 12- and 24-cycles among chaos, and 15 pixels whose
    // composite candidate fails. The kernel's replay starts from c, whose clocks
    // β^k, β₂^k must be those of step N - P; the escape pass's runs them up from the start.
    const spec = well({
      optimizer: { ...DEFAULT_OPTIMIZER, kind: 'adam', biasCorrection: true, beta2: 0.9 },
      plane: { u: { quantity: 'lr', min: 0.01, max: 1.5 }, v: { quantity: 'beta', min: 0, max: 0.95 } },
      size: [32, 32],
      iterations: 600,
      transient: 400,
    });
    const p = await paths(spec, [{ itersPerDispatch: 7, pixelsPerDispatch: 100 }, { itersPerDispatch: 23 }]);
    expect(p.decided.length).toBeGreaterThanOrEqual(10);
    expectFailedOnly(p);
  });

  it('settles a pixel both pending for rule 2 and awaiting the divisor test, as float64 does', async () => {
    // With R = 1.35 the 2- and 4-cycles (|x| ≤ 1.17) stay inside, but no part's bound proves it
    // (‖c‖∞ + extent ≈ 1.69 in the tail): every pixel is pending, and those still approaching the 2- or
    // 4-cycle carry a composite candidate too; the whole run marks both in one record.
    const spec = well({ classify: { ...CLASSIFY, divergeRadius: 1.35 } });
    const p = await paths(spec, [{ itersPerDispatch: 7 }, { heavyStepNodes: 0 }]);
    const ref = runGrid(spec, wellGpu).columns;
    expect(differing(ref, p.whole)).toEqual([]);
    expect(countOutcomes(p.whole).diverged).toBe(0);
    expect(p.decided.length).toBeGreaterThanOrEqual(10);
    expectFailedOnly(p);
  });

  it('tests the candidate where the transient and the whole window lie inside the tail', async () => {
    // T = 290 > N - P = 236: the tail meets T, the warm-up's end and both halves of the window.
    const spec = well({ iterations: 300, transient: 290 });
    const p = await paths(spec, [{ itersPerDispatch: 3 }, { heavyStepNodes: 0, itersPerDispatch: 7 }]);
    expect(differing(runGrid(spec, wellGpu).columns, p.whole)).toEqual([]);
    expect(p.decided.length).toBeGreaterThanOrEqual(20);
    expectFailedOnly(p);
  });

  it("clears a chaotic pixel's composite candidate and leaves it chaotic", async () => {
    // mf-scalar across its doublings into chaos: float32 chaotic orbits that come back after 14, 28 or
    // 40 steps within tol·a_p, not within tol·d_q of a divisor q: the record's period is 0.
    const spec = parseSpec({
      ...smallSpec({}),
      objective: { expr: mfGpu.expr, preset: null, params: {} },
      x0: [0.5, 0.7],
      plane: { u: { quantity: 'lr', min: 0.9, max: 1.6 }, v: { quantity: 'x', min: 0.2, max: 0.8 } },
      size: [40, 12],
      iterations: 500,
      transient: 300,
      classify: CLASSIFY,
    });
    const p = await paths(spec, [{ itersPerDispatch: 41 }, { general: true }]);
    const chaotic = p.decided.filter(([, before]) => before.startsWith(`${Outcome.CHAOTIC}:`));
    expect(chaotic.length).toBeGreaterThanOrEqual(5);
    expectFailedOnly(p);
  });

  it("leaves a short run's candidates to the escape pass, which finds them by their period", async () => {
    // N = 20, P = 16: a 4-step part and a 16-step tail, both testing rule 2 exactly, so the `whole`
    // kernel has nothing to replay, and leaves rule 3's divisor test to the escape pass, which finds
    // the pixels whose candidate (4, 8, 12) has a divisor and replays them from the start. Bit for
    // bit what the kernel's own replay gives (chunked, heavy), over four tiles, or split dispatches.
    // tol = 1e-2, so that 20 steps settle anything: 349 of 1024 pixels are decided by the test (the
    // chunked run's kernel without it tells which).
    const spec = well({
      plane: { u: { quantity: 'lr', min: 1.2, max: 1.31 }, v: { quantity: 'x', min: 0.1, max: 0.9 } },
      size: [64, 16],
      iterations: 20,
      transient: 10,
      classify: { ...CLASSIFY, maxPeriod: 16, tol: 1e-2 },
    });
    expect(kernelVariant(20, 10, 16, true)).toMatchObject({ exactTail: true, escapePass: true });
    const p = await paths(
      spec,
      [
        { itersPerDispatch: 7 },
        { heavyStepNodes: 0 },
        { maxBindingBytes: 300 * RECORD_BYTES },
        { pixelsPerDispatch: 200 },
        // Records not kept: recomputed when read, each time with the escape pass after the GD.
        { maxRecordBytes: 1000 },
      ],
      { core: WITHOUT_TEST, itersPerDispatch: 7 },
    );
    expect(differing(runGrid(spec, wellGpu).columns, p.whole)).toEqual([]);
    expect(p.decided.length).toBeGreaterThanOrEqual(200);
    expectFailedOnly(p);
  });

  it('turns a failed candidate whose orbit grows into escaping, on both GPU paths as in float64', async () => {
    // y settles on the double well's 4-cycle (h = 1.25) while x grows by 1 + 2.2e-6 a step (f = -εx²/2,
    // λ ≈ 2.2e-6 < θ). At N = 720 000 the state comes back after 4 steps within tol·a_4 (d_4 ≈ 4.3e-5,
    // all of it x's growth) but not within tol·d_2 (y's pair of close cycle points, 0.037 apart): the
    // candidate fails, and x's extent over the window's second half is more than twice the first's, so
    // rule 6 gives escaping, not periodic 4 as without the test.
    const expr = '-0.00000176*x^2/2 + (y^2 - 1)^2/4';
    const compile = (input: { expr: string; params: Record<string, number> }) => compileObjective(input);
    const spec = parseSpec({
      ...smallSpec({}),
      objective: { expr, preset: null, params: {} },
      lr: 1.25,
      x0: [1, 0.3],
      plane: { u: { quantity: 'x', min: 0.99, max: 1.01 }, v: { quantity: 'y', min: 0.29, max: 0.31 } },
      size: [2, 2],
      iterations: 720_000,
      transient: 10_000,
      classify: { ...CLASSIFY, maxPeriod: 16 },
    });
    const ref = runGrid(spec, compile({ expr, params: {} })).columns;
    const [whole, chunked, without] = await withDevice(async (device) => {
      const run = async (options: GpuEngineOptions) =>
        (await withColumns(new GpuBasinEngine(device, compile, options), spec)).columns;
      // One dispatch: the escape pass replays from the start; 65536-step parts: the kernel from c.
      return [
        await run({ itersPerDispatch: 720_000 }),
        await run({ itersPerDispatch: 65_536 }),
        await run({ itersPerDispatch: 720_000, core: WITHOUT_TEST }),
      ];
    });
    for (let k = 0; k < 4; k++) {
      expect(cls(ref, k), `float64, pixel ${k}`).toBe(`${Outcome.ESCAPING}:0`);
      expect(cls(whole, k), `whole, pixel ${k}`).toBe(`${Outcome.ESCAPING}:0`);
      expect(cls(without, k), `without the test, pixel ${k}`).toBe(`${Outcome.PERIODIC}:4`);
    }
    expectBitIdentical(chunked, whole);
  });
});
