/**
 * What the WGSL emitter (wgsl.ts) prints besides the user's structure: f32 literals of float64
 * numbers, products that carry a constant beyond f32's range, and the helper functions that give
 * WGSL builtins the meaning the float64 tape has (dag.ts, power semantics) where WGSL leaves them
 * undefined: pow, log and sqrt outside their domain, integer powers, tanh of large arguments. Those
 * called per node are written without branches (see POW): an expression is a few hundred calls.
 */
/** Prefix of the helper functions we emit, so they cannot collide with kernel code. */
export const HELPER_PREFIX = 'obj_';

export const F32_MAX = 3.4028234663852886e38;

/**
 * An f32 literal for v. Non-finite values cannot be literals (and a NaN or ∞ constant expression is a
 * shader-creation error), so they come from a helper function, which is never constant-evaluated.
 */
export function f32Literal(v: number): string {
  if (Number.isNaN(v)) return `${HELPER_PREFIX}bits(0x7fc00000u)`;
  const r = Math.fround(v);
  if (!Number.isFinite(r) || Math.abs(v) > F32_MAX)
    return v > 0 ? `${HELPER_PREFIX}bits(0x7f800000u)` : `${HELPER_PREFIX}bits(0xff800000u)`;
  // Subnormals may be flushed by the GPU anyway; a literal of one is not portable.
  if (r === 0 || Math.abs(r) < 1.1754943508222875e-38) return Object.is(r, -0) || r < 0 ? '(-0.0f)' : '0.0f';
  // The shortest float64 text of an f32 value is exact, and WGSL rounds it back to the same f32.
  let s = String(Math.abs(r));
  if (!/[.e]/.test(s)) s += '.0';
  return r < 0 ? `(-${s}f)` : `${s}f`;
}

export const NAN = `${HELPER_PREFIX}bits(0x7fc00000u)`;
export const INF = `${HELPER_PREFIX}bits(0x7f800000u)`;

export const BITS = `fn ${HELPER_PREFIX}bits(b: u32) -> f32 {
  return bitcast<f32>(b);
}
`;

/**
 * Math.pow's meaning (dag.ts, power semantics) in f32: WGSL's pow is exp2(b·log2(a)), undefined for
 * a ≤ 0, so zero, infinite and negative bases and infinite exponents are handled here.
 *
 * Without a branch: each case is a select over the value so far, the later ones taking precedence
 * (b = 0 over NaN over the rest), and the bool operators are `&` and `|`, which do not short-circuit.
 * Drivers inline every call, and SwiftShader took time quadratic in the branches of a kernel: 40
 * powers with variable exponents (361 calls with their derivatives) took 13 s to compile with the
 * branches, 1.8 s without, and a chain of 40 nested ones crashed the process.
 */
export const POW = `fn ${HELPER_PREFIX}pow(a: f32, b: f32) -> f32 {
  // Bit tests rather than a != a: compilers may assume floats are finite and fold comparisons away.
  // A base the GPU may flush to zero (a subnormal) is zero here.
  let abits = bitcast<u32>(a) & 0x7fffffffu;
  let bbits = bitcast<u32>(b) & 0x7fffffffu;
  let zero = abits < 0x00800000u;
  let ainf = abits == 0x7f800000u;
  let binf = bbits == 0x7f800000u;
  let m = abs(a);
  var r = select(pow(m, b), select(0.0, ${INF}, zero == (b < 0.0)), zero | ainf);
  r = select(r, select(0.0, ${INF}, (m > 1.0) == (b > 0.0)), binf);
  // A negative base: the sign of an odd integer exponent, NaN for a fractional one (but ±0 and ±∞
  // keep r). abs(b) is clamped so that the conversion to u32 stays in range.
  let neg = (bitcast<u32>(a) & 0x80000000u) != 0u;
  let fractional = floor(b) != b;
  let odd = (abs(b) < 16777216.0) & ((u32(min(abs(b), 16777216.0)) & 1u) == 1u);
  r = select(r, -r, neg & !fractional & odd);
  r = select(r, ${NAN}, (neg & fractional & !zero & !ainf) | (binf & (m == 1.0)));
  r = select(r, ${NAN}, (abits > 0x7f800000u) | (bbits > 0x7f800000u));
  return select(r, 1.0, b == 0.0);
}
`;

/** a^b for a constant odd integer b beyond 2²⁴, whose f32 literal is even: the base's sign is kept. */
export const POW_ODD = `fn ${HELPER_PREFIX}pow_odd(a: f32, b: f32) -> f32 {
  let r = ${HELPER_PREFIX}pow(abs(a), b);
  return select(r, -r, (bitcast<u32>(a) & 0x80000000u) != 0u);
}
`;

// tanh through exp(-2|a|), which cannot overflow: some drivers return NaN for tanh of large |a|.
export const TANH = `fn ${HELPER_PREFIX}tanh(a: f32) -> f32 {
  let e = exp(-2.0 * abs(a));
  return select(sign(a) * (1.0 - e) / (1.0 + e), a, (bitcast<u32>(a) & 0x7fffffffu) > 0x7f800000u);
}
`;

/** Smallest normal f32: below it GPUs may flush to zero. */
export const F32_MIN_NORMAL = 1.1754943508222875e-38;

/** log with its float64 meaning: -∞ at 0 (also for inputs the GPU flushes to 0), NaN below 0 and for NaN. */
export const LOG = `fn ${HELPER_PREFIX}log(a: f32) -> f32 {
  let bits = bitcast<u32>(a);
  let mag = bits & 0x7fffffffu;
  var r = select(log(a), ${INF}, bits == 0x7f800000u);
  r = select(r, ${NAN}, (bits & 0x80000000u) != 0u);
  r = select(r, -${INF}, mag < 0x00800000u);
  return select(r, ${NAN}, mag > 0x7f800000u);
}
`;

/** sqrt with its float64 meaning: NaN below 0 and for NaN (WGSL leaves both undefined). */
export const SQRT = `fn ${HELPER_PREFIX}sqrt(a: f32) -> f32 {
  return select(sqrt(a), ${NAN}, (a < 0.0) | ((bitcast<u32>(a) & 0x7fffffffu) > 0x7f800000u));
}
`;

/** r = f(a), unless a is NaN: then NaN, as float64 gives (the bit test survives fast-math). */
export const KEEPNAN = `fn ${HELPER_PREFIX}keepnan(a: f32, r: f32) -> f32 {
  return select(r, a, (bitcast<u32>(a) & 0x7fffffffu) > 0x7f800000u);
}
`;

/** Whether a non-zero finite constant lies outside the normal f32 range (and needs scaling). */
export function beyondF32(c: number): boolean {
  const m = Math.abs(c);
  return Number.isFinite(c) && m !== 0 && (m > F32_MAX || m < F32_MIN_NORMAL);
}

/**
 * Exact f32 factors whose product is c (to f32 rounding of its mantissa): the signed mantissa, then
 * powers of two of at most 2^±126. Multiplying by them in turn keeps a constant's true range, so
 * 1e300·x is 0 at x = 0 and ∞ at x = 1, as in float64, where the literal ∞ would give NaN and ∞.
 */
export function scaleFactors(c: number): string[] {
  let e = Math.floor(Math.log2(Math.abs(c)));
  // log2 may round across a power of two; fix the exponent so that the mantissa is in [1, 2).
  while (Math.abs(c) / 2 ** e >= 2) e++;
  while (Math.abs(c) / 2 ** e < 1) e--;
  const mantissa = c / 2 ** e;
  const out = [f32Literal(mantissa)];
  while (e !== 0) {
    const k = Math.max(-126, Math.min(126, e));
    out.push(f32Literal(2 ** k));
    e -= k;
  }
  return out;
}
