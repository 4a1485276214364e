/**
 * WebGPU error scopes form one stack per device: a scope held open across an await caught whatever a
 * concurrent caller did meanwhile, so the reduction's compile error was reported as the basin kernel's.
 * These run two creations at once, one of them failing, and check each is blamed on its own call.
 */
import { describe, expect, test } from 'vitest';
import { createBuffer } from '../src/engine/buffer-pool.ts';
import {
  createBuffers,
  createComputePipeline,
  createShaderModule,
  GpuError,
  ShaderCompileError,
} from '../src/engine/shader.ts';
import { withDevice } from './helpers/gpu.ts';

const good = '@compute @workgroup_size(1) fn main() {}';
// Line 2, column 13: `nope` is undeclared.
const bad = '@compute @workgroup_size(1)\nfn main() { nope = 1u; }';

describe('error scopes of concurrent WebGPU calls', () => {
  test('two modules compiled at once: the broken one is named, with its line and column', async () => {
    await withDevice(async (device) => {
      for (const brokenFirst of [false, true]) {
        const make = (label: string, code: string) =>
          createShaderModule(device, label, [{ name: label, code }]);
        // Both calls start before either is awaited, in one order and then the other.
        const started = brokenFirst
          ? { broken: make('broken', bad), fine: make('fine', good) }
          : { fine: make('fine', good), broken: make('broken', bad) };
        const [fine, broken] = await Promise.allSettled([started.fine, started.broken]);
        expect(fine.status).toBe('fulfilled');
        expect(broken.status).toBe('rejected');
        const e = (broken as PromiseRejectedResult).reason as ShaderCompileError;
        expect(e).toBeInstanceOf(ShaderCompileError);
        expect(e.label).toBe('broken');
        expect(e.messages.find((m) => m.type === 'error')).toMatchObject({
          part: 'broken',
          line: 2,
          column: 13,
        });
      }
    });
  });

  test('two pipelines made at once: only the one with a missing entry point fails', async () => {
    await withDevice(async (device) => {
      const module = await createShaderModule(device, 'fine', [{ name: 'fine', code: good }]);
      for (const badFirst of [false, true]) {
        const make = (label: string, entryPoint: string) =>
          createComputePipeline(device, { label, layout: 'auto', compute: { module, entryPoint } });
        const started = badFirst
          ? { bad: make('bad pipeline', 'absent'), ok: make('good pipeline', 'main') }
          : { ok: make('good pipeline', 'main'), bad: make('bad pipeline', 'absent') };
        const [ok, bad] = await Promise.allSettled([started.ok, started.bad]);
        expect(ok.status).toBe('fulfilled');
        expect(bad.status).toBe('rejected');
        const e = (bad as PromiseRejectedResult).reason as GpuError;
        expect(e).toBeInstanceOf(GpuError);
        expect(e.message).toMatch(/creating bad pipeline/);
      }
    });
  });

  test('a buffer too large for the device fails alone; one made at the same time is fine', async () => {
    await withDevice(async (device) => {
      const usage = GPUBufferUsage.STORAGE;
      const huge = device.limits.maxBufferSize + 4;
      const [ok, tooBig, okSet] = await Promise.allSettled([
        createBuffer(device, { size: 256, usage }, 'a small buffer'),
        createBuffer(device, { size: huge, usage }, 'a huge buffer'),
        createBuffers(device, 'two small buffers', { a: { size: 64, usage }, b: { size: 64, usage } }),
      ]);
      expect(ok.status).toBe('fulfilled');
      expect(okSet.status).toBe('fulfilled');
      expect(tooBig.status).toBe('rejected');
      const e = (tooBig as PromiseRejectedResult).reason as GpuError;
      expect(e).toBeInstanceOf(GpuError);
      expect(e.message).toMatch(/a huge buffer/);
      if (ok.status === 'fulfilled') ok.value.destroy();
    });
  });
});
