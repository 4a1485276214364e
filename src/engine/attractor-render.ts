/**
 * An attractor histogram (src/core/attractor.ts) as RGBA pixels, DOM-free: for the CLI's PNG and for
 * the lab's view to blit. One pixel per cell, v up (image row 0 is the top bin), shaded by
 * log(1 + count) through the colormap; empty cells take the empty colour.
 */
import type { AttractorReport } from '../core/attractor.ts';
import type { BifurcationColours, RgbaImage } from './bifurcation-render.ts';

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
  const empty = colours.empty ?? [0, 0, 0];
  let top = 0;
  for (const v of report.counts) if (v > top) top = v;
  for (let j = 0; j < H; j++) {
    const y = H - 1 - j;
    for (let i = 0; i < W; i++) {
      const n = report.counts[j * W + i];
      const c = n > 0 ? colours.colormap(attractorShade(n, top)) : empty;
      const o = (y * W + i) * 4;
      rgba[o] = c[0];
      rgba[o + 1] = c[1];
      rgba[o + 2] = c[2];
      rgba[o + 3] = 255;
    }
  }
  return { width: W, height: H, rgba, densityTop: 0 };
}
