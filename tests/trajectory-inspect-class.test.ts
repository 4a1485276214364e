/**
 * The inspector's float64 class of the inspected start (InspectorData.record): the record the CPU
 * engine gives that pixel, so that a GPU map's f32 outcome can be checked against float64 beside it.
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../src/core/outcome.ts';
import { defaultSpec, parseSpec } from '../src/experiment/spec.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { runGrid } from '../src/reference/grid.ts';
import { inspectPixel, MAX_CLASSIFY_STEPS } from '../src/ui/trajectory-inspector/inspect.ts';
import { recordWords } from '../src/ui/trajectory-inspector/trajectory-inspector.ts';
import { columnStart, inspectStart } from '../src/ui/bifurcation-view/inspect-start.ts';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';

describe("the inspector's float64 class", () => {
  it("is the CPU engine's record of the pixel: periodic, chaotic and diverged pixels of one map", () => {
    // The double well over (h, x₀) from h = 0.5 to 2.2: converged, period 2 and 4, chaos and
    // divergence across its columns.
    const spec = parseSpec({
      ...defaultSpec(),
      objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
      x0: [0.5],
      plane: { u: { quantity: 'lr', min: 0.5, max: 2.2 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [24, 6],
      iterations: 1000,
      transient: 500,
    });
    const grid = runGrid(spec, compileObjective({ expr: spec.objective.expr, params: {} }));
    const seen = new Set<number>();
    for (let j = 0; j < 6; j++)
      for (let i = 0; i < 24; i += 3) {
        const k = j * 24 + i;
        const r = inspectPixel(spec, i, j, 0).record!;
        expect(r.outcome, `pixel (${i}, ${j})`).toBe(grid.columns.outcome[k]);
        expect(r.period).toBe(grid.columns.period[k]);
        expect(r.iter).toBe(grid.columns.iter[k]);
        expect(Object.is(r.lyapunov, grid.columns.lyapunov[k])).toBe(true);
        seen.add(r.outcome);
      }
    expect([...seen].sort()).toEqual([
      Outcome.DIVERGED,
      Outcome.CONVERGED,
      Outcome.PERIODIC,
      Outcome.CHAOTIC,
    ]);
  });

  it('says the class in the legend’s words with its exponent, and is not computed past its bound', () => {
    expect(
      recordWords({ outcome: Outcome.PERIODIC, period: 2, iter: 1000, lyapunov: -0.11157 } as never),
    ).toBe('float64: period 2, λ = -0.11157');
    expect(recordWords({ outcome: Outcome.DIVERGED, period: 0, iter: 4, lyapunov: NaN } as never)).toBe(
      'float64: diverged at k = 4',
    );
    const long = parseSpec({
      ...defaultSpec(),
      size: [2, 2],
      iterations: MAX_CLASSIFY_STEPS + 1,
      transient: 10,
    });
    expect(inspectPixel(long, 0, 0, 0).record).toBeNull();
  });

  it("classifies a diagram column's start as the ensemble classifies its samples", async () => {
    // The double well's cascade from starts near 0.3, all of which a column sends to one attractor:
    // converged, period 2, unsettled at the doubling √5 - 1, period 4, chaos, divergence.
    const spec = parseSpec({
      ...defaultSpec(),
      kind: 'bifurcation',
      objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
      x0: [0.3],
      plane: { u: { quantity: 'lr', min: 0.8, max: 2.4 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [16, 16],
      transient: 500,
      ensemble: {
        samples: 4,
        box: { min: [0.29], max: [0.31] },
        keep: 200,
        observable: 'x',
        bins: 16,
        range: null,
      },
    });
    const { objective, plan } = prepareEnsemble(spec);
    const { stats } = await runEnsembleCpu(spec, objective, plan);
    const seen = new Set<number>();
    for (let c = 0; c < plan.columns; c++) {
      const data = inspectStart(
        spec,
        'lr',
        plan.values[c],
        columnStart(plan),
        plan.iterations,
        spec,
        plan.transient,
      );
      const r = data.record!;
      expect(r.outcome, `column ${c}, h = ${plan.values[c]}`).toBe(stats.outcome[c]);
      if (r.outcome === Outcome.PERIODIC) expect(r.period).toBe(stats.period[c]);
      seen.add(r.outcome);
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
    // Without a transient the start is not classified (a gallery trajectory of a map's spec).
    expect(inspectStart(spec, 'lr', 1, [0.3], 100).record).toBeNull();
  });

  it("runs a column's start at the spec's rate per coordinate, as the ensemble ran it", async () => {
    // The double well over its start at h = 1.24 (period 4) given per coordinate, over h = 0.5
    // (converged): the inspector's one-pixel spec keeps the coordinate's rate.
    const spec = parseSpec({
      ...defaultSpec(),
      kind: 'bifurcation',
      objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
      lr: 0.5,
      lrPerCoord: [1.24],
      x0: [0.3],
      plane: { u: { quantity: 'x', min: 0.2, max: 0.6 }, v: { quantity: 'lr', min: 0.1, max: 2 } },
      size: [4, 16],
      transient: 500,
      ensemble: { samples: 1, box: null, keep: 200, observable: 'x', bins: 16, range: null },
    });
    const { objective, plan } = prepareEnsemble(spec);
    const { stats } = await runEnsembleCpu(spec, objective, plan);
    for (let c = 0; c < plan.columns; c++) {
      const r = inspectStart(
        spec,
        'x',
        plan.values[c],
        [plan.values[c]],
        plan.iterations,
        spec,
        plan.transient,
      ).record!;
      expect([r.outcome, r.period], `column ${c}`).toEqual([Outcome.PERIODIC, 4]);
      expect([stats.outcome[c], stats.period[c]]).toEqual([Outcome.PERIODIC, 4]);
    }
  });
});
