/**
 * How fast the lab expects a spec to run, from the speeds it measured, and whether its run compiles a
 * kernel first. A speed measured on one objective says little of another's: a step of
 * sin(3x)cos(2y) + exp(−x²−y²) + … costs several times one of (1 − xy)²/2 (bench/cost-model.md). At
 * the latter's speed, a 1024² × 1000 map of the former on SwiftShader here was estimated at 5.3 s and
 * took 28 s, the status saying "about 0.00 s left" for most of it. So a speed is kept per step
 * (objective, optimizer, exponent, map or ensemble), reused as measured for the same step, and scaled
 * to another step by the cost model's ratio of their costs per step (select/cost.ts: 21 s for that
 * map).
 */
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { stepCost } from '../../select/cost.ts';
import { compileSpec } from '../shared/objective.ts';

/** The engine a speed was measured on; the GPU engine's is scaled by SwiftShader's fit, the only one. */
export type EngineKind = 'cpu' | 'gpu';

/** The speed a spec's estimate is at. */
export interface SpeedBasis {
  /** Trajectory steps per second expected of the spec. */
  rate: number;
  /** Steps per second measured, on the spec's own step or on `from`'s. */
  measured: number;
  /** The spec measured, where its step was another (scaled by the cost model); null where the same. */
  from: ExperimentSpec | null;
}

/**
 * What a speed in steps per second depends on beyond the step count, as far as the lab tells specs
 * apart: the objective, the optimizer's rule, the exponent's tangent steps, and a map or an ensemble
 * (whose kept steps replay and are binned). Parameters, the plane and the grid change no step.
 */
function stepKey(spec: ExperimentSpec): string {
  const { kind, biasCorrection } = spec.optimizer;
  return JSON.stringify([family(spec), spec.objective.expr, kind, biasCorrection, spec.classify.lyapunov]);
}

function family(spec: ExperimentSpec): 'basin' | 'ensemble' {
  return spec.kind === 'basin' ? 'basin' : 'ensemble';
}

/** The cost model's ns per step of the spec on `engine`; null where its objective does not compile. */
export function modelStepNs(engine: EngineKind, spec: ExperimentSpec): number | null {
  const graph = compileSpec(spec).graph;
  if (!graph) return null;
  const c = stepCost(graph, spec);
  return engine === 'cpu' ? c.cpu : c.adapter;
}

interface Measurement {
  spec: ExperimentSpec;
  rate: number;
}

/** Measurements kept: one per engine and step, the oldest forgotten past this many. */
const KEPT = 32;

/** The speeds measured on each engine. */
export class SpeedBook {
  private readonly byStep = new Map<string, Measurement>();
  /** The latest measurement per engine and family (map or ensemble). */
  private readonly latest = new Map<string, Measurement>();

  /** Records a finished run of `steps` trajectory steps in `ms`. */
  record(engine: EngineKind, spec: ExperimentSpec, steps: number, ms: number): void {
    if (!(ms > 0 && steps > 0)) return;
    const m = { spec, rate: (steps / ms) * 1e3 };
    const key = `${engine}${stepKey(spec)}`;
    this.byStep.delete(key);
    this.byStep.set(key, m);
    if (this.byStep.size > KEPT) this.byStep.delete(this.byStep.keys().next().value!);
    this.latest.set(`${engine}-${family(spec)}`, m);
  }

  /**
   * The speed to expect of `spec` on `engine`: as measured on its step; else the latest measurement
   * of its family (map or ensemble), else of the other, scaled by the cost model's ratio of the two
   * steps' costs; null before any measurement on this engine.
   */
  basis(engine: EngineKind, spec: ExperimentSpec): SpeedBasis | null {
    const same = this.byStep.get(`${engine}${stepKey(spec)}`);
    if (same) return { rate: same.rate, measured: same.rate, from: null };
    const own = family(spec);
    const m =
      this.latest.get(`${engine}-${own}`) ??
      this.latest.get(`${engine}-${own === 'basin' ? 'ensemble' : 'basin'}`);
    if (!m) return null;
    const measuredNs = modelStepNs(engine, m.spec);
    const ns = modelStepNs(engine, spec);
    // Without the model's word (it cannot compile the objective), the measured speed as it is.
    const k = measuredNs && ns ? ns / measuredNs : 1;
    return { rate: m.rate / k, measured: m.rate, from: m.spec };
  }
}

/**
 * What a GPU kernel's pipelines are compiled for, as far as the lab can tell: the objective (its
 * WGSL), the optimizer, the classification (the exponent's tangent), the geometry of the steps that
 * specialises the kernel (iterations, transient, period window), whether a map keeps records or
 * summary words, and an ensemble view's observables. The plane, the grid and the parameters (uniforms)
 * compile nothing. Telling too much costs a word of "compiling" until the first progress; too
 * little, a time left counting down over a compile.
 */
function kernelKey(spec: ExperimentSpec): string {
  const { kind, biasCorrection } = spec.optimizer;
  const ensemble =
    spec.kind === 'basin'
      ? spec.colour.field === 'outcome'
      : spec.kind === 'attractor'
        ? [spec.attractor.u, spec.attractor.v]
        : spec.ensemble.observable;
  return JSON.stringify([
    spec.kind,
    spec.objective.expr,
    spec.observables,
    kind,
    biasCorrection,
    spec.classify,
    spec.iterations,
    spec.transient,
    ensemble,
  ]);
}

/** Which view's engine compiles a spec's kernels: the map's backend, or an ensemble view's own. */
function viewOf(spec: ExperimentSpec): 'map' | 'diagram' | 'attractor' {
  return spec.kind === 'basin' ? 'map' : spec.kind === 'attractor' ? 'attractor' : 'diagram';
}

/**
 * The kernels the GPU engine has compiled, as the lab has seen runs get past their compile. The
 * map's engine keeps its pipelines while its backend lives; an ensemble view's engine is made with
 * the view and disposed when another view replaces it, so its kernels are forgotten then.
 */
export class KernelsSeen {
  /** Per view (whose engine compiled them), the kernels seen compiled. */
  private readonly keys = new Map<ReturnType<typeof viewOf>, Set<string>>();
  private owner: unknown = null;
  private view: ReturnType<typeof viewOf> | null = null;

  /** Whether a run of `spec` on `backend` (of `engine`) compiles a kernel before it computes. */
  compiles(backend: unknown, engine: EngineKind, spec: ExperimentSpec): boolean {
    return engine === 'gpu' && !this.follow(backend, spec).has(kernelKey(spec));
  }

  /** A run of `spec` got past its compile (its first progress, or its preview, came). */
  compiled(backend: unknown, spec: ExperimentSpec): void {
    this.follow(backend, spec).add(kernelKey(spec));
  }

  /** The kernels of the spec's view, after forgetting those of engines disposed since. */
  private follow(backend: unknown, spec: ExperimentSpec): Set<string> {
    if (backend !== this.owner) this.keys.clear();
    this.owner = backend;
    const view = viewOf(spec);
    // The ensemble view that compiled these was replaced, its engine disposed with it.
    if (this.view !== null && this.view !== view && this.view !== 'map') this.keys.delete(this.view);
    this.view = view;
    let set = this.keys.get(view);
    if (!set) this.keys.set(view, (set = new Set()));
    return set;
  }
}
