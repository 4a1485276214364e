/**
 * The Gibbs prediction of Kong & Tao for GD on a multiscale objective f = f₀ + f₁: the long-run
 * iterates are distributed close to Z⁻¹ exp(-f₀/T), T = hA²/4 for the presets (NOTES.md). Here on the
 * bins of a density histogram, with the L1 distance between the two.
 *
 * Both densities are normalised over the histogram's range [lo, hi] (iterates outside it are not in
 * the histogram, and the prediction is truncated to match), so each integrates to 1 there and the L1
 * distance lies in [0, 2]. NOTES.md: for quadratic f₀ the exact stationary variance is hσ²/(2 - h), not
 * the Gibbs T = hσ²/2; an O(h) bias that no amount of sampling removes.
 */
import { compileObjective } from './objective/compile.ts';
import { getPreset } from './presets.ts';
import type { ExperimentSpec } from './experiment/spec.ts';

/** B + 1 evenly spaced edges of [lo, hi]. */
export function binEdges(lo: number, hi: number, bins: number): Float64Array {
  const e = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) e[i] = lo + ((hi - lo) * i) / bins;
  e[bins] = hi;
  return e;
}

/**
 * Z⁻¹ exp(-f₀/T) averaged over each bin (`sub` midpoints per bin), Z taken over [edges₀, edges_B].
 * f₀ is shifted by its smallest sampled value first, so a low temperature does not underflow.
 */
export function gibbsDensity(
  f0: (x: number) => number,
  T: number,
  edges: ArrayLike<number>,
  sub = 32,
): Float64Array {
  const B = edges.length - 1;
  const values = new Float64Array(B * sub);
  let fmin = Infinity;
  for (let i = 0; i < B; i++) {
    const w = edges[i + 1] - edges[i];
    for (let s = 0; s < sub; s++) {
      const v = f0(edges[i] + ((s + 0.5) * w) / sub);
      values[i * sub + s] = v;
      if (v < fmin) fmin = v;
    }
  }
  const out = new Float64Array(B);
  let mass = 0;
  for (let i = 0; i < B; i++) {
    let acc = 0;
    for (let s = 0; s < sub; s++) acc += Math.exp(-(values[i * sub + s] - fmin) / T);
    out[i] = acc / sub;
    mass += out[i] * (edges[i + 1] - edges[i]);
  }
  for (let i = 0; i < B; i++) out[i] /= mass;
  return out;
}

/** Counts per bin as a probability density over the bins' range (zeros when there are no counts). */
export function countsToDensity(counts: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const B = counts.length;
  let total = 0;
  for (let i = 0; i < B; i++) total += counts[i];
  const out = new Float64Array(B);
  if (total > 0) for (let i = 0; i < B; i++) out[i] = counts[i] / (total * (edges[i + 1] - edges[i]));
  return out;
}

/** ∫|p - q| over the bins: Σ |pᵢ - qᵢ| Δᵢ (in [0, 2] for two probability densities). */
export function l1Distance(p: ArrayLike<number>, q: ArrayLike<number>, edges: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < p.length; i++) d += Math.abs(p[i] - q[i]) * (edges[i + 1] - edges[i]);
  return d;
}

/** The macroscopic part and temperature of a multiscale objective. */
export interface GibbsModel {
  /** f₀ as the preset writes it. */
  f0Expr: string;
  f0: (x: number) => number;
  /** Temperature T at the spec's learning rate. */
  T: number;
}

/**
 * f₀ and T for a spec whose objective is a multiscale preset and whose histogram is of its one
 * variable; null otherwise (a Gibbs density of a general observable would need a marginal).
 */
export function gibbsModel(spec: ExperimentSpec): GibbsModel | null {
  const preset = spec.objective.preset ? getPreset(spec.objective.preset) : undefined;
  if (!preset?.f0 || !preset.temperature || preset.vars.length !== 1) return null;
  if (spec.ensemble.observable.trim() !== preset.vars[0]) return null;
  const params = { ...preset.params, ...spec.objective.params };
  const obj = compileObjective({ expr: preset.f0, params });
  const p = Float64Array.from(obj.params, (name) => params[name]);
  const x = new Float64Array(1);
  return {
    f0Expr: preset.f0,
    f0: (v: number) => {
      x[0] = v;
      return obj.f(x, p);
    },
    // The rate of the one variable: its own where the spec gives rates per coordinate.
    T: preset.temperature(spec.lrPerCoord?.[0] ?? spec.lr, params),
  };
}
