/**
 * The numbers behind each gallery entry, computed in float64 by the reference engine. The gallery CLI
 * writes them beside each picture; tests/gallery.test.ts asserts them. Grid sizes are parameters so
 * the tests can run small.
 */
import { Outcome } from '../core/outcome.ts';
import { countOutcomes } from '../core/records.ts';
import { compileObjective } from '../objective/compile.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { classifyTrajectory } from '../reference/classify.ts';
import { sampleFlow, type FlowKind } from '../reference/flows.ts';
import { runTrajectory } from '../reference/gd.ts';
import { runGrid } from '../reference/grid.ts';
import { parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { prepareEnsemble, type EnsembleEngine } from '../core/ensemble.ts';
import { densityReport, type DensityReport } from '../core/density.ts';
import { binEdges, gibbsDensity, l1Distance } from '../gibbs.ts';
import { runEnsembleCpu } from '../reference/ensemble.ts';
import { BALANCE_START, EOS_START, MF_WINDOWS, getGalleryEntry, mfBifurcation } from './entries.ts';

const compiled = (spec: ExperimentSpec): CompiledObjective =>
  compileObjective({
    expr: spec.objective.expr,
    params: spec.objective.params,
    observables: spec.observables,
  });

/** A copy of an entry's spec with some fields replaced (e.g. a smaller grid), validated again. */
export function resized(spec: ExperimentSpec, over: Partial<ExperimentSpec>): ExperimentSpec {
  return parseSpec({ ...spec, ...over });
}

function entrySpec(id: string): ExperimentSpec {
  const e = getGalleryEntry(id);
  if (!e) throw new Error(`no gallery entry '${id}'`);
  return e.spec;
}

// ---------------------------------------------------------------------------------------------
// 1. Regimes of x²/2

export interface RegimeTrajectory {
  h: number;
  /** Every iterate has the sign of x₀ and |x| decreases. */
  monotone: boolean;
  /** The sign flips at every step. */
  alternating: boolean;
  /** f(x_k) decreases at every step. */
  fDecreasing: boolean;
  diverged: boolean;
}

export interface FlowErrorRow {
  h: number;
  /** |x_GD(T) - x_flow(T)| for gradient flow and the modified equations of order 1 and 2. */
  errors: Record<FlowKind, number>;
}

export function checkRegimes(T = 2.4): {
  trajectories: RegimeTrajectory[];
  table: FlowErrorRow[];
  ratios: Record<FlowKind, number>;
} {
  const obj = compileObjective({ expr: 'x^2/2', params: {} });
  const p = obj.paramValues;
  const trajectories = [0.5, 1.5, 2.1].map((h) => {
    const t = runTrajectory(obj, [1], h, p, 40);
    const xs = t.iterates.map((x) => x[0]);
    let monotone = true;
    let alternating = true;
    let fDecreasing = true;
    for (let k = 1; k < xs.length; k++) {
      if (!(xs[k] > 0 && xs[k] < xs[k - 1])) monotone = false;
      if (!(Math.sign(xs[k]) === -Math.sign(xs[k - 1]))) alternating = false;
      if (!(t.f[k] < t.f[k - 1])) fDecreasing = false;
    }
    return {
      h,
      monotone,
      alternating,
      fDecreasing,
      diverged: t.escape !== null || Math.abs(xs[xs.length - 1]) > 1,
    };
  });
  const errorsAt = (h: number): FlowErrorRow => {
    const K = Math.round(T / h);
    const gd = runTrajectory(obj, [1], h, p, K).iterates[K][0];
    const errors = {} as Record<FlowKind, number>;
    for (const kind of ['gf', 'me1', 'me2'] as const) {
      const flow = sampleFlow(obj, kind, [1], h, p, K);
      errors[kind] = Math.abs(flow[K][0] - gd);
    }
    return { h, errors };
  };
  const table = [0.05, 0.1, 0.4, 1.2].map(errorsAt);
  const ratios = {} as Record<FlowKind, number>;
  for (const kind of ['gf', 'me1', 'me2'] as const)
    ratios[kind] = table[1].errors[kind] / table[0].errors[kind];
  return { trajectories, table, ratios };
}

// ---------------------------------------------------------------------------------------------
// 2. Periodic orbits of (1 - xy)²/2

export interface PeriodMap {
  lr: number;
  counts: ReturnType<typeof countOutcomes>;
  /** The most common period among periodic pixels (0 when none). */
  dominantPeriod: number;
}

export function checkMfPeriods(size = 40): PeriodMap[] {
  const base = entrySpec('mf-periodic');
  const obj = compiled(base);
  return [1.9, ...MF_WINDOWS.map((w) => w.lr)].map((lr) => {
    const spec = resized(base, { lr, size: [size, size] });
    const { columns } = runGrid(spec, obj);
    const counts = countOutcomes(columns);
    let dominantPeriod = 0;
    let best = 0;
    for (const [p, n] of Object.entries(counts.periodic))
      if (n > best) {
        best = n;
        dominantPeriod = Number(p);
      }
    return { lr, counts, dominantPeriod };
  });
}

/**
 * Periods along the diagonal start (0.3, 0.3) for learning rates in [lo, hi]: the windows where an
 * orbit of each period attracts, found by scanning (a one-sample bifurcation diagram in float64).
 */
export function diagonalWindows(
  lo = 1.0,
  hi = 1.95,
  steps = 381,
): { lr: number; period: number; outcome: Outcome }[] {
  const obj = compileObjective({ expr: '(1 - x*y)^2/2', params: {} });
  const out: { lr: number; period: number; outcome: Outcome }[] = [];
  for (let i = 0; i < steps; i++) {
    const lr = lo + ((hi - lo) * i) / (steps - 1);
    const r = classifyTrajectory(obj, [0.3, 0.3], lr, {
      iterations: 4000,
      transient: 3000,
      settings: { maxPeriod: 16, tol: 1e-7 },
    });
    out.push({
      lr,
      period: r.outcome === Outcome.PERIODIC || r.outcome === Outcome.CONVERGED ? r.period : 0,
      outcome: r.outcome,
    });
  }
  return out;
}

/** The entry's bifurcation diagram near the diagonal (float64, `columns` wide): h and period per column. */
export async function checkMfBifurcation(columns = 96): Promise<{ lr: number; period: number | null }[]> {
  const spec = resized(mfBifurcation, { size: [columns, 60] });
  const { objective, plan } = prepareEnsemble(spec);
  const result = await runEnsembleCpu(spec, objective, plan);
  return Array.from(plan.values, (lr, c) => ({ lr, period: result.stats.period[c] }));
}

// ---------------------------------------------------------------------------------------------
// 3. Gibbs distribution

/**
 * The long-run density of the entry (float64, or on `engine`) and the bound its text claims: the L1
 * distance between the exact stationary Gaussian of quadratic f₀ (variance hσ²/(2 - h), σ² = A²/2)
 * and the Gibbs prediction, plus 0.03 for the histogram's sampling error and the law's non-Gaussian
 * shape.
 */
export async function checkGibbs(
  samples?: number,
  engine?: EnsembleEngine,
): Promise<{ report: DensityReport; bias: number; bound: number }> {
  let spec = entrySpec('gibbs');
  if (samples) spec = resized(spec, { ensemble: { ...spec.ensemble, samples } });
  const { objective, plan } = prepareEnsemble(spec);
  const run = engine ? engine.runEnsemble(spec, objective, plan) : runEnsembleCpu(spec, objective, plan);
  const report = densityReport(await run);
  const h = spec.lr;
  const A = spec.objective.params.A;
  const edges = binEdges(report.edges[0], report.edges[report.edges.length - 1], report.density.length);
  const exact = gibbsDensity((x) => (x * x) / 2, (h * A * A) / (2 * (2 - h)), edges);
  const bias = l1Distance(Float64Array.from(report.gibbs ?? []), exact, edges);
  return { report, bias, bound: bias + 0.03 };
}

// ---------------------------------------------------------------------------------------------
// 4. Escape from local minima

export interface EscapeColumns {
  /** Learning rate of each column. */
  lr: number[];
  /** max over rows of |x_final - x_start| per column. */
  maxMove: number[];
  /** rms of x_final per column. */
  rms: number[];
  /** max over rows of |x_final| per column. */
  maxAbs: number[];
}

export function checkEscape(width = 24, height = 16): EscapeColumns {
  const base = entrySpec('escape');
  const spec = resized(base, { size: [width, height] });
  const { columns } = runGrid(spec, compiled(spec));
  const out: EscapeColumns = { lr: [], maxMove: [], rms: [], maxAbs: [] };
  const { u, v } = spec.plane;
  for (let i = 0; i < width; i++) {
    out.lr.push(u.min + ((i + 0.5) * (u.max - u.min)) / width);
    let maxMove = 0;
    let sq = 0;
    let maxAbs = 0;
    for (let j = 0; j < height; j++) {
      const x0 = v.min + ((j + 0.5) * (v.max - v.min)) / height;
      const xf = columns.final0[j * width + i];
      maxMove = Math.max(maxMove, Math.abs(xf - x0));
      sq += xf * xf;
      maxAbs = Math.max(maxAbs, Math.abs(xf));
    }
    out.maxMove.push(maxMove);
    out.rms.push(Math.sqrt(sq / height));
    out.maxAbs.push(maxAbs);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 5. Balancing

export interface BalanceRow {
  h: number;
  converged: boolean;
  diverged: boolean;
  balance: number;
  bound: number;
}

export function checkBalancing(lrs?: number[]): { L: number; rows: BalanceRow[] } {
  const obj = compileObjective({ expr: '(1 - x*y)^2/2', params: {} });
  const [x0, y0] = BALANCE_START;
  const L = x0 * x0 + y0 * y0; // λmax of the Hessian at the start, up to O(r): (x² + y²) at a minimizer
  const hs = lrs ?? Array.from({ length: 25 }, (_, i) => 0.05 + 0.01 * i);
  const rows = hs.map((h) => {
    const r = classifyTrajectory(obj, BALANCE_START, h, {
      iterations: 20000,
      transient: 19000,
      settings: { lyapunov: false, tol: 1e-9 },
    });
    const converged = r.outcome === Outcome.CONVERGED;
    const diverged = r.outcome === Outcome.DIVERGED;
    const bound = Math.sqrt(Math.max(0, 2 / h - 2));
    return { h, converged, diverged, balance: Math.abs(r.final0 - r.final1), bound };
  });
  return { L, rows };
}

// ---------------------------------------------------------------------------------------------
// 6. Edge of stability

export interface EosRow {
  h: number;
  /** Final sharpness λmax(∇²f). */
  sharpness: number;
  /** Largest sharpness after the first tenth of the run (the overshoot past 2/h). */
  peak: number;
  /** Gradient flow's limit: 2√((x₀² - y₀²)² + 4). */
  flowLimit: number;
  /** Escape iteration, or null when GD stayed bounded. */
  escape: number | null;
}

export function checkEdgeOfStability(lrs = [0.04, 0.07, 0.1, 0.13], iterations = 4000): EosRow[] {
  const obj = compileObjective({ expr: '(x^2*y^2 - 1)^2/4', params: {} });
  const [x0, y0] = EOS_START;
  const flowLimit = 2 * Math.sqrt((x0 * x0 - y0 * y0) ** 2 + 4);
  return lrs.map((h) => {
    const t = runTrajectory(obj, EOS_START, h, obj.paramValues, iterations);
    const s = t.sharpness;
    return {
      h,
      sharpness: s[s.length - 1],
      peak: Math.max(...s.slice(Math.floor(s.length / 10))),
      flowLimit,
      escape: t.escape,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// 7. Fractal trainability boundary

/** Cells of a W×W diverged/bounded mask whose right or upper neighbour differs. */
export function boundaryCells(diverged: ArrayLike<number>, W: number): number {
  let n = 0;
  for (let j = 0; j < W - 1; j++)
    for (let i = 0; i < W - 1; i++) {
      const a = diverged[j * W + i];
      if (a !== diverged[j * W + i + 1] || a !== diverged[(j + 1) * W + i]) n++;
    }
  return n;
}

/**
 * Box-counting dimension of the boundary in a window: boundary cells N at resolutions r and 4r,
 * D = log(N₄ᵣ / Nᵣ) / log 4 (1 for a smooth curve, up to 2 for a boundary that fills the window).
 */
export function boundaryDimension(
  spec: ExperimentSpec,
  r: number,
): { dimension: number; cells: [number, number] } {
  const obj = compiled(spec);
  const count = (W: number) => {
    const { columns } = runGrid(resized(spec, { size: [W, W] }), obj);
    const mask = Uint8Array.from(columns.outcome, (o) => (o === Outcome.DIVERGED ? 1 : 0));
    return boundaryCells(mask, W);
  };
  const a = count(r);
  const b = count(4 * r);
  return { dimension: Math.log(b / a) / Math.log(4), cells: [a, b] };
}
