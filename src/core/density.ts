/**
 * The density view: one column of the ensemble engine (M trajectories at the spec's h, B bins over
 * ensemble.range), normalised, with the Gibbs prediction where the objective is a multiscale preset.
 */
import { binEdges, countsToDensity, gibbsDensity, gibbsModel, l1Distance } from '../gibbs.ts';
import type { BifurcationResult } from './ensemble.ts';

/** A long-run density and, for multiscale presets, its Gibbs prediction on the same bins. */
export interface DensityReport {
  /** B + 1 bin edges over the range. */
  edges: number[];
  /** Kept iterates per bin. */
  counts: number[];
  /** Probability density per bin (integrates to 1 over the range). */
  density: number[];
  /** Kept iterates of bounded samples outside the range. */
  outside: number;
  /** Samples that stayed bounded, of `samples`. */
  bounded: number;
  samples: number;
  /** Z⁻¹exp(-f₀/T) averaged over each bin, normalised over the range; null without f₀ and T. */
  gibbs: number[] | null;
  T: number | null;
  /** ∫|density - gibbs| over the range, in [0, 2]; null without a prediction. */
  l1: number | null;
}

/** The report of a one-column ensemble result (plan.columns must be 1). */
export function densityReport(result: BifurcationResult): DensityReport {
  const { plan, spec } = result;
  if (plan.columns !== 1) throw new RangeError(`a density has one column, not ${plan.columns}`);
  const edges = binEdges(result.range[0], result.range[1], plan.rows);
  const density = countsToDensity(result.density, edges);
  const model = gibbsModel(spec);
  const gibbs = model ? gibbsDensity(model.f0, model.T, edges) : null;
  return {
    edges: Array.from(edges),
    counts: Array.from(result.density),
    density: Array.from(density),
    outside: result.outside[0],
    bounded: result.stats.bounded[0],
    samples: plan.samples,
    gibbs: gibbs ? Array.from(gibbs) : null,
    T: model ? model.T : null,
    l1: gibbs ? l1Distance(density, gibbs, edges) : null,
  };
}
