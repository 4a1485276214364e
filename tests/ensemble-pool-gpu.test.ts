/**
 * The WGSL ensemble engine reuses its buffers from run to run (the lab recomputes a diagram on every
 * zoom and edit): a run on an engine that ran before gives what a fresh engine gives, counts cleared
 * rather than added to, a fixed range not left behind for an automatic one, and it creates no buffer.
 */
import { describe, expect, it } from 'vitest';
import { prepareEnsemble, type BifurcationResult } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import type { ExperimentSpec } from '../src/experiment/spec.ts';
import { doubleWellSpec, expectSameEnsemble } from './bifurcation-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

const run = (engine: GpuEnsembleEngine, spec: ExperimentSpec): Promise<BifurcationResult> => {
  const { objective, plan } = prepareEnsemble(spec);
  return engine.runEnsemble(spec, objective, plan);
};

describe('GPU ensemble engine, run after run', () => {
  it('gives a fresh engine’s result from reused buffers, and makes none after the first run of a size', async () => {
    const auto = doubleWellSpec({ lr: [0.9, 1.5], columns: 12, samples: 7, transient: 300, keep: 100 });
    const fixed = doubleWellSpec({
      lr: [0.9, 1.5],
      columns: 12,
      samples: 7,
      transient: 300,
      keep: 100,
      range: [-1.2, 1.2],
    });
    const smaller = doubleWellSpec({
      lr: [1, 1.3],
      columns: 9,
      rows: 40,
      samples: 5,
      transient: 300,
      keep: 80,
    });
    await withDevice(async (device) => {
      const fresh = async (spec: ExperimentSpec) => {
        const engine = new GpuEnsembleEngine(device);
        try {
          return await run(engine, spec);
        } finally {
          engine.dispose();
        }
      };
      const engine = new GpuEnsembleEngine(device);
      const first = await run(engine, auto);
      const made: string[] = [];
      const create = device.createBuffer.bind(device);
      device.createBuffer = (d: GPUBufferDescriptor) => {
        made.push(d.label ?? '');
        return create(d);
      };
      // The same spec again: the same counts (not twice them), from the first run's buffers.
      expectSameEnsemble(await run(engine, auto), first, 'again');
      expect(made).toEqual([]);
      // A fixed range, then the automatic one again: neither sees the other's range or counts.
      const wantFixed = await fresh(fixed);
      made.length = 0;
      expectSameEnsemble(await run(engine, fixed), wantFixed, 'fixed range');
      expectSameEnsemble(await run(engine, auto), first, 'automatic after fixed');
      // A smaller diagram in the larger one's buffers.
      expectSameEnsemble(await run(engine, smaller), await fresh(smaller), 'smaller');
      expect(first.density.some((v) => v > 0)).toBe(true);
      engine.dispose();
    });
  });
});
