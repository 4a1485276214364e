/**
 * The checks the `--png` CLI tests on the GPU engine share: the child's picture against the CPU's of
 * the same counts within the colour stage's tolerance, and the same command run again in this
 * process, watched, to show where its picture came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import { GpuEnsembleEngine } from '../../src/engine/bifurcation.ts';
import { colourLut, type BifurcationColours, type RgbaImage } from '../../src/engine/bifurcation-render.ts';
import { ENSEMBLE_COLOUR_TOLERANCE } from '../../src/engine/ensemble-colour-pass.ts';
import { decodeSpecPng, type SpecPng } from '../../src/experiment/png.ts';
import { compareEnsembleImages, type EnsembleImageDiff } from './ensemble-image.ts';

/**
 * Compares a written picture (its density from row `densityTop`) with `want` coloured in `colours`:
 * no density pixel more than one LUT entry off, and at most the colour stage's tolerance of them one
 * entry off. Returns the difference for the caller's own expectations.
 */
export function expectWithinColourTolerance(
  png: SpecPng,
  densityTop: number,
  want: RgbaImage,
  colours: BifurcationColours,
): EnsembleImageDiff {
  const rgba = Uint8ClampedArray.from(png.rgba);
  const got: RgbaImage = { width: png.width, height: png.height, rgba, densityTop };
  const d = compareEnsembleImages(got, want, colourLut(colours));
  expect(d.beyondOneStep).toBe(0);
  expect(d.oneStep).toBeLessThanOrEqual(ENSEMBLE_COLOUR_TOLERANCE * d.densityPixels);
  return d;
}

/**
 * Runs a command's `run` in this process with `args` and `--png` to a file in `dir` (stdout muted),
 * and expects it to succeed with its picture from the GPU engine's colour stage `stage` (called once,
 * answering a picture rather than null) and the child's `rgba` to the byte: a child process cannot
 * be watched, so this is how a test knows which colouring the CLI took.
 */
export async function expectEngineColouredHere(
  run: (argv: string[]) => Promise<number>,
  args: string[],
  stage: 'renderAttractor' | 'renderEnsemble',
  dir: string,
  rgba: Uint8Array,
): Promise<void> {
  const render = vi.spyOn(GpuEnsembleEngine.prototype, stage);
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const here = join(dir, 'here.png');
    expect(await run([...args, '--png', here])).toBe(0);
    expect(render).toHaveBeenCalledTimes(1);
    expect(await render.mock.results[0].value).not.toBeNull();
    expect(decodeSpecPng(readFileSync(here)).rgba).toEqual(rgba);
  } finally {
    render.mockRestore();
    stdout.mockRestore();
  }
}
