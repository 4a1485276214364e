/**
 * Estimated run times of the float64 CPU engine and of the GPU engine on a software adapter, for
 * auto's choice (decide.ts). Both run the same step, so both costs are modelled on the objective's
 * operations per step (the gradient, plus the Hessian-vector product over the exponent's window) and
 * the optimizer's rule per coordinate (and its tangent over the window): arithmetic nodes A and
 * elementary functions E (sin, exp, log, pow, …).
 *
 * Per trajectory step, fitted to runs on this project's machine (2 cores of an AMD EPYC, SwiftShader
 * 5.0 through Dawn, mf-scalar, a quartic and a sin/cos/exp objective; bench/cost-model.md):
 *   CPU engine, one thread:      2.5 + 0.15·A + 13·E  ns  (f64x2 arithmetic; a JS Math call per lane)
 *   SwiftShader, 2 cores:        80 + 5·A + 2·E       ns  (dispatch overhead; f32 vector maths)
 * The CPU time divides by its threads, SwiftShader's by the cores over 2. Within a factor of two,
 * which is all a choice between engines 4 to 30 times apart needs.
 */
import { Op, type Dag } from '../objective/dag.ts';
import type { ObjectiveGraph } from '../objective/types.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { compileOptimizer } from '../optimizer/compile.ts';

export interface CostEstimate {
  cpuMs: number;
  adapterMs: number;
  threads: number;
}

const ELEMENTARY = new Set<number>([
  Op.SIN,
  Op.COS,
  Op.TAN,
  Op.EXP,
  Op.LOG,
  Op.TANH,
  Op.COSH,
  Op.SINH,
  Op.POW,
]);

function count(dag: Dag, outputs: readonly number[]): { a: number; e: number } {
  const mark = dag.reachable(outputs);
  let a = 0;
  let e = 0;
  mark.forEach((m, id) => {
    const op = dag.nodes[id].op;
    if (!m || op === Op.CONST || op === Op.VAR || op === Op.PARAM || op === Op.DIR) return;
    if (ELEMENTARY.has(op)) e++;
    else a++;
  });
  return { a, e };
}

/** Trajectories, steps each and the share of steps with the exponent, for any kind of spec. */
export function specWork(spec: ExperimentSpec): {
  trajectories: number;
  steps: number;
  lyapunovShare: number;
} {
  const ensemble = spec.kind !== 'basin';
  const trajectories = ensemble
    ? (spec.kind === 'bifurcation' ? spec.size[0] : 1) * spec.ensemble.samples
    : spec.size[0] * spec.size[1];
  const steps = spec.iterations;
  const lyapunovShare = spec.classify.lyapunov ? Math.max(0, steps - spec.transient) / steps : 0;
  return { trajectories, steps, lyapunovShare };
}

export function estimateCost(
  graph: ObjectiveGraph,
  spec: ExperimentSpec,
  threads: number,
  cores = threads,
): CostEstimate {
  const { trajectories, steps, lyapunovShare } = specWork(spec);
  const plain = count(graph.dag, graph.grad);
  const lyap = count(graph.dag, [...graph.grad, ...graph.hvp]);
  // The fit above includes GD's own step; another optimizer adds what its rule costs beyond it.
  if (spec.optimizer.kind !== 'gd') {
    const opt = compileOptimizer(spec.optimizer);
    const dim = graph.grad.length;
    plain.a += dim * count(opt.dag, opt.step).a;
    lyap.a += dim * count(opt.dag, [...opt.step, ...opt.tangent]).a;
  }
  const a = (1 - lyapunovShare) * plain.a + lyapunovShare * lyap.a;
  const e = (1 - lyapunovShare) * plain.e + lyapunovShare * lyap.e;
  const total = trajectories * steps;
  const cpuNs = (2.5 + 0.15 * a + 13 * e) / Math.max(1, threads);
  const adapterNs = ((80 + 5 * a + 2 * e) * 2) / Math.max(1, cores);
  return { cpuMs: (total * cpuNs) / 1e6, adapterMs: (total * adapterNs) / 1e6, threads };
}
