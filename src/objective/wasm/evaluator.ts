/**
 * The objective's float64 evaluators (f, ∇f, ∇²f, ∇²f·v, ∇³f[v, v], observables) compiled to
 * WebAssembly from its DAG: the CompiledObjective the float64 engines run, with the tape
 * interpreter (tape.ts) kept as the oracle it is tested against. Same values bit for bit.
 */
import { Op } from '../dag.ts';
import type { CompiledObjective, ObjectiveGraph } from '../types.ts';
import { Code, F64, ModuleBuilder, op } from './encoder.ts';
import { emitOutputs, importMath, Locals, mathImportObject } from './emit.ts';

/** Byte offsets of the evaluators' arguments and results in linear memory. */
export interface EvaluatorLayout {
  x: number;
  p: number;
  v: number;
  out: number;
}

function layout(dim: number, nparam: number): EvaluatorLayout {
  const x = 0;
  const p = x + 8 * dim;
  const v = p + 8 * nparam;
  return { x, p, v, out: v + 8 * dim };
}

/** The evaluator module's bytes: exports f, grad, hess, hvp, third, obs0… (results at layout.out). */
export function evaluatorModule(graph: ObjectiveGraph, dim: number, nparam: number): Uint8Array<ArrayBuffer> {
  const L = layout(dim, nparam);
  const bytes = L.out + 8 * Math.max(1, dim * dim);
  const m = new ModuleBuilder(Math.ceil(bytes / 65536));
  const math = importMath(m);
  const fn = (name: string, outputs: readonly number[]) => {
    const code = new Code();
    const locals = new Locals(0);
    const leaves = new Map<string, number>();
    const leaf = (kind: number, i: number, offset: number) => {
      const key = `${kind}:${i}`;
      let l = leaves.get(key);
      if (l === undefined) {
        l = locals.alloc(F64);
        code
          .i32(0)
          .mem(op.f64Load, 3, offset + 8 * i)
          .set(l);
        leaves.set(key, l);
      }
      return l;
    };
    // Leaves are loaded up front, in the order the DAG first meets them.
    const dag = graph.dag;
    const mark = dag.reachable(outputs);
    for (let id = 0; id < dag.nodes.length; id++) {
      if (!mark[id]) continue;
      const n = dag.nodes[id];
      if (n.op === Op.VAR) leaf(n.op, n.value, L.x);
      else if (n.op === Op.PARAM) leaf(n.op, n.value, L.p);
      else if (n.op === Op.DIR) leaf(n.op, n.value, L.v);
    }
    const slots = emitOutputs(dag, outputs, {
      code,
      locals,
      math,
      vector: false,
      pairs: 1,
      leaf: (n) => leaves.get(`${n.op}:${n.value}`) as number,
    });
    slots.forEach(([l], k) =>
      code
        .i32(0)
        .get(l)
        .mem(op.f64Store, 3, L.out + 8 * k),
    );
    m.func(name, [], [], locals.types, code);
  };
  fn('f', [graph.f]);
  fn('grad', graph.grad);
  fn('hess', graph.hess);
  fn('hvp', graph.hvp);
  fn('third', graph.third);
  graph.observables.forEach((o, i) => fn(`obs${i}`, [o]));
  return m.build();
}

type Exports = Record<string, () => void> & { memory: WebAssembly.Memory };

/** Wraps an instantiated evaluator module as the CompiledObjective's evaluators. */
function wrap(obj: CompiledObjective, instance: WebAssembly.Instance): CompiledObjective {
  const e = instance.exports as Exports;
  const { dim } = obj;
  const nparam = obj.params.length;
  const L = layout(dim, nparam);
  const mem = new Float64Array(e.memory.buffer);
  const X = L.x / 8;
  const P = L.p / 8;
  const V = L.v / 8;
  const O = L.out / 8;
  const load = (x: ArrayLike<number>, p: ArrayLike<number>, v?: ArrayLike<number>) => {
    for (let i = 0; i < dim; i++) mem[X + i] = x[i];
    for (let j = 0; j < nparam; j++) mem[P + j] = p[j];
    if (v) for (let i = 0; i < dim; i++) mem[V + i] = v[i];
  };
  const read = (out: Float64Array, n: number) => {
    for (let i = 0; i < n; i++) out[i] = mem[O + i];
  };
  const { f, grad, hess, hvp, third } = e;
  const obs = Array.from({ length: obj.observableCount }, (_, i) => e[`obs${i}`]);
  return {
    ...obj,
    f: (x, p) => {
      load(x, p);
      f();
      return mem[O];
    },
    grad: (x, p, out) => {
      load(x, p);
      grad();
      read(out, dim);
    },
    hess: (x, p, out) => {
      load(x, p);
      hess();
      read(out, dim * dim);
    },
    hvp: (x, p, v, out) => {
      load(x, p, v);
      hvp();
      read(out, dim);
    },
    third: (x, p, v, out) => {
      load(x, p, v);
      third();
      read(out, dim);
    },
    observable: (i, x, p) => {
      const o = obs[i];
      if (!o) throw new RangeError(`observable ${i} does not exist (${obs.length} compiled)`);
      load(x, p);
      o();
      return mem[O];
    },
  };
}

/**
 * The objective with WebAssembly evaluators (synchronous compile: Node and workers; a browser's main
 * thread allows it only for small modules, so it uses compileEvaluatorsAsync). An objective without
 * a graph (hand-written) is returned as it is.
 */
export function compileEvaluators(obj: CompiledObjective): CompiledObjective {
  if (!obj.graph) return obj;
  const module = new WebAssembly.Module(evaluatorModule(obj.graph, obj.dim, obj.params.length));
  return wrap(obj, new WebAssembly.Instance(module, mathImportObject()));
}

/** compileEvaluators for a browser's main thread. */
export async function compileEvaluatorsAsync(obj: CompiledObjective): Promise<CompiledObjective> {
  if (!obj.graph) return obj;
  const module = await WebAssembly.compile(evaluatorModule(obj.graph, obj.dim, obj.params.length));
  return wrap(obj, await WebAssembly.instantiate(module, mathImportObject()));
}
