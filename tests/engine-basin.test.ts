import { describe, expect, test } from 'vitest';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { countOutcomes } from '../src/outcome.ts';
import { runGrid } from '../src/reference/grid.ts';
import { fixtureCompiler, mfGpu, smallSpec } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

describe('basin pass', () => {
  test('mf-scalar h=1.1 against the reference', async () => {
    const spec = smallSpec({
      lr: 1.1,
      iterations: 400,
      transient: 300,
      plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } },
    });
    const ref = runGrid(spec, mfGpu);
    const gpu = await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, fixtureCompiler);
      return engine.runBasin(spec);
    });
    let agree = 0;
    for (let i = 0; i < ref.columns.outcome.length; i++)
      if (ref.columns.outcome[i] === gpu.columns.outcome[i]) agree++;
    expect(countOutcomes(gpu.columns)).toEqual(countOutcomes(ref.columns));
    expect(gpu.steps).toBe(ref.steps);
    expect(agree / ref.columns.outcome.length).toBeGreaterThan(0.99);
  });
});
