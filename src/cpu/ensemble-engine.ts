/**
 * The float64 ensemble engine on every core: columns cut into jobs for the worker pool, pass one in
 * parallel, the range chosen from all columns, then pass two in parallel (src/core/ensemble.ts). The
 * same records as runEnsembleCpu, which runs the same kernel on one thread. Each job returns its
 * columns' statistics, not its samples, and x_T is kept for pass two only within
 * MAX_KEPT_STATE_BYTES (beyond, pass two runs the jobs again): memory does not grow with columns ×
 * samples.
 */
import {
  chooseRange,
  emptyColumnStats,
  setColumnStats,
  type BifurcationResult,
  type EnsembleEngine,
  type EnsemblePlan,
} from '../core/ensemble.ts';
import type { EngineInfo, RunOptions } from '../core/engine.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import type { CompiledObjective } from '../objective/types.ts';
import {
  keepsStates,
  MAX_BATCH_SAMPLES,
  MAX_KEPT_STATE_BYTES,
  type BinBand,
} from '../reference/kernel/ensemble-block.ts';
import { JOB_STEPS, threadsLabel } from './basin-engine.ts';
import type { EnsembleJob, EnsembleJobResult } from './ensemble-job.ts';
import type { WorkerPool } from './pool.ts';
import type { JobReply } from './protocol.ts';
import { runAttractorParallel } from './attractor-engine.ts';

/**
 * Column ranges of about JOB_STEPS steps and at most MAX_BATCH_SAMPLES samples (one column at least),
 * at least four per worker where there are enough columns.
 */
export function ensembleJobs(plan: EnsemblePlan, threads: number): [number, number][] {
  const perColumn = plan.samples * plan.iterations;
  const size = Math.max(
    1,
    Math.min(
      Math.floor(JOB_STEPS / Math.max(1, perColumn)),
      Math.ceil(plan.columns / (4 * threads)),
      Math.floor(MAX_BATCH_SAMPLES / plan.samples),
    ),
  );
  const jobs: [number, number][] = [];
  for (let c = 0; c < plan.columns; c += size) jobs.push([c, Math.min(plan.columns, c + size)]);
  return jobs;
}

export interface ParallelEnsembleOptions {
  /** Bytes of x_T kept between the passes of an automatic range (default MAX_KEPT_STATE_BYTES). */
  keptStateBytes?: number;
}

export class ParallelEnsembleEngine implements EnsembleEngine {
  readonly info: EngineInfo;
  private readonly keptStateBytes: number;
  constructor(
    private readonly pool: WorkerPool,
    options: ParallelEnsembleOptions = {},
  ) {
    this.info = { kind: 'cpu', precision: 'f64', adapter: threadsLabel(pool.size) };
    this.keptStateBytes = options.keptStateBytes ?? MAX_KEPT_STATE_BYTES;
  }

  async runEnsemble(
    spec: ExperimentSpec,
    _objective: CompiledObjective,
    plan: EnsemblePlan,
    options: RunOptions = {},
  ): Promise<BifurcationResult> {
    if (plan.pair) return runAttractorParallel(this.pool, this.info, spec, plan, options);
    const t0 = performance.now();
    const { columns: W, samples: M, stateWords: n, rows: H } = plan;
    const jobs = ensembleJobs(plan, this.pool.size);
    const stats = emptyColumnStats(W);
    const density = new Uint32Array(W * H);
    const outside = new Uint32Array(W);
    const keep = !plan.range && keepsStates(plan, this.keptStateBytes);
    const xT = keep ? new Float64Array(W * M * n) : null;
    const escape = keep ? new Uint32Array(W * M) : null;
    const total = plan.range ? W : 2 * W;
    let done = 0;
    const addBand = (b: BinBand) => {
      for (let c = 0; c < b.width; c++) {
        outside[b.c0 + c] = b.outside[c];
        for (let r = 0; r < H; r++) density[r * W + b.c0 + c] = b.density[r * b.width + c];
      }
    };
    const progress = (c0: number, c1: number) => {
      done += c1 - c0;
      options.onProgress?.(done, total);
    };
    const result = (r: Exclude<JobReply, { type: 'error' }>): EnsembleJobResult => {
      if (r.type !== 'ensemble') throw new Error(`unexpected ${r.type} reply`);
      return r.result;
    };
    const job = (over: Partial<EnsembleJob> & Pick<EnsembleJob, 'pass' | 'c0' | 'c1'>): EnsembleJob => ({
      type: 'ensemble',
      spec,
      ...over,
    });
    await this.pool.run({
      jobs,
      cancel: null,
      signal: options.signal,
      request: ([c0, c1]) => ({ job: job({ pass: 'run', c0, c1, keepStates: keep }) }),
      done: ([c0, c1], reply) => {
        const r = result(reply);
        if (!r.stats) throw new Error('pass one came back without statistics');
        setColumnStats(stats, r.stats, c0);
        if (r.xT && xT) xT.set(r.xT, c0 * M * n);
        if (r.escape && escape) escape.set(r.escape, c0 * M);
        if (r.band) addBand(r.band);
        progress(c0, c1);
      },
    });
    const range = chooseRange(plan, stats);
    if (!plan.range)
      await this.pool.run({
        jobs,
        cancel: null,
        signal: options.signal,
        request: ([c0, c1]) => {
          if (!xT || !escape) return { job: job({ pass: 'run', c0, c1, range }) };
          const x = xT.slice(c0 * M * n, c1 * M * n);
          const e = escape.slice(c0 * M, c1 * M);
          return {
            job: job({ pass: 'bin', c0, c1, range, xT: x, escape: e }),
            transfer: [x.buffer, e.buffer],
          };
        },
        done: ([c0, c1], reply) => {
          const r = result(reply);
          if (!r.band) throw new Error('pass two came back without counts');
          addBand(r.band);
          progress(c0, c1);
        },
      });
    return { spec, info: this.info, plan, range, density, outside, stats, ms: performance.now() - t0 };
  }

  dispose(): void {}
}
