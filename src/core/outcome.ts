/**
 * The fate of one trajectory of an optimizer (plain GD, momentum, Nesterov, RMSProp or Adam: the rules
 * of src/optimizer/rules.ts), defined once for the float64 reference engine and the WGSL engine.
 * The classes mean what a dynamicist means by them: a cycle repeats with the same amplitude, a chaotic
 * orbit is bounded with a positive exponent, and an orbit that is merely slow (to converge or to blow up)
 * is said to be so rather than given a class it has not earned.
 *
 * The state. A trajectory's state z_k is x_k and the optimizer's vectors (GD: none; momentum and
 * Nesterov: v; RMSProp: s; Adam: m, s), plus, for bias-corrected Adam, the clocks β^k, β₂^k that make
 * its map depend on k. ‖z - z'‖∞ below is over x and the optimizer's vectors (not the clocks); for GD,
 * z = x and every rule reads as plain GD.
 *
 * The definition (both engines implement exactly this; see docs/ARCHITECTURE.md). N iterations,
 * transient T, P = min(maxPeriod, N), tolerance tol, radius R, chaos threshold θ:
 * 1. Iterate z_{k+1} = Φ(z_k) for k = 0 … N-1: the optimizer's step with g = ∇f(x_k) and rate h (a
 *    scalar or one rate per coordinate); GD's is x_{k+1} = x_k - h ⊙ ∇f(x_k). The state starts at x_0
 *    with every optimizer vector 0.
 * 2. Divergence watches x: diverged at iteration k+1 when x_{k+1} has a non-finite component or
 *    ‖x_{k+1}‖∞ > R. `iter` is that escape iteration. Nothing else is decided for a diverged trajectory.
 * 3. Period, over the whole state. The state c = z_{N-P} is the checkpoint, s = max(1, ‖c‖∞),
 *    d_i = ‖z_{N-P+i} - c‖∞ and a_i = max_{1≤j<i} d_j (the orbit's extent seen from c before step i).
 *    The candidate p is the least i in 1…P with d_1 ≤ tol·s (i = 1: converged) or d_i ≤ tol·min(s, a_i)
 *    (i ≥ 2); it is the period when also d_p ≤ tol·d_q for every divisor q of p with 2 ≤ q < p, or
 *    when d_2p = 0 (2p ≤ P), and the period is 0 when there is no candidate or it fails both
 *    (periodOf). A cycle must come back to its start within a small fraction of its own extent, so an
 *    oscillation still contracting towards a fixed point (x²/2 just below h = 2) is not a 2-cycle;
 *    and within a small fraction of
 *    its returns after each divisor of its period, so an orbit still approaching a q-cycle is not a
 *    (kq)-cycle: just below a q-cycle's doubling its multiplier is near -1, the deviation δ from the
 *    cycle flips sign every q steps and shrinks slowly, and d_2q ≈ |1 - μ²|·δ passes tol·a_2q long
 *    before d_q ≈ 2δ passes tol·a_q (without the divisor test the double well's 2-cycle, attracting
 *    up to h = √5 - 1 = 1.23607, read as period 4 from h ≈ 1.2343 with N = 700:
 *    tests/outcome-classes.test.ts). Such an orbit is unsettled until N is long enough. An orbit back
 *    exactly at c after 2p steps approaches nothing: it is a cycle of the engine's arithmetic, which
 *    float32 falls into just past a doubling, where the new 2q-cycle lies so close to its q-cycle that
 *    the rounding of a return (d_p ≈ 3e-6, tens of ulps) exceeds tol·d_q (the double well's 8-cycles at
 *    h ≈ 1.5492, d_4 ≈ 3e-3, fell into 16-cycles of float32 and read as not settled). The test
 *    applies to the candidate alone, so the GPU replays at most p steps from c (a long run's escape
 *    pass: the run from its start), for a candidate with a divisor only. (A momentum orbit returns
 *    only when its velocity does too.)
 * 4. Largest Lyapunov exponent (when enabled, and T < N), of the whole update map: a tangent vector
 *    v₀ over x and the optimizer's vectors (see tangentStart) is pushed through the Jacobian
 *    J_k = ∂Φ/∂z at z_k, renormalised every step, first unmeasured for the warm-up k = W0 … T-1 with
 *    W0 = T - min(T, LYAPUNOV_WARMUP), then, from a unit vector again at k = T (when W0 < T), for
 *    k = T … N-1: λ = Σ_{k=T}^{N-1} log‖J_k v‖ / (N - T). The warm-up (Benettin's practice) turns v
 *    towards the most expanding direction before it is measured: without it, a non-normal J (every
 *    optimizer with a state) amplifies the start vector's component along that direction by about
 *    the condition number κ of its eigenbasis while v aligns, which adds about log κ/(N - T) to λ:
 *    heavy ball on x²/2 at h = 2.86171875, β = 0.4306640625 is linear with |μ₁| = 1.000686, yet
 *    measured from T = 1000 to N = 3000 with no warm-up it gave λ = 0.00138 > θ, and chaos. 64 steps
 *    bring that map's λ to log|μ₁| to rounding (v aligns like |μ₂/μ₁|^k, 0.43^k there; 0.92^k at
 *    h = 3.84140625, β = 0.9206640625, within 2.2e-6 of log|μ₁| = 0.00097; at h = 2(1 + β) exactly
 *    |μ₁| = 1), for 64 more tangent steps per
 *    trajectory. (Complex μ, a rotation, have no direction to align with: there a window's λ is
 *    log|μ| only up to an oscillating log κ/(N - T), ~1e-3 for heavy ball.) J_k is exact: the derivative
 *    of the optimizer's rule, with ∂g/∂x = ∇²f(x_k) from the objective (GD: J_k = I - h ⊙ ∇²f(x_k)).
 *    NaN when disabled, or where Φ has no derivative (RMSProp and Adam at s = 0 exactly, where √s
 *    has none). The sum telescopes to log‖J_{N-1}⋯J_T v_T‖, so the engines rescale v by exact powers
 *    of two each step and take one logarithm at the end (src/reference/tangent.ts); a singular
 *    tangent map gives λ = -∞ (a v the warm-up maps to 0 stays 0).
 * 5. Growth of x over the averaging window (computed with or without λ): H = ⌊(N-T)/2⌋, M = T + H,
 *    R1 = max_{T<k≤M} ‖x_k - x_T‖∞ and R2 = max_{M<k≤M+H} ‖x_k - x_M‖∞: the extent of each half (H steps
 *    each; an odd window's last step is in neither), seen from its first state. The orbit is growing when
 *    H ≥ 16 (a shorter window says nothing) and R2 > R1·exp(min(80, max(λ, 0)·H/2)) for λ > θ, or
 *    R2 > 2·R1 otherwise, and R2' ≥ R2/2, R2' = max_{max(M, N-P)<k≤M+H} ‖x_k - x_M‖∞ (the second half's
 *    extent over the tail): with λ > θ an orbit whose extent grows at half the rate the tangent vector
 *    does is running away along its unstable direction (x²/2 just above h = 2 has λ = ln|1-h| > 0),
 *    not chaotic; a chaotic orbit's extent stays put. A runaway is at its farthest when the window
 *    ends, whatever the phase of its oscillation over the tail's P steps; a bounded orbit whose second
 *    half held a larger burst than its first, and came back, is not growing (Adam's relaxation
 *    oscillation on x²/2 read escaping in a quarter of an (h, x₀) map).
 * 6. Outcome: p = 1 → CONVERGED, unless λ > θ and R2 > tol·s; p ≥ 2 and not (λ > θ) → PERIODIC;
 *    otherwise ESCAPING when growing, else CHAOTIC when λ > θ and H ≥ 16, else UNSETTLED (neither
 *    settled nor escaping within N: a slow transient, a quasi-periodic orbit, no exponent computed, or
 *    one averaged over fewer than 32 steps, which says an orbit stretches, not that it is chaotic: the
 *    double well's start 1e-12 at h = 0.6, leaving the maximum at 0 at its rate ln 1.6, has λ = 0.47
 *    over steps 25 … 49 of 50 and converges to 1 by step 200). A float32
 *    chaotic orbit can fall into a long spurious cycle; a positive exponent, not that cycle, decides.
 *    A fixed point is a fixed point whatever λ says when the orbit rests there (an unstable one
 *    reached exactly, or approached along its stable manifold: the window's second half stays within
 *    tol·s); but a state that moves less than tol·s in one step while its tangent map stretches and
 *    its x wanders by more than that over the window is passing, not resting: Adam between the bursts
 *    of its relaxation oscillation (s forgets at rate β₂ until h/√ŝ passes the edge of stability).
 * 7. At the final state x_N: f, sharpness λmax(∇²f) and the user's observables.
 */
export const Outcome = {
  DIVERGED: 0,
  CONVERGED: 1,
  PERIODIC: 2,
  CHAOTIC: 3,
  UNSETTLED: 4,
  ESCAPING: 5,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * Ratio of successive components of the Lyapunov start vector: v₀ ∝ (1, r, r², …) with r = 1/φ.
 * Not (1,…,1)/√n: on symmetric objectives such as (1 - xy)²/2 that vector is an eigenvector of the
 * tangent map along the diagonal x = y, so float64 would report the smaller exponent while float32
 * rounding drifts to the larger one. An irrational ratio has a component along every eigenvector.
 */
export const TANGENT_RATIO = 0.6180339887498949;

/**
 * Steps the tangent vector is pushed through J_k before the exponent is measured (rule 4): from
 * W0 = T - min(T, LYAPUNOV_WARMUP) on, unmeasured, then renormalised at T. The start vector's
 * component along the most expanding direction converges to it like |μ₂/μ₁|^k; without a warm-up a
 * non-normal tangent map (every optimizer with a state) adds its eigenbasis's amplification, about
 * log κ, to the window's sum, i.e. log κ/(N - T) to λ.
 */
export const LYAPUNOV_WARMUP = 64;

/** The first step of the tangent's warm-up: W0 = T - min(T, LYAPUNOV_WARMUP) (rule 4). */
export function warmupStart(transient: number): number {
  return transient - Math.min(transient, LYAPUNOV_WARMUP);
}

/**
 * The unit start vector of the Lyapunov tangent map in n dimensions (WGSL builds the same one); n is
 * the dimension of x and the optimizer's vectors together.
 */
export function tangentStart<T extends Float64Array>(n: number, out: T): T {
  let w = 1;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    out[i] = w;
    sq += w * w;
    w *= TANGENT_RATIO;
  }
  const norm = Math.sqrt(sq);
  for (let i = 0; i < n; i++) out[i] /= norm;
  return out;
}

export const OUTCOME_NAMES: Record<Outcome, string> = {
  0: 'diverged',
  1: 'converged',
  2: 'periodic',
  3: 'chaotic',
  4: 'unsettled',
  5: 'escaping',
};

/** Largest growth exponent of rule 5, so exp() stays finite in f32 and f64 alike. */
export const GROWTH_EXP_CAP = 80;

/** Shortest half-window (H) over which rule 5 judges growth. */
export const GROWTH_MIN_HALF = 16;

/**
 * Least share of R2 that the second half's extent over its last steps (from the checkpoint N - P on)
 * must reach for rule 5 to call an orbit growing: a runaway is at its farthest when the window ends,
 * a burst that came back is not (Adam's relaxation oscillation on x²/2 read escaping in 631 of 2304
 * float64 pixels of an (h, x₀) map without it, 6 with it; GD's runaways past h = 2 kept their class).
 */
export const GROWTH_TAIL_SHARE = 0.5;

/**
 * Rule 6 of the definition, from the period, the exponent and the extents R1, R2 of the two halves
 * of the averaging window (H = its first half's length; H = 0: no window). `rest` is tol·s of rule 3
 * (R2 above it with λ > θ: a one-step rest that is not one); `tail` is R2 over the tail, rule 5's
 * R2' (R2 itself where not given). The WGSL engine spells the same lines out in shaders; the float64
 * engines call this.
 */
export function decideOutcome(
  period: number,
  lyapunov: number,
  r1: number,
  r2: number,
  half: number,
  chaosThreshold: number,
  rest = Infinity,
  tail = r2,
): Outcome {
  const chaotic = lyapunov > chaosThreshold;
  if (period === 1 && !(chaotic && r2 > rest)) return Outcome.CONVERGED;
  if (period >= 2 && !chaotic) return Outcome.PERIODIC;
  const growing =
    half >= GROWTH_MIN_HALF &&
    (chaotic
      ? r2 > r1 * Math.exp(Math.min(GROWTH_EXP_CAP, (Math.max(lyapunov, 0) * half) / 2))
      : r2 > 2 * r1) &&
    tail >= GROWTH_TAIL_SHARE * r2;
  if (growing) return Outcome.ESCAPING;
  return chaotic && half >= GROWTH_MIN_HALF ? Outcome.CHAOTIC : Outcome.UNSETTLED;
}

/**
 * Rule 3 of the definition: the period from the distances d_1 … d_count of the states after the
 * checkpoint to it (d[i - 1] = d_i), its scale s and the tolerance; 0 when none. The float64 engines
 * call this; the GPU finds the candidate in `tail_run` (shaders/gd-core.wgsl) and tests its divisors in
 * `traj_settle` or `settle_run` (shaders/gd-escape.wgsl).
 */
export function periodOf(d: ArrayLike<number>, count: number, scale: number, tol: number): number {
  let extent = 0;
  for (let i = 1; i <= count; i++) {
    if (d[i - 1] <= tol * (i === 1 ? scale : Math.min(scale, extent)))
      return divisorsPass(d, i, tol, count) ? i : 0;
    extent = Math.max(extent, d[i - 1]);
  }
  return 0;
}

/**
 * Whether the candidate p returns within tol·d_q for every divisor q of p with 2 ≤ q < p, or comes back
 * exactly after 2p steps (d_2p = 0, 2p ≤ count: the returns known) (rule 3).
 */
export function divisorsPass(d: ArrayLike<number>, p: number, tol: number, count = p): boolean {
  if (2 * p <= count && d[2 * p - 1] === 0) return true;
  for (let q = 2; 2 * q <= p; q++) if (p % q === 0 && !(d[p - 1] <= tol * d[q - 1])) return false;
  return true;
}

/** Whether the candidate p has a divisor q with 2 ≤ q < p, so that rule 3's divisor test can fail it. */
export function periodHasDivisor(p: number): boolean {
  for (let q = 2; q * q <= p; q++) if (p % q === 0) return true;
  return false;
}

/** Longest period a spec may look for (classify.maxPeriod): the statistics keep a bin for each. */
export const MAX_PERIOD = 64;

/** Settings that decide a trajectory's outcome; part of the experiment spec. */
export interface ClassifySettings {
  /** Longest period looked for (P). */
  maxPeriod: number;
  /** Relative tolerance of the period test. */
  tol: number;
  /** ‖x‖∞ beyond which a trajectory counts as diverged. */
  divergeRadius: number;
  /** Whether the largest Lyapunov exponent is computed (costs a Hessian-vector product per step). */
  lyapunov: boolean;
  /** Exponent above which an orbit is chaotic rather than periodic. */
  chaosThreshold: number;
}

export const DEFAULT_CLASSIFY: ClassifySettings = {
  maxPeriod: 16,
  tol: 1e-4,
  divergeRadius: 1e6,
  lyapunov: true,
  chaosThreshold: 1e-3,
};
