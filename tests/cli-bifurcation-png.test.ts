/**
 * `gdlab bifurcation --png` on the GPU engine colours the diagram on the GPU (the engine's
 * renderEnsemble) and writes renderBifurcation's picture of the same run within the colour stage's
 * tolerance: the same size, strips and separators the same bytes, the density at most one LUT entry
 * off on few pixels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run as bifurcationCli } from '../src/cli/bifurcation.ts';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import {
  colourLut,
  labColours,
  renderBifurcation,
  type RgbaImage,
} from '../src/engine/bifurcation-render.ts';
import { ENSEMBLE_COLOUR_TOLERANCE } from '../src/engine/ensemble-colour-pass.ts';
import { decodeSpecPng } from '../src/experiment/png.ts';
import { runCli, tempDir } from './helpers/cli.ts';
import { compareEnsembleImages } from './helpers/ensemble-image.ts';
import { withDevice } from './helpers/gpu.ts';

const ARGS = [
  'bifurcation',
  ...['--engine', 'gpu', '--objective', 'double-well', '--lr', '1.3:1.9', '--columns', '40'],
  ...['--rows', '48', '--samples', '8', '--transient', '200', '--keep', '120'],
];

describe('gdlab bifurcation --png on the GPU engine', () => {
  it('writes the GPU-coloured picture, renderBifurcation’s within the tolerance', async () => {
    const dir = tempDir('gdlab-bifurcation-png-');
    const file = join(dir, 'cli.png');
    await runCli([...ARGS, '--png', file], { timeout: 120_000 });
    const png = decodeSpecPng(readFileSync(file));
    const spec = png.spec!;
    expect(spec.size).toEqual([40, 48]);
    // The same spec run here: the counts are the GPU's whichever process ran it.
    const colours = labColours(spec.colour.colormap);
    const want = await withDevice(async (device, gpu) => {
      const engine = new GpuEnsembleEngine(device, { adapter: gpu.adapterName });
      try {
        const { objective, plan } = prepareEnsemble(spec);
        return renderBifurcation(await engine.runEnsemble(spec, objective, plan), colours);
      } finally {
        engine.dispose();
      }
    });
    expect([png.width, png.height]).toEqual([40, 48 + 2 * 6 + 2]);
    const rgba = Uint8ClampedArray.from(png.rgba);
    const got: RgbaImage = { width: png.width, height: png.height, rgba, densityTop: 14 };
    const d = compareEnsembleImages(got, want, colourLut(colours));
    expect(d.stripsDiffer).toBe(0);
    expect(d.beyondOneStep).toBe(0);
    expect(d.oneStep).toBeLessThanOrEqual(ENSEMBLE_COLOUR_TOLERANCE * d.densityPixels);
    expect(d.counted).toBeGreaterThan(200);

    // The command in this process, watched: the picture came from the engine's colour stage, and it
    // is the child's to the byte.
    const render = vi.spyOn(GpuEnsembleEngine.prototype, 'renderEnsemble');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const here = join(dir, 'here.png');
      expect(await bifurcationCli([...ARGS.slice(1), '--png', here])).toBe(0);
      expect(render).toHaveBeenCalledTimes(1);
      expect(await render.mock.results[0].value).not.toBeNull();
      expect(decodeSpecPng(readFileSync(here)).rgba).toEqual(png.rgba);
    } finally {
      render.mockRestore();
      stdout.mockRestore();
    }
  });
});
