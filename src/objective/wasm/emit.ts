/**
 * WebAssembly emission of the objective DAG, the float64 twin of wgsl.ts: every interior node
 * reachable from the requested outputs becomes one local, in id order, so shared subexpressions are
 * computed once. Values are f64 (scalar) or f64x2 (two trajectories per vector), and `pairs` copies
 * of the computation are interleaved node by node, so that independent trajectories fill the CPU's
 * pipelines. Each node performs exactly the float64 operation the tape (tape.ts) performs, in the
 * same order, and the elementary functions are the JavaScript engine's own Math functions (imported),
 * so compiled and interpreted values are bit for bit the same.
 */
import { Dag, Op, type DagNode } from '../dag.ts';
import { Code, F64, ModuleBuilder, op, simd, V128, type ValType } from './encoder.ts';

/** The Math functions a module imports, in import order (module `m`). */
export const MATH_UNARY = ['sin', 'cos', 'tan', 'exp', 'log', 'tanh', 'cosh', 'sinh'] as const;
type MathUnary = (typeof MATH_UNARY)[number];

const UNARY_IMPORT: Partial<Record<Op, MathUnary>> = {
  [Op.SIN]: 'sin',
  [Op.COS]: 'cos',
  [Op.TAN]: 'tan',
  [Op.EXP]: 'exp',
  [Op.LOG]: 'log',
  [Op.TANH]: 'tanh',
  [Op.COSH]: 'cosh',
  [Op.SINH]: 'sinh',
};

/** Function indices of the imported Math functions. */
export interface MathImports {
  unary: Record<MathUnary, number>;
  pow: number;
}

/** Declares the Math imports on a module (before any function). */
export function importMath(m: ModuleBuilder): MathImports {
  const unary = {} as Record<MathUnary, number>;
  for (const name of MATH_UNARY) unary[name] = m.importFunc('m', name, [F64], [F64]);
  return { unary, pow: m.importFunc('m', 'pow', [F64, F64], [F64]) };
}

/**
 * The import object for a module built with importMath. These must be the engine's own Math
 * functions: the tape calls them, and V8 turns an import of exactly these into a direct call.
 */
export function mathImportObject(): WebAssembly.Imports {
  const m: Record<string, (...a: number[]) => number> = { pow: Math.pow };
  for (const name of MATH_UNARY) m[name] = Math[name];
  return { m };
}

/** A function's locals beyond its parameters: allocated by type, reused once free. */
export class Locals {
  readonly types: ValType[] = [];
  private readonly free = new Map<ValType, number[]>();
  constructor(private readonly paramCount: number) {}

  alloc(type: ValType): number {
    const list = this.free.get(type);
    if (list && list.length) return list.pop() as number;
    this.types.push(type);
    return this.paramCount + this.types.length - 1;
  }
  release(index: number): void {
    const type = this.types[index - this.paramCount];
    let list = this.free.get(type);
    if (!list) this.free.set(type, (list = []));
    list.push(index);
  }
}

/** Where the emitted code goes and how it reads the DAG's leaves. */
export interface EmitContext {
  code: Code;
  locals: Locals;
  math: MathImports;
  /** f64x2 values (two lanes) or scalar f64. */
  vector: boolean;
  /** Independent copies of the computation, interleaved (copy g reads leaves of copy g). */
  pairs: number;
  /** The local holding a VAR, PARAM or DIR leaf for copy g. */
  leaf(node: DagNode, g: number): number;
}

/**
 * Emits the nodes reachable from `outputs`; returns, per output and copy, the local that holds it
 * (the caller releases them; a leaf output is copied into a local of its own). Constants are
 * emitted inline at each use.
 */
export function emitOutputs(dag: Dag, outputs: readonly number[], ctx: EmitContext): number[][] {
  const { code, locals, vector, pairs } = ctx;
  const type = vector ? V128 : F64;
  const mark = dag.reachable(outputs);
  const lastUse = new Int32Array(dag.nodes.length).fill(-1);
  for (let id = 0; id < dag.nodes.length; id++)
    if (mark[id]) for (const a of dag.nodes[id].args) lastUse[a] = id;
  const keep = new Set(outputs);
  const slot = new Map<number, number[]>();

  const push = (id: number, g: number) => {
    const n = dag.nodes[id];
    if (n.op === Op.CONST) pushConst(ctx, n.value);
    else if (n.op === Op.VAR || n.op === Op.PARAM || n.op === Op.DIR) code.get(ctx.leaf(n, g));
    else code.get((slot.get(id) as number[])[g]);
  };
  const bin = (s: number, v: number) => (vector ? code.v(v) : code.op(s));

  for (let id = 0; id < dag.nodes.length; id++) {
    if (!mark[id]) continue;
    const n = dag.nodes[id];
    const leafOut = n.op === Op.CONST || n.op === Op.VAR || n.op === Op.PARAM || n.op === Op.DIR;
    if (leafOut && !keep.has(id)) continue;
    const out: number[] = [];
    for (let g = 0; g < pairs; g++) {
      const a = n.args[0];
      const b = n.args[1];
      const r = locals.alloc(type);
      if (leafOut) push(id, g);
      else
        switch (n.op) {
          case Op.ADD:
          case Op.SUB:
          case Op.MUL:
          case Op.DIV: {
            push(a, g);
            push(b, g);
            const k = n.op - Op.ADD;
            bin(op.f64Add + k, simd.f64x2Add + k);
            break;
          }
          case Op.NEG:
            push(a, g);
            bin(op.f64Neg, simd.f64x2Neg);
            break;
          case Op.SQRT:
            push(a, g);
            bin(op.f64Sqrt, simd.f64x2Sqrt);
            break;
          case Op.ABS:
            push(a, g);
            bin(op.f64Abs, simd.f64x2Abs);
            break;
          case Op.POWI:
            emitPowi(ctx, () => push(a, g), n.value, r);
            break;
          case Op.SIGN:
            emitSign(ctx, () => push(a, g));
            break;
          case Op.SELECT:
            // a < b ? c : d
            push(n.args[2], g);
            push(n.args[3], g);
            push(a, g);
            push(b, g);
            if (vector) code.v(simd.f64x2Lt).v(simd.bitselect);
            else code.op(op.f64Lt, op.select);
            break;
          case Op.POW:
            emitLanes(ctx, ctx.math.pow, [() => push(a, g), () => push(b, g)]);
            break;
          default: {
            const name = UNARY_IMPORT[n.op];
            if (!name) throw new Error(`no WebAssembly for op ${n.op}`);
            emitLanes(ctx, ctx.math.unary[name], [() => push(a, g)]);
          }
        }
      code.set(r);
      out.push(r);
    }
    slot.set(id, out);
    for (const c of new Set(n.args))
      if (lastUse[c] === id && !keep.has(c) && slot.has(c))
        for (const l of slot.get(c) as number[]) locals.release(l);
  }
  return outputs.map((id) => slot.get(id) as number[]);
}

function pushConst(ctx: EmitContext, v: number): void {
  if (ctx.vector) ctx.code.f64x2(v);
  else ctx.code.f64(v);
}

/** A call of a scalar import per lane: extract each lane of every argument, call, reassemble. */
function emitLanes(ctx: EmitContext, fn: number, args: (() => void)[]): void {
  const { code } = ctx;
  if (!ctx.vector) {
    for (const a of args) a();
    code.call(fn);
    return;
  }
  for (let lane = 0; lane < 2; lane++) {
    for (const a of args) {
      a();
      code.v(simd.f64x2ExtractLane, lane);
    }
    code.call(fn);
    if (lane === 0) code.v(simd.f64x2Splat);
    else code.v(simd.f64x2ReplaceLane, 1);
  }
}

/**
 * a^n by the tape's repeated squaring (dag.ts `powi`), multiplication for multiplication: r starts
 * as the first power of two the exponent's bits select (1·base is base exactly), and 1/r for n < 0.
 * Leaves the value on the stack; `scratch` is the node's own result local, free until then.
 */
function emitPowi(ctx: EmitContext, pushA: () => void, n: number, scratch: number): void {
  const { code, locals, vector } = ctx;
  const type = vector ? V128 : F64;
  const mul = () => (vector ? code.v(simd.f64x2Mul) : code.op(op.f64Mul));
  const one = () => pushConst(ctx, 1);
  let e = Math.abs(n);
  if (e === 0) {
    one();
    return;
  }
  const base = locals.alloc(type);
  pushA();
  code.set(base);
  let have = false;
  while (e > 0) {
    if (e % 2 === 1) {
      if (have) {
        code.get(scratch).get(base);
        mul();
      } else code.get(base);
      code.set(scratch);
      have = true;
    }
    e = Math.floor(e / 2);
    if (e > 0) {
      code.get(base).get(base);
      mul();
      code.set(base);
    }
  }
  locals.release(base);
  if (n < 0) {
    one();
    code.get(scratch);
    if (vector) code.v(simd.f64x2Div);
    else code.op(op.f64Div);
  } else code.get(scratch);
}

/** Math.sign: 1 for a > 0, -1 for a < 0, else a itself (±0, NaN). */
function emitSign(ctx: EmitContext, pushA: () => void): void {
  const { code, vector } = ctx;
  pushConst(ctx, -1);
  pushConst(ctx, 1);
  pushA();
  pushA();
  pushConst(ctx, 0);
  if (vector) code.v(simd.f64x2Gt).v(simd.bitselect);
  else code.op(op.f64Gt, op.select);
  pushA();
  pushConst(ctx, 0);
  if (vector) code.v(simd.f64x2Lt).v(simd.bitselect);
  else code.op(op.f64Lt, op.select);
}
