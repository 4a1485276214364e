/**
 * Overlays of a bifurcation diagram of a one-variable objective: its critical points (the fixed points
 * of GD at every h, so horizontal lines) and, at each minimizer x*, the stability threshold
 * h = 2/f''(x*) where the fixed point loses stability (a vertical line; the first period doubling).
 * In more dimensions the minimizers form sets that a sampled search cannot promise, so none are given.
 */
import type { CompiledObjective } from '../objective/types.ts';

/** A critical point x* of f with its curvature and, for a minimizer, the threshold 2/f''(x*). */
export interface FixedPointOverlay {
  x: number;
  /** f''(x*). */
  curvature: number;
  kind: 'minimum' | 'maximum' | 'degenerate';
  /** 2/f''(x*) for a minimum (GD with h below it converges to x* from nearby); null otherwise. */
  threshold: number | null;
}

/**
 * Critical points of a one-variable objective in [lo, hi]: sign changes of f' on `samples` cells,
 * refined by bisection to float64 resolution. Empty for objectives of more than one variable.
 */
export function fixedPointOverlays(
  objective: Pick<CompiledObjective, 'dim' | 'grad' | 'hess'>,
  params: ArrayLike<number>,
  lo: number,
  hi: number,
  samples = 4096,
): FixedPointOverlay[] {
  if (objective.dim !== 1) return [];
  const x = new Float64Array(1);
  const out = new Float64Array(1);
  const g = (v: number) => {
    x[0] = v;
    objective.grad(x, params, out);
    return out[0];
  };
  const points: FixedPointOverlay[] = [];
  let a = lo;
  let ga = g(a);
  for (let i = 1; i <= samples; i++) {
    const b = lo + ((hi - lo) * i) / samples;
    const gb = g(b);
    let root: number | null = null;
    if (ga === 0) root = a;
    else if (ga * gb < 0) {
      let l = a;
      let r = b;
      let gl = ga;
      for (let it = 0; it < 200 && r - l > 0; it++) {
        const m = (l + r) / 2;
        if (m === l || m === r) break;
        const gm = g(m);
        if (gm === 0) {
          l = r = m;
          break;
        }
        if (gm * gl < 0) r = m;
        else {
          l = m;
          gl = gm;
        }
      }
      root = (l + r) / 2;
    }
    if (root !== null && !points.some((p) => p.x === root)) {
      x[0] = root;
      objective.hess(x, params, out);
      const c = out[0];
      const kind = c > 0 ? 'minimum' : c < 0 ? 'maximum' : 'degenerate';
      points.push({ x: root, curvature: c, kind, threshold: kind === 'minimum' ? 2 / c : null });
    }
    a = b;
    ga = gb;
  }
  if (ga === 0 && !points.some((p) => p.x === hi)) {
    x[0] = hi;
    objective.hess(x, params, out);
    const c = out[0];
    const kind = c > 0 ? 'minimum' : c < 0 ? 'maximum' : 'degenerate';
    points.push({ x: hi, curvature: c, kind, threshold: kind === 'minimum' ? 2 / c : null });
  }
  return points;
}
