/**
 * The BasinResult of an engine whose records live in host memory (the float64 reference): the same
 * handle as the GPU engine's, answered from the columns it already has.
 */
import { colourPixels, fieldRanges, resolveColour } from '../colormaps.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import type { BasinResult, ColourSpec, EngineInfo, FieldRanges } from './engine.ts';
import { Outcome } from './outcome.ts';
import {
  allocColumns,
  countOutcomes,
  type OutcomeCounts,
  type RecordColumns,
  type TrajectoryRecord,
} from './records.ts';

/**
 * Most bytes of float64 records a CPU engine holds for one run. The spec allows 16384² pixels, which
 * the GPU engine can run (it keeps records within its own budget); on the CPU, at 65 bytes a pixel,
 * that was 16 GiB allocated at once, failing as an internal error or ending the process.
 */
export const MAX_CPU_RECORD_BYTES = 4 * 2 ** 30;

/** Bytes of one pixel's float64 record columns (allocColumns): outcome u8, iter and period u32, seven f64. */
export const CPU_RECORD_BYTES = 1 + 4 + 4 + 7 * 8;

/**
 * A run a CPU engine refuses because its records would not fit in memory: the spec is valid (the GPU
 * engine, or the same grid in pieces, runs it), the engine's budget or this machine too small. Worded
 * as the GPU engine's refusal (GpuError 'out-of-memory', src/engine/shader.ts): what was being done,
 * then the bytes asked for and what to do instead.
 */
export class CpuMemoryError extends Error {
  override name = 'CpuMemoryError';
  constructor(
    /** Bytes the refused allocation asked for. */
    readonly bytes: number,
    detail: string,
  ) {
    super(`out-of-memory error while allocating the CPU engine's records: ${detail}`);
  }
}

/**
 * The float64 columns of `rows` rows of a `width`-wide map (allocColumns), or a CpuMemoryError naming
 * the size and the memory it needs: above MAX_CPU_RECORD_BYTES, or more than this machine can allocate.
 */
export function allocCpuColumns(width: number, rows: number, shared = false): RecordColumns {
  const bytes = width * rows * CPU_RECORD_BYTES;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  const refuse = (why: string) =>
    new CpuMemoryError(
      bytes,
      `${width} × ${rows} pixels need ${gib(bytes)} GiB of float64 records, ${why}; ` +
        'use the GPU engine or a smaller grid, or render it in pieces (gdlab basin --tile)',
    );
  if (bytes > MAX_CPU_RECORD_BYTES) throw refuse(`more than its ${gib(MAX_CPU_RECORD_BYTES)} GiB`);
  try {
    return allocColumns(width, rows, 'f64', shared);
  } catch (e) {
    if (e instanceof RangeError) throw refuse('more than this machine could allocate');
    throw e;
  }
}

/** A record out of columns. */
export function columnRecord(c: RecordColumns, k: number): TrajectoryRecord {
  if (!(k >= 0 && k < c.outcome.length))
    throw new RangeError(`no pixel ${k} in a ${c.width}×${c.height} grid`);
  return {
    outcome: c.outcome[k] as TrajectoryRecord['outcome'],
    iter: c.iter[k],
    period: c.period[k],
    lyapunov: c.lyapunov[k],
    f: c.f[k],
    sharpness: c.sharpness[k],
    obs0: c.obs0[k],
    obs1: c.obs1[k],
    final0: c.final0[k],
    final1: c.final1[k],
  };
}

export class HostBasinResult implements BasinResult {
  readonly width: number;
  readonly height: number;
  readonly counts: OutcomeCounts;
  private rangesCache: FieldRanges | null = null;

  constructor(
    readonly spec: ExperimentSpec,
    readonly info: EngineInfo,
    /** The records; owned by the result. */
    readonly columns: RecordColumns,
    readonly ms: number,
    readonly steps: number,
    readonly notes?: string[],
  ) {
    this.width = columns.width;
    this.height = columns.height;
    this.counts = countOutcomes(columns);
  }

  /** Diverged pixels per column, from the records at hand. */
  get columnDiverged(): Uint32Array {
    const { width: W, height: H, outcome } = this.columns;
    const out = new Uint32Array(W);
    for (let j = 0; j < H; j++)
      for (let i = 0; i < W; i++) if (outcome[j * W + i] === Outcome.DIVERGED) out[i]++;
    return out;
  }

  /** Computed on first use: a scan of every column, which a caller colouring by outcome never needs. */
  get ranges(): FieldRanges {
    return (this.rangesCache ??= fieldRanges(this.columns));
  }

  async ensureRanges(): Promise<FieldRanges> {
    return this.ranges;
  }

  async readRecord(index: number): Promise<TrajectoryRecord> {
    return columnRecord(this.columns, index);
  }

  async readAll(): Promise<RecordColumns> {
    return this.columns;
  }

  async readImage(colour: ColourSpec, options: { flip?: boolean } = {}): Promise<Uint8ClampedArray> {
    const spec = { ...this.spec, colour };
    const settings = resolveColour(spec, colour.field === 'outcome' ? null : this.ranges);
    return colourPixels(this.columns, settings, options.flip ?? true);
  }

  dispose(): void {}
}
