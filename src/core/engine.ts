/**
 * What every engine (WGSL on a GPUDevice, or the float64 CPU reference) offers the UI and the CLI.
 */
import type { RecordColumns } from './outcome.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';

/** Which engine produced a picture, and in what precision: stated beside every result. */
export interface EngineInfo {
  kind: 'gpu' | 'cpu';
  precision: 'f32' | 'f64';
  /** Adapter description (vendor, architecture, device) or 'cpu'. */
  adapter: string;
}

export interface RunOptions {
  /** Aborting cancels the run between dispatches; the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called after each chunk with completed and total work units. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Rows start … end-1 of the spec's grid only (row 0 at the bottom), each pixel computed exactly as
   * in a run of the whole grid: the columns are then W × (end - start), their row 0 being row `start`.
   * A band of a map is not a smaller spec (pixel centres depend on H), so pieces of a map run as
   * separate jobs (gdlab basin --tile) ask the engine for their rows.
   */
  rows?: { start: number; end: number };
}

/** The rows [start, end) a run covers: `rows` checked against the grid's height, or all of them. */
export function runRows(rows: RunOptions['rows'], height: number): [number, number] {
  if (!rows) return [0, height];
  const { start, end } = rows;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > height || start >= end)
    throw new RangeError(`rows ${start} … ${end - 1} are not a band of a ${height}-row grid`);
  return [start, end];
}

export interface BasinResult {
  spec: ExperimentSpec;
  info: EngineInfo;
  columns: RecordColumns;
  /** Wall time of the run in milliseconds. */
  ms: number;
  /** GD steps taken in all (escaped trajectories stop counting at their escape). */
  steps: number;
  /** What the engine had to do to fit the device (tiling), for the UI and the CLI to show. */
  notes?: string[];
}

export interface BasinEngine {
  readonly info: EngineInfo;
  runBasin(spec: ExperimentSpec, options?: RunOptions): Promise<BasinResult>;
  dispose(): void;
}
