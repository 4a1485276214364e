/**
 * The numbers behind the attractor entries of the gallery (src/gallery/attractor-entries.ts): the
 * float64 engine by default, or any ensemble engine (the GPU's f32 in the tests). The gallery CLI
 * writes them beside each picture; tests/gallery-attractor.test.ts asserts them.
 */
import { attractorReport, type AttractorReport } from '../core/attractor.ts';
import { prepareEnsemble, type EnsembleEngine } from '../core/ensemble.ts';
import { Outcome } from '../core/outcome.ts';
import { countOutcomes } from '../core/records.ts';
import { axisValue } from '../experiment/plane.ts';
import { parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { compileObjective } from '../objective/compile.ts';
import { classifyTrajectory } from '../reference/classify.ts';
import { runEnsembleCpu } from '../reference/ensemble.ts';
import { runGrid } from '../reference/grid.ts';
import { densityReport } from '../core/density.ts';
import {
  NETWORK_BOX,
  networkCascade,
  networkDensity,
  networkSpec,
  STRANGE_BOX,
  strangeBasins,
  strangeSpec,
} from './attractor-entries.ts';

/** An attractor spec with fewer samples or kept steps (the tests run small), validated again. */
export function smaller(spec: ExperimentSpec, samples?: number, keep?: number): ExperimentSpec {
  const e = spec.ensemble;
  const k = keep ?? e.keep;
  return parseSpec({
    ...spec,
    iterations: spec.transient + k,
    ensemble: { ...e, samples: samples ?? e.samples, keep: k },
  });
}

/** Runs an attractor spec on `engine` (default: the float64 engine on this thread). */
export async function runAttractor(spec: ExperimentSpec, engine?: EnsembleEngine): Promise<AttractorReport> {
  const { objective, plan } = prepareEnsemble(spec);
  const result = engine
    ? await engine.runEnsemble(spec, objective, plan)
    : await runEnsembleCpu(spec, objective, plan);
  return attractorReport(result);
}

// ---------------------------------------------------------------------------------------------
// 1. The strange attractor of the coupled wells

export interface MinimumStability {
  /** The minimizer, its Hessian's eigenvalues, and the largest h at which GD still converges to it. */
  at: [number, number];
  curvatures: [number, number];
  maxRate: number;
}

/** The minima of the coupled wells (in phase, anti phase) and the rates below which they attract. */
export function coupledMinima(c = 0.1): MinimumStability[] {
  const obj = compileObjective({ expr: strangeSpec.objective.expr, params: { c } });
  const a = Math.sqrt(1 - 2 * c);
  return (
    [
      [1, 1],
      [a, -a],
    ] as [number, number][]
  ).map((at) => {
    const g = new Float64Array(2);
    obj.grad(at, obj.paramValues, g);
    if (Math.hypot(g[0], g[1]) > 1e-12) throw new Error(`(${at}) is not a critical point`);
    const H = new Float64Array(4);
    obj.hess(at, obj.paramValues, H);
    // Eigenvalues of the symmetric 2 × 2 Hessian [[p, q], [q, r]].
    const mean = (H[0] + H[3]) / 2;
    const d = Math.hypot((H[0] - H[3]) / 2, H[1]);
    const [l0, l1] = [mean - d, mean + d];
    return { at, curvatures: [l0, l1], maxRate: 2 / l1 };
  });
}

/**
 * The outcome of GD from an n × n grid of starts over the entry's box (float64, the entry's steps):
 * how many are chaotic, and the least exponent among them.
 */
export function strangeStarts(n = 8): { chaotic: number; total: number; minLyapunov: number } {
  const spec = strangeSpec;
  const obj = compileObjective({ expr: spec.objective.expr, params: spec.objective.params });
  let chaotic = 0;
  let minLyapunov = Infinity;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x0 = [0, 1].map((k) => {
        const t = ((k === 0 ? i : j) + 0.5) / n;
        return STRANGE_BOX.min[k] + t * (STRANGE_BOX.max[k] - STRANGE_BOX.min[k]);
      });
      const r = classifyTrajectory(obj, x0, spec.lr, {
        iterations: spec.iterations,
        transient: spec.transient,
        settings: spec.classify,
      });
      if (r.outcome === Outcome.CHAOTIC) {
        chaotic++;
        minLyapunov = Math.min(minLyapunov, r.lyapunov);
      }
    }
  return { chaotic, total: n * n, minLyapunov };
}

/**
 * The entry's basin variant at n × n (float64): outcomes over the whole map, the periodic pixels whose
 * final point lies in an anti-phase quadrant (x·y < 0), its farthest distance from the nearer anti-phase
 * minimum, and the chaotic pixels among those whose start lies in the entry's square.
 */
export function strangeBasinMap(n = 32): {
  counts: ReturnType<typeof countOutcomes>;
  antiPhase: number;
  farthest: number;
  square: { total: number; chaotic: number };
} {
  const spec = parseSpec({ ...strangeBasins, size: [n, n] });
  const { columns } = runGrid(
    spec,
    compileObjective({ expr: spec.objective.expr, params: spec.objective.params }),
  );
  const a = coupledMinima()[1].at[0];
  let antiPhase = 0;
  let farthest = 0;
  const square = { total: 0, chaotic: 0 };
  for (let k = 0; k < n * n; k++) {
    const [x, y] = [columns.final0[k], columns.final1[k]];
    if (columns.outcome[k] === Outcome.PERIODIC && x * y < 0) {
      antiPhase++;
      farthest = Math.max(farthest, Math.hypot(Math.abs(x) - a, Math.abs(y) - a));
    }
    const start = [axisValue(spec.plane.u, k % n, n), axisValue(spec.plane.v, Math.floor(k / n), n)];
    if (start.every((s, i) => s >= STRANGE_BOX.min[i] && s <= STRANGE_BOX.max[i])) {
      square.total++;
      if (columns.outcome[k] === Outcome.CHAOTIC) square.chaotic++;
    }
  }
  return { counts: countOutcomes(columns), antiPhase, farthest, square };
}

/** The entry's attractor: bounded starts, the common period (none), the mean exponent. */
export async function checkStrangeAttractor(
  engine?: EnsembleEngine,
  samples?: number,
  keep?: number,
): Promise<Pick<AttractorReport, 'bounded' | 'samples' | 'period' | 'lyapunov' | 'uRange' | 'vRange'>> {
  const r = await runAttractor(smaller(strangeSpec, samples, keep), engine);
  const { bounded, samples: m, period, lyapunov, uRange, vRange } = r;
  return { bounded, samples: m, period, lyapunov, uRange, vRange };
}

// ---------------------------------------------------------------------------------------------
// 2. The network weight's blobs

/** Blobs of a histogram: runs of non-empty bins; and the longest run of empty bins between two. */
export function blobs(counts: ArrayLike<number>): { blobs: number; gap: number } {
  let runs = 0;
  let gap = 0;
  let empty = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0) {
      if (runs > 0) gap = Math.max(gap, empty);
      if (empty > 0 || runs === 0) runs++;
      empty = 0;
    } else if (runs > 0) empty++;
  }
  return { blobs: runs, gap: gap / counts.length };
}

/**
 * The long-run histogram of x1 (the entry's density, float64; at another rate `lr` when given): its
 * blobs, widest gap, bounded starts.
 */
export async function networkBlobs(
  samples?: number,
  lr?: number,
): Promise<{ blobs: number; gap: number; bounded: number }> {
  const spec = smaller(lr === undefined ? networkDensity : parseSpec({ ...networkDensity, lr }), samples);
  const { objective, plan } = prepareEnsemble(spec);
  const report = densityReport(await runEnsembleCpu(spec, objective, plan));
  return { ...blobs(report.counts), bounded: report.bounded };
}

/**
 * The entry's run (its exponent, bounded starts, period) with the pair (|x2| + |x4|, x1), whose first
 * quantity's largest kept value (before the range is widened around it) is the switched-off unit's
 * size: the same trajectories as the picture's, one run.
 */
export async function checkNetwork(
  engine?: EnsembleEngine,
  samples?: number,
  keep?: number,
): Promise<{ lyapunov: number; bounded: number; period: number | null; offUnit: number }> {
  const base = smaller(networkSpec, samples, keep);
  const spec = parseSpec({ ...base, attractor: { ...base.attractor, u: 'abs(x2) + abs(x4)', v: 'x1' } });
  const { objective, plan } = prepareEnsemble(spec);
  const r = engine
    ? await engine.runEnsemble(spec, objective, plan)
    : await runEnsembleCpu(spec, objective, plan);
  const { lyapunov, bounded, period } = attractorReport(r);
  return { lyapunov, bounded, period, offUnit: r.stats.max[0] };
}

/** The entry's route diagram (float64, `columns` wide): h and the common period of each column. */
export async function checkNetworkCascade(columns = 40): Promise<{ lr: number; period: number | null }[]> {
  const spec = parseSpec({ ...networkCascade, size: [columns, networkCascade.size[1]] });
  const { objective, plan } = prepareEnsemble(spec);
  const result = await runEnsembleCpu(spec, objective, plan);
  return Array.from(plan.values, (lr, c) => ({ lr, period: result.stats.period[c] }));
}

/** GD on the network from its preset start at rates along the route (float64): outcome and period. */
export function networkRoute(
  lrs = [13.5, 15, 15.5, 15.9],
): { lr: number; outcome: Outcome; period: number }[] {
  const spec = networkSpec;
  const obj = compileObjective({ expr: spec.objective.expr, params: {} });
  const x0 = NETWORK_BOX.min.map((lo, k) => (lo + NETWORK_BOX.max[k]) / 2);
  return lrs.map((lr) => {
    const r = classifyTrajectory(obj, x0, lr, {
      iterations: 20000,
      transient: 16000,
      settings: { maxPeriod: 16, tol: 1e-7 },
    });
    return { lr, outcome: r.outcome, period: r.period };
  });
}

/** The numbers of an attractor entry for `gdlab gallery` (float64); null for other entries. */
export async function attractorNumbers(id: string): Promise<unknown> {
  if (id === 'strange-attractor')
    return {
      minima: coupledMinima(),
      starts: strangeStarts(),
      attractor: await checkStrangeAttractor(),
      basins: strangeBasinMap(),
    };
  if (id === 'network-blobs')
    return { blobs: await networkBlobs(), attractor: await checkNetwork(), route: networkRoute() };
  return null;
}
