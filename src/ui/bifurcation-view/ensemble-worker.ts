/**
 * The float64 ensemble engine (CpuEnsembleEngine) in a Web Worker: the no-WebGPU fallback of the
 * bifurcation and density views, off the main thread so that the page stays responsive. The engine
 * yields between columns, so a 'cancel' takes effect within one column.
 */
import { runEnsembleSpec } from '../../engine/bifurcation-common.ts';
import { CpuEnsembleEngine } from '../../reference/ensemble.ts';
import { parseSpec } from '../../spec/spec.ts';
import { resultBuffers, type EnsembleReply, type EnsembleRequest } from './ensemble-protocol.ts';

const engine = new CpuEnsembleEngine();
const running = new Map<number, AbortController>();

function reply(message: EnsembleReply, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

self.addEventListener('message', (event: MessageEvent<EnsembleRequest>) => {
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
      const result = await runEnsembleSpec(engine, spec, {
        signal: controller.signal,
        onProgress: (done, total) => {
          const now = performance.now();
          if (now - last > 50 || done === total) {
            last = now;
            reply({ type: 'progress', id: msg.id, done, total });
          }
        },
      });
      reply({ type: 'result', id: msg.id, result }, resultBuffers(result));
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply({ type: 'error', id: msg.id, name: err.name, message: err.message });
    } finally {
      running.delete(msg.id);
    }
  })();
});
