/**
 * Dispatches of more workgroups than one dimension allows go as a 2-D grid (dispatchSize of
 * src/engine/basin-pass.ts): on a GPU every large map does (4096² in one dispatch is 65535 × 5
 * workgroups), here no grid is large enough, so the limit is lowered on the device object and every
 * kernel (GD, escape, reduction, colour, ensemble) must give the 1-D run's results bit for bit.
 */
import { describe, expect, it, vi } from 'vitest';
import { prepareEnsemble, type BifurcationResult } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import type { GpuEngineOptions } from '../src/engine/engine-options.ts';
import { escapingDoubleWellSpec, expectSameEnsemble } from './bifurcation-fixtures.ts';
import { expectBitIdentical, fixtureCompiler, mfPlane, smallSpec } from './engine-fixtures.ts';
import { withDevice } from './helpers/gpu.ts';

/** Workgroups per dimension here: every dispatch of over 512 invocations needs a second dimension. */
const PER_DIM = 8;

/** fn on a fresh device whose maxComputeWorkgroupsPerDimension reads `perDim` (null: the real one). */
function onDevice<T>(perDim: number | null, fn: (device: GPUDevice) => Promise<T>) {
  return withDevice(async (device) => {
    if (perDim !== null) {
      const limits = { ...limitsOf(device), maxComputeWorkgroupsPerDimension: perDim };
      Object.defineProperty(device, 'limits', { get: () => limits, configurable: true });
    }
    // Every dispatch's grid, to see that the 2-D path was taken.
    const probe = device.createCommandEncoder().beginComputePass();
    const proto = Object.getPrototypeOf(probe) as GPUComputePassEncoder;
    probe.end();
    const spy = vi.spyOn(proto, 'dispatchWorkgroups');
    try {
      const value = await fn(device);
      return { value, grids: spy.mock.calls.map((c) => c[1] ?? 1) };
    } finally {
      spy.mockRestore();
    }
  });
}

function limitsOf(device: GPUDevice): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in device.limits) out[k] = (device.limits as unknown as Record<string, number>)[k];
  return out;
}

describe('2-D dispatch grids', () => {
  const spec = smallSpec({ lr: 1.1, iterations: 200, transient: 100, plane: mfPlane, size: [61, 53] });
  const colour = { ...spec.colour, field: 'escape' as const, log: false, range: null };

  it.each<[string, GpuEngineOptions]>([
    ['one dispatch', { reduceStride: 1 }],
    ['chunked, escape pass every fifth record', { reduceStride: 1, itersPerDispatch: 37, escapeStride: 5 }],
  ])('basin maps: records, counts, image and ranges as 1-D (%s)', async (_name, options) => {
    const run = (perDim: number | null) =>
      onDevice(perDim, async (device) => {
        const engine = new GpuBasinEngine(device, fixtureCompiler, { adapterName: 'a GPU', ...options });
        const kept = await engine.runBasin(spec, { columns: true });
        const out = {
          counts: kept.counts,
          columns: await kept.readAll(),
          image: await kept.readImage(colour),
          ranges: await kept.ensureRanges(),
          diverged: Array.from(kept.columnDiverged ?? []),
          summary: (await engine.runBasin(spec, { records: 'none', columns: true })).counts,
        };
        engine.dispose();
        return out;
      });
    const [one, two] = [await run(null), await run(PER_DIM)];
    expect(one.grids.every((y) => y === 1)).toBe(true);
    expect(two.grids.some((y) => y > 1)).toBe(true);
    expect(one.value.counts.diverged).toBeGreaterThan(0);
    expectBitIdentical(two.value.columns, one.value.columns);
    expect(two.value.counts).toEqual(one.value.counts);
    expect(two.value.summary).toEqual(one.value.summary);
    expect(Buffer.from(two.value.image).equals(Buffer.from(one.value.image))).toBe(true);
    expect(two.value.ranges).toEqual(one.value.ranges);
    expect(two.value.diverged).toEqual(one.value.diverged);
  });

  it('ensembles: density, outside counts and column statistics as 1-D, with the workgroup histogram or not', async () => {
    // 40 columns × 16 samples with escapes: 640 invocations, a 2-D grid of 8 × 2 workgroups.
    const ens = escapingDoubleWellSpec(40);
    const { objective, plan } = prepareEnsemble(ens);
    for (const sharedBins of [0, 3840]) {
      const run = (perDim: number | null) =>
        onDevice(perDim, (device) =>
          new GpuEnsembleEngine(device, { sharedBins }).runEnsemble(ens, objective, plan),
        );
      const [one, two] = [await run(null), await run(PER_DIM)];
      expect(two.grids.some((y) => y > 1)).toBe(true);
      expectSameEnsemble(two.value as BifurcationResult, one.value);
    }
  });
});
