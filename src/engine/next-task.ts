/**
 * A promise that settles on the host's next task, as soon as the host allows: a device's `lost`
 * promise settles in a task of its own, so a run gives it one turn before reporting a failure or
 * trusting a readback (Dawn maps zeros from a lost device). setTimeout(0) waits at least 1 ms in
 * Node and up to 4 ms in a browser once nested: 20% of a 1024² × 1000 run's 5 ms target on a GPU.
 */
export function nextTask(): Promise<void> {
  // An arrow function: src/engine/dawn-polling.ts defers native callbacks, as a bare resolve is.
  if (typeof globalThis.setImmediate === 'function')
    return new Promise((resolve) => globalThis.setImmediate(() => resolve()));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
