/**
 * Ensemble jobs for the CPU workers: pass one over a range of columns (their statistics; counts at
 * once where the range is known, else x_T when the engine keeps it for pass two), and pass two
 * (counts from x_T, the whole state: x, the optimizer's vectors and clocks). Where x_T is not kept
 * (src/reference/kernel/ensemble-block.ts, MAX_KEPT_STATE_BYTES), pass two is pass one again with
 * the chosen range. Each job returns its columns reduced, so no job's samples outlive it.
 * Each worker plans the run from the spec itself (prepareEnsemble is deterministic) and keeps the
 * last run's compiled kernel.
 */
import { prepareEnsemble, reduceColumns, type ColumnStats } from '../core/ensemble.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { CompiledEnsemble, type BinBand } from '../reference/kernel/ensemble-block.ts';
import { allocSamples, sampleAt } from '../reference/kernel/sample-columns.ts';

export interface EnsembleJob {
  type: 'ensemble';
  spec: ExperimentSpec;
  /** 'run': pass one (and the counts, when the range is known); 'bin': pass two from x_T. */
  pass: 'run' | 'bin';
  /** Columns c0 … c1 - 1. */
  c0: number;
  c1: number;
  /** The range to count in: pass two's, or pass one's when it runs again as pass two. */
  range?: [number, number];
  /** Pass one of an automatic range: send x_T and the escapes back for pass two. */
  keepStates?: boolean;
  /** Pass two: x_T and escape of the columns' samples. */
  xT?: Float64Array;
  escape?: Uint32Array;
}

export interface EnsembleJobResult {
  c0: number;
  c1: number;
  /** Pass one: the statistics of columns c0 … c1 - 1 (column c at c - c0). */
  stats?: ColumnStats;
  /** Pass one with keepStates: x_T and the escape of every sample of the columns. */
  xT?: Float64Array;
  escape?: Uint32Array;
  /** Counts (rows × (c1 - c0)), when binned. */
  band?: BinBand;
}

let cached: {
  key: string;
  kernel: CompiledEnsemble;
  plan: ReturnType<typeof prepareEnsemble>['plan'];
} | null = null;

/** The compiled kernel and plan of a spec: the last one's are kept (a run's jobs come one after another). */
export function kernelFor(spec: ExperimentSpec) {
  const key = JSON.stringify(spec);
  if (cached?.key !== key) {
    const { objective, plan } = prepareEnsemble(spec);
    cached = { key, kernel: new CompiledEnsemble(plan, objective), plan };
  }
  return cached;
}

export function runEnsembleJob(
  job: EnsembleJob,
  stop?: () => boolean,
): { result: EnsembleJobResult; transfer: ArrayBuffer[] } {
  const { kernel, plan } = kernelFor(job.spec);
  const M = plan.samples;
  const { c0, c1 } = job;
  const first = c0 * M;
  const end = c1 * M;
  const width = c1 - c0;
  const band = (): BinBand => ({
    c0,
    width,
    density: new Uint32Array(plan.rows * width),
    outside: new Uint32Array(width),
  });
  const transfer: ArrayBuffer[] = [];
  const result: EnsembleJobResult = { c0, c1 };
  const range = job.range ?? plan.range;
  if (job.pass === 'run') {
    const samples = allocSamples(end - first);
    const xT = new Float64Array((end - first) * plan.stateWords);
    kernel.run(first, end, samples, first, xT, first, stop);
    result.stats = reduceColumns(plan, (i) => sampleAt(samples, i - first), c0, c1);
    if (range) {
      result.band = band();
      kernel.bin(first, end, xT, first, samples.escape, first, range, result.band, stop);
    } else if (job.keepStates) {
      result.xT = xT;
      result.escape = samples.escape;
      transfer.push(xT.buffer, samples.escape.buffer as ArrayBuffer);
    }
  } else {
    if (!range || !job.xT || !job.escape) throw new Error('a binning job needs the range, x_T and escapes');
    result.band = band();
    kernel.bin(first, end, job.xT, first, job.escape, first, range, result.band, stop);
  }
  if (result.band)
    transfer.push(result.band.density.buffer as ArrayBuffer, result.band.outside.buffer as ArrayBuffer);
  return { result, transfer };
}
