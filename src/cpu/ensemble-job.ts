/**
 * Ensemble jobs for the CPU workers: pass one over a range of columns (summaries, and x_T where the
 * range is chosen afterwards; counts at once where it is fixed), and pass two (counts from x_T, the
 * whole state: x, the optimizer's vectors and clocks).
 * Each worker plans the run from the spec itself (prepareEnsemble is deterministic) and keeps the
 * last run's compiled kernel.
 */
import { prepareEnsemble } from '../core/ensemble.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import {
  allocSamples,
  CompiledEnsemble,
  type BinBand,
  type SampleColumns,
} from '../reference/kernel/ensemble-block.ts';

export interface EnsembleJob {
  type: 'ensemble';
  spec: ExperimentSpec;
  /** 'run': pass one (and the counts, when the spec fixes the range); 'bin': pass two. */
  pass: 'run' | 'bin';
  /** Columns c0 … c1 - 1. */
  c0: number;
  c1: number;
  /** Pass two: the chosen range, and x_T and escape of the columns' samples. */
  range?: [number, number];
  xT?: Float64Array;
  escape?: Uint32Array;
}

export interface EnsembleJobResult {
  c0: number;
  c1: number;
  /** Pass one: the columns' sample summaries (sample c·M + m at (c - c0)·M + m). */
  samples?: SampleColumns;
  /** Pass one with an automatic range: x_T of every sample. */
  xT?: Float64Array;
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
  if (job.pass === 'run') {
    const samples = allocSamples(end - first);
    const xT = new Float64Array((end - first) * plan.stateWords);
    kernel.run(first, end, samples, first, xT, first, stop);
    result.samples = samples;
    transfer.push(...Object.values(samples).map((a: Uint32Array | Float64Array) => a.buffer as ArrayBuffer));
    if (plan.range) {
      result.band = band();
      kernel.bin(first, end, xT, first, samples.escape, first, plan.range, result.band, stop);
    } else {
      result.xT = xT;
      transfer.push(xT.buffer);
    }
  } else {
    if (!job.range || !job.xT || !job.escape)
      throw new Error('a binning job needs the range, x_T and escapes');
    result.band = band();
    kernel.bin(first, end, job.xT, first, job.escape, first, job.range, result.band, stop);
  }
  if (result.band)
    transfer.push(result.band.density.buffer as ArrayBuffer, result.band.outside.buffer as ArrayBuffer);
  return { result, transfer };
}
