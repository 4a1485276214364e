/**
 * `gdlab attractor --png` on the GPU engine colours the histogram on the GPU (the engine's
 * renderAttractor) and writes renderAttractor's picture of the same counts within the colour stage's
 * tolerance: the same size, empty cells black, a counted cell at most one LUT entry off on few cells.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as attractorCli } from '../src/cli/attractor.ts';
import { renderAttractor } from '../src/engine/attractor-render.ts';
import { labColours } from '../src/engine/bifurcation-render.ts';
import { decodeSpecPng } from '../src/experiment/png.ts';
import { runCli, tempDir } from './helpers/cli.ts';
import { expectEngineColouredHere, expectWithinColourTolerance } from './helpers/cli-png.ts';

const ARGS = [
  'attractor',
  ...['--engine', 'gpu', '--objective', 'coupled-wells', '--lr', '1.4', '--x0', '0.3:1.2'],
  ...['--bins', '48x40', '--samples', '128', '--transient', '200', '--keep', '300'],
];

describe('gdlab attractor --png on the GPU engine', () => {
  it('writes the GPU-coloured picture, renderAttractor’s of its counts within the tolerance', async () => {
    const dir = tempDir('gdlab-attractor-png-');
    const file = join(dir, 'cli.png');
    const json = join(dir, 'cli.json');
    await runCli([...ARGS, '--png', file, '--json', json], { timeout: 120_000 });
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out.engine).toMatchObject({ kind: 'gpu', precision: 'f32' });
    const png = decodeSpecPng(readFileSync(file));
    expect([png.width, png.height]).toEqual([48, 40]);
    // The child's own counts, coloured here on the CPU.
    const colours = labColours(png.spec!.colour.colormap);
    const want = renderAttractor({ bins: [48, 40], counts: Uint32Array.from(out.counts) }, colours);
    const d = expectWithinColourTolerance(png, 0, want, colours);
    expect(d.counted).toBeGreaterThan(150);

    // The command in this process, watched: the picture came from the engine's colour stage, and it
    // is the child's to the byte.
    await expectEngineColouredHere(attractorCli, ARGS.slice(1), 'renderAttractor', dir, png.rgba);
  });
});
