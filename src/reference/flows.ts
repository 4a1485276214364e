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
 *
 * Where f is not smooth (|x|^1.5 at 0, max(x, -x/3)) RK4's error does not shrink with the substep as
 * it should: the substep climbs to its cap and every interval takes 3·2^16 RK4 steps, hours for a long
 * run. So a flow's work is bounded (FlowOptions.work), and one that needs more stops with FlowStopped.
 */
import { DEFAULT_CLASSIFY } from '../core/outcome.ts';
import { counted } from '../objective/limits.ts';
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
/**
 * RK4 steps a flow may take before it stops, up front: about ten intervals at the substep cap (a
 * flow blowing up in finite time refines to the cap before it escapes; the most any preset at up to
 * 2.2 times its rate needed over 200 samples was 0.3 M, me2 on x²/2 at h = 3.3).
 */
export const DEFAULT_WORK_START = 1 << 21;
/**
 * Starting substeps (FlowOptions.substeps) each sample adds to the allowance: 16 K RK4 steps by
 * default. A smooth flow takes 3·16 a sample, a stiff one more (me1 on multiscale at h = 1.1 stays at
 * about 4600, held there by RK4's stability limit), one at a kink 3·2^16 every sample. The allowance
 * grows with the samples done, not the samples asked for, so a long run at a kink stops as early as
 * a short one.
 */
const WORK_PER_SAMPLE = 1024;
/** RK4 steps between looks at the clock (a few milliseconds at most; performance.now is not free). */
const CLOCK_EVERY = 4096;

/** A flow stopped before its last sample: its work allowance ran out, or its deadline passed. */
export class FlowStopped extends Error {
  override name = 'FlowStopped';
  constructor(
    message: string,
    readonly reason: 'work' | 'deadline',
    /** The samples computed before the stop, from t = 0. */
    readonly samples: Float64Array[],
    /** RK4 steps taken. */
    readonly work: number,
  ) {
    super(message);
  }
}

/** A flow's allowance of RK4 steps: `start` up front and `perSample` more with each sample done. */
export interface FlowWork {
  start: number;
  perSample: number;
}

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
  /**
   * RK4 steps allowed (default DEFAULT_WORK_START up front and 1024 × substeps per sample); a flow
   * that needs more throws FlowStopped with reason 'work'.
   */
  work?: Partial<FlowWork>;
  /**
   * A time on performance.now()'s clock after which the flow throws FlowStopped with reason
   * 'deadline'; checked inside the integration, since one interval at the substep cap takes
   * long enough to overrun a time limit checked only between samples.
   */
  deadline?: number;
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
 * Throws FlowStopped, with the samples so far, when options.work or options.deadline stops it.
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
  if (x0.length !== n)
    throw new RangeError(
      `x0 has ${counted(x0.length, 'entry', 'entries')}, the objective ${counted(n, 'coordinate')}`,
    );
  if (!(h > 0 && Number.isFinite(h))) throw new RangeError(`flow step h = ${h} must be positive and finite`);
  const m = options.substeps ?? DEFAULT_SUBSTEPS;
  if (!(Number.isInteger(m) && m >= 1 && m <= MAX_SUBSTEPS))
    throw new RangeError(`substeps = ${m} must be an integer in 1…${MAX_SUBSTEPS}`);
  const radius = options.divergeRadius ?? DEFAULT_CLASSIFY.divergeRadius;
  const tol = options.tol ?? DEFAULT_FLOW_TOL;
  const start = options.work?.start ?? DEFAULT_WORK_START;
  const perSample = options.work?.perSample ?? WORK_PER_SAMPLE * m;
  const field = flowField(obj, kind, h, p);
  const x = Float64Array.from(x0);
  const coarse = new Float64Array(n);
  const fine = new Float64Array(n);
  const rk = new Rk4(n, field, options.deadline);
  const out: Float64Array[] = [Float64Array.from(x)];
  let blownUp = !(normInf(x, n) <= radius);
  let sub = m;
  // Asked before each integration rather than after, as one takes up to 2^17 RK4 steps at the cap.
  const afford = (k: number, steps: number) => {
    if (rk.work + steps <= start + perSample * k) return;
    throw new FlowStopped(
      `the ${kind} flow stopped at step ${k - 1} of ${K}: reaching its tolerance needed more than the ` +
        `${start + perSample * k} RK4 steps allowed by then (${start} + ${perSample} a step), as at a ` +
        'kink of f or in a very stiff flow',
      'work',
      out,
      rk.work,
    );
  };
  const inTime = (k: number) => {
    if (!rk.late) return;
    throw new FlowStopped(
      `the ${kind} flow stopped at step ${k - 1} of ${K}: its deadline passed`,
      'deadline',
      out,
      rk.work,
    );
  };
  for (let k = 1; k <= K; k++) {
    if (blownUp) {
      out.push(new Float64Array(n).fill(NaN));
      continue;
    }
    if (tol === 0) {
      afford(k, sub);
      fine.set(x);
      rk.advance(fine, h, sub);
      inTime(k);
    } else {
      for (;;) {
        afford(k, 3 * sub);
        coarse.set(x);
        rk.advance(coarse, h, sub);
        fine.set(x);
        rk.advance(fine, h, 2 * sub);
        inTime(k);
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

/** Classical RK4 on a field, with its stage buffers allocated once; counts its steps. */
class Rk4 {
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly y: Float64Array;
  /** RK4 steps taken so far. */
  work = 0;
  /** Whether an advance stopped short because the deadline had passed. */
  late = false;
  private nextClock: number;
  constructor(
    private readonly n: number,
    private readonly field: (x: Float64Array, out: Float64Array) => void,
    private readonly deadline = Infinity,
  ) {
    this.k1 = new Float64Array(n);
    this.k2 = new Float64Array(n);
    this.k3 = new Float64Array(n);
    this.k4 = new Float64Array(n);
    this.y = new Float64Array(n);
    this.nextClock = deadline === Infinity ? Infinity : 0;
  }

  /**
   * Advances x in place over time `span` in `steps` equal steps; stops early once x is not finite,
   * or, setting `late`, once the deadline has passed.
   */
  advance(x: Float64Array, span: number, steps: number): void {
    if (this.late) return;
    const { n, field, k1, k2, k3, k4, y } = this;
    const dt = span / steps;
    for (let s = 0; s < steps; s++) {
      if (this.work >= this.nextClock) {
        this.nextClock = this.work + CLOCK_EVERY;
        if (performance.now() > this.deadline) {
          this.late = true;
          return;
        }
      }
      this.work++;
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
