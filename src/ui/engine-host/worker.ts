/**
 * The float64 CPU engine in a Web Worker: where WebGPU is missing the lab still computes, off the
 * main thread so that panning, typing and cancelling stay responsive. The engine yields between
 * rows, so a 'cancel' message is seen within one slice.
 */
import { compileObjective } from '../../objective/compile.ts';
import { CpuBasinEngine } from '../../reference/grid.ts';
import { parseSpec } from '../../spec/spec.ts';
import { columnBuffers, type WorkerReply, type WorkerRequest } from './protocol.ts';

const engine = new CpuBasinEngine(compileObjective);
const running = new Map<number, AbortController>();

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
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
      const result = await engine.runBasin(spec, {
        signal: controller.signal,
        onProgress: (done, total) => {
          const now = performance.now();
          if (now - last > 50 || done === total) {
            last = now;
            reply({ type: 'progress', id: msg.id, done, total });
          }
        },
      });
      reply(
        { type: 'result', id: msg.id, columns: result.columns, ms: result.ms, steps: result.steps },
        columnBuffers(result.columns),
      );
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply({ type: 'error', id: msg.id, name: err.name, message: err.message });
    } finally {
      running.delete(msg.id);
    }
  })();
});
