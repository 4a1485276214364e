/** Float64 gradient descent on a compiled objective: one trajectory, kept whole (for plots and the CLI). */
import { DEFAULT_CLASSIFY } from '../core/outcome.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { lambdaMax, normInf } from './linalg.ts';

/** A learning rate: one scalar h, or one rate per coordinate (the preconditioned step h ⊙ ∇f). */
export type Rate = number | ArrayLike<number>;

/** The rate as one value per coordinate, so inner loops never branch on its shape. */
export function rateVector(h: Rate, dim: number): Float64Array {
  if (typeof h === 'number') return new Float64Array(dim).fill(h);
  if (h.length !== dim)
    throw new RangeError(`rate has ${h.length} entries, the objective ${dim} coordinates`);
  return Float64Array.from(h);
}

/** One GD step in place: x ← x − h ⊙ ∇f(x). `g` is scratch of length dim. Allocates nothing. */
export function gdStep(
  obj: CompiledObjective,
  x: Float64Array,
  h: Float64Array,
  p: ArrayLike<number>,
  g: Float64Array,
): void {
  obj.grad(x, p, g);
  for (let k = 0; k < obj.dim; k++) x[k] -= h[k] * g[k];
}

/** Whether x has escaped: a non-finite component or ‖x‖∞ beyond the radius (src/core/outcome.ts, rule 2). */
export function escaped(x: ArrayLike<number>, n: number, radius: number): boolean {
  // normInf is NaN when a component is; Infinity exceeds any radius.
  const m = normInf(x, n);
  return !(m <= radius);
}

/** A whole trajectory: iterates x_0 … x_K with f and sharpness at each. */
export interface Trajectory {
  /** x_0 … x_K: K = the iteration count, or the escape iteration when the trajectory diverged. */
  iterates: Float64Array[];
  f: number[];
  /** λmax(∇²f(x_k)). */
  sharpness: number[];
  /** Escape iteration (the k of the first escaped x_k), or null when the trajectory stayed bounded. */
  escape: number | null;
}

/**
 * Runs GD from x0 for `iterations` steps, stopping at the escape iteration (the escaped iterate is
 * kept, so a plot shows where it went). Same step and escape rule as the classifier.
 */
export function runTrajectory(
  obj: CompiledObjective,
  x0: ArrayLike<number>,
  h: Rate,
  p: ArrayLike<number>,
  iterations: number,
  divergeRadius = DEFAULT_CLASSIFY.divergeRadius,
): Trajectory {
  const n = obj.dim;
  if (x0.length !== n) throw new RangeError(`x0 has ${x0.length} entries, the objective ${n} coordinates`);
  const hv = rateVector(h, n);
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const H = new Float64Array(n * n);
  const work = new Float64Array(n * n);
  const out: Trajectory = { iterates: [], f: [], sharpness: [], escape: null };
  const record = () => {
    out.iterates.push(Float64Array.from(x));
    out.f.push(obj.f(x, p));
    obj.hess(x, p, H);
    out.sharpness.push(lambdaMax(H, n, work));
  };
  record();
  for (let k = 1; k <= iterations; k++) {
    gdStep(obj, x, hv, p, g);
    record();
    if (escaped(x, n, divergeRadius)) {
      out.escape = k;
      break;
    }
  }
  return out;
}
