/**
 * Messages between the bifurcation view and its CPU Web Worker. A BifurcationResult is typed arrays
 * and plain objects, so it crosses by structured clone; its big arrays are transferred.
 */
import type { BifurcationResult } from '../../core/ensemble.ts';
import type { SpecRunError, SpecRunProgress, SpecRunRequest } from '../shared/spec-worker.ts';

export type EnsembleRequest = SpecRunRequest;

export type EnsembleReply =
  SpecRunProgress | { type: 'result'; id: number; result: BifurcationResult } | SpecRunError;

/** The transferable buffers of a result (the counts and the per-column statistics). */
export function resultBuffers(r: BifurcationResult): ArrayBuffer[] {
  const s = r.stats;
  return [r.density, r.outside, s.diverged, s.bounded, s.lyapunov, s.min, s.max].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
