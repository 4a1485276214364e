/**
 * The float64 CPU engine in a Web Worker: where WebGPU is missing the lab still computes, off the
 * main thread so that panning, typing and cancelling stay responsive. The engine yields between
 * rows, so a 'cancel' message is seen within one slice.
 */
import { compileObjective } from '../../objective/compile.ts';
import { CpuBasinEngine } from '../../reference/grid.ts';
import { serveSpecRuns } from '../shared/spec-worker.ts';
import { columnBuffers, type WorkerReply } from './protocol.ts';

const engine = new CpuBasinEngine(compileObjective);

serveSpecRuns(
  (spec, options) => engine.runBasin(spec, options),
  (id, result): { message: WorkerReply; transfer: Transferable[] } => ({
    message: { type: 'result', id, columns: result.columns, ms: result.ms, steps: result.steps },
    transfer: columnBuffers(result.columns),
  }),
);
