/**
 * Messages between the CPU engines and their workers (worker_threads in Node, Web Workers in a
 * page). A job is a range of a run's work: pixels of a basin map, or columns of an ensemble. Results
 * come back in shared memory where the run has it (SharedArrayBuffer: Node, cross-origin isolated
 * pages), else as transferred buffers.
 */
import type { RecordColumns } from '../core/records.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import type { EnsembleJob, EnsembleJobResult } from './ensemble-job.ts';
import type { AttractorJob, AttractorJobResult } from './attractor-job.ts';

/** Pixels first … end - 1 of a basin map. */
export interface BasinJob {
  type: 'basin';
  spec: ExperimentSpec;
  first: number;
  end: number;
  /** The run's columns on SharedArrayBuffers, written in place; null: reply with the band's. */
  shared: RecordColumns | null;
  /** The pixel the shared columns start at (a run of some rows only: RunOptions.rows). */
  offset: number;
}

export type JobRequest = {
  id: number;
  job: BasinJob | EnsembleJob | AttractorJob;
  cancel: Int32Array | null;
};

export type JobReply =
  | { id: number; type: 'basin'; steps: number; columns: RecordColumns | null }
  | { id: number; type: 'ensemble'; result: EnsembleJobResult }
  | { id: number; type: 'attractor'; result: AttractorJobResult }
  | { id: number; type: 'error'; name: string; message: string };

/** The transferable buffers of columns that are not shared. */
export function columnBuffers(c: RecordColumns): ArrayBuffer[] {
  return [c.outcome, c.iter, c.period, c.lyapunov, c.f, c.sharpness, c.obs0, c.obs1, c.final0, c.final1].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
