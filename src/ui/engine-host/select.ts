/**
 * Chooses the lab's engine as the CLI does (src/select/decide.ts): `?engine=auto` (the default) takes
 * a hardware WebGPU adapter, weighs a software one (SwiftShader, llvmpipe, a fallback adapter)
 * against the float64 CPU engine on the page's Web Workers for the spec the lab opens with, and
 * falls back to the CPU engine without an adapter; `?engine=gpu` and `?engine=cpu` force one. The
 * reason is shown in the status line; a plain sentence says when the lab is not on the GPU.
 */
import { timingFeatures } from '../../engine/gpu-timer.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { estimateCost } from '../../select/cost.ts';
import { softwareRasteriser } from '../../engine/adapter-kind.ts';
import { decide, ENGINE_CHOICES, type EngineChoice } from '../../select/decide.ts';
import { compileSpec } from '../shared/objective.ts';
import type { LabBackend } from './backend.ts';
import { CpuBackend } from './cpu-backend.ts';

export interface BackendChoice {
  backend: LabBackend;
  /** Shown to the user when the lab is not running on the GPU; null on the GPU. */
  note: string | null;
  /** Why this engine runs (the status line shows it). */
  reason: string;
}

/** The `engine` parameter of the page's address: auto, gpu or cpu (auto when absent or unknown). */
export function engineChoice(search: string): EngineChoice {
  const v = new URLSearchParams(search).get('engine');
  return ENGINE_CHOICES.includes(v as EngineChoice) ? (v as EngineChoice) : 'auto';
}

function describe(adapter: GPUAdapter): string {
  const i = adapter.info;
  return (
    [i.vendor, i.architecture, i.device, i.description].filter((s) => s && s.length).join(' ') || 'WebGPU'
  );
}

async function requestAdapter(retries: number): Promise<GPUAdapter | null> {
  if (!('gpu' in navigator) || !navigator.gpu) return null;
  for (let attempt = 0; ; attempt++) {
    let adapter: GPUAdapter | null;
    try {
      adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    } catch {
      adapter = null;
    }
    if (adapter || attempt >= retries) return adapter;
    await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
  }
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
  choice: EngineChoice = 'auto',
  /**
   * The spec auto estimates both engines for, read when it does: after the adapter request, by which
   * time the lab has opened the experiment of its link (its controllers connect after this one's).
   */
  spec?: () => ExperimentSpec,
): Promise<BackendChoice> {
  const threads = Math.max(1, navigator.hardwareConcurrency || 1);
  const cpu = (reason: string, why: string | null): BackendChoice => ({
    backend: new CpuBackend(),
    note: why
      ? `${why} The lab runs the float64 CPU engine on ${threads} Web Worker${threads > 1 ? 's' : ''} instead: same outcomes, in double precision.`
      : null,
    reason,
  });
  const forced = `engine=${choice} in the address`;
  const adapter = choice === 'cpu' ? null : await requestAdapter(retries);
  const decision = decide(
    choice,
    adapter ? { name: describe(adapter), software: softwareRasteriser(adapter.info) } : null,
    () => {
      const s = spec?.();
      if (!s) return { cpuMs: 1, adapterMs: 1, threads };
      return estimateCost(compileSpec(s).graph!, s, threads);
    },
    forced,
    // Chosen once per page: later experiments run on the same engine.
    'the experiment the lab opened with',
  );
  if (decision.kind === 'cpu') {
    if (choice === 'cpu' || adapter) return cpu(decision.reason, null);
    const why =
      'gpu' in navigator && navigator.gpu
        ? 'WebGPU is present but no GPU adapter is available.'
        : 'This browser has no WebGPU.';
    return cpu(decision.reason, why);
  }
  try {
    const device = await adapter!.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter!.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter!.limits.maxBufferSize,
      },
      // Each submit timed on the device's clock where the browser allows it (gpu-timer.ts).
      requiredFeatures: timingFeatures(adapter!, softwareRasteriser(adapter!.info) !== null),
    });
    let lost = false;
    const { GpuBackend } = await import('./gpu-backend.ts');
    const backend = await GpuBackend.create(device, display, adapter!, describe(adapter!), () => {
      if (!lost) {
        lost = true;
        onLost();
      }
    });
    return { backend, note: null, reason: decision.reason };
  } catch (e) {
    const why = `The GPU device could not be created (${(e as Error).message}).`;
    return cpu(`${decision.reason}; the device could not be created, so the float64 CPU engine`, why);
  }
}
