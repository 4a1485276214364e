/**
 * `gdlab bifurcation --png` on the GPU engine colours the diagram on the GPU (the engine's
 * renderEnsemble) and writes renderBifurcation's picture of the same run within the colour stage's
 * tolerance: the same size, strips and separators the same bytes, the density at most one LUT entry
 * off on few pixels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as bifurcationCli } from '../src/cli/bifurcation.ts';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { GpuEnsembleEngine } from '../src/engine/bifurcation.ts';
import { labColours, renderBifurcation } from '../src/engine/bifurcation-render.ts';
import { decodeSpecPng } from '../src/experiment/png.ts';
import { runCli, tempDir } from './helpers/cli.ts';
import { expectEngineColouredHere, expectWithinColourTolerance } from './helpers/cli-png.ts';
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
    const d = expectWithinColourTolerance(png, 14, want, colours);
    expect(d.stripsDiffer).toBe(0);
    expect(d.counted).toBeGreaterThan(200);

    // The command in this process, watched: the picture came from the engine's colour stage, and it
    // is the child's to the byte.
    await expectEngineColouredHere(bifurcationCli, ARGS.slice(1), 'renderEnsemble', dir, png.rgba);
  });
});
