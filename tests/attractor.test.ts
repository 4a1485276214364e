/**
 * The attractor kind in float64: the spec, the pair's resolution, the compiled kernel against the
 * interpreted oracle bit for bit, the worker pool against one thread, and the conservation identity.
 */
import { describe, expect, it } from 'vitest';
import { attractorReport, cellOf, pairObservables } from '../src/core/attractor.ts';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { ParallelEnsembleEngine } from '../src/cpu/ensemble-engine.ts';
import { nodeWorkerPool } from '../src/cpu/node-pool.ts';
import { checkSpec } from '../src/experiment/check.ts';
import { parseSpec, SpecError } from '../src/experiment/spec.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { coupledSpec, expectConserved, occupied } from './attractor-fixtures.ts';

const issues = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof SpecError) return e.issues;
    throw e;
  }
  return [];
};

describe('attractor spec', () => {
  it('validates the pair, the bins and the ranges like the other ensemble kinds', () => {
    const spec = coupledSpec();
    expect(spec.iterations).toBe(spec.transient + spec.ensemble.keep);
    expect(() => checkSpec(spec)).not.toThrow();
    const bad = (over: Record<string, unknown>) => issues(() => checkSpec(parseSpec({ ...spec, ...over })));
    expect(bad({ attractor: { ...spec.attractor, v: 'x' } })).toEqual([
      'attractor: u and v must be different quantities',
    ]);
    expect(bad({ attractor: { ...spec.attractor, vRange: [1, 0] } })).toEqual([
      'attractor.vRange: range must be increasing',
    ]);
    expect(bad({ size: [8192, 4096] })).toEqual([
      'size: an attractor has at most 16777216 bins (W × H); 8192 × 4096 is more',
    ]);
    expect(bad({ attractor: { ...spec.attractor, v: 'z' } })[0]).toMatch(
      /^attractor\.v: unknown identifier 'z'/,
    );
    expect(bad({ attractor: { ...spec.attractor, u: 'f', v: 'q +' } })[0]).toMatch(/^attractor\.v: /);
    expect(bad({ attractor: { ...spec.attractor, u: 'c' } })[0]).toMatch(/^attractor\.u: 'c' is a parameter/);
    // A spec without the field (an older link) gets the default pair.
    const { attractor: _, ...old } = spec;
    expect(parseSpec(old).attractor).toEqual({ u: 'x', v: 'y', uRange: null, vRange: null });
  });

  it('resolves the pair to coordinates, f, and compiled observable slots', () => {
    const vars = ['x', 'y'];
    const pair = (u: string, v: string) =>
      pairObservables({ attractor: { u, v, uRange: null, vRange: null } }, vars);
    expect(pair('y', 'x')).toEqual([
      { kind: 'coord', index: 1 },
      { kind: 'coord', index: 0 },
    ]);
    expect(pair('f', 'x*y')).toEqual([{ kind: 'f' }, { kind: 'expr', slot: 0 }]);
    expect(pair('x - y', 'x*y')).toEqual([
      { kind: 'expr', slot: 0 },
      { kind: 'expr', slot: 1 },
    ]);
  });

  it('bins (u, v) as rowOf does on each axis, the top edges inside, everything else outside', () => {
    expect(cellOf(0, 0, [0, 1], [0, 1], 4, 2)).toBe(0);
    expect(cellOf(1, 1, [0, 1], [0, 1], 4, 2)).toBe(7);
    expect(cellOf(0.3, 0.6, [0, 1], [0, 1], 4, 2)).toBe(5);
    for (const [u, v] of [
      [-0.1, 0.5],
      [0.5, 1.1],
      [NaN, 0.5],
      [0.5, Infinity],
    ])
      expect(cellOf(u, v, [0, 1], [0, 1], 4, 2)).toBe(-1);
  });
});

describe('attractor in float64', () => {
  it('compiled kernel = interpreted oracle, every count; the conservation identity holds', async () => {
    // A box over both basins (the strange attractor and the anti-phase 2-cycle), automatic ranges.
    const spec = coupledSpec({ samples: 90, keep: 150, transient: 100, box: [-1.2, 1.2, -1.2, 1.2] });
    const { objective, plan } = prepareEnsemble(spec);
    const a = await runEnsembleCpu(spec, objective, plan);
    const b = await runEnsembleCpu(spec, objective, plan, { interpreted: true });
    expect(Array.from(a.density)).toEqual(Array.from(b.density));
    expect([a.range, a.range2, a.outside[0]]).toEqual([b.range, b.range2, b.outside[0]]);
    expect(a.stats.lyapunov[0]).toBe(b.stats.lyapunov[0]);
    expectConserved(a);
    expect(a.stats.bounded[0]).toBe(90);
    // The ranges are the extremes: some count sits in each edge column and row, none outside.
    const cells = occupied(a);
    expect(a.outside[0]).toBe(0);
    for (const edge of [0, 63]) {
      expect(cells.some(([i]) => i === edge)).toBe(true);
      expect(cells.some(([, j]) => j === edge)).toBe(true);
    }
  });

  it('counts expressions and f, with cut-off ranges, the same compiled and interpreted', async () => {
    const spec = coupledSpec({
      samples: 40,
      keep: 120,
      transient: 80,
      u: 'f',
      v: 'x*y',
      uRange: [0, 0.3],
      vRange: [-0.5, 1],
      box: [-1.2, 1.2, -1.2, 1.2],
    });
    const { objective, plan } = prepareEnsemble(spec);
    const a = await runEnsembleCpu(spec, objective, plan);
    const b = await runEnsembleCpu(spec, objective, plan, { interpreted: true });
    expect(Array.from(a.density)).toEqual(Array.from(b.density));
    expect(a.outside[0]).toBe(b.outside[0]);
    expect(a.outside[0]).toBeGreaterThan(0);
    expect([a.range, a.range2]).toEqual([
      [0, 0.3],
      [-0.5, 1],
    ]);
    expectConserved(a);
  });

  it('on the worker pool gives the one-thread counts, automatic and fixed ranges', async () => {
    const pool = await nodeWorkerPool(2);
    try {
      const engine = new ParallelEnsembleEngine(pool);
      for (const over of [
        {},
        { uRange: [0, 1.2] as [number, number], vRange: [-0.2, 1.3] as [number, number] },
      ]) {
        const spec = coupledSpec({ samples: 70, keep: 100, transient: 60, bins: [32, 24], ...over });
        const { objective, plan } = prepareEnsemble(spec);
        const one = await runEnsembleCpu(spec, objective, plan);
        const all = await engine.runEnsemble(spec, objective, plan);
        expect(Array.from(all.density)).toEqual(Array.from(one.density));
        expect([all.range, all.range2, all.outside[0]]).toEqual([one.range, one.range2, one.outside[0]]);
        expect(attractorReport(all).bins).toEqual([32, 24]);
      }
    } finally {
      pool.dispose();
    }
  });
});
