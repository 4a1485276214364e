/**
 * An attractor's picture coloured by the GPU engine's colour stage (GpuEnsembleEngine.renderAttractor)
 * against the CPU renderer it replaces (renderAttractor) on a real strange attractor: the same size,
 * v up, empty cells the same bytes, a counted cell at most one LUT entry off and that on few cells
 * (the stage's f32 log; see its precision note); and the fallbacks: an older result, a diagram, and
 * the CPU engine are left to renderAttractor.
 */
import { describe, expect, it } from 'vitest';
import { attractorReport } from '../src/core/attractor.ts';
import { prepareEnsemble, type BifurcationResult } from '../src/core/ensemble.ts';
import { renderAttractor, renderAttractorImage } from '../src/engine/attractor-render.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { colourLut, labColours } from '../src/engine/bifurcation-render.ts';
import { ENSEMBLE_COLOUR_TOLERANCE } from '../src/engine/ensemble-colour-pass.ts';
import type { ExperimentSpec } from '../src/experiment/spec.ts';
import { runEnsembleCpu } from '../src/reference/ensemble.ts';
import { coupledSpec } from './attractor-fixtures.ts';
import { doubleWellSpec } from './bifurcation-fixtures.ts';
import { compareEnsembleImages } from './helpers/ensemble-image.ts';
import { withDevice } from './helpers/gpu.ts';

const run = (engine: GpuEnsembleEngine, spec: ExperimentSpec): Promise<BifurcationResult> => {
  const { objective, plan } = prepareEnsemble(spec);
  return engine.runEnsemble(spec, objective, plan);
};

// The coupled wells' strange attractor at h = 1.4 with the period-2 orbit beside it: counts from 1 to
// thousands. Not square, so a picture drawn with its axes swapped or v down cannot pass.
const spec = coupledSpec({ bins: [48, 40], samples: 200, keep: 300, transient: 200 });

describe('attractor colour stage on the GPU', () => {
  it('draws renderAttractor’s picture within one LUT step, in two colormaps', async () => {
    await withDevice(async (device) => {
      const engine = new GpuEnsembleEngine(device);
      try {
        const result = await run(engine, spec);
        for (const name of ['viridis', 'magma'] as const) {
          const colours = labColours(name);
          const gpu = await engine.renderAttractor(result, colours);
          const cpu = renderAttractor(attractorReport(result), colours);
          expect(gpu, name).not.toBeNull();
          expect([gpu!.width, gpu!.height, gpu!.densityTop]).toEqual([48, 40, 0]);
          const d = compareEnsembleImages(gpu!, cpu, colourLut(colours));
          expect(d.beyondOneStep, name).toBe(0);
          expect(d.oneStep, name).toBeLessThanOrEqual(ENSEMBLE_COLOUR_TOLERANCE * d.densityPixels);
          // A picture with something in it: many cells counted, in many colours.
          expect(d.counted, name).toBeGreaterThan(150);
          expect(d.colours, name).toBeGreaterThan(30);
        }
      } finally {
        engine.dispose();
      }
    });
  });

  it('reuses its buffers, and leaves an older result, a diagram and the CPU engine to renderAttractor', async () => {
    const colours = labColours('viridis');
    await withDevice(async (device) => {
      const engine = new GpuEnsembleEngine(device);
      try {
        const first = await run(engine, spec);
        const image = await engine.renderAttractor(first, colours);
        const made: string[] = [];
        const create = device.createBuffer.bind(device);
        device.createBuffer = (d: GPUBufferDescriptor) => {
          made.push(d.label ?? '');
          return create(d);
        };
        expect(await engine.renderAttractor(first, colours)).toEqual(image);
        expect(made).toEqual([]);
        // A diagram is renderEnsemble's, an attractor renderAttractor's.
        expect(await engine.renderEnsemble(first, colours)).toBeNull();
        const diagram = await run(
          engine,
          doubleWellSpec({ lr: [1, 1.5], columns: 8, rows: 8, samples: 2, transient: 50, keep: 20 }),
        );
        expect(await engine.renderAttractor(diagram, colours)).toBeNull();
        // The first result's counts went back to the pool with that run: the CPU colours it.
        expect(await engine.renderAttractor(first, colours)).toBeNull();
        expect(await renderAttractorImage(engine, first, colours)).toEqual(
          renderAttractor(attractorReport(first), colours),
        );
      } finally {
        engine.dispose();
      }
    });
    const small = coupledSpec({ bins: [16, 12], samples: 16, keep: 40, transient: 50 });
    const { objective, plan } = prepareEnsemble(small);
    const cpu = await runEnsembleCpu(small, objective, plan);
    expect(await renderAttractorImage({}, cpu, colours)).toEqual(
      renderAttractor(attractorReport(cpu), colours),
    );
  });
});
