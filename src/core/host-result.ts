/**
 * The BasinResult of an engine whose records live in host memory (the float64 reference): the same
 * handle as the GPU engine's, answered from the columns it already has.
 */
import { colourPixels, fieldRanges, resolveColour } from '../colormaps.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import type { BasinResult, ColourSpec, EngineInfo, FieldRanges } from './engine.ts';
import {
  countOutcomes,
  Outcome,
  type OutcomeCounts,
  type RecordColumns,
  type TrajectoryRecord,
} from './outcome.ts';

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
