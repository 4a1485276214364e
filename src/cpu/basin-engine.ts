/**
 * The float64 engine on every core: a basin map's pixels cut into jobs of about JOB_STEPS GD steps,
 * run by the compiled kernel (src/reference/kernel) in a pool of workers. Results are written in
 * place where memory can be shared, else sent back per job. Progress is reported per job; an abort
 * rejects at once and stops the workers within one block of pixels (shared memory) or one job.
 */
import {
  IN_PROCESS_STEPS,
  runRows,
  type BasinEngine,
  type EngineInfo,
  type RunOptions,
} from '../core/engine.ts';
import { resolvePlane } from '../experiment/plane.ts';
import { allocCpuColumns, HostBasinResult } from '../core/host-result.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { compileObjective } from '../objective/compile.ts';
import { CpuBasinEngine } from '../reference/grid.ts';
import { BLOCK_LANES } from '../reference/kernel/basin-block.ts';
import { canShareMemory, copyBand } from './columns.ts';
import type { WorkerPool } from './pool.ts';
import type { BasinJob } from './protocol.ts';

/** GD steps per job: tens of milliseconds, so progress moves and an abort is seen quickly. */
export const JOB_STEPS = 2e7;

/** The pixel ranges of a W×H map with N steps each, for `threads` workers. */
export function basinJobs(pixels: number, iterations: number, threads: number): [number, number][] {
  // At least four jobs per worker (load balance), whole blocks, about JOB_STEPS steps each.
  const byWork = Math.max(1, Math.floor(JOB_STEPS / Math.max(1, iterations)));
  const byBalance = Math.ceil(pixels / (4 * threads));
  const size = Math.max(BLOCK_LANES, Math.ceil(Math.min(byWork, byBalance) / BLOCK_LANES) * BLOCK_LANES);
  const jobs: [number, number][] = [];
  for (let first = 0; first < pixels; first += size) jobs.push([first, Math.min(pixels, first + size)]);
  return jobs;
}

/** The adapter text of the CPU engines: 'cpu, 1 thread', 'cpu, 8 threads'. */
export function threadsLabel(threads: number): string {
  return `cpu, ${threads} thread${threads === 1 ? '' : 's'}`;
}

export interface ParallelCpuOptions {
  /** Write results into SharedArrayBuffers (default: where memory can be shared). */
  share?: boolean;
  /** Runs of at most this many steps run on the calling thread (default IN_PROCESS_STEPS). */
  inProcessSteps?: number;
}

export class ParallelCpuEngine implements BasinEngine {
  readonly info: EngineInfo;
  private readonly share: boolean;
  private readonly inProcessSteps: number;
  private readonly local = new CpuBasinEngine(compileObjective);

  constructor(
    private readonly pool: WorkerPool,
    options: ParallelCpuOptions = {},
  ) {
    this.share = options.share ?? canShareMemory();
    this.inProcessSteps = options.inProcessSteps ?? IN_PROCESS_STEPS;
    this.info = { kind: 'cpu', precision: 'f64', adapter: threadsLabel(pool.size) };
  }

  async runBasin(spec: ExperimentSpec, options: RunOptions = {}): Promise<HostBasinResult> {
    const rowsRun = options.rows ? options.rows.end - options.rows.start : spec.size[1];
    if (spec.size[0] * rowsRun * spec.iterations <= this.inProcessSteps) {
      const r = await this.local.runBasin(spec, options);
      return new HostBasinResult(
        spec,
        { ...this.info, adapter: threadsLabel(1) },
        r.columns,
        r.ms,
        r.steps,
        r.notes,
      );
    }
    const t0 = performance.now();
    // Checked here, so that a spec that does not fit throws its SpecError as the reference does.
    const obj = compileObjective({
      expr: spec.objective.expr,
      params: spec.objective.params,
      observables: spec.observables,
    });
    resolvePlane(spec, obj);
    const W = spec.size[0];
    // A band of rows (RunOptions.rows) has columns of its own rows, its row 0 being row j0.
    const [j0, j1] = runRows(options.rows, spec.size[1]);
    const offset = j0 * W;
    const pixels = (j1 - j0) * W;
    const columns = allocCpuColumns(W, j1 - j0, this.share);
    const shared = this.share ? columns : null;
    const jobs = basinJobs(pixels, spec.iterations, this.pool.size).map(([a, b]): [number, number] => [
      offset + a,
      offset + b,
    ]);
    let done = 0;
    let completed = 0;
    // The first wave of jobs carries the workers' start-up and V8's compilation of the kernel; a
    // progress report from it would make a caller's estimate of the whole run (gdlab's RunMonitor,
    // --max-seconds) several times too long. Reports start with the second wave.
    const quiet = Math.min(jobs.length - 1, this.pool.size);
    const steps = await this.pool.run({
      jobs,
      cancel: this.share ? new Int32Array(new SharedArrayBuffer(4)) : null,
      signal: options.signal,
      request: ([first, end]): { job: BasinJob } => ({
        job: { type: 'basin', spec, first, end, shared, offset },
      }),
      done: ([first, end], reply) => {
        if (reply.type !== 'basin') throw new Error(`unexpected ${reply.type} reply`);
        if (reply.columns) copyBand(reply.columns, columns, first - offset);
        done += end - first;
        if (++completed > quiet) options.onProgress?.(done, pixels);
        return reply.steps;
      },
    });
    return new HostBasinResult(
      spec,
      this.info,
      columns,
      performance.now() - t0,
      steps.reduce((a, b) => a + b, 0),
    );
  }

  dispose(): void {
    this.pool.dispose();
  }
}
