/** The kernel's functions besides the step loop: results at the final state, and the replay trace. */
import type { ObjectiveGraph } from '../../objective/types.ts';
import { Code, ConstTable, I32, op, VOID, type ValType } from '../../objective/wasm/encoder.ts';
import { emitOutputs, type MathImports } from '../../objective/wasm/emit.ts';
import { context, eachGroup, Fn, load, store, type PairState } from './fn.ts';
import type { LaneLayout } from './layout.ts';
import { observedNode, type KernelOptions, type Observed } from './kernel.ts';
import { emitClocks, emitStep } from './optimizer-step.ts';

/** `final(groups)`: f, ∇²f and the observables at each lane's state, into their fields. */
export function finalBody(
  graph: ObjectiveGraph,
  L: LaneLayout,
  opts: KernelOptions,
  math: MathImports,
  consts: ConstTable,
): [ValType[], Code] {
  const fn = new Fn(1);
  const c = fn.code;
  c.consts = consts;
  const G = opts.pairs;
  const g = fn.locals.alloc(I32);
  const base = fn.locals.alloc(I32);
  const st = Array.from({ length: G }, () => ({ x: fn.vs(L.dim), p: fn.vs(L.nparam), v: [] as number[] }));
  const ctx = context(fn, math, G, st as unknown as PairState[]);
  const outputs = [graph.f, ...graph.hess, ...graph.observables.slice(0, 2)];
  const fields = [L.f, ...L.hess, ...L.obs.slice(0, graph.observables.length)];
  eachGroup(c, g, base, G, () => {
    st.forEach((s, q) => {
      s.x.forEach((l, i) => load(c, base, L.x[i], q, l));
      s.p.forEach((l, j) => load(c, base, L.p[j], q, l));
    });
    const outs = emitOutputs(graph.dag, outputs, ctx);
    outs.forEach((o, i) => o.forEach((l, q) => store(c, base, fields[i], q, l)));
  });
  return [fn.locals.types, c];
}

/**
 * `trace(groups, steps)`: each lane's state advances `steps` optimizer steps (the replay of the kept
 * iterates: no test, as in the reference), and after step s its observed value goes to row s of the
 * trace (and the second traced quantity, where there is one, to row s of the second trace).
 */
export function traceBody(
  graph: ObjectiveGraph,
  L: LaneLayout,
  opts: KernelOptions,
  math: MathImports,
  consts: ConstTable,
): [ValType[], Code] {
  const observe = opts.observe;
  if (!observe) throw new Error('a trace needs an observed quantity');
  const fn = new Fn(2);
  const c = fn.code;
  c.consts = consts;
  const G = opts.pairs;
  const g = fn.locals.alloc(I32);
  const base = fn.locals.alloc(I32);
  const row = fn.locals.alloc(I32);
  const s = fn.locals.alloc(I32);
  const st = Array.from({ length: G }, () => ({
    x: fn.vs(L.dim),
    u: fn.vs(L.dim * L.nstate),
    clock: fn.vs(L.nclock),
    h: fn.vs(L.dim),
    p: fn.vs(L.nparam),
    o: fn.vs(3),
    v: [] as number[],
  })) as unknown as PairState[];
  const ctx = context(fn, math, G, st);
  const opt = opts.optimizer;
  const fields = [
    ['x', L.x],
    ['u', L.u],
    ['clock', L.clock],
    ['h', L.h],
    ['p', L.p],
    ['o', L.o],
  ] as const;
  eachGroup(c, g, base, G, () => {
    st.forEach((q, k) => fields.forEach(([f, offs]) => q[f].forEach((l, i) => load(c, base, offs[i], k, l))));
    c.i32(0).set(s);
    c.get(base).set(row);
    c.op(op.block, VOID, op.loop, VOID);
    c.get(s).get(1).op(op.i32GeS, op.brIf, 1);
    const grad = emitOutputs(graph.dag, graph.grad, ctx);
    const clocks = emitClocks(fn, math, st, opt);
    emitStep(fn, math, st, opt, grad, clocks);
    for (const o of [...grad, ...clocks.all]) for (const l of o) fn.locals.release(l);
    const record = (o: Observed, offset: number) => {
      const outs = o.kind === 'coord' ? null : emitOutputs(graph.dag, [observedNode(graph, o)], ctx);
      st.forEach((q, k) => store(c, row, offset, k, outs ? outs[0][k] : q.x[(o as { index: number }).index]));
      if (outs) for (const out of outs) for (const l of out) fn.locals.release(l);
    };
    record(observe, L.trace);
    if (opts.trace2) record(opts.trace2, L.trace2);
    c.get(row)
      .i32(8 * L.lanes)
      .op(op.i32Add)
      .set(row);
    c.get(s).i32(1).op(op.i32Add).set(s);
    c.op(op.br, 0, op.end, op.end);
    st.forEach((q, k) =>
      fields.slice(0, 3).forEach(([f, offs]) => q[f].forEach((l, i) => store(c, base, offs[i], k, l))),
    );
  });
  return [fn.locals.types, c];
}
