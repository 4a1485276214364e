/** The emitted tangent step of the Lyapunov exponent, in the two styles the float64 engines use. */
import { simd } from '../../objective/wasm/encoder.ts';
import type { MathImports } from '../../objective/wasm/emit.ts';
import type { KernelOptions } from './kernel.ts';
import type { Fn, PairState } from './fn.ts';

/** 2^52 and its bits: or-ing a small integer into the mantissa and subtracting 2^52 converts it exactly. */
const TWO52 = 4503599627370496;
const TWO52_BITS = 0x4330000000000000n;

/**
 * The tangent step. Both styles start from w = J_k v, the optimizer's tangent map (emitted from its
 * rule's DAG by the caller: v - h ⊙ ∇²f(x_k) v for GD), w[g] the locals of copy g over x and the
 * optimizer's vectors.
 * 'basin' (src/reference/tangent.ts): v ← J_k v · 2^s, the power of two that brings the largest
 * |component| into [2, 4), and -s added to the exponent sum (logSum), with the reference's integer
 * arithmetic done on the exponent bits.
 * 'ensemble' (src/reference/ensemble.ts): n = max(‖J_k v‖, 1e-300), log n added, v ← J_k v / n,
 * with the w_0² + w_1² + … summation order and Math.log called per lane (V8 calls it directly; a
 * vectorised fdlibm log measured slower).
 */
export function tangent(
  fn: Fn,
  st: PairState[],
  wAll: number[][],
  style: KernelOptions['tangent'],
  math: MathImports,
): void {
  const c = fn.code;
  st.forEach((s, q) => {
    const w = wAll[q];
    if (style === 'basin') {
      const eb = fn.v();
      // m = max_i |w_i| as pmax; eb its biased exponent, 0 counted as 1.
      w.forEach((wi, i) => {
        c.get(wi).v(simd.f64x2Abs);
        if (i > 0) c.v(simd.f64x2Pmax);
      });
      c.i32(52).v(simd.i64x2ShrU).tee(eb).get(eb).i64x2(0n).v(simd.i64x2Eq).v(simd.i64x2Sub).set(eb);
      // factor = 2^(1024 - eb): exponent bits 2047 - eb.
      const factor = fn.v();
      c.i64x2(2047n).get(eb).v(simd.i64x2Sub).i32(52).v(simd.i64x2Shl).set(factor);
      s.v.forEach((vi, i) => c.get(w[i]).get(factor).v(simd.f64x2Mul).set(vi));
      // exponents += eb - 1024, exactly: (2^52 + eb) - (2^52 + 1024).
      c.get(s.logSum)
        .get(eb)
        .i64x2(TWO52_BITS)
        .v(simd.or)
        .f64x2(TWO52 + 1024)
        .v(simd.f64x2Sub);
      c.v(simd.f64x2Add).set(s.logSum);
      fn.locals.release(eb);
      fn.locals.release(factor);
      return;
    }
    const norm = fn.v();
    w.forEach((wi, i) => {
      c.get(wi).get(wi).v(simd.f64x2Mul);
      if (i > 0) c.v(simd.f64x2Add);
    });
    // pmax(n, 1e-300) = n < 1e-300 ? 1e-300 : n is Math.max here: n is never -0, and NaN stays.
    c.v(simd.f64x2Sqrt).f64x2(1e-300).v(simd.f64x2Pmax).set(norm);
    c.get(s.logSum);
    for (let lane = 0; lane < 2; lane++) {
      c.get(norm).v(simd.f64x2ExtractLane, lane).call(math.unary.log);
      if (lane === 0) c.v(simd.f64x2Splat);
      else c.v(simd.f64x2ReplaceLane, 1);
    }
    c.v(simd.f64x2Add).set(s.logSum);
    s.v.forEach((vi, i) => c.get(w[i]).get(norm).v(simd.f64x2Div).set(vi));
    fn.locals.release(norm);
  });
}
