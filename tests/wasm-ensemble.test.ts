/**
 * The compiled ensemble kernel (src/reference/kernel/ensemble-block.ts) against the interpreted
 * float64 ensemble reference: counts, out-of-range counts, the range and every column statistic,
 * exactly, for fixed and automatic ranges, each kind of observable and a 2-D parameter sweep.
 */
import { describe, expect, it } from 'vitest';
import { prepareEnsemble, type BifurcationResult } from '../src/core/ensemble.ts';
import { Outcome } from '../src/core/outcome.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { doubleWellSpec, escapingDoubleWellSpec, expectExactMass } from './bifurcation-fixtures.ts';

async function same(spec: ExperimentSpec): Promise<BifurcationResult> {
  const { objective, plan } = prepareEnsemble(spec);
  const ref = await runEnsembleCpu(spec, objective, plan, { interpreted: true });
  const got = await runEnsembleCpu(spec, objective, plan);
  expect(Array.from(got.density)).toEqual(Array.from(ref.density));
  expect(Array.from(got.outside)).toEqual(Array.from(ref.outside));
  expect(got.range).toEqual(ref.range);
  for (const key of ['diverged', 'bounded', 'lyapunov', 'min', 'max'] as const)
    expect(Array.from(got.stats[key]), key).toEqual(Array.from(ref.stats[key]));
  expect(got.stats.period).toEqual(ref.stats.period);
  expectExactMass(got);
  return got;
}

describe('compiled ensemble kernel against the interpreted reference', () => {
  it('the double well cascade, automatic range', async () => {
    const r = await same(
      doubleWellSpec({ lr: [0.5, 2.0], columns: 24, samples: 12, transient: 400, keep: 150 }),
    );
    // The sweep crosses the first doublings: period 1 on the left, 2 and more on the right.
    expect(r.stats.period[0]).toBe(1);
    expect(r.stats.period.some((p) => p !== null && p >= 2)).toBe(true);
  });

  it('escapes, a fixed range that cuts the attractor, samples spread past the basin', async () => {
    const r = await same(escapingDoubleWellSpec());
    expect(Array.from(r.stats.diverged).some((d) => d > 0)).toBe(true);
    expect(Array.from(r.outside).some((o) => o > 0)).toBe(true);
  });

  it('f and an expression as the observable, a parameter swept, two dimensions', async () => {
    const base = {
      kind: 'bifurcation',
      objective: { expr: '(1 - x*y)^2/2 + a*(x - y)^2/4', preset: null, params: { a: 0.2 } },
      lr: 1.2,
      x0: [0.9, 1.3],
      plane: { u: { quantity: 'a', min: 0, max: 1 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [10, 32],
      iterations: 340,
      transient: 300,
      ensemble: { samples: 20, box: { min: [0.2, 0.2], max: [1.6, 1.6] }, keep: 40, bins: 32, range: null },
    };
    await same(parseSpec({ ...base, ensemble: { ...base.ensemble, observable: 'f' } }));
    await same(parseSpec({ ...base, ensemble: { ...base.ensemble, observable: 'x*y - 1' } }));
  });

  it("rule 3's divisor test: a sample still approaching the 2-cycle is no 4-cycle", async () => {
    // One column at exactly h (its centre), one sample from x0 = 0.3.
    const column = (h: number) =>
      same(
        parseSpec({
          kind: 'bifurcation',
          objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
          x0: [0.3],
          plane: {
            u: { quantity: 'lr', min: h - 0.125, max: h + 0.125 },
            v: { quantity: 'x', min: -2, max: 2 },
          },
          size: [1, 16],
          iterations: 700,
          transient: 500,
          ensemble: { samples: 1, box: null, keep: 200, observable: 'x', bins: 16, range: null },
        }),
      );
    // Just below the doubling at √5 - 1 the candidate 4 fails the divisor test.
    const slow = await column(1.2345);
    expect([slow.stats.period[0], slow.stats.outcome[0]]).toEqual([null, Outcome.UNSETTLED]);
    const cycle = await column(1.24);
    expect([cycle.stats.period[0], cycle.stats.outcome[0]]).toEqual([4, Outcome.PERIODIC]);
    // A sweep across the first two doublings, starts spread over [0.1, 1.4].
    const r = await same(
      doubleWellSpec({ lr: [1.225, 1.3], columns: 16, samples: 8, transient: 500, keep: 200 }),
    );
    expect(r.stats.period).toContain(4);
  });

  it('every optimizer: Adam sweeping β₂ with an expression observable, heavy ball sweeping β', async () => {
    const base = {
      kind: 'bifurcation',
      objective: { expr: '(1 - x*y)^2/2', preset: null, params: {} },
      lr: 0.3,
      x0: [0.9, 1.3],
      plane: { u: { quantity: 'beta2', min: 0.5, max: 1 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [8, 24],
      iterations: 340,
      transient: 300,
      ensemble: { samples: 6, box: { min: [0.2, 0.2], max: [1.6, 1.6] }, keep: 40, bins: 24, range: null },
    };
    await same(
      parseSpec({
        ...base,
        optimizer: { kind: 'adam' },
        ensemble: { ...base.ensemble, observable: 'x*y - 1' },
      }),
    );
    for (const kind of ['momentum', 'nesterov'])
      await same(
        parseSpec({
          ...base,
          lr: 1.5,
          optimizer: { kind },
          plane: { ...base.plane, u: { quantity: 'beta', min: 0, max: 1 } },
        }),
      );
    await same(parseSpec({ ...base, lr: 0.05, optimizer: { kind: 'rmsprop' } }));
  });
});
