/**
 * Chooses the engine: WebGPU when the browser gives an adapter and a device, else the float64 CPU
 * engine in a Web Worker, with a plain sentence saying so (never a blank page).
 */
import type { LabBackend } from './backend.ts';
import { CpuBackend } from './cpu-backend.ts';

export interface BackendChoice {
  backend: LabBackend;
  /** Shown to the user when the lab is not running on the GPU; null on the GPU. */
  note: string | null;
}

function describe(adapter: GPUAdapter): string {
  const i = adapter.info;
  return (
    [i.vendor, i.architecture, i.device, i.description].filter((s) => s && s.length).join(' ') || 'WebGPU'
  );
}

/**
 * `onLost` is called once when the GPU device is lost, so the lab can make a new backend.
 * `display` chooses how GPU frames reach the screen (`?display=readback` in the page's URL).
 */
export async function createBackend(
  onLost: () => void,
  display: 'webgpu' | 'readback' = 'webgpu',
  /** Extra adapter requests, with growing pauses: after a loss the browser may need a moment. */
  retries = 0,
): Promise<BackendChoice> {
  const cpu = (why: string): BackendChoice => ({
    backend: new CpuBackend(),
    note: `${why} The lab runs the float64 CPU engine in a Web Worker instead: same outcomes, much slower, so keep grids small.`,
  });
  if (!('gpu' in navigator) || !navigator.gpu) return cpu('This browser has no WebGPU.');
  let adapter: GPUAdapter | null;
  for (let attempt = 0; ; attempt++) {
    try {
      adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    } catch {
      adapter = null;
    }
    if (adapter || attempt >= retries) break;
    await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
  }
  if (!adapter) return cpu('WebGPU is present but no GPU adapter is available.');
  try {
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    let lost = false;
    const { GpuBackend } = await import('./gpu-backend.ts');
    const backend = await GpuBackend.create(device, display, adapter, describe(adapter), () => {
      if (!lost) {
        lost = true;
        onLost();
      }
    });
    return { backend, note: null };
  } catch (e) {
    return cpu(`The GPU device could not be created (${(e as Error).message}).`);
  }
}
