/**
 * Estimated run times of the float64 CPU engine and of the GPU engine on a software adapter, for
 * auto's choice (decide.ts). Both run the same step, so both costs are modelled on the objective's
 * operations per step (the gradient, plus the Hessian-vector product over the exponent's window) and
 * the optimizer's rule per coordinate (and its tangent over the window): arithmetic nodes A and
 * elementary functions E (sin, exp, log, pow, …).
 *
 * Fitted to runs on this project's machine (2 cores of an AMD EPYC, SwiftShader 5.0 through Dawn;
 * mf-scalar, a quartic and a sin/cos/exp objective, basin maps and bifurcation diagrams, with and
 * without the exponent; bench/cost-model.md), per trajectory step unless said:
 *   CPU engine, one thread:  2.5 + 0.15·A + 13·E ns  (f64x2 arithmetic; a JS Math call per lane)
 *   SwiftShader, 2 cores:    1.2 + 0.04·A + 1.1·E ns, 1.7 ns more with the exponent, and 70 ns per
 *                            trajectory (f32 vector maths; the classification, the record)
 * An ensemble replays its kept steps (× (1 + K/N)) and bins them: 3 ns (CPU, counted in its
 * WebAssembly kernel; 5 in JavaScript before) or 18 ns (SwiftShader's atomics) per kept step. A fresh run pays the SwiftShader kernels' compilation (300 ms, 600 for an
 * ensemble's) or the workers' start and the WebAssembly compile (150 ms, 250). The CPU time divides
 * by its threads, SwiftShader's by the cores over 2. Within a factor of two of every run measured; a
 * choice between engines that close costs little either way. (The fit before the GPU engine kept its
 * records on the GPU put SwiftShader at 80 ns a step: 50 times too slow, and wrong about which engine
 * wins for objectives of elementary functions.)
 */
import { Op, type Dag } from '../objective/dag.ts';
import type { ObjectiveGraph } from '../objective/types.ts';
import { parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { countPowers } from '../objective/compile.ts';
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

/**
 * The bifurcation diagram the fit was measured on (bench/cost-model.md), which `gdlab bench` times
 * too: `size` columns of h from 0.1 to 1 × `size` samples × (300 + 200 kept) steps of `expr`.
 */
export function costModelDiagram(expr: string, lyapunov: boolean, size = 256): ExperimentSpec {
  return parseSpec({
    kind: 'bifurcation',
    objective: { expr, preset: null, params: {} },
    lr: 0.3,
    x0: [0.3, 0.2],
    plane: { u: { quantity: 'lr', min: 0.1, max: 1 }, v: { quantity: 'x', min: -1.5, max: 1.5 } },
    size: [size, size],
    iterations: 500,
    transient: 300,
    classify: { lyapunov },
    ensemble: { samples: size, keep: 200, box: { min: [-1, -1], max: [1, 1] } },
  });
}

/** Trajectories, steps each, kept steps each (ensembles) and the share of steps with the exponent. */
export function specWork(spec: ExperimentSpec): {
  trajectories: number;
  steps: number;
  kept: number;
  lyapunovShare: number;
} {
  const ensemble = spec.kind !== 'basin';
  const trajectories = ensemble
    ? (spec.kind === 'bifurcation' ? spec.size[0] : 1) * spec.ensemble.samples
    : spec.size[0] * spec.size[1];
  const steps = spec.iterations;
  const kept = ensemble ? Math.min(steps, spec.ensemble.keep) : 0;
  const lyapunovShare = spec.classify.lyapunov ? Math.max(0, steps - spec.transient) / steps : 0;
  return { trajectories, steps, kept, lyapunovShare };
}

/** The fit of the file's comment: what each engine pays once, per trajectory, per step and per kept step. */
const COST_FIT = {
  cpu: {
    fixedMs: { basin: 150, ensemble: 250 },
    step: 2.5,
    arith: 0.15,
    elementary: 13,
    lyapunov: 0,
    trajectory: 0,
    kept: 3,
  },
  adapter: {
    fixedMs: { basin: 300, ensemble: 600 },
    step: 1.2,
    arith: 0.04,
    elementary: 1.1,
    lyapunov: 1.7,
    trajectory: 70,
    kept: 18,
  },
} as const;

type Fit = (typeof COST_FIT)[keyof typeof COST_FIT];

/** ns of one trajectory on one thread (CPU) or on SwiftShader's 2 cores, compile and start-up aside. */
function trajectoryNs(fit: Fit, w: ReturnType<typeof specWork>, a: number, e: number): number {
  const step = fit.step + fit.arith * a + fit.elementary * e + fit.lyapunov * w.lyapunovShare;
  // An ensemble's kept steps run twice: in its first pass and in the replay that bins them.
  return fit.trajectory + (w.steps + w.kept) * step + w.kept * fit.kept;
}

/** ms of one run on `parallel` threads or cores' worth (SwiftShader's fit is for 2 cores). */
function runMs(fit: Fit, w: ReturnType<typeof specWork>, a: number, e: number, parallel: number): number {
  return (
    fit.fixedMs[w.kept > 0 ? 'ensemble' : 'basin'] +
    (w.trajectories * trajectoryNs(fit, w, a, e)) / parallel / 1e6
  );
}

/**
 * A and E per step: of the gradient, and of the Hessian-vector product too over the share of steps
 * with the exponent, with the optimizer's rule per coordinate where it is not GD.
 */
function operations(graph: ObjectiveGraph, spec: ExperimentSpec, share: number): { a: number; e: number } {
  const plain = count(graph.dag, graph.grad);
  const lyap = count(graph.dag, [...graph.grad, ...graph.hvp]);
  // The fit includes GD's own step; another optimizer adds what its rule costs beyond it.
  if (spec.optimizer.kind !== 'gd') {
    const opt = compileOptimizer(spec.optimizer);
    const dim = graph.grad.length;
    plain.a += dim * count(opt.dag, opt.step).a;
    lyap.a += dim * count(opt.dag, [...opt.step, ...opt.tangent]).a;
  }
  return { a: (1 - share) * plain.a + share * lyap.a, e: (1 - share) * plain.e + share * lyap.e };
}

/**
 * ms SwiftShader takes, beyond the fixed cost, to compile a kernel of `powers` general powers (POW
 * nodes of the gradient and the Hessian-vector product, whose WGSL helper the compiler inlines at
 * every call): time that grows with their square. Measured on basin maps of sums of x^(y+k) through
 * the CLI: 150 powers 6 s, 300 13 s, 600 47 s; 900 (x1^0.1 + x2^0.2 + …, 4 kB) crashed the process
 * after 80 s (the compiler now refuses more than MAX_GENERAL_POWERS). Without the term auto took
 * SwiftShader for a few hundred, minutes of compiling for a run the CPU engine does in seconds.
 */
export function adapterCompileMs(graph: ObjectiveGraph): number {
  const powers = countPowers(graph.dag, [...graph.grad, ...graph.hvp]);
  return 20 * powers + 0.1 * powers * powers;
}

export function estimateCost(
  graph: ObjectiveGraph,
  spec: ExperimentSpec,
  threads: number,
  cores = threads,
): CostEstimate {
  const work = specWork(spec);
  const { a, e } = operations(graph, spec, work.lyapunovShare);
  return {
    cpuMs: runMs(COST_FIT.cpu, work, a, e, Math.max(1, threads)),
    adapterMs: adapterCompileMs(graph) + runMs(COST_FIT.adapter, work, a, e, Math.max(1, cores) / 2),
    threads,
  };
}

/**
 * ns per trajectory step (specSteps counts them: trajectories × iterations) of the spec on one CPU
 * thread and on SwiftShader's 2 cores, compile and start-up aside: the per-trajectory cost and an
 * ensemble's replay and binning spread over its steps. The lab scales a speed measured on one spec
 * to another by the ratio of these (src/ui/gd-lab/run-estimate.ts).
 */
export function stepCost(graph: ObjectiveGraph, spec: ExperimentSpec): { cpu: number; adapter: number } {
  const work = specWork(spec);
  const { a, e } = operations(graph, spec, work.lyapunovShare);
  return {
    cpu: trajectoryNs(COST_FIT.cpu, work, a, e) / work.steps,
    adapter: trajectoryNs(COST_FIT.adapter, work, a, e) / work.steps,
  };
}
