/**
 * The data of the trajectory inspector for one pixel, in float64 with the engine's compiled
 * evaluators: the pixel's start, rates, parameters and hyperparameters (the plane model), the
 * optimizer's iterates with f and sharpness, and for plain GD the gradient flow and modified
 * equations of order 1 and 2 sampled at t = k·h.
 */
import { runTrajectory } from '../../reference/gd.ts';
import { ClassifyWorkspace, classifyInto, emptyRecord } from '../../reference/classify.ts';
import type { TrajectoryRecord } from '../../core/records.ts';
import { FlowStopped, sampleFlow, type FlowKind } from '../../reference/flows.ts';
import { findOvershoot, overshootNote } from '../../reference/overshoot.ts';
import { AxisKind, axisValue, pixelSetup, resolvePlane } from '../../experiment/plane.ts';
import { describeOptimizer, RULES, type OptimizerKind } from '../../optimizer/rules.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { compiledSpec } from '../shared/objective.ts';

/** Most GD iterates the inspector plots (a million-step spec would freeze the page). */
export const MAX_INSPECT_ITERS = 2000;
/**
 * Most steps of the float64 classification of the inspected start (its outcome beside the map's
 * f32 one): it runs on the page's thread, at up to about a microsecond a step with the exponent.
 */
export const MAX_CLASSIFY_STEPS = 200_000;
/** Most flow samples: each is an adaptive RK4 integration over one interval h. */
export const MAX_FLOW_SAMPLES = 300;
/**
 * RK4 steps each flow may take up front (FlowOptions.work.start). At the inspector's tolerance no
 * preset at up to 2.2 times its rate needs over 8 K for 300 samples; at a kink of f, where an
 * interval at the substep cap takes 3·2^16, a flow then stops before reaching the cap (abs(x)^1.2
 * from x = 1.3 held the page for minutes: gf alone 80 ms a sample).
 */
export const INSPECT_FLOW_WORK_START = 1 << 17;
/** Longest the three flows may take together: they run on the page's thread and block it. */
export const INSPECT_FLOW_MS = 1500;

/**
 * Where a trajectory came from, for the inspector's header: a clicked pixel of the map, or a start
 * chosen by value (a bifurcation column, a gallery trajectory) with the swept quantity's value.
 */
export type InspectSource = { kind: 'pixel' } | { kind: 'start'; quantity: string; value: number };

export interface InspectorData {
  source: InspectSource;
  /** The pixel and its plane values (for a start chosen by value, of a one-pixel spec). */
  i: number;
  j: number;
  u: number;
  v: number;
  labels: { u: string; v: string };
  vars: readonly string[];
  /** The pixel's start, rates and parameter values. */
  x0: number[];
  h: number[];
  params: Record<string, number>;
  /** The optimizer's name, the same with the hyperparameters it reads, and the pixel's [β, β₂, ε]. */
  optimizer: string;
  optimizerText: string;
  hyper: number[];
  /** The steps the spec asks for; the charts stop at K = min(N, MAX_INSPECT_ITERS). */
  iterations: number;
  /** k = 0 … K. */
  k: number[];
  /** states[c][k]: component c of x_k. */
  states: number[][];
  f: number[];
  sharpness: number[];
  escape: number | null;
  /**
   * The start's record over the spec's N steps in float64, as the CPU engine classifies a pixel (so
   * a GPU map's f32 outcome, chaotic ones above all, can be told from float64's); null past
   * MAX_CLASSIFY_STEPS.
   */
  record: TrajectoryRecord | null;
  /**
   * The sharpness at which the optimizer's step turns unstable (stabilityEdge), drawn beside the
   * sharpness; null for per-coordinate rates and for RMSProp and Adam.
   */
  edge: StabilityEdge | null;
  /** flows[kind][c][k] at t = k·h; absent for per-coordinate rates (no single time step). */
  flows: Partial<Record<FlowKind, number[][]>>;
  flowNote: string | null;
  /**
   * Where GD overshoots (h·λmax > 1) within the flows' samples, so that the flows beside it are no
   * approximation of it (overshootNote); null otherwise and wherever no flows are drawn.
   */
  overshoot: string | null;
  /** Iterates in the plane's coordinates, when both axes are state coordinates. */
  orbit: [number, number][] | null;
  marker: [number, number];
}

/** A threshold on λmax(∇²f) and how the chart's legend writes it. */
export interface StabilityEdge {
  value: number;
  label: string;
}

/**
 * The sharpness beyond which the optimizer's step at one rate h is unstable on a quadratic, the edge
 * of stability its sharpness is compared with. Along an eigenvector of curvature λ, with a = hλ:
 * GD multiplies by 1 − a, which leaves the unit disc at a = 2; heavy ball is
 * x_{k+1} = (1 + β − a)x_k − βx_{k−1}, a root at −1 when a = 2(1 + β); Nesterov's 2×2 map in (x, v)
 * has trace 1 + β − a(1 + β) and determinant β(1 − a), a root at −1 when a = 2(1 + β)/(1 + 2β).
 * (At β = 0 both are GD's 2/h; drawing 2/h for β = 0.9 put the line at about half the heavy-ball
 * edge, under trajectories that converge.) RMSProp and Adam divide the step by √s + ε, so their
 * edge bounds the preconditioned Hessian, not λmax(∇²f): none is drawn.
 */
export function stabilityEdge(kind: OptimizerKind, beta: number, h: number): StabilityEdge | null {
  switch (kind) {
    case 'gd':
      return { value: 2 / h, label: '2/h' };
    case 'momentum':
      return { value: (2 * (1 + beta)) / h, label: '2(1+β)/h' };
    case 'nesterov':
      return { value: (2 * (1 + beta)) / ((1 + 2 * beta) * h), label: '2(1+β)/((1+2β)h)' };
    default:
      return null;
  }
}

/**
 * `flowMs`: the time the flows may take together (a test's setting; INSPECT_FLOW_MS otherwise).
 * `classify`: whether to classify the start over the spec's steps (InspectorData.record).
 */
export function inspectPixel(
  spec: ExperimentSpec,
  i: number,
  j: number,
  flowMs = INSPECT_FLOW_MS,
  classify = true,
): InspectorData {
  const obj = compiledSpec(spec);
  const plane = resolvePlane(spec, obj);
  const x0 = new Float64Array(plane.dim);
  const h = new Float64Array(plane.dim);
  const p = new Float64Array(obj.params.length);
  const o = new Float64Array(3);
  pixelSetup(plane, i, j, x0, h, p, o);
  const K = Math.min(spec.iterations, MAX_INSPECT_ITERS);
  const optimizer = { ...spec.optimizer, beta: o[0], beta2: o[1], eps: o[2] };
  const traj = runTrajectory(obj, x0, h, p, K, spec.classify.divergeRadius, optimizer);
  let record: TrajectoryRecord | null = null;
  if (classify && spec.iterations <= MAX_CLASSIFY_STEPS) {
    record = emptyRecord();
    const ws = new ClassifyWorkspace(obj, spec.optimizer);
    classifyInto(obj, ws, x0, h, p, spec.iterations, spec.transient, spec.classify, record, o);
  }
  const n = traj.iterates.length;
  const states = Array.from({ length: plane.dim }, (_, c) => traj.iterates.map((x) => x[c]));
  const scalar = h.every((r) => r === h[0]);
  const flows: Partial<Record<FlowKind, number[][]>> = {};
  const notes: string[] = [];
  let overshoot: string | null = null;
  if (spec.optimizer.kind !== 'gd')
    notes.push(
      `no flows: gradient flow and the modified equations approximate plain GD, not ${RULES[spec.optimizer.kind].label}`,
    );
  else if (scalar) {
    const F = Math.min(n - 1, MAX_FLOW_SAMPLES);
    // Over the steps the flows are drawn beside, not GD's whole run: the note is about them.
    const over = findOvershoot(h[0], traj.sharpness.slice(0, F + 1));
    if (over) overshoot = overshootNote(over);
    const deadline = performance.now() + flowMs;
    for (const kind of ['gf', 'me1', 'me2'] as const) {
      let xs: Float64Array[];
      try {
        xs = sampleFlow(obj, kind, x0, h[0], p, F, {
          tol: 1e-10,
          divergeRadius: spec.classify.divergeRadius,
          work: { start: INSPECT_FLOW_WORK_START },
          deadline,
        });
      } catch (e) {
        if (!(e instanceof FlowStopped)) {
          notes.push(`${kind}: ${(e as Error).message}`);
          continue;
        }
        // What was integrated is shown; the rest stays blank, as after a flow blows up.
        xs = e.samples;
        notes.push(
          e.reason === 'work'
            ? e.message
            : `the ${kind} flow stopped at step ${xs.length - 1} of ${F}: the flows may take ` +
                `${flowMs / 1000} s together on the page's thread`,
        );
      }
      flows[kind] = Array.from({ length: plane.dim }, (_, c) => {
        const col = xs.map((x) => x[c]);
        while (col.length < n) col.push(NaN);
        return col;
      });
    }
    if (F < n - 1) notes.push(`flows shown for the first ${F} steps`);
  } else notes.push('no flows for per-coordinate rates: there is no single time step h');
  const edge = scalar ? stabilityEdge(spec.optimizer.kind, o[0], h[0]) : null;
  if (scalar && edge === null)
    notes.push(
      `no stability line: ${RULES[spec.optimizer.kind].label} divides the step by √s + ε, so its edge ` +
        'bounds the preconditioned Hessian, not λmax(∇²f)',
    );
  const params: Record<string, number> = {};
  obj.params.forEach((name, k) => (params[name] = p[k]));
  const coordAxes = plane.u.kind === AxisKind.COORD && plane.v.kind === AxisKind.COORD;
  const u = axisValue(plane.u, i, plane.width);
  const v = axisValue(plane.v, j, plane.height);
  return {
    source: { kind: 'pixel' },
    i,
    j,
    u,
    v,
    labels: { u: spec.plane.u.quantity, v: spec.plane.v.quantity },
    vars: obj.vars,
    x0: Array.from(x0),
    h: Array.from(h),
    params,
    optimizer: RULES[spec.optimizer.kind].label,
    optimizerText: describeOptimizer(optimizer),
    hyper: Array.from(o),
    iterations: spec.iterations,
    k: traj.iterates.map((_, k) => k),
    states,
    f: traj.f,
    sharpness: traj.sharpness,
    escape: traj.escape,
    record,
    edge,
    flows,
    // Every note: a stopped flow's used to be overwritten by the one on the steps shown.
    flowNote: notes.length > 0 ? notes.join('; ') : null,
    overshoot,
    orbit: coordAxes
      ? traj.iterates.map((x) => [x[plane.u.index], x[plane.v.index]] as [number, number])
      : null,
    marker: [u, v],
  };
}
