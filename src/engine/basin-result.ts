/**
 * The GPU engine's BasinResult: statistics on the host, records in GPU memory (one buffer per tile),
 * and everything else read on request: one record (hover, click), the coloured image (a PNG, a 2D
 * canvas), all columns (tests, exports), or the colours written into a GPU buffer for the lab's
 * canvas. A result whose records were not kept (a grid above the memory budget, a run for a picture by
 * outcome, or a statistics-only run) recomputes them when asked: the kernel's records do not depend on
 * how a run is cut, so they are bit for bit the ones the run had. A picture by outcome needs only the
 * summary words (and λ beside them), which such a run keeps where it can.
 */
import { needsDataRange, resolveColourRange, transformedRange } from '../colormaps.ts';
import type { BasinResult, ColourSpec, EngineInfo, FieldRanges, RunTimings } from '../core/engine.ts';
import {
  allocColumns,
  parseRecords,
  RECORD_BYTES,
  type OutcomeCounts,
  type RecordColumns,
  type TrajectoryRecord,
} from '../core/records.ts';
import { columnRecord } from '../core/host-result.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import type { RunContext } from './basin-run.ts';
import { colourUniforms, type ColourPass } from './colour-pass.ts';
import { reduceUniforms, type ReduceKind, type ReducePass } from './reduce-pass.ts';
import type { GpuBasinEngine } from './gpu-engine.ts';
import type { Tile } from './dispatch-plan.ts';
import { STATS_BYTES } from './layouts.ts';
import { ResultRecords } from './result-records.ts';
import { parseRanges } from './stats.ts';

/** A run's summary words per tile, and λ beside them (with the exponent), kept for pictures by outcome. */
export interface KeptWords {
  summary: GPUBuffer[];
  lyap: GPUBuffer[] | null;
}

/** Where the colour pass reads one tile: its records, or its summary words and λ (outcome colours). */
type ColourSource = { records: GPUBuffer } | { words: GPUBuffer; lyap: GPUBuffer | null };

/**
 * Reduction passes over tiles (records, or summary words for 'packed-counts') into `stats` (and, given
 * `columns` and the grid's width, diverged pixels per column), in one compute pass of `encoder`; the
 * uniform slots are written now, so submit before yielding.
 */
export function encodeReduce(
  engine: GpuBasinEngine,
  reduce: ReducePass,
  kinds: readonly ReduceKind[],
  tiles: readonly { tile: Tile; buffer: GPUBuffer }[],
  stats: GPUBuffer,
  encoder: GPUCommandEncoder,
  columns?: { buffer: GPUBuffer; width: number },
): void {
  const res = engine.resources;
  const offsets = res.writeAuxSlots(
    tiles.map(({ tile }) => reduceUniforms(tile.count, tile.p0, columns?.width ?? 1)),
  );
  const pass = encoder.beginComputePass({ label: 'ReducePass' });
  // Without columns the binding is never written; any storage buffer stands in.
  const columnBuffer = columns?.buffer ?? res.dummySummary;
  tiles.forEach(({ tile, buffer }, i) => {
    const bind = reduce.bind({ uniforms: res.auxSlots, records: buffer, stats, columns: columnBuffer });
    for (const kind of kinds) reduce.encode(pass, kind, bind, offsets[i], tile.count, !!columns);
  });
  pass.end();
}

export class GpuBasinResult implements BasinResult {
  readonly spec: ExperimentSpec;
  readonly info: EngineInfo;
  readonly width: number;
  readonly height: number;
  readonly counts: OutcomeCounts;
  readonly steps: number;
  readonly columnDiverged?: Uint32Array;
  ranges: FieldRanges | null;
  /** The range reduction in flight (ensureRanges), shared by concurrent callers. */
  private rangesPending: Promise<FieldRanges> | null = null;
  ms = 0;
  timings?: RunTimings;
  readonly notes?: string[];
  /**
   * Records per tile in GPU memory (the WGSL Record layout); null when not kept (yet: a picture of a
   * field computes and keeps them where the memory budget allows).
   */
  get records(): GPUBuffer[] | null {
    return this.recordStore.buffers;
  }
  private readonly recordStore: ResultRecords;
  /** Summary words per tile (and λ), kept where records were not: enough for the outcome colours. */
  readonly words: KeptWords | null;
  /** The run's statistics on the GPU: the colour pass reads its automatic range from here. */
  readonly stats: GPUBuffer;
  private disposed = false;

  constructor(
    private readonly engine: GpuBasinEngine,
    /** How the records were made: what recomputing them needs. */
    readonly context: RunContext,
    r: {
      spec: ExperimentSpec;
      counts: OutcomeCounts;
      steps: number;
      ranges: FieldRanges | null;
      records: GPUBuffer[] | null;
      words?: KeptWords | null;
      stats: GPUBuffer;
      notes: string[];
      columnDiverged?: Uint32Array;
    },
  ) {
    this.spec = r.spec;
    this.info = engine.info;
    this.width = context.width;
    this.height = context.height;
    this.counts = r.counts;
    this.steps = r.steps;
    this.ranges = r.ranges;
    this.recordStore = new ResultRecords(engine, context, r.records);
    this.words = r.words ?? null;
    this.stats = r.stats;
    if (r.notes.length) this.notes = r.notes;
    if (r.columnDiverged) this.columnDiverged = r.columnDiverged;
  }

  private get device(): GPUDevice {
    return this.engine.device;
  }

  private check(): void {
    if (this.disposed) throw new Error('GpuBasinResult: read after dispose()');
    this.engine.throwIfLost('reading a result');
  }

  /**
   * The records per tile: the kept ones, or computed again and kept where they fit the memory budget
   * (a first picture of a field, ranges, an export); null where they do not (then each use recomputes
   * its tile).
   */
  ensureRecords(): Promise<GPUBuffer[] | null> {
    return this.recordStore.ensure();
  }

  private withRecords<T>(
    tiles: readonly number[],
    use: (tile: number, records: GPUBuffer) => Promise<T>,
  ): Promise<T[]> {
    return this.recordStore.withEach(tiles, use);
  }

  /**
   * Whether colourInto can colour by `colour`: by outcome from kept records or words, any field from
   * records kept or computed again within the memory budget.
   */
  colourable(colour: ColourSpec): boolean {
    return !!this.records || (colour.field === 'outcome' && !!this.words) || this.recordStore.fit();
  }

  /** Compiles the pipelines that compute records again, in the background (ResultRecords.prepare). */
  prepareRecords(): void {
    this.recordStore.prepare();
  }

  /** Copies `size` bytes at `offset` of `src` to the host. */
  private async read(src: GPUBuffer, offset: number, size: number): Promise<ArrayBuffer> {
    const staging = await this.engine.pool.acquire(
      'GpuBasinResult.readback',
      size,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      'allocating a readback',
    );
    try {
      const enc = this.device.createCommandEncoder({ label: 'GpuBasinResult.read' });
      enc.copyBufferToBuffer(src, offset, staging, 0, size);
      this.device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, size).catch((e) => this.engine.explain(e));
      const copy = staging.getMappedRange(0, size).slice(0);
      staging.unmap();
      return copy;
    } finally {
      this.engine.pool.release(staging);
    }
  }

  private tileOf(index: number): number {
    const t = this.context.tiles.findIndex((tile) => index >= tile.p0 && index < tile.p0 + tile.count);
    if (t < 0) throw new RangeError(`no pixel ${index} in a ${this.width}×${this.height} grid`);
    return t;
  }

  async readRecord(index: number): Promise<TrajectoryRecord> {
    this.check();
    const t = this.tileOf(index);
    let words: ArrayBuffer;
    if (this.records) {
      words = await this.read(
        this.records[t],
        (index - this.context.tiles[t].p0) * RECORD_BYTES,
        RECORD_BYTES,
      );
    } else {
      // One pixel computed again: a single invocation.
      words = await this.recordStore.readAgain({ p0: index, count: 1 });
    }
    const cols = allocColumns(1, 1, 'f32');
    parseRecords(words, cols);
    return columnRecord(cols, 0);
  }

  async readAll(): Promise<RecordColumns> {
    this.check();
    const cols = allocColumns(this.width, this.height, 'f32');
    const tiles = this.context.tiles;
    await this.withRecords(
      tiles.map((_, i) => i),
      async (t, records) =>
        parseRecords(
          await this.read(records, 0, tiles[t].count * RECORD_BYTES),
          cols,
          tiles[t].p0,
          tiles[t].count,
        ),
    );
    return cols;
  }

  /**
   * Fills in the ranges when they are missing: a range pass over each tile's records (recomputed
   * first where they were not kept). Concurrent callers share one pass.
   */
  ensureRanges(): Promise<FieldRanges> {
    if (this.ranges) return Promise.resolve(this.ranges);
    if (!this.rangesPending) {
      this.rangesPending = this.reduceRanges();
      this.rangesPending.catch(() => (this.rangesPending = null));
    }
    return this.rangesPending;
  }

  private async reduceRanges(): Promise<FieldRanges> {
    this.check();
    // The statistics' ranges are as initialStats left them: this pass is the only one that fills them.
    const reduce = await this.engine.reduce(['ranges']);
    await this.withRecords(
      this.context.tiles.map((_, i) => i),
      async (t, buffer) => {
        const enc = this.device.createCommandEncoder({ label: 'GpuBasinResult.ranges' });
        encodeReduce(
          this.engine,
          reduce,
          ['ranges'],
          [{ tile: this.context.tiles[t], buffer }],
          this.stats,
          enc,
        );
        this.device.queue.submit([enc.finish()]);
      },
    );
    this.ranges = parseRanges(new Uint32Array(await this.read(this.stats, 0, STATS_BYTES)));
    return this.ranges;
  }

  /** The range a colour spec maps (log-transformed), as the colour pass computes it; null for outcomes. */
  async colourRange(colour: ColourSpec): Promise<[number, number] | null> {
    if (colour.field === 'outcome') return null;
    return resolveColourRange(colour, transformedRange(colour) ? null : await this.ensureRanges());
  }

  /** The kept summary words when `colour` is drawn from them: by outcome, records not kept. */
  private wordsFor(colour: ColourSpec): KeptWords | null {
    return colour.field === 'outcome' && !this.records ? this.words : null;
  }

  /** The colour pass with the pipeline that colours by `colour` from `words` or from records. */
  private async colourPass(colour: ColourSpec, words: KeptWords | null): Promise<ColourPass> {
    const pass = await this.engine.colour();
    return words ? pass.prepareWords() : pass.prepare(colour);
  }

  /** Encodes the colour pass of one tile into `pixels` (the uniform slot `slot`, written now). */
  private encodeColour(
    colour: ColourPass,
    encoder: GPUCommandEncoder,
    spec: ColourSpec,
    t: number,
    src: ColourSource,
    pixels: GPUBuffer,
    out0: number,
    flip: boolean,
    slot: number,
  ): void {
    const tile = this.context.tiles[t];
    const words = 'words' in src ? src : null;
    const [offset] = this.engine.resources.writeAuxSlots(
      [
        colourUniforms(spec, this.spec.iterations, {
          width: this.width,
          height: this.height,
          p0: tile.p0,
          count: tile.count,
          out0,
          flip,
          lyapWords: !!words?.lyap,
        }),
      ],
      slot,
    );
    const bind = colour.bindColour({
      uniforms: this.engine.resources.auxSlots,
      records: words ? words.words : (src as { records: GPUBuffer }).records,
      lut: this.engine.lut(spec.colormap),
      palette: this.engine.palette(),
      pixels,
      stats: this.stats,
      lyap: words?.lyap ?? this.engine.resources.dummyLyap,
    });
    const pass = encoder.beginComputePass({ label: 'ColourPass.colour' });
    colour.encodeColour(pass, words ? 'words' : spec, bind, offset, tile.count);
    pass.end();
  }

  /** Calls `use` with each tile's colour source: its kept words for `words`, else its records. */
  private async withSources(
    words: KeptWords | null,
    use: (tile: number, src: ColourSource) => Promise<void>,
  ): Promise<void> {
    const tiles = this.context.tiles.map((_, i) => i);
    if (!words) {
      await this.withRecords(tiles, (t, records) => use(t, { records }));
      return;
    }
    for (const t of tiles) await use(t, { words: words.summary[t], lyap: words.lyap?.[t] ?? null });
  }

  /** Where tile t's band starts in the output, in pixels (image order when flipped). */
  private out0(t: number, flip: boolean): number {
    const tile = this.context.tiles[t];
    return flip ? this.width * this.height - tile.p0 - tile.count : tile.p0;
  }

  async readImage(colour: ColourSpec, options: { flip?: boolean } = {}): Promise<Uint8ClampedArray> {
    this.check();
    const flip = options.flip ?? true;
    const words = this.wordsFor(colour);
    const pass = await this.colourPass(colour, words);
    if (needsDataRange(colour)) await this.ensureRanges();
    const out = new Uint8ClampedArray(this.width * this.height * 4);
    await this.withSources(words, async (t, src) => {
      const tile = this.context.tiles[t];
      const pixels = await this.engine.pool.acquire(
        'GpuBasinResult.pixels',
        tile.count * 4,
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
        `colouring ${tile.count} pixels`,
      );
      try {
        const enc = this.device.createCommandEncoder({ label: 'GpuBasinResult.image' });
        const out0 = this.out0(t, flip);
        this.encodeColour(pass, enc, colour, t, src, pixels, out0, flip, 0);
        this.device.queue.submit([enc.finish()]);
        out.set(new Uint8Array(await this.read(pixels, 0, tile.count * 4)), out0 * 4);
      } finally {
        this.engine.pool.release(pixels);
      }
    });
    return out;
  }

  /**
   * Colours the whole grid into `pixels` (W×H packed RGBA8, row 0 at the bottom) on the GPU and
   * submits; nothing comes back. The lab draws its canvas from that buffer. Needs what `colourable`
   * says: records, or for the outcome colours kept words; records not kept are computed again (once,
   * then kept) where they fit the memory budget.
   */
  async colourInto(pixels: GPUBuffer, colour: ColourSpec): Promise<void> {
    this.check();
    const words = this.wordsFor(colour);
    const records = words ? null : await this.ensureRecords();
    if (!words && !records)
      throw new Error('GpuBasinResult.colourInto: the records of this grid exceed the memory kept for them');
    const pass = await this.colourPass(colour, words);
    // The colour pass reads an automatic range from the statistics.
    if (needsDataRange(colour)) await this.ensureRanges();
    this.check();
    const enc = this.device.createCommandEncoder({ label: 'GpuBasinResult.colourInto' });
    this.context.tiles.forEach((_, t) => {
      const src: ColourSource = records
        ? { records: records[t] }
        : { words: words!.summary[t], lyap: words!.lyap?.[t] ?? null };
      this.encodeColour(pass, enc, colour, t, src, pixels, 0, false, t);
    });
    this.device.queue.submit([enc.finish()]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.recordStore.dispose();
    for (const b of [...(this.words?.summary ?? []), ...(this.words?.lyap ?? [])])
      this.engine.pool.release(b);
    this.engine.pool.release(this.stats);
  }
}
