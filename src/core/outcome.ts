/**
 * The fate of one GD trajectory, defined once for the float64 reference engine and the WGSL engine.
 *
 * The definition (both engines implement exactly this; see docs/ARCHITECTURE.md):
 * 1. Iterate x_{k+1} = x_k - h ⊙ ∇f(x_k) for k = 0 … N-1 (h a scalar or one rate per coordinate).
 * 2. Diverged at iteration k+1 when x_{k+1} has a non-finite component or ‖x_{k+1}‖∞ > divergeRadius.
 *    `iter` is that escape iteration. Nothing else is decided for a diverged trajectory.
 * 3. Otherwise, with P = maxPeriod, the state x_{N-P} is the checkpoint c. The period p is the least
 *    p in 1…P with ‖x_{N-P+p} - c‖∞ ≤ tol · max(1, ‖c‖∞); 0 when none matches.
 * 4. Largest Lyapunov exponent (when enabled): a tangent vector v₀ (see tangentStart) is pushed through the
 *    tangent map J_k = I - h ⊙ ∇²f(x_k) for k = T … N-1 (T = transient), renormalised every step;
 *    λ = Σ log‖J_k v‖ / (N - T). NaN when disabled.
 * 5. Outcome: p = 1 → CONVERGED; p ≥ 2 and not (λ > chaosThreshold) → PERIODIC; otherwise APERIODIC.
 *    A float32 chaotic orbit can fall into a long spurious cycle; a positive exponent, not that cycle,
 *    decides. A fixed point is a fixed point whatever λ says (an unstable one reached exactly).
 * 6. At the final state x_N: f, sharpness λmax(∇²f) and the user's observables.
 */
export const Outcome = {
  DIVERGED: 0,
  CONVERGED: 1,
  PERIODIC: 2,
  APERIODIC: 3,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * Ratio of successive components of the Lyapunov start vector: v₀ ∝ (1, r, r², …) with r = 1/φ.
 * Not (1,…,1)/√n: on symmetric objectives such as (1 - xy)²/2 that vector is an eigenvector of the
 * tangent map along the diagonal x = y, so float64 would report the smaller exponent while float32
 * rounding drifts to the larger one. An irrational ratio has a component along every eigenvector.
 */
export const TANGENT_RATIO = 0.6180339887498949;

/** The unit start vector of the Lyapunov tangent map in n dimensions (WGSL builds the same one). */
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
  3: 'aperiodic',
};

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

/**
 * One pixel's record. The GPU writes it as the WGSL struct `Record` (shaders/record.wgsl);
 * RECORD_FIELDS is the single description of that layout: word offset and type of each field.
 */
export interface TrajectoryRecord {
  outcome: Outcome;
  /** Escape iteration when diverged, else the number of iterations run. */
  iter: number;
  /** Period (1 for converged), 0 when none was found. */
  period: number;
  /** Largest Lyapunov exponent; NaN when not computed. */
  lyapunov: number;
  /** f at the final state. */
  f: number;
  /** λmax(∇²f) at the final state. */
  sharpness: number;
  /** User observables at the final state (NaN when unused). */
  obs0: number;
  obs1: number;
  /** First two coordinates of the final state. */
  final0: number;
  final1: number;
}

/** Field order and types of the WGSL `Record` struct: 12 words of 4 bytes (two spare). */
export const RECORD_FIELDS = [
  ['outcome', 'u32'],
  ['iter', 'u32'],
  ['period', 'u32'],
  ['flags', 'u32'],
  ['lyapunov', 'f32'],
  ['f', 'f32'],
  ['sharpness', 'f32'],
  ['obs0', 'f32'],
  ['obs1', 'f32'],
  ['final0', 'f32'],
  ['final1', 'f32'],
  ['spare', 'f32'],
] as const;
export const RECORD_WORDS = RECORD_FIELDS.length;
export const RECORD_BYTES = RECORD_WORDS * 4;

/** Columnar records of a W×H grid (uPlot style: one typed array per field), row-major, row 0 at the bottom. */
export interface RecordColumns {
  width: number;
  height: number;
  outcome: Uint8Array;
  iter: Uint32Array;
  period: Uint32Array;
  lyapunov: Float32Array | Float64Array;
  f: Float32Array | Float64Array;
  sharpness: Float32Array | Float64Array;
  obs0: Float32Array | Float64Array;
  obs1: Float32Array | Float64Array;
  final0: Float32Array | Float64Array;
  final1: Float32Array | Float64Array;
}

/** Allocates float64 columns (the CPU engine's precision). */
export function allocColumns(width: number, height: number, float: 'f32' | 'f64' = 'f64'): RecordColumns {
  const n = width * height;
  const F = float === 'f64' ? Float64Array : Float32Array;
  return {
    width,
    height,
    outcome: new Uint8Array(n),
    iter: new Uint32Array(n),
    period: new Uint32Array(n),
    lyapunov: new F(n),
    f: new F(n),
    sharpness: new F(n),
    obs0: new F(n),
    obs1: new F(n),
    final0: new F(n),
    final1: new F(n),
  };
}

/** Parses `count` GPU records (the raw words of a readback) into columns starting at `offset`. */
export function parseRecords(words: ArrayBuffer, cols: RecordColumns, offset = 0, count?: number): void {
  const u = new Uint32Array(words);
  const f = new Float32Array(words);
  const n = count ?? u.length / RECORD_WORDS;
  for (let i = 0; i < n; i++) {
    const b = i * RECORD_WORDS;
    const j = offset + i;
    cols.outcome[j] = u[b];
    cols.iter[j] = u[b + 1];
    cols.period[j] = u[b + 2];
    cols.lyapunov[j] = f[b + 4];
    cols.f[j] = f[b + 5];
    cols.sharpness[j] = f[b + 6];
    cols.obs0[j] = f[b + 7];
    cols.obs1[j] = f[b + 8];
    cols.final0[j] = f[b + 9];
    cols.final1[j] = f[b + 10];
  }
}

/** Outcome counts in the shape the CLI's JSON and the legend share. */
export interface OutcomeCounts {
  diverged: number;
  converged: number;
  periodic: Record<string, number>;
  aperiodic: number;
  /**
   * Of the aperiodic, those with λ > chaosThreshold: chaotic. The rest neither settled nor diverged
   * within the iterations (a slow transient, e.g. x²/2 near h = 2), or ran without exponents.
   */
  chaotic: number;
}

export function countOutcomes(
  cols: Pick<RecordColumns, 'outcome' | 'period' | 'lyapunov'>,
  chaosThreshold = DEFAULT_CLASSIFY.chaosThreshold,
): OutcomeCounts {
  const counts: OutcomeCounts = { diverged: 0, converged: 0, periodic: {}, aperiodic: 0, chaotic: 0 };
  for (let i = 0; i < cols.outcome.length; i++) {
    switch (cols.outcome[i]) {
      case Outcome.DIVERGED:
        counts.diverged++;
        break;
      case Outcome.CONVERGED:
        counts.converged++;
        break;
      case Outcome.PERIODIC: {
        const key = String(cols.period[i]);
        counts.periodic[key] = (counts.periodic[key] ?? 0) + 1;
        break;
      }
      default:
        counts.aperiodic++;
        if (cols.lyapunov[i] > chaosThreshold) counts.chaotic++;
    }
  }
  return counts;
}
