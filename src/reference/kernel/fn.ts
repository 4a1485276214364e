/** The pieces every kernel function is built from: locals, lane loads and stores, the leaves of the DAG. */
import { Op, type DagNode } from '../../objective/dag.ts';
import { Code, op, simd, V128, VOID } from '../../objective/wasm/encoder.ts';
import { Locals, type EmitContext, type MathImports } from '../../objective/wasm/emit.ts';
import { RULE_PARAM, RULE_VAR } from '../../optimizer/compile.ts';

/** A function under construction: its code, locals and the leaves of the current copies. */
export class Fn {
  readonly code = new Code();
  readonly locals: Locals;
  constructor(params: number) {
    this.locals = new Locals(params);
  }
  v(): number {
    return this.locals.alloc(V128);
  }
  vs(n: number): number[] {
    return Array.from({ length: n }, () => this.v());
  }
}

/** Loads field `offset` of copy q of the group at byte `base` into `local`. */
export function load(c: Code, base: number, offset: number, q: number, local: number): void {
  c.get(base)
    .vload(offset + 16 * q)
    .set(local);
}
export function store(c: Code, base: number, offset: number, q: number, local: number): void {
  c.get(base)
    .get(local)
    .vstore(offset + 16 * q);
}

/**
 * Emits the loop over the groups 0 … groups - 1 a kernel function is called for (its parameter 0):
 * `g` counts them and `base` is the group's byte offset in every field (G f64x2 copies, 16 bytes
 * each), set before `body` emits what one group does.
 */
export function eachGroup(c: Code, g: number, base: number, G: number, body: () => void): void {
  c.i32(0).set(g);
  c.op(op.block, VOID, op.loop, VOID);
  c.get(g).get(0).op(op.i32GeS, op.brIf, 1);
  c.get(g)
    .i32(16 * G)
    .op(op.i32Mul)
    .set(base);
  body();
  c.get(g).i32(1).op(op.i32Add).set(g);
  c.op(op.br, 0, op.end, op.end);
}

/** The locals of one f64x2 copy of the state. */
export interface PairState {
  x: number[];
  /** The optimizer's vectors (dim · nstate) and clocks. */
  u: number[];
  clock: number[];
  h: number[];
  p: number[];
  /** Hyperparameters [β, β₂, ε]. */
  o: number[];
  /** Tangent over x and u. */
  v: number[];
  c: number[];
  a: number[];
  logSum: number;
  period: number;
  extent: number;
  scale: number;
  r1: number;
  r2: number;
  count: number;
  alive: number;
  omin: number;
  omax: number;
}

/**
 * The leaves of the optimizer's rule DAG (src/optimizer/compile.ts) for coordinate i of each copy:
 * x_i, g_i (`grad[i][g]`), the state's component i, the clocks; h_i, the hyperparameters and the bias
 * factors (`factors[g]`: c1, c2 locals); δx_i, δg_i (`hvp[i][g]`), the state tangent's component i.
 */
export function ruleContext(
  fn: Fn,
  math: MathImports,
  st: PairState[],
  i: number,
  leaves: { grad: number[][]; hvp?: number[][]; factors?: number[][] },
): EmitContext {
  const dim = st[0].x.length;
  const ns = st[0].u.length / dim;
  return {
    code: fn.code,
    locals: fn.locals,
    math,
    vector: true,
    pairs: st.length,
    leaf: (n: DagNode, g: number) => {
      const s = st[g];
      const k = n.value;
      if (n.op === Op.VAR) {
        if (k === RULE_VAR.x) return s.x[i];
        if (k === RULE_VAR.g) return leaves.grad[i][g];
        if (k < RULE_VAR.state + ns) return s.u[(k - RULE_VAR.state) * dim + i];
        return s.clock[k - RULE_VAR.state - ns];
      }
      if (n.op === Op.PARAM) {
        if (k === RULE_PARAM.h) return s.h[i];
        if (k <= RULE_PARAM.eps) return s.o[k - RULE_PARAM.beta];
        return (leaves.factors as number[][])[g][k - RULE_PARAM.c1];
      }
      if (k === RULE_VAR.x) return s.v[i];
      if (k === RULE_VAR.g) return (leaves.hvp as number[][])[i][g];
      return s.v[(1 + k - RULE_VAR.state) * dim + i];
    },
  };
}

/** A state field: the locals it lives in and its offset(s) in memory. */
export type FieldRef = readonly [keyof PairState, number | readonly number[]];

export function context(fn: Fn, math: MathImports, pairs: number, st: PairState[]): EmitContext {
  return {
    code: fn.code,
    locals: fn.locals,
    math,
    vector: true,
    pairs,
    leaf: (n: DagNode, g: number) =>
      n.op === Op.VAR ? st[g].x[n.value] : n.op === Op.PARAM ? st[g].p[n.value] : st[g].v[n.value],
  };
}

/**
 * Pushes max_i |x_i - y_i|. Every lane whose record keeps this value stayed bounded, so its operands
 * are finite and non-negative, where pmax (one instruction) and Math.max (eight, for NaN and -0)
 * agree; a lane that escaped may get another value, which its record never shows.
 */
export function maxAbsDiff(c: Code, x: number[], y: number[]): void {
  x.forEach((xi, i) => {
    c.get(xi).get(y[i]).v(simd.f64x2Sub).v(simd.f64x2Abs);
    if (i > 0) c.v(simd.f64x2Pmax);
  });
}
