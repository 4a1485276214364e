/**
 * One error sink per device: device loss and uncaptured WebGPU errors (those no error scope caught)
 * are reported to a single callback, so the UI shows them in one place and the CLI prints them once.
 */

/** A device-level problem outside any run's own error handling. */
export interface DeviceProblem {
  kind: 'lost' | 'uncaptured';
  /** 'destroyed' for a deliberate destroy(), which callers normally ignore. */
  reason?: GPUDeviceLostReason;
  message: string;
}

/**
 * Routes `device.lost` and `uncapturederror` events to `sink`. Returns a function that detaches the
 * uncaptured-error listener (the lost promise cannot be detached; the sink is simply no longer called).
 */
export function attachErrorSink(device: GPUDevice, sink: (problem: DeviceProblem) => void): () => void {
  let attached = true;
  device.lost.then((info) => {
    if (attached) sink({ kind: 'lost', reason: info.reason, message: info.message || String(info.reason) });
  });
  const onError = (ev: Event) => {
    const error = (ev as GPUUncapturedErrorEvent).error;
    if (attached) sink({ kind: 'uncaptured', message: error?.message ?? String(error) });
  };
  // Dawn's Node binding has addEventListener on the device as browsers do; guard for older builds.
  const target = device as unknown as Partial<EventTarget>;
  target.addEventListener?.('uncapturederror', onError);
  return () => {
    attached = false;
    target.removeEventListener?.('uncapturederror', onError);
  };
}
