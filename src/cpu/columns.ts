/** Record columns on SharedArrayBuffers, which workers fill in place. */
import type { RecordColumns } from '../core/outcome.ts';

/** Whether memory can be shared with workers here (Node; a page only when cross-origin isolated). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; window?: unknown; WorkerGlobalScope?: unknown };
  // Browsers expose SharedArrayBuffer only to isolated pages, but say so explicitly.
  if (g.window !== undefined || g.WorkerGlobalScope !== undefined) return g.crossOriginIsolated === true;
  return true;
}

/** float64 columns of a W×H grid whose buffers are shared. */
export function allocSharedColumns(width: number, height: number): RecordColumns {
  const n = width * height;
  const f64 = () => new Float64Array(new SharedArrayBuffer(8 * n));
  return {
    width,
    height,
    outcome: new Uint8Array(new SharedArrayBuffer(n)),
    iter: new Uint32Array(new SharedArrayBuffer(4 * n)),
    period: new Uint32Array(new SharedArrayBuffer(4 * n)),
    lyapunov: f64(),
    f: f64(),
    sharpness: f64(),
    obs0: f64(),
    obs1: f64(),
    final0: f64(),
    final1: f64(),
  };
}

/** Copies `band` (columns of `count` pixels) into `into` from pixel `first` on. */
export function copyBand(band: RecordColumns, into: RecordColumns, first: number): void {
  for (const key of [
    'outcome',
    'iter',
    'period',
    'lyapunov',
    'f',
    'sharpness',
    'obs0',
    'obs1',
    'final0',
    'final1',
  ] as const)
    (into[key] as Float64Array).set(band[key] as Float64Array, first);
}
