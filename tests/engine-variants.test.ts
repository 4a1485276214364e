/**
 * The basin pipelines specialised to a run (GROWTH, TAIL_WINDOW, PARTS, SHORT_PARTS, EXACT_TAIL,
 * TAIL_REPLAY, SETTLE and RECORDS overrides, kernelVariant and forStep of src/engine/kernel-variant.ts) against the general
 * kernel: bit for bit the same records over the geometries where each specialisation leaves code out,
 * with and without the Lyapunov exponent, whole runs (escapes settled by a pass of their own, or
 * tested exactly at every step) and chunked ones (settled in the kernel); and a statistics-only run
 * counts the same.
 */
import { describe, expect, test } from 'vitest';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { kernelVariant } from '../src/engine/kernel-variant.ts';
import { Outcome } from '../src/core/outcome.ts';
import { countOutcomes, type RecordColumns } from '../src/core/records.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { anisoGpu, fixtureCompiler, smallSpec, wellMap } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

const FIELDS = ['outcome', 'iter', 'period', 'lyapunov', 'f', 'sharpness', 'final0', 'final1'] as const;
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
function expectBitIdentical(a: RecordColumns, b: RecordColumns, what: string): void {
  for (const k of FIELDS) expect(bytes(a[k]), `${what}: ${k}`).toEqual(bytes(b[k]));
}

/** The double well over (lr, x): diverged, converged, periods and chaos side by side. */
const well = (over: Record<string, unknown>): ExperimentSpec => wellMap({ size: [32, 32], ...over });

/** x²/2 + y²/2 around h = 2: converged below, growing above (|1 - h| > 1), escaping where the extent doubles from one half of the window to the next (|1 - h|^H ≈ 2). */
const bowl = (over: Record<string, unknown>): ExperimentSpec =>
  parseSpec({
    ...smallSpec({}),
    objective: { expr: anisoGpu.expr, preset: null, params: { a: 1, b: 1 } },
    x0: [0.5, 0.5],
    plane: { u: { quantity: 'lr', min: 1.96, max: 2.1 }, v: { quantity: 'x', min: 0.01, max: 2 } },
    size: [32, 32],
    ...over,
  });

// [iterations, transient, maxPeriod]: which code each leaves out.
const GEOMETRIES: [number, number, number, string][] = [
  [40, 20, 16, 'halves of 10 steps: no growth tracked'],
  [300, 150, 16, 'the tail inside the second half'],
  [100, 68, 16, 'the second half starting at the checkpoint (its anchor set in the tail)'],
  [200, 150, 32, "the tail meeting the window's first half"],
  [200, 180, 64, "the tail holding T and the end of the tangent's warm-up (W0 = 116)"],
  [100, 99, 1, 'the tail starting at T, with no window'],
  [20, 10, 19, 'one step before the checkpoint: the warm-up alone with the exponent'],
  [30, 0, 8, 'no transient: the halves alone before the checkpoint'],
  [22, 4, 10, 'a 4-step and an 8-step part before the checkpoint, one step per trip'],
  [27, 12, 16, 'eleven steps before the checkpoint, one per trip'],
];

describe('pipelines specialised to a run', () => {
  test('give the general kernel’s records bit for bit, whole runs and chunked', async () => {
    // Rule 6 reads R2 wherever λ is computed, so only a run without it leaves growth out.
    expect(GEOMETRIES.map(([n, t, p]) => kernelVariant(n, t, p, true).growth)).toEqual(
      GEOMETRIES.map(() => true),
    );
    // R1 tracked where rule 5 can decide: halves of GROWTH_MIN_HALF (16) steps or more.
    expect(GEOMETRIES.map(([n, t, p]) => (kernelVariant(n, t, p, true).growthR1 ? 1 : 0)).join('')).toBe(
      '0111000000',
    );
    // PARTS: plain 1, warm 2, first half 4, second half 8 (the warm-up only with the exponent).
    expect(GEOMETRIES.map(([n, t, p]) => kernelVariant(n, t, p, true).parts)).toEqual([
      6, 15, 7, 7, 3, 3, 2, 12, 6, 2,
    ]);
    // SHORT_PARTS: every loop before the checkpoint at most SHORT_PART (12) steps; EXACT_TAIL: and the
    // tail at most SHORT_TAIL (16).
    const flags = (k: 'shortParts' | 'exactTail') =>
      GEOMETRIES.map(([n, t, p]) => (kernelVariant(n, t, p, true)[k] ? 1 : 0)).join('');
    expect(flags('shortParts')).toBe('0000001011');
    expect(flags('exactTail')).toBe('0000000011');
    const variants = GEOMETRIES.map(([n, t, p]) => kernelVariant(n, t, p, false));
    // The geometry alone never takes a step as heavy (forStep does, from the objective).
    expect(variants.map((v) => v.oneStep)).toEqual(GEOMETRIES.map(() => false));
    expect(variants).toMatchObject([
      { growth: false, tailWindow: true, parts: 5, shortParts: false, exactTail: false, escapePass: false },
      { growth: true, tailWindow: false, parts: 13, shortParts: false, exactTail: false, escapePass: true },
      { growth: true, tailWindow: false, parts: 5, shortParts: false, exactTail: false, escapePass: false },
      { growth: true, tailWindow: true, parts: 5, shortParts: false, exactTail: false, escapePass: true },
      { growth: false, tailWindow: true, parts: 1, shortParts: false, exactTail: false, escapePass: true },
      { growth: false, tailWindow: false, parts: 1, shortParts: false, exactTail: false, escapePass: false },
      { growth: false, tailWindow: true, parts: 1, shortParts: true, exactTail: false, escapePass: false },
      { growth: false, tailWindow: false, parts: 12, shortParts: false, exactTail: false, escapePass: false },
      // Without the exponent or growth, the plain part and the first half are one 12-step loop.
      { growth: false, tailWindow: true, parts: 5, shortParts: true, exactTail: true, escapePass: true },
      { growth: false, tailWindow: true, parts: 1, shortParts: true, exactTail: true, escapePass: true },
    ]);
    await withDevice(async (device) => {
      // Long whole runs, short ones with an exact tail (and every run of the general kernel) leave
      // rule 2's replay and rule 3's divisor test to the `escape` entry point, here one invocation per
      // 7 pixels (a software adapter's default is 32); other short ones and chunked runs replay in
      // the kernel.
      const special = new GpuBasinEngine(device, fixtureCompiler, { escapeStride: 7 });
      const chunked = new GpuBasinEngine(device, fixtureCompiler, { itersPerDispatch: 23 });
      const general = new GpuBasinEngine(device, fixtureCompiler, { general: true });
      // Every step taken as heavy (forStep): one step per trip and rule 2 exact in every entry
      // point, nothing replayed, whole and chunked.
      const heavy = new GpuBasinEngine(device, fixtureCompiler, { heavyStepNodes: 0 });
      const heavyChunked = new GpuBasinEngine(device, fixtureCompiler, {
        heavyStepNodes: 0,
        itersPerDispatch: 23,
      });
      const seen = new Set<number>();
      // Escapes inside an exact tail: found by the tail's own replay (TAIL_REPLAY) in `special`'s
      // whole runs, by the test at every step in `heavy`'s.
      let tailEscapes = 0;
      for (const [iterations, transient, maxPeriod, what] of GEOMETRIES)
        for (const make of [well, bowl])
          for (const lyapunov of [false, true]) {
            const spec = make({
              iterations,
              transient,
              classify: { ...smallSpec({}).classify, maxPeriod, lyapunov },
            });
            const label = `${spec.objective.expr}, ${what}, λ ${lyapunov}`;
            const want = await general.runBasin(spec);
            const cols = await want.readAll();
            for (const o of cols.outcome) seen.add(o);
            if (kernelVariant(iterations, transient, maxPeriod, lyapunov).exactTail)
              cols.outcome.forEach((o, i) => {
                if (o === Outcome.DIVERGED && cols.iter[i] > iterations - maxPeriod) tailEscapes++;
              });
            for (const engine of [special, chunked, heavy, heavyChunked]) {
              const got = await engine.runBasin(spec);
              // A heavy step's run is one pipeline, `mixed`, however it is cut.
              if (engine === heavy || engine === heavyChunked)
                expect(new Set(engine.plan(got.context).dispatches.map((d) => d.phase)), label).toEqual(
                  new Set(['mixed']),
                );
              expectBitIdentical(await got.readAll(), cols, label);
              expect(got.counts, label).toEqual(want.counts);
              got.dispose();
            }
            // Without records: the summary words count the same.
            const stats = await special.runBasin(spec, { records: 'none' });
            expect(stats.counts, label).toEqual(countOutcomes(cols));
            expect(stats.steps, label).toBe(want.steps);
            want.dispose();
          }
      expect(tailEscapes).toBeGreaterThan(0);
      // Every class the kernels decide occurred somewhere.
      for (const o of [Outcome.DIVERGED, Outcome.CONVERGED, Outcome.PERIODIC, Outcome.ESCAPING])
        expect(seen.has(o), `outcome ${o}`).toBe(true);
    });
  });
});
