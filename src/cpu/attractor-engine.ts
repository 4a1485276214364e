/**
 * An attractor (src/core/attractor.ts) on every core: its one column's samples cut into jobs
 * (attractor-job.ts), pass one in parallel, the ranges chosen from all samples, then pass two in
 * parallel. The same counts as runEnsembleCpu, which runs the same kernel on one thread.
 */
import { mergePairExtremes, pairRange, type PairExtremes } from '../core/attractor.ts';
import { chooseRange, reduceColumns, type BifurcationResult, type EnsemblePlan } from '../core/ensemble.ts';
import type { EngineInfo, RunOptions } from '../core/engine.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import type { BinBand } from '../reference/kernel/ensemble-block.ts';
import { allocSamples, sampleAt } from '../reference/kernel/sample-columns.ts';
import type { AttractorJob, AttractorJobResult } from './attractor-job.ts';
import { JOB_STEPS } from './basin-engine.ts';
import type { WorkerPool } from './pool.ts';
import type { JobReply } from './protocol.ts';

/** Sample ranges of about JOB_STEPS steps, at least four per worker where there are enough samples. */
export function attractorJobs(plan: EnsemblePlan, threads: number): [number, number][] {
  const M = plan.samples;
  const size = Math.max(
    1,
    Math.min(Math.floor(JOB_STEPS / Math.max(1, plan.iterations)), Math.ceil(M / (4 * threads))),
  );
  const jobs: [number, number][] = [];
  for (let s = 0; s < M; s += size) jobs.push([s, Math.min(M, s + size)]);
  return jobs;
}

export async function runAttractorParallel(
  pool: WorkerPool,
  info: EngineInfo,
  spec: ExperimentSpec,
  plan: EnsemblePlan,
  options: RunOptions = {},
): Promise<BifurcationResult> {
  const t0 = performance.now();
  const pair = plan.pair;
  if (!pair) throw new Error('an attractor run needs an attractor plan');
  const { samples: M, stateWords: n, rows: H } = plan;
  const jobs = attractorJobs(plan, pool.size);
  const samples = allocSamples(M);
  const binned = !!plan.range && !!pair.range;
  const xT = binned ? null : new Float64Array(M * n);
  const density = new Uint32Array(H);
  const outside = new Uint32Array(1);
  let extremes: PairExtremes = [Infinity, -Infinity, Infinity, -Infinity];
  const total = binned ? M : 2 * M;
  let done = 0;
  const add = (b: BinBand) => {
    outside[0] += b.outside[0];
    for (let i = 0; i < H; i++) density[i] += b.density[i];
  };
  const progress = (s0: number, s1: number) => {
    done += s1 - s0;
    options.onProgress?.(done, total);
  };
  const result = (r: Exclude<JobReply, { type: 'error' }>): AttractorJobResult => {
    if (r.type !== 'attractor') throw new Error(`unexpected ${r.type} reply`);
    return r.result;
  };
  const job = (over: Omit<AttractorJob, 'type' | 'spec'>): AttractorJob => ({
    type: 'attractor',
    spec,
    ...over,
  });
  await pool.run({
    jobs,
    cancel: null,
    signal: options.signal,
    request: ([s0, s1]) => ({ job: job({ pass: 'run', s0, s1 }) }),
    done: ([s0, s1], reply) => {
      const r = result(reply);
      if (!r.samples) throw new Error('pass one came back without summaries');
      for (const key of Object.keys(samples) as (keyof typeof samples)[])
        samples[key].set(r.samples[key] as Float64Array & Uint32Array, s0);
      if (r.xT && xT) xT.set(r.xT, s0 * n);
      if (r.extremes) extremes = mergePairExtremes(extremes, r.extremes);
      if (r.band) add(r.band);
      progress(s0, s1);
    },
  });
  const stats = reduceColumns(plan, (i) => sampleAt(samples, i));
  const range = chooseRange(plan, stats);
  const range2 = pair.range ?? pairRange(extremes);
  if (xT)
    await pool.run({
      jobs,
      cancel: null,
      signal: options.signal,
      request: ([s0, s1]) => {
        const x = xT.slice(s0 * n, s1 * n);
        const escape = samples.escape.slice(s0, s1);
        return {
          job: job({ pass: 'bin', s0, s1, ranges: [range, range2], xT: x, escape }),
          transfer: [x.buffer, escape.buffer],
        };
      },
      done: ([s0, s1], reply) => {
        const r = result(reply);
        if (!r.band) throw new Error('pass two came back without counts');
        add(r.band);
        progress(s0, s1);
      },
    });
  return { spec, info, plan, range, range2, density, outside, stats, ms: performance.now() - t0 };
}
