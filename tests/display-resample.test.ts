/**
 * The picture a grid too large for one storage binding is drawn from in the lab's WebGPU canvas
 * (src/ui/engine-host/backend.ts): its size at most DISPLAY_SIDE a side at the grid's aspect ratio,
 * and nearest-neighbour resampling that keeps rows in order and each pixel where its window lies.
 */
import { describe, expect, it } from 'vitest';
import { DISPLAY_SIDE, displaySize, resampleNearest } from '../src/ui/engine-host/backend.ts';

/** A W×H RGBA picture whose pixel (i, j) holds i in R and G (low, high byte) and j in B and A. */
function coded(W: number, H: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(W * H * 4);
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) out.set([i & 255, i >> 8, j & 255, j >> 8], (j * W + i) * 4);
  return out;
}

const decode = (px: Uint8Array, k: number) => [
  px[4 * k] + 256 * px[4 * k + 1],
  px[4 * k + 2] + 256 * px[4 * k + 3],
];

describe('display resampling', () => {
  it('draws grids up to DISPLAY_SIDE as they are, and larger ones by a whole factor', () => {
    expect(displaySize(1024, 768)).toEqual([1024, 768]);
    expect(displaySize(DISPLAY_SIDE, 10)).toEqual([DISPLAY_SIDE, 10]);
    expect(displaySize(8192, 8192)).toEqual([4096, 4096]);
    expect(displaySize(16384, 4000)).toEqual([4096, 1000]);
    // A factor of 3 (4097 > 4096 · 1): sides rounded up, within the limit.
    expect(displaySize(4097, 9000)).toEqual([1366, 3000]);
    expect(displaySize(16384, 16384).reduce((a, b) => a * b) * 4).toBeLessThanOrEqual(128 * 2 ** 20);
  });

  it('takes the source pixel under each target pixel’s centre', () => {
    const [W, H] = [10, 7];
    const out = resampleNearest(coded(W, H), W, H, 4, 3);
    expect(out.length).toBe(4 * 3 * 4);
    // Centres (c + 0.5)·10/4 = 1.25, 3.75, 6.25, 8.75 and (r + 0.5)·7/3 = 1.17, 3.5, 5.83.
    const got = Array.from({ length: 12 }, (_, k) => decode(out, k));
    const cols = [1, 3, 6, 8];
    const rows = [1, 3, 5];
    expect(got).toEqual(rows.flatMap((j) => cols.map((i) => [i, j])));
  });

  it('is the identity at the same size, and halves a picture by taking every second pixel', () => {
    const src = coded(6, 4);
    expect(Array.from(resampleNearest(src, 6, 4, 6, 4))).toEqual(Array.from(src));
    const half = resampleNearest(coded(300, 200), 300, 200, 150, 100);
    expect(decode(half, 0)).toEqual([1, 1]);
    expect(decode(half, 149)).toEqual([299, 1]);
    expect(decode(half, 99 * 150 + 149)).toEqual([299, 199]);
  });

  it('reads a picture that starts at an odd byte of its buffer', () => {
    const src = coded(5, 3);
    const shifted = new Uint8Array(src.length + 1);
    shifted.set(src, 1);
    const view = shifted.subarray(1);
    expect(Array.from(resampleNearest(view, 5, 3, 5, 3))).toEqual(Array.from(src));
  });
});
