/**
 * Submitting a run as a sequence of command buffers with at most two in flight: the next one is
 * encoded and submitted while the device works on the previous, and completion (onSubmittedWorkDone)
 * drives progress, the cost model and cancellation. Nothing waits on a mapped buffer until the end
 * but the 16 bytes of a submit's timestamps, once it has completed, where the device has them.
 */
import { GpuTimer } from './gpu-timer.ts';

export interface SubmitLoop<B> {
  /**
   * Records batch i into the encoder (after writing its parameter slots with queue.writeBuffer). Its
   * one compute pass of GD takes `timestampWrites` where given, so that its time is the device's.
   */
  encode(
    encoder: GPUCommandEncoder,
    batch: B,
    index: number,
    timestampWrites?: GPUComputePassTimestampWrites,
  ): void;
  /**
   * Called when batch i has completed, with its time in ms: the timed pass's on the device's clock
   * (`clock` 'device', timestamp queries), or from submit to completion as seen from here ('host');
   * not after the signal has fired (a batch still in flight then completes unreported).
   */
  done?(batch: B, index: number, ms: number, clock: 'device' | 'host'): void;
  /**
   * Called right after batch i is submitted: a caller may map what that submit copies out now, so
   * that its map resolves in the same poll of the device as the submit's completion rather than one
   * poll after it (on a software adapter a poll of a long wait comes once a millisecond).
   */
  submitted?(index: number): void;
  signal?: AbortSignal;
  /** Throws when the device was lost (a lost device never completes its work). */
  check?(): void;
  label: string;
}

export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The run was aborted', 'AbortError');
}

/**
 * Whether a pass's timestamp time fits in the host's window around its submit (with room for the
 * window's own error): a value beyond it (another clock domain, a driver glitch) is not the pass's,
 * and one such value fitted into the cost model would plan the next map in millions of tiny
 * dispatches. The host's time is used instead, as on a device without timestamps.
 */
export function plausible(deviceMs: number, hostMs: number): boolean {
  return deviceMs <= hostMs * 1.25 + 2;
}

/** Runs the batches in order; rejects with the signal's reason when aborted between submits. */
export async function submitBatches<B>(
  device: GPUDevice,
  batches: readonly B[],
  loop: SubmitLoop<B>,
): Promise<void> {
  const inflight: Promise<void>[] = [];
  const timer = GpuTimer.of(device);
  let lastDone = performance.now();
  try {
    for (let i = 0; i < batches.length; i++) {
      if (loop.signal?.aborted) throw abortError(loop.signal);
      loop.check?.();
      const encoder = device.createCommandEncoder({ label: `${loop.label}.encoder` });
      // A loop that reports no times (rule 2's deferred replay) takes no timestamp slot.
      const slot = loop.done ? (timer?.acquire() ?? null) : null;
      try {
        loop.encode(encoder, batches[i], i, slot === null ? undefined : timer!.writes(slot));
      } catch (e) {
        if (slot !== null) timer!.release(slot);
        throw e;
      }
      if (slot !== null) timer!.encodeResolve(encoder, slot);
      device.queue.submit([encoder.finish()]);
      const submitted = performance.now();
      loop.submitted?.(i);
      // The timestamps are mapped now, as `submitted` lets a caller map its own results: mapped after
      // the completion, they took a poll of their own.
      const stamps = slot === null ? null : timer!.read(slot);
      inflight.push(
        device.queue.onSubmittedWorkDone().then(async () => {
          const now = performance.now();
          // Work starts when it is submitted or when the previous batch ends, whichever is later.
          const host = now - Math.max(submitted, lastDone);
          lastDone = now;
          const device = stamps === null ? null : await stamps;
          const ms = device !== null && plausible(device, host) ? device : null;
          if (!loop.signal?.aborted) loop.done?.(batches[i], i, ms ?? host, ms === null ? 'host' : 'device');
        }),
      );
      if (inflight.length >= 2) await inflight.shift();
    }
    await Promise.all(inflight);
  } catch (e) {
    // Leave no completion callback running after the caller has moved on.
    await Promise.allSettled(inflight);
    throw e;
  }
  if (loop.signal?.aborted) throw abortError(loop.signal);
}

/**
 * A readback buffer's bytes, mapped right after the submit that copies into them (SubmitLoop's
 * `submitted`, DispatchOp's `afterSubmitted`): the map then resolves in the poll that sees that submit
 * complete, not one poll after it (on a software adapter a poll of a long wait comes once a
 * millisecond). One per readback, for any number of submit-then-read rounds.
 */
export class SubmitMap {
  /** The copy `start` began, until `read` takes it. */
  private pending: Promise<ArrayBuffer> | null = null;

  constructor(
    private readonly buffer: GPUBuffer,
    private readonly size: number,
  ) {}

  /** Maps the buffer now: call right after the submit that copies into it. */
  start(): void {
    this.pending = this.copy();
    this.pending.catch(() => {});
  }

  /** The bytes, copied out and the buffer unmapped: from `start`'s map, or from one made now. */
  read(): Promise<ArrayBuffer> {
    const read = this.pending ?? this.copy();
    this.pending = null;
    return read;
  }

  /** Waits for a map that a failed run left pending, before the buffer goes back to its pool. */
  async settle(): Promise<void> {
    await this.pending?.catch(() => {});
  }

  private async copy(): Promise<ArrayBuffer> {
    await this.buffer.mapAsync(GPUMapMode.READ, 0, this.size);
    const bytes = this.buffer.getMappedRange(0, this.size).slice(0);
    this.buffer.unmap();
    return bytes;
  }
}
