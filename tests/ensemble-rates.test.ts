/**
 * Density and attractor runs at the spec's own rate use its one rate per coordinate where it gives
 * them (lrPerCoord), in float64 and on the GPU, as the map and the diagram do: x²/2 + y²/2 at rates
 * (0.5, 2.5) loses every start (y is multiplied by -1.5 a step), where the scalar rate 1 brings every
 * start to 0 in one step. Both engines once ran these at the scalar rate, with the per-coordinate
 * rates on the figure.
 */
import { describe, expect, it } from 'vitest';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { withDevice } from './helpers/gpu.ts';

const base = {
  objective: { expr: 'x^2/2 + y^2/2', preset: null, params: {} },
  lr: 1,
  x0: [0.5, 0.5],
  size: [8, 8],
  iterations: 120,
  transient: 100,
  ensemble: {
    samples: 16,
    box: { min: [0.1, 0.1], max: [1, 1] },
    keep: 20,
    observable: 'x',
    bins: 8,
    range: null,
  },
};

const specs = (lrPerCoord: number[] | null): ExperimentSpec[] => [
  parseSpec({ ...base, kind: 'density', lrPerCoord }),
  parseSpec({
    ...base,
    kind: 'attractor',
    lrPerCoord,
    attractor: { u: 'x', v: 'y', uRange: null, vRange: null },
  }),
];

describe('one rate per coordinate at one rate', () => {
  it('float64 and GPU: rates (0.5, 2.5) lose every start; the scalar rate 1 none', async () => {
    // The fraction of the 16 starts lost.
    for (const [rates, lost] of [
      [[0.5, 2.5], 1],
      [null, 0],
    ] as const)
      for (const spec of specs(rates as number[] | null)) {
        const { objective, plan } = prepareEnsemble(spec);
        const cpu = await runEnsembleCpu(spec, objective, plan);
        const gpu = await withDevice((device) =>
          new GpuEnsembleEngine(device).runEnsemble(spec, objective, plan),
        );
        expect([cpu.stats.diverged[0], gpu.stats.diverged[0]], `${spec.kind} ${rates}`).toEqual([lost, lost]);
      }
  });
});
