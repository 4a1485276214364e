/**
 * A basin run's statistics on the GPU and their way back: the statistics buffer (handed to the result,
 * whose colour pass reads its automatic range there), the diverged pixels per column when asked for,
 * and one pooled readback buffer for both, so a run maps once.
 */
import type { BufferPool } from './buffer-pool.ts';
import { STATS_BYTES } from './layouts.ts';
import { initialStats } from './stats.ts';
import { SubmitMap } from './submit.ts';

/** What a run's statistics readback holds: the statistics words, and the column counts when asked for. */
export interface StatsRead {
  words: Uint32Array;
  columnDiverged?: Uint32Array;
}

export class RunStats {
  /** The readback's map, made right after the submit that copies into it (mapNow). */
  private readonly map: SubmitMap;

  private constructor(
    /** STATS_FIELDS, zeroed counts and empty ranges until the reduction runs. */
    readonly stats: GPUBuffer,
    /** W words, or null when the run did not ask for them. */
    readonly columns: GPUBuffer | null,
    private readonly width: number,
    private readonly readback: GPUBuffer,
    private readonly pool: BufferPool,
  ) {
    this.map = new SubmitMap(readback, this.bytes);
  }

  /**
   * The buffers of a run over a grid `width` columns wide (`columns`: count diverged pixels per column),
   * all from the engine's pool: a new buffer waits on an error scope, a device round trip (5 ms a
   * run on SwiftShader for the two that every run used to create).
   */
  static async create(
    device: GPUDevice,
    pool: BufferPool,
    width: number,
    columns: boolean,
  ): Promise<RunStats> {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const stats = await pool.acquire('GpuBasinResult.stats', STATS_BYTES, usage, 'allocating the statistics');
    let perColumn: GPUBuffer | null = null;
    try {
      if (columns) {
        perColumn = await pool.acquire(
          'GpuBasinEngine.columns',
          4 * width,
          usage,
          'allocating the column counts',
        );
        // A pooled buffer holds an earlier run's counts.
        device.queue.writeBuffer(perColumn, 0, new Uint32Array(width));
      }
      const readback = await pool.acquire(
        'GpuBasinEngine.readback',
        STATS_BYTES + (columns ? 4 * width : 0),
        GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        'allocating the statistics readback',
      );
      device.queue.writeBuffer(stats, 0, initialStats());
      return new RunStats(stats, perColumn, width, readback, pool);
    } catch (e) {
      pool.release(stats);
      if (perColumn) pool.release(perColumn);
      throw e;
    }
  }

  /** Starts the statistics (and column counts) over, before the work that reduces into them again. */
  reset(queue: GPUQueue): void {
    queue.writeBuffer(this.stats, 0, initialStats());
    if (this.columns) queue.writeBuffer(this.columns, 0, new Uint32Array(this.width));
  }

  private get bytes(): number {
    return STATS_BYTES + (this.columns ? 4 * this.width : 0);
  }

  /** Where the reduction counts diverged pixels per column (encodeReduce), when asked for. */
  get columnTarget(): { buffer: GPUBuffer; width: number } | undefined {
    return this.columns ? { buffer: this.columns, width: this.width } : undefined;
  }

  /** Copies the statistics (and column counts) into the readback buffer. */
  encodeCopy(encoder: GPUCommandEncoder): void {
    encoder.copyBufferToBuffer(this.stats, 0, this.readback, 0, STATS_BYTES);
    if (this.columns) encoder.copyBufferToBuffer(this.columns, 0, this.readback, STATS_BYTES, 4 * this.width);
  }

  /**
   * Maps the readback now, right after the submit that copies into it (encodeCopy), for the next
   * `read`: the map then resolves in the poll that sees that submit complete, not one poll after it
   * (a millisecond on a software adapter, whose long waits are polled once a millisecond).
   */
  mapNow(): void {
    this.map.start();
  }

  /** The statistics words and the column counts, once the copy has run (mapped by mapNow, or now). */
  async read(): Promise<StatsRead> {
    const bytes = await this.map.read();
    const words = new Uint32Array(bytes, 0, STATS_BYTES / 4);
    const columnDiverged = this.columns ? new Uint32Array(bytes, STATS_BYTES, this.width) : undefined;
    return { words, columnDiverged };
  }

  /**
   * Returns the buffers to the pool: the readback (once a map of it left pending by a failed run has
   * settled) and the column counts, the statistics too unless the result holds them.
   */
  async release(statsHanded: boolean): Promise<void> {
    await this.map.settle();
    this.pool.release(this.readback);
    if (this.columns) this.pool.release(this.columns);
    if (!statsHanded) this.pool.release(this.stats);
  }
}
