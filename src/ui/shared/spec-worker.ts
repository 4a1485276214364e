/**
 * The message loop shared by the CPU engines' Web Workers (the lab's basin map and the ensemble
 * views): one request runs a spec, another cancels it by id; progress is throttled to one message in
 * 50 ms (and the last), errors travel back by name and message. Each worker supplies only how to run
 * a spec and how to reply with its result.
 */
import type { RunOptions } from '../../core/engine.ts';
import { parseSpec, type ExperimentSpec } from '../../experiment/spec.ts';

/** A request to a CPU engine worker: run a spec, or cancel the run with that id. */
export type SpecRunRequest =
  { type: 'run'; id: number; spec: ExperimentSpec } | { type: 'cancel'; id: number };

/** The replies every CPU engine worker sends besides its result. */
export type SpecRunProgress = { type: 'progress'; id: number; done: number; total: number };
export type SpecRunError = { type: 'error'; id: number; name: string; message: string };

/**
 * Serves run and cancel requests in this worker. `run` receives a checked spec; `result` turns what
 * it resolves to into the reply message and the buffers to transfer with it.
 */
export function serveSpecRuns<R, Reply>(
  run: (spec: ExperimentSpec, options: Required<Pick<RunOptions, 'signal' | 'onProgress'>>) => Promise<R>,
  result: (id: number, value: R) => { message: Reply; transfer: Transferable[] },
): void {
  const running = new Map<number, AbortController>();

  function reply(message: Reply | SpecRunProgress | SpecRunError, transfer: Transferable[] = []): void {
    (self as unknown as Worker).postMessage(message, transfer);
  }

  self.addEventListener('message', (event: MessageEvent<SpecRunRequest>) => {
    const msg = event.data;
    if (msg.type === 'cancel') {
      running.get(msg.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(msg.id, controller);
    void (async () => {
      try {
        // Structured clone keeps the shape but not the trust: the worker checks the spec itself.
        const spec = parseSpec(msg.spec);
        let last = 0;
        const value = await run(spec, {
          signal: controller.signal,
          onProgress: (done, total) => {
            const now = performance.now();
            if (now - last > 50 || done === total) {
              last = now;
              reply({ type: 'progress', id: msg.id, done, total });
            }
          },
        });
        const { message, transfer } = result(msg.id, value);
        reply(message, transfer);
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        reply({ type: 'error', id: msg.id, name: err.name, message: err.message });
      } finally {
        running.delete(msg.id);
      }
    })();
  });
}
