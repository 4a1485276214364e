/**
 * A basin result's records in GPU memory (the WGSL Record layout, one buffer per tile): those the run
 * kept, or computed again when a picture of a field, the ranges or an export asks for them, and then
 * kept where they fit the memory budget (else each use recomputes its tile). The kernel's records do
 * not depend on how a run is cut, so recomputed records are bit for bit the ones the run had.
 */
import { RECORD_BYTES } from '../core/records.ts';
import { runDispatches, runVariant, type DispatchOp, type RunContext } from './basin-run.ts';
import { SubmitMap } from './submit.ts';
import type { Tile } from './dispatch-plan.ts';
import type { GpuBasinEngine } from './gpu-engine.ts';
import { recordsFit } from './run-outputs.ts';

export class ResultRecords {
  /** The records computed again to be kept (ensure), shared by concurrent callers. */
  private pending: Promise<GPUBuffer[] | null> | null = null;
  private disposed = false;

  constructor(
    private readonly engine: GpuBasinEngine,
    private readonly context: RunContext,
    private kept: GPUBuffer[] | null,
  ) {}

  /** The records per tile, where kept (by the run, or since computed again). */
  get buffers(): GPUBuffer[] | null {
    return this.kept;
  }

  /** Whether every record fits the memory kept for records (so they may be computed again and kept). */
  fit(): boolean {
    return recordsFit(this.context, this.engine.options.maxRecordBytes);
  }

  /**
   * The records per tile: the kept ones, or computed again and kept where they fit the memory budget;
   * null where they do not.
   */
  ensure(): Promise<GPUBuffer[] | null> {
    if (this.kept || !this.fit()) return Promise.resolve(this.kept);
    if (!this.pending) {
      this.pending = (async () => {
        const made: GPUBuffer[] = [];
        try {
          for (const tile of this.context.tiles) made.push(await this.recompute(tile));
          // Disposed meanwhile: nothing holds them.
          if (this.disposed) throw new Error('GpuBasinResult: read after dispose()');
        } catch (e) {
          for (const b of made) this.engine.pool.release(b);
          throw e;
        }
        this.kept = made;
        return made;
      })();
      this.pending.catch(() => (this.pending = null));
    }
    return this.pending;
  }

  /**
   * Calls `use` with each tile's records: the kept buffer (computed again and kept first where they
   * fit), or the tile recomputed into a scratch buffer, released afterwards.
   */
  async withEach<T>(
    tiles: readonly number[],
    use: (tile: number, records: GPUBuffer) => Promise<T>,
  ): Promise<T[]> {
    const out: T[] = [];
    const kept = await this.ensure();
    for (const t of tiles) {
      if (kept) {
        out.push(await use(t, kept[t]));
        continue;
      }
      const scratch = await this.recompute(this.context.tiles[t]);
      try {
        out.push(await use(t, scratch));
      } finally {
        this.engine.pool.release(scratch);
      }
    }
    return out;
  }

  /**
   * Compiles, in the background, the pipelines that compute the records again (a record under the
   * pointer, a field's picture), where they were not kept: the first readout then waits for one
   * pixel's GD, not for a compile (half a second on SwiftShader).
   */
  prepare(): void {
    if (this.kept) return;
    const phases = [
      ...this.engine.plan(this.context, [{ p0: 0, count: 1 }]).dispatches.map((d) => d.phase),
      ...this.engine.plan(this.context).dispatches.map((d) => d.phase),
    ];
    const variant = runVariant(this.context, true);
    if (variant.escapePass) phases.push('escape');
    this.context.pass.prepare(phases, variant).catch(() => {});
  }

  /**
   * The records of pixels tile.p0 … tile.p0 + tile.count - 1, computed again into a new buffer (the
   * cost model learns from tiles, not from a single record). `copyOut`: what the last submit also
   * encodes with them, and what follows it at once (readAgain's copy and map).
   */
  async recompute(
    tile: Tile,
    copyOut?: (scratch: GPUBuffer) => Pick<DispatchOp, 'after' | 'afterSubmitted'>,
  ): Promise<GPUBuffer> {
    const scratch = await this.engine.pool.acquire(
      'GpuBasinResult.scratch',
      tile.count * RECORD_BYTES,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      `allocating the records of ${tile.count} pixels`,
    );
    const plan = this.engine.plan(this.context, [tile]);
    try {
      await runDispatches(
        this.engine.device,
        this.engine.resources,
        this.context,
        {
          dispatches: plan.dispatches,
          statePixels: plan.statePixels,
          outputs: () => ({ records: scratch, summary: this.engine.resources.dummySummary, r0: tile.p0 }),
          writeRecords: true,
          learn: tile.count > 1,
          ...copyOut?.(scratch),
        },
        this.engine.costs,
        this.engine.options.submitMs,
      );
    } catch (e) {
      this.engine.pool.release(scratch);
      throw e;
    }
    return scratch;
  }

  /**
   * The records of `tile` computed again and read back, copied out in the GD's last submit and mapped
   * right after it: one wait on the device where a copy after the GD took a second (a readout under the
   * pointer at 256² × 300: median 3.3 → 2.0 ms on SwiftShader, whose long waits are polled once a
   * millisecond).
   */
  async readAgain(tile: Tile): Promise<ArrayBuffer> {
    const pool = this.engine.pool;
    const bytes = tile.count * RECORD_BYTES;
    const staging = await pool.acquire(
      'GpuBasinResult.readback',
      bytes,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      'allocating a readback',
    );
    const map = new SubmitMap(staging, bytes);
    try {
      const scratch = await this.recompute(tile, (records) => ({
        after: (encoder) => encoder.copyBufferToBuffer(records, 0, staging, 0, bytes),
        afterSubmitted: () => map.start(),
      }));
      pool.release(scratch);
      return await map.read().catch((e) => this.engine.explain(e));
    } finally {
      await map.settle();
      pool.release(staging);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const r of this.kept ?? []) this.engine.pool.release(r);
    this.kept = null;
  }
}
