/**
 * A Dawn device for the ensemble GPU tests that keeps its `GPU` instance referenced while in use.
 *
 * dawn.node lives only as long as the object `create()` returned is referenced (webgpu's README,
 * "Lifetime"); src/engine/node-gpu.ts drops it right after requestAdapter, so a garbage collection
 * during a run tears Dawn down under the device: measured here, 3 of 6 runs of the ensemble engine
 * aborted (std::system_error, SIGSEGV, SIGBUS) and 4 of 4 with a forced gc(); with the instance held,
 * 8 of 8 and 4 of 4 passed. Until node-gpu.ts holds its instance, these tests use this helper; it
 * otherwise behaves as tests/helpers/gpu.ts (error scopes, loud failure without an adapter).
 */
import { existsSync } from 'node:fs';
import { SWIFTSHADER_ICD } from '../src/engine/node-gpu.ts';

type Dawn = { create(flags: string[]): GPU; globals: Record<string, unknown> };

export async function withPinnedDevice<T>(fn: (device: GPUDevice) => Promise<T>): Promise<T> {
  const dawn = (await import('webgpu')) as unknown as Dawn;
  Object.assign(globalThis, dawn.globals);
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error("no WebGPU adapter: install Debian's chromium (SwiftShader) and libvulkan1");
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  try {
    const result = await fn(device);
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
    if (oom) throw new Error(`WebGPU out-of-memory error: ${oom.message}`);
    return result;
  } finally {
    device.destroy();
    // Referenced here so that the instance outlives every await above.
    void gpu;
  }
}
