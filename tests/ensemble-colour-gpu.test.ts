/**
 * The GPU colour stage of a bifurcation diagram (src/engine/ensemble-colour-pass.ts) against the CPU
 * renderer it replaces (renderBifurcation) on a real diagram: the strips and separators the same
 * bytes, a density pixel at most one LUT entry off and that on few pixels (the f32 log; see the
 * stage's precision note), in both normalisations, with and without strips; and the engine's pool:
 * a second picture, or a picture after a rerun of the size, creates no buffer.
 */
import { describe, expect, it } from 'vitest';
import { emptyColumnStats, prepareEnsemble, type BifurcationResult } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import {
  colourLut,
  labColours,
  renderBifurcation,
  renderEnsembleImage,
  type BifurcationRenderOptions,
  type RgbaImage,
} from '../src/engine/bifurcation-render.ts';
import { BufferPool } from '../src/engine/buffer-pool.ts';
import {
  ENSEMBLE_COLOUR_TOLERANCE,
  EnsembleColourPass,
  renderHeldCounts,
} from '../src/engine/ensemble-colour-pass.ts';
import type { ExperimentSpec } from '../src/experiment/spec.ts';
import { EnsembleHost } from '../src/ui/bifurcation-view/ensemble-host.ts';
import { doubleWellSpec } from './bifurcation-fixtures.ts';
import { compareEnsembleImages } from './helpers/ensemble-image.ts';
import { withDevice } from './helpers/gpu.ts';

const run = (engine: GpuEnsembleEngine, spec: ExperimentSpec): Promise<BifurcationResult> => {
  const { objective, plan } = prepareEnsemble(spec);
  return engine.runEnsemble(spec, objective, plan);
};

// Period doubling into chaos (the double well's cascade ends near h = 1.55): periodic columns pile
// their counts into a few cells, chaotic ones spread them thinly, so the counts span 1 … hundreds.
const spec = doubleWellSpec({ lr: [1.3, 1.9], columns: 40, rows: 48, samples: 8, transient: 200, keep: 120 });
const colours = labColours('viridis');

describe('ensemble colour stage on the GPU', () => {
  it('draws renderBifurcation’s picture: strips exact, the density within one LUT step', async () => {
    await withDevice(async (device) => {
      const engine = new GpuEnsembleEngine(device);
      try {
        const result = await run(engine, spec);
        const lut = colourLut(colours);
        const cases: BifurcationRenderOptions[] = [
          { normalise: 'global' },
          { normalise: 'column' },
          { normalise: 'global', stripRows: 0 },
          { normalise: 'column', stripRows: 3 },
        ];
        for (const options of cases) {
          const gpu = (await engine.renderEnsemble(result, colours, options)) as RgbaImage;
          const cpu = renderBifurcation(result, colours, options);
          const what = JSON.stringify(options);
          expect([gpu.width, gpu.height, gpu.densityTop], what).toEqual([
            cpu.width,
            cpu.height,
            cpu.densityTop,
          ]);
          const d = compareEnsembleImages(gpu, cpu, lut);
          expect(d.stripsDiffer, what).toBe(0);
          expect(d.beyondOneStep, what).toBe(0);
          expect(d.oneStep, what).toBeLessThanOrEqual(ENSEMBLE_COLOUR_TOLERANCE * d.densityPixels);
          // A picture with something in it: many cells counted, in many colours.
          expect(d.counted, what).toBeGreaterThan(200);
          expect(d.colours, what).toBeGreaterThan(20);
        }
      } finally {
        engine.dispose();
      }
    });
  });

  it('reuses its buffers, and leaves an older result to the CPU renderer', async () => {
    await withDevice(async (device) => {
      const engine = new GpuEnsembleEngine(device);
      try {
        const first = await run(engine, spec);
        const firstImage = await engine.renderEnsemble(first, colours);
        const made: string[] = [];
        const create = device.createBuffer.bind(device);
        device.createBuffer = (d: GPUBufferDescriptor) => {
          made.push(d.label ?? '');
          return create(d);
        };
        // The same picture again, in the other normalisation, and after a rerun of the same size.
        expect(await engine.renderEnsemble(first, colours)).toEqual(firstImage);
        expect(await engine.renderEnsemble(first, colours, { normalise: 'column' })).not.toEqual(firstImage);
        const second = await run(engine, spec);
        expect(await engine.renderEnsemble(second, colours)).toEqual(firstImage);
        expect(made).toEqual([]);
        // The first result's counts went back to the pool with the rerun: the CPU draws it.
        expect(await engine.renderEnsemble(first, colours)).toBeNull();
        expect(await renderEnsembleImage(engine, first, colours)).toEqual(renderBifurcation(first, colours));
      } finally {
        engine.dispose();
      }
    });
  });

  it('lands every count of every column top up to 96 on its LUT entry, or one beside it', async () => {
    // Column c holds each count 1 … c + 1 once (scaled by `scale`): in 'column' every (count, top)
    // pair up to 96, ties such as (2, 8), (3, 15), (1, 63) among them; in 'global' every count of a
    // top of 96 · scale.
    const W = 96;
    const H = 96;
    for (const scale of [1, 1000]) {
      const density = new Uint32Array(W * H + W);
      for (let c = 0; c < W; c++) for (let r = 0; r <= c; r++) density[r * W + c] = (r + 1) * scale;
      const result = { plan: { columns: W, rows: H }, density, stats: emptyColumnStats(W) };
      await withDevice(async (device) => {
        const pass = await EnsembleColourPass.create(device);
        const pool = new BufferPool(device);
        const counts = device.createBuffer({
          size: density.byteLength,
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(counts, 0, density);
        const lut = colourLut(colours);
        for (const normalise of ['global', 'column'] as const) {
          const options = { normalise, stripRows: 0 };
          const plan = result.plan as BifurcationResult['plan'];
          const gpu = await renderHeldCounts(
            device,
            pass,
            pool,
            counts,
            { ...result, plan },
            colours,
            options,
            () => true,
          );
          const d = compareEnsembleImages(
            gpu!,
            renderBifurcation({ ...result, plan }, colours, options),
            lut,
          );
          const what = `${normalise} × ${scale}`;
          expect(d.counted, what).toBe((W * (W + 1)) / 2);
          expect(d.beyondOneStep, what).toBe(0);
          expect(d.oneStep, what).toBeLessThanOrEqual(ENSEMBLE_COLOUR_TOLERANCE * d.densityPixels);
        }
        pass.dispose();
        pool.dispose();
        counts.destroy();
      });
    }
  });

  it('colours the lab’s latest diagram on its GPU engine (EnsembleHost.render), not an older one', async () => {
    const small = doubleWellSpec({
      lr: [1.3, 1.9],
      columns: 16,
      rows: 24,
      samples: 4,
      transient: 100,
      keep: 60,
    });
    await withDevice(async (device) => {
      const host = new EnsembleHost(device);
      try {
        const shown = await host.run(spec);
        const magma = labColours('magma');
        const image = await host.render(shown, magma, { stripRows: 10 });
        const d = compareEnsembleImages(
          image!,
          renderBifurcation(shown, magma, { stripRows: 10 }),
          colourLut(magma),
        );
        expect([d.stripsDiffer, d.beyondOneStep]).toEqual([0, 0]);
        expect(d.oneStep).toBeLessThanOrEqual(ENSEMBLE_COLOUR_TOLERANCE * d.densityPixels);
        expect(d.counted).toBeGreaterThan(200);
        // An export's run at another size takes the engine's counts: the view colours `shown` itself.
        const exported = await host.run(small);
        expect(await host.render(shown, magma)).toBeNull();
        expect((await host.render(exported, magma))!.width).toBe(16);
      } finally {
        host.dispose();
      }
    });
  });
});
