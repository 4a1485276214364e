/**
 * What every engine (WGSL on a GPUDevice, or the float64 CPU reference) offers the UI and the CLI.
 *
 * A basin run returns statistics and a handle, not the records: the GPU engine keeps them in GPU
 * memory, where the picture is coloured, and reads back only what a caller asks for (one record under
 * the pointer, an image for a PNG, every column for a test or an export). The float64 engine
 * implements the same handle over its host arrays (src/core/host-result.ts).
 */
import type { OutcomeCounts, RecordColumns, TrajectoryRecord } from './records.ts';
import type { ColourField, ExperimentSpec } from '../experiment/spec.ts';

/** Which engine produced a picture, and in what precision: stated beside every result. */
export interface EngineInfo {
  kind: 'gpu' | 'cpu';
  precision: 'f32' | 'f64';
  /** Adapter description (vendor, architecture, device) or 'cpu'. */
  adapter: string;
  /**
   * float32 on a GPU: whether the device flushes subnormal numbers (below 1.18e-38) to zero, as WGSL
   * allows, or keeps them; absent where not probed (and for float64, which keeps them).
   */
  subnormals?: 'flushed' | 'kept';
}

/**
 * The precision of `info` in words: 'float64', 'float32', or 'float32, subnormals flushed to zero'
 * where the device flushes them (orbits that pass below 1.18e-38 then end at 0: subnormals.ts).
 */
export function precisionWords(info: Pick<EngineInfo, 'precision' | 'subnormals'>): string {
  if (info.precision === 'f64') return 'float64';
  return info.subnormals === 'flushed' ? 'float32, subnormals flushed to zero' : 'float32';
}

/** The same in the short words of a summary line: 'f64', 'f32' or 'f32, subnormals flushed to zero'. */
export function precisionTag(info: Pick<EngineInfo, 'precision' | 'subnormals'>): string {
  return info.subnormals === 'flushed' ? `${info.precision}, subnormals flushed to zero` : info.precision;
}

/**
 * A basin run of at most this many GD steps (pixels × iterations) runs on the calling thread in the
 * parallel float64 engine, where starting workers costs more than it saves; an estimate of that
 * engine's time (src/select) counts one thread for it.
 */
export const IN_PROCESS_STEPS = 2e7;

export interface RunOptions {
  /** Aborting cancels the run between submits; the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called as work completes, with completed and total work units. */
  onProgress?: (done: number, total: number) => void;
  /**
   * 'keep' (the default): every record is kept for pictures of any field and for reading.
   * 'outcome': the caller pictures the map by outcome and reads single records, so an engine may keep
   * only what that picture needs (the GPU engine: a summary word per pixel, and λ with the exponent)
   * and compute records again when a field's picture or a record is asked for.
   * 'none': the caller reads only counts and steps, so an engine may skip writing records (reading
   * them from the result then recomputes them).
   */
  records?: 'keep' | 'outcome' | 'none';
  /**
   * Rows start … end-1 of the spec's grid only (row 0 at the bottom), each pixel computed exactly as
   * in a run of the whole grid: the result is then W × (end - start), its row 0 being row `start`.
   * A band of a map is not a smaller spec (pixel centres depend on H), so pieces of a map run as
   * separate jobs (gdlab basin --tile) ask the engine for their rows.
   */
  rows?: { start: number; end: number };
  /** Count the diverged pixels of every column (BasinResult.columnDiverged): a profile along u. */
  columns?: boolean;
}

/** The rows [start, end) a run covers: `rows` checked against the grid's height, or all of them. */
export function runRows(rows: RunOptions['rows'], height: number): [number, number] {
  if (!rows) return [0, height];
  const { start, end } = rows;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > height || start >= end)
    throw new RangeError(`rows ${start} … ${end - 1} are not a band of a ${height}-row grid`);
  return [start, end];
}

/**
 * The finite values a continuous colour field takes over a result: least, largest and least
 * positive (what a log scale starts from). NaN where there is none. Pixels whose outcome is escaping
 * count only where no other pixel gives the field a value: x²/2 just past h = 2 is still bounded after
 * 500 steps at |x| ~ 10⁴, and would otherwise turn a map coloured by its final x into one colour.
 */
export interface FieldRange {
  min: number;
  max: number;
  minPositive: number;
}

export type FieldRanges = Partial<Record<ColourField, FieldRange>>;

/** How a picture is coloured: a spec's colour settings (range null: the field's own range). */
export type ColourSpec = ExperimentSpec['colour'];

/**
 * What a run to be pictured in `colour` asks to keep (RunOptions.records): by outcome the summary
 * words suffice; a field needs its records.
 */
export function recordsFor(colour: ColourSpec): 'outcome' | 'keep' {
  return colour.field === 'outcome' ? 'outcome' : 'keep';
}

/** Where the time of a run went, in ms (each part as seen from the host). */
export interface RunTimings {
  /** Planning, encoding and the parsing of what came back. */
  host: number;
  /** GD dispatches until their last completion (the counts are reduced inside them). */
  compute: number;
  /** Passes that reduce the records after the GD (the counts); 0 when fused into compute. */
  reduce: number;
  /** Mapping the statistics back. */
  readback: number;
}

export interface BasinResult {
  spec: ExperimentSpec;
  info: EngineInfo;
  width: number;
  height: number;
  /** Outcome counts over the grid. */
  counts: OutcomeCounts;
  /** GD steps taken in all (escaped trajectories stop counting at their escape). */
  steps: number;
  /**
   * Diverged pixels per column (index i of W), when the run was asked for them (RunOptions.columns):
   * counted where the records are, so that a divergence profile reads back W numbers, not W × H records.
   */
  columnDiverged?: Uint32Array;
  /**
   * Value ranges of the continuous colour fields, where known: null on the GPU until ensureRanges has
   * reduced them (a map coloured by outcome, or over a fixed range, never needs them).
   */
  readonly ranges: FieldRanges | null;
  /** The value ranges, computed where they are not yet (a reduction over the records on the GPU). */
  ensureRanges(): Promise<FieldRanges>;
  /** Wall time of the run in milliseconds: everything runBasin's caller waited for. */
  ms: number;
  timings?: RunTimings;
  /** What the engine had to do to fit the device (tiling), for the UI and the CLI to show. */
  notes?: string[];
  /** The record of pixel j·W + i. */
  readRecord(index: number): Promise<TrajectoryRecord>;
  /** Every record as columns (tests and exports that truly need them). */
  readAll(): Promise<RecordColumns>;
  /** The grid coloured as colourPixels (src/colormaps.ts) colours it: RGBA, image order unless flip is false. */
  readImage(colour: ColourSpec, options?: { flip?: boolean }): Promise<Uint8ClampedArray>;
  /** Releases what the result holds (GPU memory); it must not be read afterwards. */
  dispose(): void;
}

export interface BasinEngine {
  readonly info: EngineInfo;
  runBasin(spec: ExperimentSpec, options?: RunOptions): Promise<BasinResult>;
  dispose(): void;
}
