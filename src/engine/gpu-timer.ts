/**
 * The device's own clock for the cost model: where the device has 'timestamp-query', each submit's
 * compute pass writes a timestamp at its start and end, and the cost model learns the pass's time on
 * the device rather than the time between submit and completion as the host sees it (which counts the
 * queue's wait behind the previous submit, the driver's latency and this thread's polling). One timer
 * per device, its query set and buffers allocated once, in slots that a submit holds from encoding
 * until its timestamps are read: runs on one device may overlap (a cancelled run finishing while the
 * next starts, a recomputation beside a run), and a slot's buffer must not be mapped while a submit
 * copies into it.
 */

/** The feature a device must have been created with for GpuTimer. */
export const TIMESTAMP_FEATURE: GPUFeatureName = 'timestamp-query';

/**
 * The features to request for timing: 'timestamp-query' where a hardware adapter has it. Not on a
 * software adapter: its "device" is this machine's CPU, so the host's clock already is the device's,
 * and Dawn resolves timestamps with an internal pipeline that SwiftShader compiled on first use
 * (23 ms of a 1024² `gdlab basin`, and 2–5 ms of every later run).
 */
export function timingFeatures(adapter: GPUAdapter, software: boolean): GPUFeatureName[] {
  return !software && adapter.features.has(TIMESTAMP_FEATURE) ? [TIMESTAMP_FEATURE] : [];
}

/** Slots: submits timed at once (submitBatches keeps two in flight; beyond, a submit goes untimed). */
const SLOTS = 8;
/** resolveQuerySet writes at 256-byte aligned offsets. */
const SLOT_BYTES = 256;

export class GpuTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly readbacks: GPUBuffer[];
  private readonly free = Array.from({ length: SLOTS }, (_, i) => i);

  private constructor(device: GPUDevice) {
    this.querySet = device.createQuerySet({ label: 'GpuTimer.queries', type: 'timestamp', count: 2 * SLOTS });
    this.resolved = device.createBuffer({
      label: 'GpuTimer.resolved',
      size: SLOTS * SLOT_BYTES,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    this.readbacks = Array.from({ length: SLOTS }, (_, i) =>
      device.createBuffer({
        label: `GpuTimer.readback${i}`,
        size: 16,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
    );
  }

  private static readonly timers = new WeakMap<GPUDevice, GpuTimer>();

  /** The device's timer, or null where it was created without 'timestamp-query'. */
  static of(device: GPUDevice): GpuTimer | null {
    if (!device.features.has(TIMESTAMP_FEATURE)) return null;
    let t = GpuTimer.timers.get(device);
    if (!t) GpuTimer.timers.set(device, (t = new GpuTimer(device)));
    return t;
  }

  /** A free slot for one submit, or null when all are in use (that submit is timed by the host). */
  acquire(): number | null {
    return this.free.pop() ?? null;
  }

  /** Frees a slot whose submit will not be read (its encoding failed). */
  release(slot: number): void {
    this.free.push(slot);
  }

  /** What a compute pass of the submit in `slot` writes (its start and end). */
  writes(slot: number): GPUComputePassTimestampWrites {
    return {
      querySet: this.querySet,
      beginningOfPassWriteIndex: 2 * slot,
      endOfPassWriteIndex: 2 * slot + 1,
    };
  }

  /** Encoded after the timed pass: the two timestamps into the slot's readback buffer. */
  encodeResolve(encoder: GPUCommandEncoder, slot: number): void {
    encoder.resolveQuerySet(this.querySet, 2 * slot, 2, this.resolved, slot * SLOT_BYTES);
    encoder.copyBufferToBuffer(this.resolved, slot * SLOT_BYTES, this.readbacks[slot], 0, 16);
  }

  /**
   * The pass's time in ms once its submit has completed (called right after the submit, so that the
   * map resolves with the completion), and the slot freed; null where the
   * timestamps say nothing (an implementation may write zeros, or clamp them into one instant) or
   * cannot be read (a lost device).
   */
  async read(slot: number): Promise<number | null> {
    const b = this.readbacks[slot];
    try {
      await b.mapAsync(GPUMapMode.READ);
      const [t0, t1] = new BigUint64Array(b.getMappedRange());
      b.unmap();
      const ms = Number(t1 - t0) / 1e6;
      return t1 > t0 && Number.isFinite(ms) ? ms : null;
    } catch {
      return null;
    } finally {
      this.release(slot);
    }
  }
}
