/** Small dense linear algebra for the float64 reference: dimensions are at most 8, so nothing clever. */

/**
 * Largest eigenvalue of the symmetric n×n matrix `a` (row-major), the sharpness λmax(∇²f).
 * Closed form for n ≤ 2; the cyclic Jacobi eigenvalue algorithm otherwise, on `work` (length ≥ n²),
 * so that a grid's inner loop allocates nothing. `a` is not modified. NaN when `a` is not finite.
 */
export function lambdaMax(a: ArrayLike<number>, n: number, work?: Float64Array): number {
  // x - x is NaN for ±∞ and NaN, 0 otherwise: one test for "not finite".
  if (n === 1) return a[0] - a[0] === 0 ? a[0] : NaN;
  if (n === 2) {
    if (a[0] - a[0] + (a[1] - a[1]) + (a[2] - a[2]) + (a[3] - a[3]) !== 0) return NaN;
    const m = 0.5 * a[0] + 0.5 * a[3];
    const d = 0.5 * a[0] - 0.5 * a[3];
    // The Hessian evaluator is symmetric by construction; averaging guards hand-written ones.
    const b = 0.5 * a[1] + 0.5 * a[2];
    // hypot, not sqrt(d² + b²): a finite Hessian of 1e200 must not overflow to ∞.
    return m + Math.hypot(d, b);
  }
  const w = work ?? new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) w[k] = a[k];
  for (let k = 0; k < n * n; k++) if (!Number.isFinite(w[k])) return NaN;
  // Symmetrise once (as above), then rotate away each off-diagonal entry in turn.
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (w[i * n + j] + w[j * n + i]);
      w[i * n + j] = s;
      w[j * n + i] = s;
    }
  for (let sweep = 0; sweep < 64; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += w[i * n + i] * w[i * n + i];
      for (let j = i + 1; j < n; j++) off += w[i * n + j] * w[i * n + j];
    }
    // Off-diagonal mass below rounding of the diagonal: the diagonal holds the eigenvalues.
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = w[p * n + q];
        if (apq === 0) continue;
        const app = w[p * n + p];
        const aqq = w[q * n + q];
        // Rutishauser's stable form of the rotation angle: t = tan θ, the smaller root.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = w[k * n + p];
          const akq = w[k * n + q];
          w[k * n + p] = c * akp - s * akq;
          w[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = w[p * n + k];
          const aqk = w[q * n + k];
          w[p * n + k] = c * apk - s * aqk;
          w[q * n + k] = s * apk + c * aqk;
        }
      }
  }
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, w[i * n + i]);
  return max;
}

/** ‖v‖∞ of the first n entries; NaN if any is NaN. */
export function normInf(v: ArrayLike<number>, n = v.length): number {
  let m = 0;
  for (let k = 0; k < n; k++) {
    const a = Math.abs(v[k]);
    if (a !== a) return NaN;
    if (a > m) m = a;
  }
  return m;
}
