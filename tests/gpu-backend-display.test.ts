/**
 * The lab's GPU backend (src/ui/engine-host/gpu-backend.ts) on Dawn: a frame's picture read back (a
 * 2D-canvas display, an export), and, for a frame with no pixel buffer (records not kept, or colours over one storage binding): the picture its WebGPU canvas draws
 * instead is the image read back once per colour, resampled to displaySize, rows bottom-up as the
 * blit reads them. (Drawing into a WebGPU canvas cannot run here: headless SwiftShader loses the
 * device on the first present.)
 */
import { describe, expect, it } from 'vitest';
import { displaySize } from '../src/ui/engine-host/backend.ts';
import type { GpuBasinResult } from '../src/engine/basin-result.ts';
import { GpuBackend } from '../src/ui/engine-host/gpu-backend.ts';
import { mfPlane, smallSpec } from './engine-fixtures.ts';
import { readBuffer, withDevice } from './helpers/gpu.ts';

interface Picture {
  buffer: GPUBuffer;
  width: number;
  height: number;
}
type Resampled = { resampled(h: unknown, colour: unknown): Promise<Picture> };

describe('GPU backend, a frame with a pixel buffer', () => {
  it('reads its picture back top row first, as readImage colours it, into buffers the pool hands out again', async () => {
    await withDevice(async (device, gpu) => {
      const backend = await GpuBackend.create(device, 'webgpu', gpu.adapter, gpu.adapterName, () => {});
      // An odd width and height: the rows turned over by the copies are not a power of two long.
      const spec = smallSpec({ size: [37, 23], iterations: 20, transient: 10, plane: mfPlane, lr: 1.1 });
      const frame = await backend.run(spec);
      const h = frame.handle as { pixels: GPUBuffer | null; result: GpuBasinResult };
      expect(h.pixels).not.toBeNull();
      const byEscape = { ...spec.colour, field: 'escape' as const };
      for (const colour of [spec.colour, byEscape]) {
        const got = (await backend.pixels(frame, colour)).rgba;
        // readImage colours into image order on the GPU (the colour pass's flip): the export's path.
        const want = await h.result.readImage(colour);
        expect(new Set(new Uint32Array(want.buffer)).size, colour.field).toBeGreaterThan(1);
        expect(Buffer.from(got).equals(Buffer.from(want)), colour.field).toBe(true);
      }
      // The next map of the size, its picture and its readback: every buffer from the pool.
      const made: string[] = [];
      const create = device.createBuffer.bind(device);
      device.createBuffer = (d: GPUBufferDescriptor) => {
        made.push(d.label ?? '');
        return create(d);
      };
      backend.release(frame);
      const next = await backend.run({ ...spec, lr: 1.05 });
      await backend.pixels(next, spec.colour);
      expect(made).toEqual([]);
      backend.release(next);
    });
  });
});

describe('GPU backend, a frame without a pixel buffer', () => {
  it('draws from its image, resampled to at most 4096 a side, bottom-up, once per colour', async () => {
    await withDevice(async (device, gpu) => {
      const backend = await GpuBackend.create(device, 'webgpu', gpu.adapter, gpu.adapterName, () => {});
      // 4100 wide: a factor of 2, to 2050 × 4.
      const spec = smallSpec({ size: [4100, 8], iterations: 20, transient: 10, plane: mfPlane, lr: 1.1 });
      const frame = await backend.run(spec, { records: 'none' });
      const h = frame.handle as { pixels: GPUBuffer | null };
      expect(h.pixels).toBeNull();
      const outcome = spec.colour;
      const picture = await (backend as unknown as Resampled).resampled(h, outcome);
      expect([picture.width, picture.height]).toEqual(displaySize(4100, 8));
      expect([picture.width, picture.height]).toEqual([2050, 4]);
      const got = new Uint32Array(await readBuffer(device, picture.buffer), 0, 2050 * 4);
      // The full image, top row first (a PNG's order), from the same records.
      const full = new Uint32Array(((await backend.pixels(frame, outcome)).rgba as Uint8ClampedArray).buffer);
      for (const [c, r] of [
        [0, 0],
        [1, 0],
        [1024, 2],
        [2049, 3],
        [700, 1],
      ]) {
        // Target (c, r) bottom-up is source column 2c + 1, row 2r + 1 from the bottom.
        const want = full[(8 - 1 - (2 * r + 1)) * 4100 + 2 * c + 1];
        expect(got[r * 2050 + c], `(${c}, ${r})`).toBe(want);
      }
      // The map is not one colour, so the positions above could tell a wrong sample.
      expect(new Set(got).size).toBeGreaterThan(1);
      // Asked again for the same colours: the same picture; for others, a new one.
      expect(await (backend as unknown as Resampled).resampled(h, { ...outcome })).toBe(picture);
      const byEscape = { ...outcome, field: 'escape' as const, log: false, range: null };
      const other = await (backend as unknown as Resampled).resampled(h, byEscape);
      expect(other).not.toBe(picture);
      backend.release(frame);
    });
  });
});
