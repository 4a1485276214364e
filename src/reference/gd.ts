/** Float64 trajectories of an optimizer on a compiled objective, kept whole (for plots and the CLI). */
import { DEFAULT_CLASSIFY } from '../core/outcome.ts';
import { counted } from '../objective/limits.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { DEFAULT_OPTIMIZER, type OptimizerSettings } from '../optimizer/rules.ts';
import { lambdaMax, normInf } from './linalg.ts';
import { hyperVector, StateStepper } from './step.ts';

/** A learning rate: one scalar h, or one rate per coordinate (the preconditioned step h ⊙ ∇f). */
export type Rate = number | ArrayLike<number>;

/** The rate as one value per coordinate, so inner loops never branch on its shape. */
export function rateVector(h: Rate, dim: number): Float64Array {
  if (typeof h === 'number') return new Float64Array(dim).fill(h);
  if (h.length !== dim)
    throw new RangeError(
      `rate has ${counted(h.length, 'entry', 'entries')}, the objective ${counted(dim, 'coordinate')}`,
    );
  return Float64Array.from(h);
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
  /**
   * The optimizer's vectors at each iterate (v; s; m then s, each dim long, concatenated); empty for
   * GD, which has none.
   */
  states: Float64Array[];
  f: number[];
  /** λmax(∇²f(x_k)). */
  sharpness: number[];
  /** Escape iteration (the k of the first escaped x_k), or null when the trajectory stayed bounded. */
  escape: number | null;
}

/**
 * Runs the optimizer (default GD) from x0 for `iterations` steps, stopping at the escape iteration (the
 * escaped iterate is kept, so a plot shows where it went). Same step and escape rule as the classifier.
 */
export function runTrajectory(
  obj: CompiledObjective,
  x0: ArrayLike<number>,
  h: Rate,
  p: ArrayLike<number>,
  iterations: number,
  divergeRadius = DEFAULT_CLASSIFY.divergeRadius,
  optimizer: OptimizerSettings = DEFAULT_OPTIMIZER,
): Trajectory {
  const n = obj.dim;
  if (x0.length !== n)
    throw new RangeError(
      `x0 has ${counted(x0.length, 'entry', 'entries')}, the objective ${counted(n, 'coordinate')}`,
    );
  const hv = rateVector(h, n);
  const stepper = new StateStepper(obj, optimizer);
  const o = hyperVector(optimizer);
  const z = stepper.alloc();
  stepper.start(x0, z);
  const x = z.subarray(0, n);
  const H = new Float64Array(n * n);
  const work = new Float64Array(n * n);
  const out: Trajectory = { iterates: [], states: [], f: [], sharpness: [], escape: null };
  const record = () => {
    out.iterates.push(Float64Array.from(x));
    if (stepper.tdim > n) out.states.push(z.slice(n, stepper.tdim));
    out.f.push(obj.f(x, p));
    obj.hess(x, p, H);
    out.sharpness.push(lambdaMax(H, n, work));
  };
  record();
  for (let k = 1; k <= iterations; k++) {
    stepper.step(z, hv, p, o);
    record();
    if (escaped(x, n, divergeRadius)) {
      out.escape = k;
      break;
    }
  }
  return out;
}
