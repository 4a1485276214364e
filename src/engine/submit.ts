/**
 * Submitting a run as a sequence of command buffers with at most two in flight: the next one is
 * encoded and submitted while the device works on the previous, and completion (onSubmittedWorkDone)
 * drives progress, the cost model and cancellation. Nothing waits on a mapped buffer until the end.
 */

export interface SubmitLoop<B> {
  /** Records batch i into the encoder (after writing its parameter slots with queue.writeBuffer). */
  encode(encoder: GPUCommandEncoder, batch: B, index: number): void;
  /**
   * Called when batch i has completed, with its time on the device in ms (as seen from here); not
   * after the signal has fired (a batch still in flight then completes unreported).
   */
  done?(batch: B, index: number, ms: number): void;
  signal?: AbortSignal;
  /** Throws when the device was lost (a lost device never completes its work). */
  check?(): void;
  label: string;
}

export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The run was aborted', 'AbortError');
}

/** Runs the batches in order; rejects with the signal's reason when aborted between submits. */
export async function submitBatches<B>(
  device: GPUDevice,
  batches: readonly B[],
  loop: SubmitLoop<B>,
): Promise<void> {
  const inflight: Promise<void>[] = [];
  let lastDone = performance.now();
  try {
    for (let i = 0; i < batches.length; i++) {
      if (loop.signal?.aborted) throw abortError(loop.signal);
      loop.check?.();
      const encoder = device.createCommandEncoder({ label: `${loop.label}.encoder` });
      loop.encode(encoder, batches[i], i);
      device.queue.submit([encoder.finish()]);
      const submitted = performance.now();
      inflight.push(
        device.queue.onSubmittedWorkDone().then(() => {
          const now = performance.now();
          // Work starts when it is submitted or when the previous batch ends, whichever is later.
          const ms = now - Math.max(submitted, lastDone);
          lastDone = now;
          if (!loop.signal?.aborted) loop.done?.(batches[i], i, ms);
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
