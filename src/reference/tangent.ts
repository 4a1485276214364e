/**
 * The Lyapunov exponent's arithmetic, shared by the float64 reference (classify.ts) and the compiled
 * kernel (kernel/tangent-step.ts, which performs the same operations on f64x2), so that both give
 * the same bits.
 *
 * λ = Σ_k log‖J_k v_k‖ / (N - T) with v_k renormalised (src/core/outcome.ts, rule 4) telescopes to
 * log‖J_{N-1}⋯J_T v_T‖ / (N - T), v_T the unit vector the warm-up leaves at T. So the tangent
 * vector is rescaled every step by a power of two (exact in floating point, a few integer
 * operations) that brings its largest component into [2, 4), the exponents are summed exactly, and
 * one logarithm is taken at the end. A per-step sqrt, two divisions and a logarithm cost four times
 * the rest of a Lyapunov step; this is the same quantity without them. A zero image (J singular
 * along v) stays zero: λ = -∞, as before.
 */

const scratch = new DataView(new ArrayBuffer(8));

/**
 * v ← w · 2^s with 2^s chosen from the exponent of max_i |w_i|; returns -s (what to add to the
 * exponent sum). The maximum is taken as `m < a ? a : m` (WebAssembly's pmax). A non-finite
 * component makes v NaN or zero (λ = NaN), as the kernel does.
 */
export function rescaleTangent(w: ArrayLike<number>, v: Float64Array, n: number): number {
  let m = Math.abs(w[0]);
  for (let i = 1; i < n; i++) {
    const a = Math.abs(w[i]);
    m = m < a ? a : m;
  }
  scratch.setFloat64(0, m, true);
  let eb = (scratch.getUint32(4, true) >>> 20) & 0x7ff;
  // 0 and subnormals scale as the smallest normal exponent (exactly, or 0 stays 0).
  if (eb === 0) eb = 1;
  // 2^(1024 - eb): a normal number for eb = 1 … 2046, and 0 for a non-finite maximum.
  scratch.setUint32(4, ((2047 - eb) << 20) >>> 0, true);
  scratch.setUint32(0, 0, true);
  const factor = scratch.getFloat64(0, true);
  for (let i = 0; i < n; i++) v[i] = w[i] * factor;
  return eb - 1024;
}

/** λ from the rescaled tangent vector v, the sum of the exponents taken out, and the steps N - T. */
export function tangentExponent(v: ArrayLike<number>, n: number, exponents: number, steps: number): number {
  let sq = v[0] * v[0];
  for (let i = 1; i < n; i++) sq += v[i] * v[i];
  return (Math.log(Math.sqrt(sq)) + exponents * Math.LN2) / steps;
}

/**
 * v ← v/‖v‖ (rule 4: the warmed-up tangent vector at k = T), the norm summed as tangentExponent does.
 * A zero vector stays zero (J was singular along it: λ = -∞) and NaN stays NaN.
 */
export function unitTangent(v: Float64Array, n: number): void {
  let sq = v[0] * v[0];
  for (let i = 1; i < n; i++) sq += v[i] * v[i];
  const norm = Math.sqrt(sq);
  if (norm > 0) for (let i = 0; i < n; i++) v[i] /= norm;
}
