/**
 * Messages between the bifurcation view and its CPU Web Worker. A BifurcationResult is typed arrays
 * and plain objects, so it crosses by structured clone; its big arrays are transferred.
 */
import type { BifurcationResult } from '../../engine/bifurcation-common.ts';
import type { ExperimentSpec } from '../../spec/spec.ts';

export type EnsembleRequest =
  { type: 'run'; id: number; spec: ExperimentSpec } | { type: 'cancel'; id: number };

export type EnsembleReply =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'result'; id: number; result: BifurcationResult }
  | { type: 'error'; id: number; name: string; message: string };

/** The transferable buffers of a result (the counts and the per-column statistics). */
export function resultBuffers(r: BifurcationResult): ArrayBuffer[] {
  const s = r.stats;
  return [r.density, r.outside, s.diverged, s.bounded, s.lyapunov, s.min, s.max].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
