/**
 * Why a map is (nearly) all diverged. It is the first picture of many typed objectives at the lab's
 * rate: x² + y² has λmax(∇²f) = 2 everywhere, so at h = 1.1 every start leaves the radius, and a
 * uniformly dark map said nothing of why. GD can stay near a minimum only where h < 2/λmax there, so
 * the line names the minimum that descent from the plane's middle reaches, its λmax and the limit it
 * sets. Pure: spec, objective, counts (and at most DESCENT_MS of the thread that draws the legend).
 */
import type { CompiledObjective } from '../../objective/types.ts';
import { pixelSetup, resolvePlane } from '../../experiment/plane.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { lambdaMax } from '../../reference/linalg.ts';
import { formatNumber } from '../shared/labels.ts';

/** Share of diverged starts from which the map is explained. */
export const DIVERGED_SHARE = 0.99;

const isRate = (q: string) => q === 'lr' || q.startsWith('lr.');
const short = (v: number) => formatNumber(v, undefined, 3);

/** The line for a basin map whose starts diverged (at least DIVERGED_SHARE of them), else null. */
export function divergenceHint(
  spec: ExperimentSpec,
  obj: CompiledObjective,
  diverged: number,
  total: number,
): string | null {
  if (spec.kind !== 'basin' || !(total > 0) || diverged < DIVERGED_SHARE * total) return null;
  const who = diverged === total ? 'Every start' : `${((100 * diverged) / total).toFixed(1)}% of the starts`;
  const { u, v } = spec.plane;
  if (isRate(u.quantity) || isRate(v.quantity))
    return `${who} diverged, at every rate on the plane: try smaller rates.`;
  const h = spec.lr;
  const advice = 'try a smaller rate, or sweep h (plane: lr)';
  if (spec.optimizer.kind !== 'gd' || spec.lrPerCoord)
    return `${who} diverged at these rates: try smaller ones.`;
  // From the plane's middle pixel (its parameters, a swept one at its middle value) down to a minimum.
  const plane = resolvePlane(spec, obj);
  const x = new Float64Array(plane.dim);
  const p = new Float64Array(plane.p.length);
  pixelSetup(plane, plane.width >> 1, plane.height >> 1, x, new Float64Array(plane.dim), p);
  const min = nearMinimum(obj, x, p);
  if (!min) return `${who} diverged at h = ${short(h)}: ${advice}.`;
  // Three decimals at the point's scale: a coordinate at 1e-10 of it is a 0 of the descent.
  const scale = Math.max(1, ...Array.from(min.x, Math.abs));
  const decimals = Math.max(0, 3 - Math.ceil(Math.log10(scale)));
  const at = Array.from(min.x, (c) => formatNumber(Number(c.toFixed(decimals)))).join(', ');
  return (
    `${who} diverged at h = ${short(h)}. Near the middle of the plane f has a minimum at (${at}), ` +
    `where λmax(∇²f) = ${short(min.lmax)}: GD can stay near it only for h < 2/λmax = ${short(2 / min.lmax)}; ${advice}.`
  );
}

/** Steps of the descent to a minimum, at most. */
const DESCENT_STEPS = 2000;
/**
 * Its time, at most (ms): the legend draws on the page's thread, and a typed objective of tens of
 * thousands of nodes takes a millisecond an evaluation.
 */
const DESCENT_MS = 50;

/**
 * A local minimum reached from x0 by steepest descent with Armijo backtracking (float64), with λmax of
 * its Hessian: null where the descent does not settle in DESCENT_STEPS or DESCENT_MS (f unbounded
 * below, a plateau, an objective too costly to descend) or ends where
 * ∇²f is not positive semi-definite or λmax ≤ 0 (a saddle it started on, such as mf-scalar's (0, 0)).
 */
export function nearMinimum(
  obj: CompiledObjective,
  x0: Float64Array,
  p: Float64Array,
): { x: Float64Array; lmax: number } | null {
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const trial = new Float64Array(n);
  let fx = obj.f(x, p);
  let settled = false;
  const deadline = performance.now() + DESCENT_MS;
  for (let k = 0; k < DESCENT_STEPS && Number.isFinite(fx) && performance.now() < deadline; k++) {
    obj.grad(x, p, g);
    let gg = 0;
    for (let i = 0; i < n; i++) gg += g[i] * g[i];
    if (!Number.isFinite(gg)) return null;
    if (gg <= 1e-16 * Math.max(1, fx * fx)) {
      settled = true;
      break;
    }
    let t = 1;
    for (;;) {
      for (let i = 0; i < n; i++) trial[i] = x[i] - t * g[i];
      const ft = obj.f(trial, p);
      if (ft <= fx - 0.5 * t * gg) {
        x.set(trial);
        fx = ft;
        break;
      }
      t /= 2;
      if (t < 1e-20 || performance.now() > deadline) return null;
    }
  }
  if (!settled) return null;
  const hess = new Float64Array(n * n);
  obj.hess(x, p, hess);
  const lmax = lambdaMax(hess, n);
  const lmin = -lambdaMax(
    hess.map((v) => -v),
    n,
  );
  if (!(lmax > 0) || !Number.isFinite(lmax) || lmin < -1e-9 * lmax) return null;
  return { x, lmax };
}
