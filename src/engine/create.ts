/**
 * Engine selection for Node (the CLI, the benchmark, scripts): a GPU engine on Dawn's device when an
 * adapter exists, else the float64 CPU reference with a warning. The browser builds its engine from
 * navigator.gpu the same way, without this module (it imports node-gpu.ts).
 */
import { compileObjective } from '../objective/compile.ts';
import { CpuBasinEngine } from '../reference/grid.ts';
import { attachErrorSink, type DeviceProblem } from './errors.ts';
import { GpuBasinEngine, type GpuEngineOptions } from './gpu-engine.ts';
import { requestNodeDevice } from './node-gpu.ts';
import type { BasinEngine } from '../core/engine.ts';

export interface CreateEngineOptions {
  prefer: 'gpu' | 'cpu';
  /** Where warnings go (no adapter, device problems); default: stderr. */
  warn?: (message: string) => void;
  /** Tunables of the GPU engine. */
  gpu?: GpuEngineOptions;
  /** Device limits to request (tests lower maxStorageBufferBindingSize to force tiling). */
  limits?: Record<string, number>;
}

/** An engine and what releases it (the device, for a GPU engine). */
export interface CreatedEngine {
  engine: BasinEngine;
  /** Whether the GPU was asked for but the CPU engine runs instead. */
  fellBack: boolean;
  dispose(): void;
}

/**
 * Creates the preferred engine. `prefer: 'gpu'` without an adapter gives the CPU reference and a
 * warning; the result says so in `fellBack` and in the engine's info.
 */
export async function createEngine(options: CreateEngineOptions): Promise<CreatedEngine> {
  const warn = options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  if (options.prefer === 'gpu') {
    const gpu = await requestNodeDevice(options.limits);
    if (gpu) {
      const detach = attachErrorSink(gpu.device, (p: DeviceProblem) => {
        if (p.reason !== 'destroyed')
          warn(`WebGPU ${p.kind === 'lost' ? 'device lost' : 'error'}: ${p.message}`);
      });
      const engine = new GpuBasinEngine(gpu.device, compileObjective, {
        adapterName: gpu.adapterName,
        ...options.gpu,
      });
      return {
        engine,
        fellBack: false,
        dispose() {
          engine.dispose();
          detach();
          gpu.device.destroy();
        },
      };
    }
    warn('no WebGPU adapter found; running the float64 CPU reference engine instead (much slower)');
  }
  const engine = new CpuBasinEngine(compileObjective);
  return { engine, fellBack: options.prefer === 'gpu', dispose: () => engine.dispose() };
}
