/**
 * The float64 optimizer kernel compiled to WebAssembly: one call advances a block of trajectories over
 * a range of steps, two per f64x2 vector and `pairs` vectors interleaved, with the objective's
 * gradient (and Hessian-vector product for the Lyapunov exponent) and the optimizer's update rule and
 * its tangent emitted inline from their DAGs. Each step is the reference's step
 * (src/reference/classify.ts over step.ts) operation for operation: the tangent map at z_k, the
 * optimizer's step, the divergence test, then the window extents, the period test and (for
 * ensembles) the observed extremes, as the call's flags say. So the records equal the interpreted
 * reference's bit for bit. Events between calls (checkpoint, window anchors), the period's divisor
 * test and the outcome rule are the drivers' (basin-block.ts, ensemble-block.ts), in plain
 * JavaScript.
 */
import type { ObjectiveGraph } from '../../objective/types.ts';
import {
  Code,
  ConstTable,
  F64,
  I32,
  ModuleBuilder,
  op,
  simd,
  VOID,
  type ValType,
} from '../../objective/wasm/encoder.ts';
import { emitOutputs, importMath, type MathImports } from '../../objective/wasm/emit.ts';
import type { CompiledOptimizer } from '../../optimizer/compile.ts';
import { binBody, cellsBody, extremesBody, type Body } from './bin-body.ts';
import { finalBody, traceBody } from './bodies.ts';
import {
  context,
  eachGroup,
  Fn,
  load,
  maxAbsDiff,
  ruleContext,
  store,
  type FieldRef,
  type PairState,
} from './fn.ts';
import { emitClocks, emitStep } from './optimizer-step.ts';
import { StepFlag, type LaneLayout } from './layout.ts';
import { tangent } from './tangent-step.ts';

/** What an ensemble kernel records besides the basin kernel's state (`slot`: the observable, 0 by default). */
export type Observed = { kind: 'coord'; index: number } | { kind: 'f' } | { kind: 'expr'; slot?: number };

/** The DAG node of an observed quantity that is not a coordinate. */
export function observedNode(graph: ObjectiveGraph, o: Observed): number {
  return o.kind === 'f' ? graph.f : graph.observables[o.kind === 'expr' ? (o.slot ?? 0) : 0];
}

export interface KernelOptions {
  /**
   * 'basin' rescales the tangent by powers of two (src/reference/tangent.ts); 'ensemble'
   * divides it by max(‖J v‖, 1e-300) and sums the logarithms (src/reference/ensemble.ts).
   */
  tangent: 'basin' | 'ensemble';
  /** The quantity whose extremes OBSERVE tracks (ensemble kernels), or null. */
  observe: Observed | null;
  /** A second quantity `trace` records beside `observe` (an attractor's pair), or null. */
  trace2?: Observed | null;
  /** f64x2 vectors per group (1 or 2): more hide latency, fewer keep large objectives in registers. */
  pairs: number;
  /** The optimizer's compiled rule (its state must match the layout's nstate and nclock). */
  optimizer: CompiledOptimizer;
}

/**
 * An exported `run<flags>`: advances `groups` groups from step k0 to k1 (K: checkpoint step), with
 * divergence radius R and period tolerance tol. One function per flag set, so the loop carries only
 * what its range needs and branches on nothing but its end.
 */
export type RunFn = (groups: number, k0: number, k1: number, K: number, radius: number, tol: number) => void;

/** Bytes at the start of memory for the constant table (4096 constants); the lanes follow. */
export const CONST_BYTES = 65536;

/**
 * Pairs per group: two where the objective (and the optimizer's state) are small enough to keep two
 * copies in registers.
 */
export function choosePairs(graph: ObjectiveGraph, optimizer?: CompiledOptimizer): number {
  const mark = graph.dag.reachable([...graph.grad, ...graph.hvp]);
  let n = 0;
  for (const m of mark) n += m;
  if (optimizer) n += 8 * graph.grad.length * optimizer.nstate;
  return n <= 48 ? 2 : 1;
}

/**
 * The kernel module: exports `memory`, `run<flags>` (RunFn) for each of `flagSets`, `final(groups)`
 * and, for a kernel that observes (ensembles), `trace(groups, steps)` and pass two's `bin` (with
 * histograms in its layout) or, with a second traced quantity, `cells` and `extremes` (bin-body.ts).
 */
export function kernelModule(
  graph: ObjectiveGraph,
  L: LaneLayout,
  opts: KernelOptions,
  flagSets: readonly number[],
): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder(Math.ceil(L.bytes / 65536));
  const math = importMath(m);
  const consts = new ConstTable(0, CONST_BYTES);
  for (const flags of new Set(flagSets))
    m.func(
      `run${flags}`,
      [I32, I32, I32, I32, F64, F64],
      [],
      ...runBody(graph, L, opts, math, flags, consts),
    );
  m.func('final', [I32], [], ...finalBody(graph, L, opts, math, consts));
  if (opts.observe) m.func('trace', [I32, I32], [], ...traceBody(graph, L, opts, math, consts));
  const pass2: [string, Body][] = [];
  if (opts.observe && L.histWords > 0) pass2.push(['bin', binBody(L)]);
  if (opts.observe && opts.trace2) pass2.push(['cells', cellsBody(L)], ['extremes', extremesBody(L)]);
  for (const [name, f] of pass2) m.func(name, f.params, [], f.locals, f.code);
  m.data(0, consts.bytes());
  return m.build();
}

function runBody(
  graph: ObjectiveGraph,
  L: LaneLayout,
  opts: KernelOptions,
  math: MathImports,
  flags: number,
  consts: ConstTable,
): [ValType[], Code] {
  // Parameters: 0 groups, 1 k0, 2 k1, 3 K, 4 radius, 5 tol.
  const fn = new Fn(6);
  const c = fn.code;
  c.consts = consts;
  const G = opts.pairs;
  const { dim, nparam } = L;
  const g = fn.locals.alloc(I32);
  const base = fn.locals.alloc(I32);
  const k = fn.locals.alloc(I32);
  const row = fn.locals.alloc(I32);
  const radius = fn.v();
  const tol = fn.v();
  const one = fn.v();
  const iv = fn.v();
  const opt = opts.optimizer;
  const tdim = dim * (1 + opt.nstate);
  const st: PairState[] = Array.from({ length: G }, () => ({
    x: fn.vs(dim),
    u: fn.vs(dim * opt.nstate),
    clock: fn.vs(opt.nclock),
    h: fn.vs(dim),
    p: fn.vs(nparam),
    o: fn.vs(3),
    v: fn.vs(tdim),
    c: fn.vs(tdim),
    a: fn.vs(dim),
    logSum: fn.v(),
    period: fn.v(),
    extent: fn.v(),
    scale: fn.v(),
    r1: fn.v(),
    r2: fn.v(),
    count: fn.v(),
    alive: fn.v(),
    omin: fn.v(),
    omax: fn.v(),
  }));
  const ctx = context(fn, math, G, st);
  const on = (f: number) => (flags & f) !== 0;
  const lyap = on(StepFlag.LYAPUNOV);
  const period = on(StepFlag.PERIOD);
  const observe = on(StepFlag.OBSERVE) ? opts.observe : null;
  // The fields this range reads and writes; the rest stay in memory untouched.
  const mutable: FieldRef[] = [
    ['x', L.x],
    ['u', L.u],
    ['clock', L.clock],
    ['count', L.count],
    ...(lyap
      ? ([
          ['v', L.v],
          ['logSum', L.logSum],
        ] as const)
      : []),
    ...(period
      ? ([
          ['period', L.period],
          ['extent', L.extent],
        ] as const)
      : []),
    ...(on(StepFlag.GROW1) ? ([['r1', L.r1]] as const) : []),
    ...(on(StepFlag.GROW2) ? ([['r2', L.r2]] as const) : []),
    ...(observe
      ? ([
          ['omin', L.omin],
          ['omax', L.omax],
        ] as const)
      : []),
  ];
  const fixed: FieldRef[] = [
    ['h', L.h],
    ['p', L.p],
    ['o', L.o],
    ...(period
      ? ([
          ['c', L.c],
          ['scale', L.scale],
        ] as const)
      : []),
    ...(on(StepFlag.GROW1 | StepFlag.GROW2) ? ([['a', L.anchor]] as const) : []),
  ];
  const flag = (f: number, body: () => void) => {
    if (on(f)) body();
  };

  c.get(4).v(simd.f64x2Splat).set(radius);
  c.get(5).v(simd.f64x2Splat).set(tol);
  c.f64x2(1).set(one);
  eachGroup(c, g, base, G, () => {
    for (let q = 0; q < G; q++)
      for (const [key, off] of [...fixed, ...mutable]) {
        const locals = st[q][key];
        if (Array.isArray(locals))
          locals.forEach((l, i) => load(c, base, (off as readonly number[])[i], q, l));
        else load(c, base, off as number, q, locals);
      }
    // A lane is alive while its count of survived steps equals the step index.
    for (const s of st)
      c.get(s.count).get(1).op(op.f64ConvertI32S).v(simd.f64x2Splat).v(simd.f64x2Eq).set(s.alive);
    c.get(1).set(k);

    c.op(op.block, VOID, op.loop, VOID);
    c.get(k).get(2).op(op.i32GeS, op.brIf, 1);
    // ∇f (and with the exponent ∇²f·δx) from one emission (shared subexpressions), the clocks, then the
    // tangent map J_k w at z_k over every coordinate, then the step.
    const outs = emitOutputs(graph.dag, lyap ? [...graph.grad, ...graph.hvp] : graph.grad, ctx);
    const grad = outs.slice(0, dim);
    const clocks = emitClocks(fn, math, st, opt);
    if (lyap) {
      const hvp = outs.slice(dim);
      const w: number[][] = st.map(() => new Array<number>(tdim));
      const wOuts: number[][][] = [];
      for (let i = 0; i < dim; i++) {
        const t = emitOutputs(opt.dag, opt.tangent, ruleContext(fn, math, st, i, { grad, hvp, ...clocks }));
        st.forEach((_, g) => t.forEach((o, j) => (w[g][j * dim + i] = o[g])));
        wOuts.push(t);
      }
      tangent(fn, st, w, opts.tangent, math);
      for (const t of wOuts) for (const o of t) for (const l of o) fn.locals.release(l);
    }
    emitStep(fn, math, st, opt, grad, clocks);
    for (const o of [...outs, ...clocks.all]) for (const l of o) fn.locals.release(l);
    // Divergence: ‖x‖∞ ≤ R ⇔ every |x_i| ≤ R (false for NaN, as !(normInf ≤ R) is true for it); a
    // lane's count grows while it stays alive.
    for (const s of st) {
      s.x.forEach((xi, i) => {
        c.get(xi).v(simd.f64x2Abs).get(radius).v(simd.f64x2Le);
        if (i > 0) c.v(simd.and);
      });
      c.get(s.alive).v(simd.and).tee(s.alive);
      c.get(one).v(simd.and).get(s.count).v(simd.f64x2Add).set(s.count);
    }
    flag(StepFlag.GROW1, () => {
      for (const s of st) {
        c.get(s.r1);
        maxAbsDiff(c, s.x, s.a);
        c.v(simd.f64x2Pmax).set(s.r1);
      }
    });
    flag(StepFlag.GROW2, () => {
      for (const s of st) {
        c.get(s.r2);
        maxAbsDiff(c, s.x, s.a);
        c.v(simd.f64x2Pmax).set(s.r2);
      }
    });
    flag(StepFlag.PERIOD, () => {
      // i = k + 1 - K; the threshold is tol·s for i = 1, tol·min(s, a_i) after: the least such i is
      // rule 3's candidate. Its divisor test needs d_q of each divisor q, so every d_i goes to row
      // i - 1 for the driver.
      c.get(k).i32(1).op(op.i32Add).get(3).op(op.i32Sub, op.f64ConvertI32S).v(simd.f64x2Splat).set(iv);
      c.get(k)
        .get(3)
        .op(op.i32Sub)
        .i32(8 * L.lanes)
        .op(op.i32Mul)
        .get(base)
        .op(op.i32Add)
        .set(row);
      st.forEach((s, q) => {
        const d = fn.v();
        maxAbsDiff(c, [...s.x, ...s.u], s.c);
        c.set(d);
        store(c, row, L.dist, q, d);
        c.get(iv).get(s.period).get(s.period).f64x2(0).v(simd.f64x2Eq);
        c.get(d).get(tol).get(s.scale).get(s.scale).get(s.extent).v(simd.f64x2Pmin);
        c.get(k).i32(1).op(op.i32Add).get(3).op(op.i32Sub).i32(1).op(op.i32Eq, op.select);
        c.v(simd.f64x2Mul).v(simd.f64x2Le).v(simd.and).v(simd.bitselect).set(s.period);
        c.get(s.extent).get(d).v(simd.f64x2Pmax).set(s.extent);
        fn.locals.release(d);
      });
    });
    if (observe) {
      flag(StepFlag.OBSERVE, () => {
        let outs: number[][] | null = null;
        if (observe.kind !== 'coord') outs = emitOutputs(graph.dag, [observedNode(graph, observe)], ctx);
        st.forEach((s, q) => {
          const o = outs ? outs[0][q] : s.x[(observe as { index: number }).index];
          // if (o < min) min = o; if (o > max) max = o: a NaN changes neither.
          c.get(o).get(s.omin).get(o).get(s.omin).v(simd.f64x2Lt).v(simd.bitselect).set(s.omin);
          c.get(o).get(s.omax).get(o).get(s.omax).v(simd.f64x2Gt).v(simd.bitselect).set(s.omax);
        });
        if (outs) for (const o of outs) for (const l of o) fn.locals.release(l);
      });
    }
    c.get(k).i32(1).op(op.i32Add).set(k);
    // Stop early once every lane of the group has escaped.
    c.get(st[0].alive);
    for (let q = 1; q < G; q++) c.get(st[q].alive).v(simd.or);
    c.v(simd.anyTrue).op(op.brIf, 0);
    c.op(op.end, op.end);

    for (let q = 0; q < G; q++)
      for (const [key, off] of mutable) {
        const locals = st[q][key];
        if (Array.isArray(locals))
          locals.forEach((l, i) => store(c, base, (off as readonly number[])[i], q, l));
        else store(c, base, off as number, q, locals);
      }
  });
  return [fn.locals.types, c];
}
