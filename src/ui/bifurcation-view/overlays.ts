/**
 * Overlays of the bifurcation view, cheap enough to recompute with every spec: the fixed points of
 * GD (the critical points of f, the same for every h, so horizontal lines at their observable value)
 * and, at each minimizer x*, the threshold h = 2/λmax(∇²f(x*)) beyond which x* repels (a vertical line,
 * drawn only when the diagram sweeps h itself).
 *
 * One variable: every critical point in the range, by src/engine/bifurcation-overlays.ts. More
 * variables: minimizers found by float64 GD with a locally stable step from a few starts; they need
 * not be all of them (a valley of minimizers has infinitely many), so the view says "found from
 * these starts".
 */
import { ensembleObservableInputs, ensembleStarts, resolveObservable } from '../../core/ensemble.ts';
import { fixedPointOverlays } from '../../engine/bifurcation-overlays.ts';
import type { CompiledObjective } from '../../objective/types.ts';
import { lambdaMax } from '../../reference/linalg.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { compileFor } from '../shared/objective.ts';

/** A fixed point of GD drawn as a horizontal line, with its threshold when it is a minimizer. */
export interface OverlayPoint {
  /** The observable at the point (the line's height). */
  value: number;
  kind: 'minimum' | 'maximum' | 'degenerate';
  /** 2/λmax at a minimizer; null otherwise. */
  threshold: number | null;
}

export interface EnsembleOverlays {
  points: OverlayPoint[];
  /** Whether the horizontal axis is h (so thresholds are vertical lines of the picture). */
  sweepsLr: boolean;
  /** How the points were found, for the legend. */
  method: 'exact' | 'sampled';
}

/** Starts from which multi-variable minimizers are searched. */
const SEARCH_STARTS = 8;
const SEARCH_STEPS = 20_000;

/** The overlays of an ensemble spec, or null when they mean nothing (a sweep of a parameter or start). */
export function ensembleOverlays(spec: ExperimentSpec, range: [number, number]): EnsembleOverlays | null {
  const q = spec.plane.u.quantity;
  const sweepsLr = q === 'lr';
  // Critical points do not depend on h, so they are the fixed points of every column only when the
  // sweep is a learning rate; a swept parameter or start changes them from column to column.
  if (spec.kind === 'bifurcation' && !(sweepsLr || q.startsWith('lr.'))) return null;
  let obj: CompiledObjective;
  try {
    obj = compileFor(spec.objective.expr, spec.objective.params, ensembleObservableInputs(spec));
  } catch {
    return null;
  }
  const params = Float64Array.from(obj.params, (p, j) => spec.objective.params[p] ?? obj.paramValues[j]);
  const observable = resolveObservable(spec.ensemble.observable, obj.vars);
  const observe = (x: Float64Array) =>
    observable.kind === 'coord'
      ? x[observable.index]
      : observable.kind === 'f'
        ? obj.f(x, params)
        : obj.observable(0, x, params);
  if (obj.dim === 1) {
    // Search where the picture is when it shows x itself; elsewhere around the starts.
    const box = spec.ensemble.box;
    let [lo, hi] =
      observable.kind === 'coord' ? range : box ? [box.min[0], box.max[0]] : [spec.x0[0] - 3, spec.x0[0] + 3];
    const pad = 0.05 * (hi - lo);
    lo -= pad;
    hi += pad;
    const x = new Float64Array(1);
    const points = fixedPointOverlays(obj, params, lo, hi).map((p) => {
      x[0] = p.x;
      return { value: observe(x), kind: p.kind, threshold: p.threshold };
    });
    return { points, sweepsLr, method: 'exact' };
  }
  return { points: searchMinimizers(obj, params, spec, observe), sweepsLr, method: 'sampled' };
}

/**
 * Minimizers by GD with step 0.5/λmax(x) (stable wherever the curvature does not grow faster than
 * the step shrinks) from x0 and a few starts over the ensemble's box, deduplicated.
 */
function searchMinimizers(
  obj: CompiledObjective,
  params: Float64Array,
  spec: ExperimentSpec,
  observe: (x: Float64Array) => number,
): OverlayPoint[] {
  const n = obj.dim;
  const starts = [Float64Array.from(spec.x0)];
  if (spec.ensemble.box) {
    const s = ensembleStarts(spec.x0, spec.ensemble.box, SEARCH_STARTS);
    for (let m = 0; m < SEARCH_STARTS; m++) starts.push(s.slice(m * n, (m + 1) * n));
  }
  const g = new Float64Array(n);
  const H = new Float64Array(n * n);
  const work = new Float64Array(n * n);
  const found: { x: Float64Array; lmax: number }[] = [];
  for (const x of starts) {
    let ok = false;
    for (let k = 0; k < SEARCH_STEPS; k++) {
      obj.grad(x, params, g);
      let gn = 0;
      for (let i = 0; i < n; i++) gn = Math.max(gn, Math.abs(g[i]));
      if (!Number.isFinite(gn)) break;
      if (gn < 1e-12) {
        ok = true;
        break;
      }
      obj.hess(x, params, H);
      const l = lambdaMax(H, n, work);
      const h = 0.5 / Math.max(Math.abs(l), 1e-6);
      for (let i = 0; i < n; i++) x[i] -= h * g[i];
    }
    if (!ok) continue;
    obj.hess(x, params, H);
    const lmax = lambdaMax(H, n, work);
    if (!(lmax > 0)) continue;
    const scale = Math.max(1, ...Array.from(x, Math.abs));
    if (found.some((f) => f.x.every((v, i) => Math.abs(v - x[i]) < 1e-6 * scale))) continue;
    found.push({ x, lmax });
  }
  return found.map((f) => ({ value: observe(f.x), kind: 'minimum', threshold: 2 / f.lmax }));
}
