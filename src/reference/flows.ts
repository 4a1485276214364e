/**
 * Continuous flows beside GD (docs: ../shared/seed/NOTES.md, "Modified equations"), sampled at
 * t = k·h so that sample k sits next to iterate x_k:
 *   gf   (order 0)  ẋ = -∇f
 *   me1  (order 1)  ẋ = -∇f - (h/2) H∇f
 *   me2  (order 2)  ẋ = -∇f - (h/2) H∇f - (h²/12) (∇³f[∇f, ∇f] + 4 H²∇f)
 * Flows take a scalar h: the expansion behind them is in powers of one step size, and a
 * per-coordinate rate has no single time t = k·h to sample at.
 *
 * Integrated with classical RK4, each interval h twice (m and 2m substeps): the difference estimates
 * the error, and m doubles until it is below `tol` relative to ‖x‖∞ (and halves again when the
 * flow calms down). The error of GD against the order-p flow is O(h^{p+1}) per unit time, so with the
 * default tol the integrator's own error is many orders below the effect shown, even where a large
 * sharpness makes a fixed substep too coarse (tests/reference-flows.test.ts checks it by halving it).
 */
import { DEFAULT_CLASSIFY } from '../core/outcome.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { normInf } from './linalg.ts';

export const FLOW_KINDS = ['gf', 'me1', 'me2'] as const;
/** Gradient flow, modified equation of order 1, of order 2. */
export type FlowKind = (typeof FLOW_KINDS)[number];

/** Default RK4 steps per GD step to start from. */
export const DEFAULT_SUBSTEPS = 16;
/** Default error allowed per interval h, relative to ‖x‖∞. */
export const DEFAULT_FLOW_TOL = 1e-12;
/** The smallest normal float64, 2^-1022. */
const MIN_NORMAL = 2 ** -1022;
/** Substeps stop doubling here (a flow blowing up in finite time would otherwise never finish). */
const MAX_SUBSTEPS = 1 << 16;

export interface FlowOptions {
  /** RK4 steps per interval h to start from (default DEFAULT_SUBSTEPS). */
  substeps?: number;
  /**
   * Error allowed per interval, relative to ‖x‖∞ (default DEFAULT_FLOW_TOL); 0 fixes the substep.
   * Relative, not absolute: a flow decaying to a minimizer at 0 (x²/2) stays accurate as it shrinks.
   */
  tol?: number;
  /**
   * ‖x‖∞ beyond which the flow counts as blown up (default: the classifier's radius): that sample is
   * kept and every later one is NaN, since a modified equation can blow up in finite time.
   */
  divergeRadius?: number;
}

/**
 * The right-hand side of a flow as `(x, out) => void`, allocation-free (scratch is captured).
 * Exported so that tests and plots can evaluate the vector field itself.
 */
export function flowField(
  obj: CompiledObjective,
  kind: FlowKind,
  h: number,
  p: ArrayLike<number>,
): (x: Float64Array, out: Float64Array) => void {
  const n = obj.dim;
  const g = new Float64Array(n);
  const hg = new Float64Array(n);
  const hhg = new Float64Array(n);
  const tg = new Float64Array(n);
  return (x, out) => {
    obj.grad(x, p, g);
    if (kind === 'gf') {
      for (let i = 0; i < n; i++) out[i] = -g[i];
      return;
    }
    obj.hvp(x, p, g, hg);
    if (kind === 'me1') {
      for (let i = 0; i < n; i++) out[i] = -g[i] - (h / 2) * hg[i];
      return;
    }
    obj.hvp(x, p, hg, hhg);
    obj.third(x, p, g, tg);
    const c2 = (h * h) / 12;
    for (let i = 0; i < n; i++) out[i] = -g[i] - (h / 2) * hg[i] - c2 * (tg[i] + 4 * hhg[i]);
  };
}

/**
 * Samples the flow from x0 at t = 0, h, 2h, …, K·h (K + 1 states). h must be positive and finite.
 */
export function sampleFlow(
  obj: CompiledObjective,
  kind: FlowKind,
  x0: ArrayLike<number>,
  h: number,
  p: ArrayLike<number>,
  K: number,
  options: FlowOptions = {},
): Float64Array[] {
  const n = obj.dim;
  if (x0.length !== n) throw new RangeError(`x0 has ${x0.length} entries, the objective ${n} coordinates`);
  if (!(h > 0 && Number.isFinite(h))) throw new RangeError(`flow step h = ${h} must be positive and finite`);
  const m = options.substeps ?? DEFAULT_SUBSTEPS;
  if (!(Number.isInteger(m) && m >= 1 && m <= MAX_SUBSTEPS))
    throw new RangeError(`substeps = ${m} must be an integer in 1…${MAX_SUBSTEPS}`);
  const radius = options.divergeRadius ?? DEFAULT_CLASSIFY.divergeRadius;
  const tol = options.tol ?? DEFAULT_FLOW_TOL;
  const field = flowField(obj, kind, h, p);
  const x = Float64Array.from(x0);
  const coarse = new Float64Array(n);
  const fine = new Float64Array(n);
  const rk = new Rk4(n, field);
  const out: Float64Array[] = [Float64Array.from(x)];
  let blownUp = !(normInf(x, n) <= radius);
  let sub = m;
  for (let k = 1; k <= K; k++) {
    if (blownUp) {
      out.push(new Float64Array(n).fill(NaN));
      continue;
    }
    if (tol === 0) {
      fine.set(x);
      rk.advance(fine, h, sub);
    } else {
      for (;;) {
        coarse.set(x);
        rk.advance(coarse, h, sub);
        fine.set(x);
        rk.advance(fine, h, 2 * sub);
        let d = 0;
        for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(fine[i] - coarse[i]));
        // RK4: the finer result's error is about d/15.
        const err = d / 15;
        // Below the smallest normal number float64 has no relative precision left: a flow decaying
        // to 0 (x²/2 after ~700 units of time) would otherwise run every interval at the cap.
        const allowed = tol * Math.max(normInf(fine, n), MIN_NORMAL);
        if (!Number.isFinite(err) || err <= allowed || sub >= MAX_SUBSTEPS) {
          if (err < allowed / 64 && sub > m) sub /= 2;
          break;
        }
        sub *= 2;
      }
    }
    x.set(fine);
    out.push(Float64Array.from(x));
    blownUp = !(normInf(x, n) <= radius);
  }
  return out;
}

/** Classical RK4 on a field, with its stage buffers allocated once. */
class Rk4 {
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly y: Float64Array;
  constructor(
    private readonly n: number,
    private readonly field: (x: Float64Array, out: Float64Array) => void,
  ) {
    this.k1 = new Float64Array(n);
    this.k2 = new Float64Array(n);
    this.k3 = new Float64Array(n);
    this.k4 = new Float64Array(n);
    this.y = new Float64Array(n);
  }

  /** Advances x in place over time `span` in `steps` equal steps; stops early once x is not finite. */
  advance(x: Float64Array, span: number, steps: number): void {
    const { n, field, k1, k2, k3, k4, y } = this;
    const dt = span / steps;
    for (let s = 0; s < steps; s++) {
      field(x, k1);
      for (let i = 0; i < n; i++) y[i] = x[i] + 0.5 * dt * k1[i];
      field(y, k2);
      for (let i = 0; i < n; i++) y[i] = x[i] + 0.5 * dt * k2[i];
      field(y, k3);
      for (let i = 0; i < n; i++) y[i] = x[i] + dt * k3[i];
      field(y, k4);
      for (let i = 0; i < n; i++) x[i] += (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      if (!Number.isFinite(normInf(x, n))) return;
    }
  }
}
