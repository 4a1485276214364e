/**
 * Messages between the lab and the CPU engine's Web Worker. Columns travel back as transferred
 * ArrayBuffers, so a 512² map costs no copy.
 */
import type { RecordColumns } from '../../core/outcome.ts';
import type { SpecRunError, SpecRunProgress, SpecRunRequest } from '../shared/spec-worker.ts';

export type WorkerRequest = SpecRunRequest;

export type WorkerReply =
  | SpecRunProgress
  | { type: 'result'; id: number; columns: RecordColumns; ms: number; steps: number }
  | SpecRunError;

/** The transferable buffers of a set of columns. */
export function columnBuffers(c: RecordColumns): ArrayBuffer[] {
  return [c.outcome, c.iter, c.period, c.lyapunov, c.f, c.sharpness, c.obs0, c.obs1, c.final0, c.final1].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
