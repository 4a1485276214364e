/**
 * The worker side of the CPU engines (protocol.ts): compiles a run's objective and kernel once (the
 * last run's are kept: the jobs of a run come one after another), runs each job and replies. The
 * same code serves worker_threads (node-worker.ts) and Web Workers (web-worker.ts).
 */
import { allocColumns, type RecordColumns } from '../core/records.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { compileObjective } from '../objective/compile.ts';
import { CompiledBasin } from '../reference/kernel/basin-block.ts';
import { runEnsembleJob } from './ensemble-job.ts';
import { runAttractorJob } from './attractor-job.ts';
import { columnBuffers, type JobReply, type JobRequest } from './protocol.ts';

/** A worker's end of the message channel. */
export interface WorkerPort {
  postMessage(message: JobReply, transfer?: Transferable[]): void;
  onMessage(listener: (request: JobRequest) => void): void;
}

let cached: { key: string; basin: CompiledBasin } | null = null;

function basinFor(spec: ExperimentSpec): CompiledBasin {
  const key = JSON.stringify(spec);
  if (cached?.key !== key) {
    const obj = compileObjective({
      expr: spec.objective.expr,
      params: spec.objective.params,
      observables: spec.observables,
    });
    cached = { key, basin: new CompiledBasin(spec, obj) };
  }
  return cached.basin;
}

export function serveJobs(port: WorkerPort): void {
  port.onMessage(({ id, job, cancel }) => {
    const stop = cancel ? () => Atomics.load(cancel, 0) !== 0 : undefined;
    try {
      if (job.type === 'basin') {
        const basin = basinFor(job.spec);
        let columns: RecordColumns | null = null;
        let steps: number;
        if (job.shared) steps = basin.pixels(job.first, job.end, job.shared, job.offset, stop);
        else {
          columns = allocColumns(job.end - job.first, 1);
          steps = basin.pixels(job.first, job.end, columns, job.first, stop);
        }
        port.postMessage({ id, type: 'basin', steps, columns }, columns ? columnBuffers(columns) : []);
      } else if (job.type === 'attractor') {
        const { result, transfer } = runAttractorJob(job, stop);
        port.postMessage({ id, type: 'attractor', result }, transfer);
      } else {
        const { result, transfer } = runEnsembleJob(job, stop);
        port.postMessage({ id, type: 'ensemble', result }, transfer);
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ id, type: 'error', name: err.name, message: err.message });
    }
  });
}
