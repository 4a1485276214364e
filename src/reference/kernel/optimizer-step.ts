/** The optimizer's step emitted into a kernel function, from its rule's DAG (src/optimizer/compile.ts). */
import { emitOutputs, type EmitContext, type MathImports } from '../../objective/wasm/emit.ts';
import type { CompiledOptimizer } from '../../optimizer/compile.ts';
import { ruleContext, type Fn, type PairState } from './fn.ts';

/**
 * Emits the optimizer's bias clocks for every copy (nothing without clocks); returns the new clock
 * locals and, per copy, the locals of the factors c1, c2.
 */
export function emitClocks(
  fn: Fn,
  math: MathImports,
  st: PairState[],
  opt: CompiledOptimizer,
): { next: number[][]; factors: number[][]; all: number[][] } {
  if (!opt.nclock) return { next: [], factors: [], all: [] };
  const outs = emitOutputs(opt.dag, opt.clock, ruleContext(fn, math, st, 0, { grad: [] }));
  const factors = st.map((_, g) => [outs[opt.nclock][g], outs[opt.nclock + 1][g]]);
  return { next: outs.slice(0, opt.nclock), factors, all: outs };
}

/**
 * The optimizer's step for every coordinate and copy, from ∇f (`grad[i][g]`) and the clock factors:
 * x and the state vectors overwritten coordinate by coordinate (coordinate i reads only its own), then
 * the clocks.
 */
export function emitStep(
  fn: Fn,
  math: MathImports,
  st: PairState[],
  opt: CompiledOptimizer,
  grad: number[][],
  clocks: { next: number[][]; factors: number[][] },
): void {
  const c = fn.code;
  const dim = st[0].x.length;
  for (let i = 0; i < dim; i++) {
    const ctx: EmitContext = ruleContext(fn, math, st, i, { grad, factors: clocks.factors });
    const outs = emitOutputs(opt.dag, opt.step, ctx);
    st.forEach((s, g) => {
      c.get(outs[0][g]).set(s.x[i]);
      for (let j = 0; j < opt.nstate; j++) c.get(outs[1 + j][g]).set(s.u[j * dim + i]);
    });
    for (const o of outs) for (const l of o) fn.locals.release(l);
  }
  st.forEach((s, g) => s.clock.forEach((l, j) => c.get(clocks.next[j][g]).set(l)));
}
