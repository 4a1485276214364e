/**
 * GPU test helper in the style of webgpu-utils: a fresh Dawn device per test, run inside a validation
 * and an out-of-memory error scope, so a test fails on any WebGPU error it did not expect. A machine
 * without an adapter fails loudly: CI must never count a GPU suite that did not run as green.
 */
import { requestNodeDevice, type NodeGpu } from '../../src/engine/node-gpu.ts';

export async function getTestGpu(limits: Record<string, number> = {}): Promise<NodeGpu> {
  const gpu = await requestNodeDevice(limits);
  if (!gpu)
    throw new Error(
      "no WebGPU adapter: install Debian's chromium (SwiftShader) and libvulkan1, e.g. `apt-get install -y chromium libvulkan1`",
    );
  return gpu;
}

/** Runs fn with a fresh device inside validation and OOM scopes; throws the first captured error. */
export async function withDevice<T>(
  fn: (device: GPUDevice, gpu: NodeGpu) => Promise<T>,
  limits: Record<string, number> = {},
): Promise<T> {
  const gpu = await getTestGpu(limits);
  const { device } = gpu;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  try {
    const result = await fn(device, gpu);
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
    if (oom) throw new Error(`WebGPU out-of-memory error: ${oom.message}`);
    return result;
  } finally {
    device.destroy();
  }
}

/** Copies a storage buffer to a mappable one and returns its bytes. */
export async function readBuffer(
  device: GPUDevice,
  buffer: GPUBuffer,
  size = buffer.size,
): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0);
  staging.destroy();
  return copy;
}
