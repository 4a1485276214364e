/**
 * A GPUDevice in Node through Dawn (the `webgpu` package), for the CLI, the benchmark and the tests.
 * DOM-free code elsewhere takes the device this returns exactly as it would take the browser's.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { softwareAdapter } from './adapter-kind.ts';
import { throttleDawnPolling } from './dawn-polling.ts';
import { timingFeatures } from './gpu-timer.ts';

/** Debian's chromium ships SwiftShader's Vulkan driver; Dawn accepts it where mesa's lavapipe is rejected. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface NodeGpu {
  adapter: GPUAdapter;
  device: GPUDevice;
  /** `vendor architecture device description`, as the benchmark and the CLI's JSON report it. */
  adapterName: string;
}

type WebgpuModule = { create(flags: string[]): GPU; globals: Record<string, unknown> };

let moduleCache: WebgpuModule | null = null;
async function loadDawn(): Promise<WebgpuModule> {
  if (!moduleCache) {
    // Vulkan's window-system probing complains on stderr without it; a headless lab has no display.
    process.env.XDG_RUNTIME_DIR ??= tmpdir();
    moduleCache = (await import('webgpu')) as unknown as WebgpuModule;
    // GPUBufferUsage, GPUMapMode, … are globals in a browser; Dawn exports them instead.
    Object.assign(globalThis, moduleCache.globals);
  }
  return moduleCache;
}

export function describeAdapter(adapter: GPUAdapter): string {
  const i = adapter.info;
  const name = [i.vendor, i.architecture, i.device, i.description].filter((s) => s && s.length).join(' ');
  return name || 'unknown adapter';
}

/**
 * Requests an adapter from the system's drivers first (a real GPU), then from SwiftShader.
 * Returns null when neither exists; callers fall back to the CPU engine and say so.
 */
export async function requestNodeAdapter(): Promise<GPUAdapter | null> {
  const dawn = await loadDawn();
  let adapter = await gpuInstance(dawn).requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    instances.length = 0;
    adapter = await gpuInstance(dawn).requestAdapter({ powerPreference: 'high-performance' });
  }
  return adapter;
}

/**
 * Dawn's GPU instances, held for the life of the process. An instance that only a temporary
 * referenced is garbage-collected while its adapters and devices still run, and the process then
 * dies at a random later point (std::system_error or a mutex assertion from Dawn's event thread);
 * holding it made engine runs that crashed every time under SwiftShader pass every time.
 */
const instances: GPU[] = [];
function gpuInstance(dawn: WebgpuModule): GPU {
  if (!instances.length) instances.push(dawn.create([]));
  return instances[0];
}

/**
 * A device with the adapter's largest storage-buffer limits (engines tile against whatever they get).
 * `limits` may lower them, which the tiling tests use to force small bindings.
 */
export async function requestNodeDevice(limits: Record<string, number> = {}): Promise<NodeGpu | null> {
  const adapter = await requestNodeAdapter();
  if (!adapter) return null;
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
    ...limits,
  };
  const adapterName = describeAdapter(adapter);
  const software = softwareAdapter(adapterName) || adapter.info.isFallbackAdapter;
  // On a CPU adapter the device is emulated by threads that Dawn's busy polling competes with.
  if (software) throttleDawnPolling();
  // Each submit timed on the device's clock where that is not the host's (gpu-timer.ts).
  const requiredFeatures = timingFeatures(adapter, software);
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  return { adapter, device, adapterName };
}
