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
