/**
 * An attractor histogram (src/core/attractor.ts) as RGBA pixels, DOM-free: for the CLI's PNG and for
 * the lab's view to blit. One pixel per cell, v up (image row 0 is the top bin), shaded by
 * log(1 + count) through the colormap; empty cells take the empty colour. The GPU engine colours its
 * latest attractor where its counts are (renderAttractorImage; src/engine/ensemble-colour-pass.ts).
 */
import { attractorReport, type AttractorReport } from '../core/attractor.ts';
import type { BifurcationResult } from '../core/ensemble.ts';
import { pack, type BifurcationColours, type RgbaImage } from './bifurcation-render.ts';

/** Log scale: the folds of an attractor pile counts into thin caustics that a linear scale would show alone. */
export function attractorShade(count: number, top: number): number {
  return top > 0 ? Math.log1p(count) / Math.log1p(top) : 0;
}

export function renderAttractor(
  report: Pick<AttractorReport, 'bins' | 'counts'>,
  colours: Pick<BifurcationColours, 'colormap' | 'empty'>,
): RgbaImage {
  const [W, H] = report.bins;
  const rgba = new Uint8ClampedArray(W * H * 4);
  const px = new Uint32Array(rgba.buffer);
  const empty = pack(colours.empty ?? [0, 0, 0]);
  let top = 0;
  for (const v of report.counts) if (v > top) top = v;
  // Each count's colour once (0: not yet; a pixel word is opaque), as renderBifurcation does.
  const seen = new Uint32Array(Math.min(top + 1, 1 << 16));
  const shade = (n: number) => pack(colours.colormap(attractorShade(n, top)));
  for (let j = 0; j < H; j++) {
    const row = (H - 1 - j) * W;
    for (let i = 0; i < W; i++) {
      const n = report.counts[j * W + i];
      px[row + i] = n <= 0 ? empty : n < seen.length ? seen[n] || (seen[n] = shade(n)) : shade(n);
    }
  }
  return { width: W, height: H, rgba, densityTop: 0 };
}

/** An engine that colours an attractor of its own where the counts are (GpuEnsembleEngine, on the GPU). */
export interface AttractorRenderer {
  /** The picture renderAttractor draws of `result`; null where the engine no longer holds its counts. */
  renderAttractor(
    result: BifurcationResult,
    colours: Pick<BifurcationColours, 'colormap' | 'empty'>,
  ): Promise<RgbaImage | null>;
}

/**
 * The picture of an attractor `result`: coloured by `engine` where it can (the GPU engine's latest
 * result), else by renderAttractor from the counts read back (the CPU engines, or an older GPU result).
 */
export async function renderAttractorImage(
  engine: object,
  result: BifurcationResult,
  colours: Pick<BifurcationColours, 'colormap' | 'empty'>,
): Promise<RgbaImage> {
  const image =
    'renderAttractor' in engine ? await (engine as AttractorRenderer).renderAttractor(result, colours) : null;
  return image ?? renderAttractor(attractorReport(result), colours);
}
