/**
 * What the lab needs from an engine, on top of BasinEngine: a computed map kept where it lives
 * (GPU memory for the GPU engine), drawn into a canvas, and read back as pixels only for export.
 * Two implementations: GpuBackend (WebGPU, colour pass straight into the canvas) and CpuBackend
 * (float64 engine in a Web Worker, coloured on the CPU with the same mapping).
 */
import type { EngineInfo, FieldRanges, RunOptions } from '../../core/engine.ts';
import type { OutcomeCounts, TrajectoryRecord } from '../../core/records.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';

/**
 * One computed map: the spec it was computed for, its counts and value ranges, and its records
 * wherever the backend keeps them (GPU memory for the GPU backend), read one at a time.
 */
export interface MapFrame {
  spec: ExperimentSpec;
  info: EngineInfo;
  width: number;
  height: number;
  counts: OutcomeCounts;
  /** Value ranges of the continuous colour fields (the colorbar's); null until known (ensureRanges). */
  readonly ranges: FieldRanges | null;
  /** Computes the ranges where they are not known yet; `ranges` holds them afterwards. */
  ensureRanges(): Promise<FieldRanges>;
  ms: number;
  steps: number;
  /** True for the coarse preview of progressive rendering. */
  coarse: boolean;
  /** The record of pixel j·W + i (the hover readout). */
  record(index: number): Promise<TrajectoryRecord>;
  /** Backend-private resources (the GPU result and pixel buffer); released with LabBackend.release. */
  handle?: unknown;
}

/** The colour settings of a spec: recolouring never reruns GD. */
export type ColourSettings = ExperimentSpec['colour'];

/** RGBA pixels, top row first (the order of PNG and ImageData). */
export interface Pixels {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export interface LabBackend {
  readonly info: EngineInfo;
  /** How frames reach the canvas; a canvas is bound to one kind of context for good. */
  readonly display: 'webgpu' | 'readback' | 'cpu';
  /** Computes a map; rejects with an AbortError when the signal fires. */
  run(spec: ExperimentSpec, options?: RunOptions & { coarse?: boolean }): Promise<MapFrame>;
  /** Draws the frame, coloured, into the canvas (sized to the frame by the caller). */
  present(canvas: HTMLCanvasElement, frame: MapFrame, colour: ColourSettings): void;
  /** The coloured frame as pixels, for export and tests. */
  pixels(frame: MapFrame, colour: ColourSettings): Promise<Pixels>;
  /** Frees what the frame holds on the device; the frame must not be drawn afterwards. */
  release(frame: MapFrame): void;
  dispose(): void;
}

/** A DOMException named AbortError, the way fetch and AbortSignal report cancellation. */
export function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
}

/** Converts the plane's bottom-up rows (row 0 = v.min) into top-down RGBA rows. */
export function flipRows(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  const row = width * 4;
  for (let j = 0; j < height; j++) out.set(rgba.subarray(j * row, (j + 1) * row), (height - 1 - j) * row);
  return out;
}

/**
 * Nearest-neighbour resampling of W×H packed RGBA to w×h: each target pixel takes the source pixel
 * under its centre, so the picture covers the same window (a blit maps any size onto the view). Rows
 * keep their order. The lab draws a grid too large for one storage binding from such a picture, at
 * most DISPLAY_SIDE a side: more than a screen shows.
 */
export function resampleNearest(
  rgba: Uint8Array | Uint8ClampedArray,
  W: number,
  H: number,
  w: number,
  h: number,
): Uint8Array {
  const bytes = rgba.byteOffset % 4 ? rgba.slice() : rgba;
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, W * H);
  const out = new Uint32Array(w * h);
  const cols = new Uint32Array(w);
  for (let c = 0; c < w; c++) cols[c] = Math.min(W - 1, Math.floor(((c + 0.5) * W) / w));
  for (let r = 0; r < h; r++) {
    const row = Math.min(H - 1, Math.floor(((r + 0.5) * H) / h)) * W;
    for (let c = 0; c < w; c++) out[r * w + c] = src[row + cols[c]];
  }
  return new Uint8Array(out.buffer);
}

/** The longest side of a picture the lab draws a large grid from (resampleNearest). */
export const DISPLAY_SIDE = 4096;

/** The size a W×H grid is drawn at: at most `side` a side, at the grid's aspect ratio. */
export function displaySize(W: number, H: number, side = DISPLAY_SIDE): [number, number] {
  const f = Math.max(1, Math.ceil(Math.max(W, H) / side));
  return [Math.ceil(W / f), Math.ceil(H / f)];
}
