/**
 * How a bifurcation picture coloured on the GPU differs from renderBifurcation's: pixels of the
 * strips and separators that differ at all, density pixels one LUT entry off, and density pixels off
 * by more (another colour, or coloured where the other is empty).
 */
import type { RgbaImage } from '../../src/engine/bifurcation-render.ts';

export interface EnsembleImageDiff {
  stripsDiffer: number;
  oneStep: number;
  beyondOneStep: number;
  densityPixels: number;
  /** Density pixels of `want` that are not the empty colour (black). */
  counted: number;
  /** Distinct colours of `want`'s density. */
  colours: number;
}

export function compareEnsembleImages(got: RgbaImage, want: RgbaImage, lut: Uint32Array): EnsembleImageDiff {
  if (got.width !== want.width || got.height !== want.height || got.densityTop !== want.densityTop)
    throw new Error(`images differ in size: ${got.width}×${got.height} vs ${want.width}×${want.height}`);
  const a = new Uint32Array(got.rgba.buffer, got.rgba.byteOffset, got.width * got.height);
  const b = new Uint32Array(want.rgba.buffer, want.rgba.byteOffset, want.width * want.height);
  const index = new Map<number, number[]>();
  lut.forEach((w, i) => index.set(w, [...(index.get(w) ?? []), i]));
  const empty = 0xff000000;
  const top = want.densityTop * want.width;
  const diff = { stripsDiffer: 0, oneStep: 0, beyondOneStep: 0, densityPixels: b.length - top, counted: 0 };
  const seen = new Set<number>();
  for (let p = 0; p < b.length; p++) {
    if (p >= top && b[p] !== empty) {
      diff.counted++;
      seen.add(b[p]);
    }
    if (a[p] === b[p]) continue;
    if (p < top) {
      diff.stripsDiffer++;
      continue;
    }
    const ia = index.get(a[p]) ?? [];
    const ib = index.get(b[p]) ?? [];
    if (ia.some((i) => ib.some((j) => Math.abs(i - j) <= 1))) diff.oneStep++;
    else diff.beyondOneStep++;
  }
  return { ...diff, colours: seen.size };
}
