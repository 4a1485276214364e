/**
 * Dawn's Node binding waits for the device (onSubmittedWorkDone, mapAsync, pipeline creation) by
 * polling it from the JS thread: while any such promise is pending, a native callback reschedules
 * itself with the global setImmediate, a loop that keeps one core busy. On a software adapter that
 * core is one the emulated GPU's own threads need: measured on 2 shared cores, a 512² × 1000-step
 * dispatch on SwiftShader took 0.93–1.16 s of wall time (0.62–0.77 s of CPU) with the busy loop and
 * 0.49–0.65 s (0.43 s) with polls at most once a millisecond. So, for a software adapter, Dawn's
 * polls (native callbacks; JavaScript's own setImmediate calls pass through untouched) run at full
 * rate for the first 2 ms of a wait, which is all a quick one takes, then once a millisecond.
 */
import { promisify } from 'node:util';

/** A wait's polls at full rate for this long (ms), then at most one per millisecond. */
const FULL_RATE_MS = 2;
/** A gap this long (ms) between polls ends a wait. */
const WAIT_GAP_MS = 50;

let installed = false;

/** Whether a callback is native code (Dawn's poll) rather than JavaScript. */
function nativeCallback(fn: unknown): boolean {
  return typeof fn === 'function' && Function.prototype.toString.call(fn).endsWith('{ [native code] }');
}

/** Slows Dawn's device polling after the first 2 ms of each wait; once per process. */
export function throttleDawnPolling(): void {
  if (installed) return;
  installed = true;
  const real = globalThis.setImmediate;
  let waitStart = 0;
  let lastPoll = -Infinity;
  const throttled = function (callback: (...args: unknown[]) => void, ...args: unknown[]) {
    if (nativeCallback(callback)) {
      const now = performance.now();
      if (now - lastPoll > WAIT_GAP_MS) waitStart = now;
      lastPoll = now;
      if (now - waitStart > FULL_RATE_MS) return setTimeout(callback, 1, ...args);
    }
    return real(callback, ...args);
  };
  // util.promisify(setImmediate) keeps working: the custom promisified form is the real one's.
  const custom = (real as unknown as Record<symbol, unknown>)[promisify.custom];
  Object.assign(throttled, real, { [promisify.custom]: custom });
  globalThis.setImmediate = throttled as typeof setImmediate;
}
