/**
 * Pass two's counting inside the kernel. The replay (`trace`) leaves each lane's observed values in
 * the trace rows; these functions read them there:
 * - `bin` counts a diagram's values into a histogram in the kernel's memory;
 * - `cells` writes the cell of each of an attractor's pairs, for the driver to count (its W × H cells
 *   would be a second copy of the counts per worker, up to 64 MiB);
 * - `extremes` folds an attractor's second quantity into its extremes (PairExtremes).
 * Rows and cells are those rowOf and cellOf of src/core give, by the same float64 operations in the
 * same order, so the counts are those of the JavaScript loops these replaced. Those loops (a strided
 * read, rowOf and an increment per kept iterate) cost ~10 ns an iterate, a third of a CPU diagram's run
 * (256 columns × 256 samples × 200 kept steps: ~100 of ~350 ms on one thread), and the pair's ~20 ns.
 */
import { Code, F64, I32, VOID, type ValType } from '../../objective/wasm/encoder.ts';
import { Locals } from '../../objective/wasm/emit.ts';
import { op } from '../../objective/wasm/opcodes.ts';
import type { LaneLayout } from './layout.ts';

/** i32.trunc_sat_f64_s: never traps (a NaN gives 0), where i32.trunc_f64_s would. */
const I32_TRUNC_SAT_F64_S = [0xfc, 0x02] as const;

/** A function's parameters, locals and code, for ModuleBuilder.func. */
export interface Body {
  params: ValType[];
  locals: ValType[];
  code: Code;
}

/** One axis of a row or cell: the parameters lo, hi (f64) and n (i32), and locals for its value. */
interface Axis {
  lo: number;
  hi: number;
  n: number;
  v: number;
  width: number;
  nf: number;
  r: number;
}

function axis(locals: Locals, lo: number): Axis {
  return {
    lo,
    hi: lo + 1,
    n: lo + 2,
    v: locals.alloc(F64),
    width: locals.alloc(F64),
    nf: locals.alloc(F64),
    r: locals.alloc(I32),
  };
}

/** hi - lo and n as f64, once per call. */
function axisSetup(c: Code, x: Axis): void {
  c.get(x.hi).get(x.lo).op(op.f64Sub).set(x.width);
  c.get(x.n).op(op.f64ConvertI32S).set(x.nf);
}

/**
 * r = min(n - 1, ⌊((v - lo) / (hi - lo)) · n⌋) into x.r, and pushes whether lo ≤ v ≤ hi (rowOf's
 * row when that holds).
 */
function axisIndex(c: Code, x: Axis): void {
  c.get(x.v).get(x.lo).op(op.f64Sub).get(x.width).op(op.f64Div).get(x.nf).op(op.f64Mul, op.f64Floor);
  c.op(...I32_TRUNC_SAT_F64_S).set(x.r);
  c.get(x.r).get(x.n).i32(1).op(op.i32Sub).get(x.r).get(x.n).i32(1).op(op.i32Sub, op.i32LtS, op.select);
  c.set(x.r);
  c.get(x.v).get(x.lo).op(op.f64Ge).get(x.v).get(x.hi).op(op.f64Le, op.i32And);
}

/**
 * The loops over trace rows 0 … steps - 1 and lanes l0 … l1 - 1 (parameters 0, 1, 2), with `at` the
 * byte offset of the lane's value in its row, around `body`.
 */
function eachValue(c: Code, L: LaneLayout, locals: Locals, body: (at: number) => void): void {
  const [STEPS, L0, L1] = [0, 1, 2];
  const s = locals.alloc(I32);
  const l = locals.alloc(I32);
  const at = locals.alloc(I32);
  c.i32(0).set(s);
  c.op(op.block, VOID, op.loop, VOID);
  c.get(s).get(STEPS).op(op.i32GeS, op.brIf, 1);
  c.get(s).i32(L.lanes).op(op.i32Mul).get(L0).op(op.i32Add).i32(3).op(op.i32Shl).set(at);
  c.get(L0).set(l);
  c.op(op.block, VOID, op.loop, VOID);
  c.get(l).get(L1).op(op.i32GeS, op.brIf, 1);
  body(at);
  c.get(at).i32(8).op(op.i32Add).set(at);
  c.get(l).i32(1).op(op.i32Add).set(l);
  c.op(op.br, 0, op.end, op.end);
  c.get(s).i32(1).op(op.i32Add).set(s);
  c.op(op.br, 0, op.end, op.end);
}

/**
 * `bin(steps, l0, l1, slot, lo, hi, rows)`: trace rows 0 … steps - 1 of lanes l0 … l1 - 1 into
 * histogram `slot` (rows + 1 words from L.hist + slot·(rows + 1)·4: word 0 counts the values
 * outside [lo, hi] or NaN, word 1 + r row r).
 */
export function binBody(L: LaneLayout): Body {
  const params: ValType[] = [I32, I32, I32, I32, F64, F64, I32];
  const SLOT = 3;
  const locals = new Locals(params.length);
  const c = new Code();
  const hist = locals.alloc(I32);
  const cell = locals.alloc(I32);
  const x = axis(locals, 4);
  axisSetup(c, x);
  // The histogram's byte offset from L.hist: slot · (rows + 1) · 4.
  c.get(SLOT).get(x.n).i32(1).op(op.i32Add, op.i32Mul).i32(2).op(op.i32Shl).set(hist);
  eachValue(c, L, locals, (at) => {
    c.get(at).mem(op.f64Load, 3, L.trace).set(x.v);
    // Word 1 + r inside, else word 0.
    c.i32(1);
    axisIndex(c, x);
    c.set(cell).get(x.r).op(op.i32Add).i32(0).get(cell).op(op.select);
    c.i32(2).op(op.i32Shl).get(hist).op(op.i32Add).set(cell);
    c.get(cell).get(cell).mem(op.i32Load, 2, L.hist).i32(1).op(op.i32Add).mem(op.i32Store, 2, L.hist);
  });
  return { params, locals: locals.types, code: c };
}

/**
 * `cells(steps, l0, l1, ulo, uhi, W, vlo, vhi, H)`: the cell j·W + i of each pair (trace, trace2) of
 * rows 0 … steps - 1 and lanes l0 … l1 - 1, or -1 outside the ranges (cellOf), into L.cells, row by
 * row: (l1 - l0)·steps i32.
 */
export function cellsBody(L: LaneLayout): Body {
  const params: ValType[] = [I32, I32, I32, F64, F64, I32, F64, F64, I32];
  const locals = new Locals(params.length);
  const c = new Code();
  const out = locals.alloc(I32);
  const inside = locals.alloc(I32);
  const [u, v] = [axis(locals, 3), axis(locals, 6)];
  axisSetup(c, u);
  axisSetup(c, v);
  c.i32(0).set(out);
  eachValue(c, L, locals, (at) => {
    c.get(at).mem(op.f64Load, 3, L.trace).set(u.v);
    c.get(at).mem(op.f64Load, 3, L.trace2).set(v.v);
    axisIndex(c, u);
    axisIndex(c, v);
    c.op(op.i32And).set(inside);
    c.get(out);
    c.get(v.r).get(u.n).op(op.i32Mul).get(u.r).op(op.i32Add).i32(-1).get(inside).op(op.select);
    c.mem(op.i32Store, 2, L.cells);
    c.get(out).i32(4).op(op.i32Add).set(out);
  });
  return { params, locals: locals.types, code: c };
}

/**
 * `extremes(steps, l0, l1, settled)`: the trace2 values of rows 0 … steps - 1 and lanes l0 … l1 - 1
 * into the four f64 at L.extremes: least and greatest, and with `settled` also the last two
 * (PairExtremes); `o < e ? o : e`, so a NaN changes none.
 */
export function extremesBody(L: LaneLayout): Body {
  const params: ValType[] = [I32, I32, I32, I32];
  const SETTLED = 3;
  const locals = new Locals(params.length);
  const c = new Code();
  const o = locals.alloc(F64);
  const e = [0, 1, 2, 3].map(() => locals.alloc(F64));
  e.forEach((l, i) =>
    c
      .i32(0)
      .mem(op.f64Load, 3, L.extremes + 8 * i)
      .set(l),
  );
  eachValue(c, L, locals, (at) => {
    c.get(at).mem(op.f64Load, 3, L.trace2).set(o);
    e.forEach((l, i) => {
      c.get(o)
        .get(l)
        .get(o)
        .get(l)
        .op(i % 2 === 0 ? op.f64Lt : op.f64Gt);
      if (i >= 2) c.get(SETTLED).op(op.i32And);
      c.op(op.select).set(l);
    });
  });
  e.forEach((l, i) =>
    c
      .i32(0)
      .get(l)
      .mem(op.f64Store, 3, L.extremes + 8 * i),
  );
  return { params, locals: locals.types, code: c };
}
