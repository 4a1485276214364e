/**
 * The operations of the objective DAG (dag.ts) and their float64 meaning, shared by every back end:
 * the DAG's constant folding, the float64 tape, the WGSL emitter and any other emitter.
 */

/** Operation codes, shared by the DAG, the float64 tape and the WGSL emitter. */
export const Op = {
  CONST: 0,
  VAR: 1,
  PARAM: 2,
  /** Component i of the direction v (Hessian-vector products, ∇³f[v, v]). */
  DIR: 3,
  ADD: 4,
  SUB: 5,
  MUL: 6,
  DIV: 7,
  NEG: 8,
  /** a^n for an integer constant n (exact for negative bases). */
  POWI: 9,
  /** a^b for real b. */
  POW: 10,
  SIN: 11,
  COS: 12,
  TAN: 13,
  EXP: 14,
  LOG: 15,
  SQRT: 16,
  ABS: 17,
  SIGN: 18,
  TANH: 19,
  COSH: 20,
  SINH: 21,
  /** a < b ? c : d (min, max and their derivatives). */
  SELECT: 22,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** One node. Leaves keep their index (VAR, PARAM, DIR), POWI its exponent, CONST its value in `value`. */
export interface DagNode {
  readonly op: Op;
  readonly args: readonly number[];
  /** CONST: the value; POWI: the integer exponent; VAR/PARAM/DIR: the index. */
  readonly value: number;
}

export const UNARY_OPS: ReadonlySet<Op> = new Set<Op>([
  Op.NEG,
  Op.SIN,
  Op.COS,
  Op.TAN,
  Op.EXP,
  Op.LOG,
  Op.SQRT,
  Op.ABS,
  Op.SIGN,
  Op.TANH,
  Op.COSH,
  Op.SINH,
]);

/**
 * Whether a constant that folding would create is a normal float32 (or zero): c1·(c2·t) → (c1c2)·t
 * must not make a constant that float32 cannot hold (1e38·x·10 stays finite on the GPU at x = 0.1).
 */
export function inF32Range(c: number): boolean {
  const m = Math.abs(c);
  return m === 0 || (m >= 1.1754943508222875e-38 && m <= 3.4028234663852886e38);
}

/**
 * Integer power by repeated squaring over the unsigned magnitude (see the power semantics in dag.ts):
 * at most 32 rounds, exact sign for negative bases. |n| beyond POWI_MAX never reaches here.
 */
export function powi(a: number, n: number): number {
  if (n === 2) return a * a;
  if (n === 3) return a * a * a;
  let e = (n < 0 ? -n : n) >>> 0;
  let base = a;
  let r = 1;
  for (let round = 0; round < 32 && e !== 0; round++) {
    if (e & 1) r *= base;
    base *= base;
    e >>>= 1;
  }
  return n < 0 ? 1 / r : r;
}

/** tanh that stays finite for large |a| (used by the tape and for constant folding). */
export function evalUnary(op: Op, a: number): number {
  switch (op) {
    case Op.NEG:
      return -a;
    case Op.SIN:
      return Math.sin(a);
    case Op.COS:
      return Math.cos(a);
    case Op.TAN:
      return Math.tan(a);
    case Op.EXP:
      return Math.exp(a);
    case Op.LOG:
      return Math.log(a);
    case Op.SQRT:
      return Math.sqrt(a);
    case Op.ABS:
      return Math.abs(a);
    case Op.SIGN:
      return Math.sign(a);
    case Op.TANH:
      return Math.tanh(a);
    case Op.COSH:
      return Math.cosh(a);
    case Op.SINH:
      return Math.sinh(a);
    default:
      throw new Error(`not a unary op: ${op}`);
  }
}
