/**
 * The instant view transform: the matrix that places a computed picture within the view on screen,
 * on the 2D-canvas path (setTransform) and in the WebGPU blit's vertex stage (Dawn, read back).
 */
import { describe, expect, it } from 'vitest';
import { CanvasBlit } from '../src/ui/engine-host/blit.ts';
import { canvasTransform, FILL_MATRIX, pictureMatrix } from '../src/ui/shared/view-matrix.ts';
import { withDevice } from './helpers/gpu.ts';

/** Applies a setTransform 6-tuple to an image point. */
const apply = (t: number[], x: number, y: number) => [t[0] * x + t[2] * y + t[4], t[1] * x + t[3] * y + t[5]];

describe('pictureMatrix and canvasTransform', () => {
  it('a picture of the shown view fills the canvas, top row at the top', () => {
    const v = { u: [-2, 2] as [number, number], v: [0, 1] as [number, number] };
    const t = canvasTransform(pictureMatrix(v, v), { width: 40, height: 10 }, { width: 400, height: 200 });
    expect(apply(t, 0, 0)).toEqual([0, 0]);
    expect(apply(t, 40, 10)).toEqual([400, 200]);
    expect(Array.from(pictureMatrix(v, v))).toEqual(Array.from(FILL_MATRIX));
  });

  it('zooming in ×2 about the centre doubles the picture about the canvas centre', () => {
    const picture = { u: [0, 4] as [number, number], v: [0, 4] as [number, number] };
    const shown = { u: [1, 3] as [number, number], v: [1, 3] as [number, number] };
    const t = canvasTransform(
      pictureMatrix(shown, picture),
      { width: 4, height: 4 },
      { width: 100, height: 100 },
    );
    // Image pixel corner (1, 1) is plane (1, 3): the shown view's top-left corner.
    expect(apply(t, 1, 1).map((x) => +x.toFixed(9))).toEqual([0, 0]);
    expect(apply(t, 3, 3).map((x) => +x.toFixed(9))).toEqual([100, 100]);
  });

  it('panning right by a quarter moves the picture left by a quarter, deep in a zoom too', () => {
    const c = 1.0000001;
    const w = 1e-7;
    const picture = { u: [c - w, c + w] as [number, number], v: [c - w, c + w] as [number, number] };
    const shown = { u: [c - w / 2, c + 1.5 * w] as [number, number], v: picture.v };
    const t = canvasTransform(
      pictureMatrix(shown, picture),
      { width: 8, height: 8 },
      { width: 800, height: 800 },
    );
    expect(apply(t, 0, 0)[0]).toBeCloseTo(-200, 3);
    expect(apply(t, 8, 0)[0]).toBeCloseTo(600, 3);
  });
});

describe('CanvasBlit on Dawn', () => {
  it('draws the picture placed by the matrix: nearest pixels, transparent outside', async () => {
    await withDevice(async (device) => {
      const blit = new CanvasBlit(device);
      // A 2×2 picture, row 0 at the bottom: red, green / blue, white.
      const words = Uint32Array.from([0xff0000ff, 0xff00ff00, 0xffff0000, 0xffffffff]);
      const pixels = device.createBuffer({
        size: 16,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      device.queue.writeBuffer(pixels, 0, words);
      const size = 8;
      const texture = device.createTexture({
        size: [size, size],
        format: 'rgba8unorm',
        usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
      });
      // The picture covers [0, 1]²; the view shows [0, 2]²: the picture fills the bottom-left quarter.
      const m = pictureMatrix({ u: [0, 2], v: [0, 2] }, { u: [0, 1], v: [0, 1] });
      const out = device.createBuffer({
        size: 256 * size,
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      });
      const encoder = device.createCommandEncoder();
      blit.encode(encoder, texture.createView(), pixels, 2, 2, m);
      encoder.copyTextureToBuffer({ texture }, { buffer: out, bytesPerRow: 256 }, [size, size]);
      device.queue.submit([encoder.finish()]);
      await out.mapAsync(GPUMapMode.READ);
      const bytes = new Uint8Array(out.getMappedRange().slice(0));
      const at = (x: number, y: number) => Array.from(bytes.subarray(y * 256 + x * 4, y * 256 + x * 4 + 4));
      // Texture row 0 is the top. Bottom-left quarter (x < 4, y ≥ 4): blue/white on top, red/green below.
      expect(at(0, 7)).toEqual([255, 0, 0, 255]);
      expect(at(3, 7)).toEqual([0, 255, 0, 255]);
      expect(at(0, 4)).toEqual([0, 0, 255, 255]);
      expect(at(3, 4)).toEqual([255, 255, 255, 255]);
      expect(at(1, 5)).toEqual([0, 0, 255, 255]);
      // Outside the picture: cleared to transparent.
      expect(at(4, 7)).toEqual([0, 0, 0, 0]);
      expect(at(0, 3)).toEqual([0, 0, 0, 0]);
      out.unmap();
      blit.dispose();
      texture.destroy();
      pixels.destroy();
    });
  });
});
