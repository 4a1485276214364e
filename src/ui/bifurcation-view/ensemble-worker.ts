/**
 * The float64 ensemble engine (CpuEnsembleEngine) in a Web Worker: the no-WebGPU fallback of the
 * bifurcation and density views, off the main thread so that the page stays responsive. The engine
 * yields between columns, so a 'cancel' takes effect within one column.
 */
import { runEnsembleSpec } from '../../core/ensemble.ts';
import { CpuEnsembleEngine } from '../../reference/ensemble.ts';
import { serveSpecRuns } from '../shared/spec-worker.ts';
import { resultBuffers, type EnsembleReply } from './ensemble-protocol.ts';

const engine = new CpuEnsembleEngine();

serveSpecRuns(
  (spec, options) => runEnsembleSpec(engine, spec, options),
  (id, result): { message: EnsembleReply; transfer: Transferable[] } => ({
    message: { type: 'result', id, result },
    transfer: resultBuffers(result),
  }),
);
