/**
 * Attractor jobs for the CPU workers (src/core/attractor.ts): an attractor is one column of many
 * samples, so its jobs are ranges of samples, not of columns. Pass one over a range gives the
 * summaries, x_T and the extremes of v (from a replay, while x_T is at hand); with both ranges
 * fixed it bins at once. Pass two bins a range from x_T once the ranges are chosen from all samples.
 */
import type { PairExtremes } from '../core/attractor.ts';
import { escapingSamples } from '../core/ensemble.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import type { BinBand } from '../reference/kernel/ensemble-block.ts';
import { allocSamples, sampleAt, type SampleColumns } from '../reference/kernel/sample-columns.ts';
import { kernelFor } from './ensemble-job.ts';

export interface AttractorJob {
  type: 'attractor';
  spec: ExperimentSpec;
  /** 'run': pass one (and the counts when both ranges are fixed); 'bin': pass two. */
  pass: 'run' | 'bin';
  /** Samples s0 … s1 - 1. */
  s0: number;
  s1: number;
  /** Pass two: the ranges of u and v, and x_T and escape of the samples. */
  ranges?: [[number, number], [number, number]];
  xT?: Float64Array;
  escape?: Uint32Array;
}

export interface AttractorJobResult {
  s0: number;
  s1: number;
  /** Pass one: the samples' summaries (sample s at s - s0). */
  samples?: SampleColumns;
  /** Pass one without the counts: x_T of every sample. */
  xT?: Float64Array;
  /** Pass one with v's range automatic: v's extremes over the kept iterates of the bounded samples, and of those not escaping. */
  extremes?: PairExtremes;
  /** Counts (the W × H cells and one outside count), when binned. */
  band?: BinBand;
}

export function runAttractorJob(
  job: AttractorJob,
  stop?: () => boolean,
): { result: AttractorJobResult; transfer: ArrayBuffer[] } {
  const { kernel, plan } = kernelFor(job.spec);
  const pair = plan.pair;
  if (!pair) throw new Error('an attractor job needs an attractor spec');
  const { s0, s1 } = job;
  const band = (): BinBand => ({
    c0: 0,
    width: 1,
    density: new Uint32Array(plan.rows),
    outside: new Uint32Array(1),
  });
  const transfer: ArrayBuffer[] = [];
  const result: AttractorJobResult = { s0, s1 };
  if (job.pass === 'run') {
    const samples = allocSamples(s1 - s0);
    const xT = new Float64Array((s1 - s0) * plan.stateWords);
    kernel.run(s0, s1, samples, s0, xT, s0, stop);
    result.samples = samples;
    transfer.push(...Object.values(samples).map((a: Uint32Array | Float64Array) => a.buffer as ArrayBuffer));
    if (!pair.range) {
      const escaping = escapingSamples(plan, s1 - s0, (i) => sampleAt(samples, i));
      result.extremes = kernel.pairExtremes(s0, s1, xT, s0, samples.escape, s0, escaping, stop);
    }
    if (plan.range && pair.range) {
      result.band = band();
      kernel.binPair(s0, s1, xT, s0, samples.escape, s0, [plan.range, pair.range], result.band, stop);
    } else {
      result.xT = xT;
      transfer.push(xT.buffer);
    }
  } else {
    if (!job.ranges || !job.xT || !job.escape)
      throw new Error('a binning job needs the ranges, x_T and escapes');
    result.band = band();
    kernel.binPair(s0, s1, job.xT, s0, job.escape, s0, job.ranges, result.band, stop);
  }
  if (result.band)
    transfer.push(result.band.density.buffer as ArrayBuffer, result.band.outside.buffer as ArrayBuffer);
  return { result, transfer };
}
