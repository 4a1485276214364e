/**
 * Pass one's per-sample summaries (SampleSummary of src/core/ensemble.ts) as columns of typed arrays,
 * the form the compiled ensemble kernel writes and the CPU engines' jobs send between threads.
 */
import type { SampleSummary } from '../../core/ensemble.ts';

/** Per-sample summaries of pass one, columnar (SampleSummary of src/core/ensemble.ts). */
export interface SampleColumns {
  escape: Uint32Array;
  period: Uint32Array;
  lyapunov: Float64Array;
  min: Float64Array;
  max: Float64Array;
  r1: Float64Array;
  r2: Float64Array;
  r2tail: Float64Array;
  scale: Float64Array;
}

/** The fields of SampleColumns (and of SampleSummary), in one list. */
export const SAMPLE_KEYS = [
  'escape',
  'period',
  'lyapunov',
  'min',
  'max',
  'r1',
  'r2',
  'r2tail',
  'scale',
] as const satisfies readonly (keyof SampleColumns)[];

export function allocSamples(n: number): SampleColumns {
  return {
    escape: new Uint32Array(n),
    period: new Uint32Array(n),
    lyapunov: new Float64Array(n),
    min: new Float64Array(n),
    max: new Float64Array(n),
    r1: new Float64Array(n),
    r2: new Float64Array(n),
    r2tail: new Float64Array(n),
    scale: new Float64Array(n),
  };
}

/** Sample i of columnar summaries (written out: one object shape, on a path run per sample). */
export function sampleAt(s: SampleColumns, i: number): SampleSummary {
  return {
    escape: s.escape[i],
    period: s.period[i],
    lyapunov: s.lyapunov[i],
    min: s.min[i],
    max: s.max[i],
    r1: s.r1[i],
    r2: s.r2[i],
    r2tail: s.r2tail[i],
    scale: s.scale[i],
  };
}

/** Writes a summary into sample i of the columns. */
export function storeSample(s: SampleColumns, i: number, v: SampleSummary): void {
  for (const k of SAMPLE_KEYS) s[k][i] = v[k];
}
