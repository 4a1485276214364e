/**
 * `bin`: pass two's counting inside the kernel. The replay (`trace`) leaves each lane's observed values
 * in the trace rows; `bin` counts them into a histogram in the kernel's memory, in the rows rowOf
 * (src/core/ensemble.ts) gives them, with the same float64 operations in the same order, so the
 * counts are those of the JavaScript loop it replaced. That loop (a strided read, rowOf and a
 * scattered increment per kept iterate) cost ~10 ns an iterate, a third of a CPU diagram's run
 * (256 columns × 256 samples × 200 kept steps: ~100 of ~350 ms on one thread).
 */
import { Code, F64, I32, VOID, type ValType } from '../../objective/wasm/encoder.ts';
import { Locals } from '../../objective/wasm/emit.ts';
import { op } from '../../objective/wasm/opcodes.ts';
import type { LaneLayout } from './layout.ts';

/** i32.trunc_sat_f64_s: never traps (a NaN gives 0), where i32.trunc_f64_s would. */
const I32_TRUNC_SAT_F64_S = [0xfc, 0x02] as const;

/**
 * `bin(steps, l0, l1, slot, lo, hi, rows)`: trace rows 0 … steps - 1 of lanes l0 … l1 - 1 into
 * histogram `slot` (rows + 1 words from L.hist + slot·(rows + 1)·4: word 0 counts the values
 * outside [lo, hi] or NaN, word 1 + r row r).
 */
export function binBody(L: LaneLayout): { params: ValType[]; locals: ValType[]; code: Code } {
  const params: ValType[] = [I32, I32, I32, I32, F64, F64, I32];
  const [STEPS, L0, L1, SLOT, LO, HI, ROWS] = [0, 1, 2, 3, 4, 5, 6];
  const locals = new Locals(params.length);
  const c = new Code();
  const s = locals.alloc(I32);
  const l = locals.alloc(I32);
  const at = locals.alloc(I32);
  const hist = locals.alloc(I32);
  const cell = locals.alloc(I32);
  const v = locals.alloc(F64);
  const width = locals.alloc(F64);
  const rows = locals.alloc(F64);
  const r = locals.alloc(I32);
  c.get(HI).get(LO).op(op.f64Sub).set(width);
  c.get(ROWS).op(op.f64ConvertI32S).set(rows);
  // The histogram's byte offset from L.hist: slot · (rows + 1) · 4.
  c.get(SLOT).get(ROWS).i32(1).op(op.i32Add, op.i32Mul).i32(2).op(op.i32Shl).set(hist);
  c.i32(0).set(s);
  c.op(op.block, VOID, op.loop, VOID);
  c.get(s).get(STEPS).op(op.i32GeS, op.brIf, 1);
  // Byte offset of lane l0's value in trace row s.
  c.get(s).i32(L.lanes).op(op.i32Mul).get(L0).op(op.i32Add).i32(3).op(op.i32Shl).set(at);
  c.get(L0).set(l);
  c.op(op.block, VOID, op.loop, VOID);
  c.get(l).get(L1).op(op.i32GeS, op.brIf, 1);
  c.get(at).mem(op.f64Load, 3, L.trace).set(v);
  // rowOf: min(rows - 1, ⌊((v - lo) / (hi - lo)) · rows⌋) when lo ≤ v ≤ hi, counted in word 1 + r;
  // else word 0.
  c.get(v).get(LO).op(op.f64Sub).get(width).op(op.f64Div).get(rows).op(op.f64Mul, op.f64Floor);
  c.op(...I32_TRUNC_SAT_F64_S).set(r);
  c.get(r).get(ROWS).i32(1).op(op.i32Sub).get(r).get(ROWS).i32(1).op(op.i32Sub, op.i32LtS, op.select);
  c.i32(1).op(op.i32Add).i32(0);
  c.get(v).get(LO).op(op.f64Ge).get(v).get(HI).op(op.f64Le, op.i32And, op.select);
  c.i32(2).op(op.i32Shl).get(hist).op(op.i32Add).set(cell);
  c.get(cell).get(cell).mem(op.i32Load, 2, L.hist).i32(1).op(op.i32Add).mem(op.i32Store, 2, L.hist);
  c.get(at).i32(8).op(op.i32Add).set(at);
  c.get(l).i32(1).op(op.i32Add).set(l);
  c.op(op.br, 0, op.end, op.end);
  c.get(s).i32(1).op(op.i32Add).set(s);
  c.op(op.br, 0, op.end, op.end);
  return { params, locals: locals.types, code: c };
}
