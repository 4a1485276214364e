/**
 * Where GD overshoots, so that no flow can follow it. Along an eigenvector of ∇²f with eigenvalue λ,
 * GD's linearised step multiplies by 1 − hλ; it is negative, a sign flip every step, exactly when
 * hλ > 1, and the largest eigenvalue gives the most negative one. A flow ẋ = F(x) sampled at
 * t = k·h cannot flip sign like that (in 1-D its orbits are monotone; in n-D its time-h map keeps
 * orientation, det = exp∫div F > 0, while one flipped direction reverses it; two at once could be a
 * half turn, but none of the flows drawn turns: linearised at a minimum each multiplies by
 * exp(−c(hλ)) > 0 along every eigenvector), and the expansion
 * behind the modified equations needs h·λmax small. So past hλmax = 1 the gradient flow and the
 * modified equations are no approximation of GD, whatever they look like beside it; past 2 GD's
 * step grows along that direction while the flows may well converge.
 */

/** The first sampled step with h·λmax > 1, and the largest h·λmax over the samples. */
export interface Overshoot {
  /** The first k with h·λmax(∇²f(x_k)) > 1, and that product. */
  k: number;
  value: number;
  /** The largest h·λmax sampled and its first step. */
  maxK: number;
  max: number;
}

/**
 * The first k with h·sharpness[k] > 1, strictly: at hλ = 1 the multiplier is 0 (GD lands on the
 * minimum of a quadratic in one step) and nothing flips. NaN sharpness (a Hessian that is not
 * finite, at an escaped iterate) is skipped. Null when GD never overshoots over the samples.
 */
export function findOvershoot(h: number, sharpness: ArrayLike<number>): Overshoot | null {
  let out: Overshoot | null = null;
  for (let k = 0; k < sharpness.length; k++) {
    const a = h * sharpness[k];
    if (!(a > 1)) continue;
    if (out === null) out = { k, value: a, maxK: k, max: a };
    else if (a > out.max) {
      out.max = a;
      out.maxK = k;
    }
  }
  return out;
}

/**
 * h·λmax with the digits that show it is above `bound`: 1.0000001 at four digits would print
 * "1 > 1", which reads as a bug.
 */
function above(a: number, bound: number): string {
  for (const digits of [4, 8, 17]) {
    const s = String(Number(a.toPrecision(digits)));
    if (Number(s) > bound || digits === 17) return s;
  }
  return String(a);
}

/**
 * The note beside GD's flows when GD overshoots (findOvershoot), one line: the CLI's notes and the
 * inspector's text near its state chart.
 */
export function overshootNote(o: Overshoot): string {
  const unstable =
    o.max > 2
      ? ` (up to ${above(o.max, 2)} > 2 at step ${o.maxK}, where |1 − h·λmax| > 1: the linearised ` +
        'step grows along it)'
      : '';
  // "There" and "linearised": hλ may exceed 1 at some steps only, and past 2 GD may still stay
  // bounded (a catapult into a flatter region), so the note claims neither every step nor divergence.
  return (
    `h·λmax(∇²f) = ${above(o.value, 1)} > 1 first at step ${o.k}${unstable}: GD overshoots there, ` +
    'flipping sign along the sharpest direction (1 − h·λmax < 0); no flow ẋ = F(x) follows that, ' +
    'so the flows are drawn for comparison only, not as an approximation of GD'
  );
}
