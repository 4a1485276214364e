/**
 * Float64 reference of the ensemble views (bifurcation diagrams and long-run densities): the
 * definition in src/core/ensemble.ts, computed on the CPU. The tests hold the WGSL engine
 * to it, and the CLI falls back to it where there is no WebGPU adapter.
 */
import { tangentStart } from '../core/outcome.ts';
import {
  chooseRange,
  reduceColumns,
  rowOf,
  type BifurcationResult,
  type EnsembleEngine,
  type EnsemblePlan,
  type SampleSummary,
} from '../core/ensemble.ts';
import type { EngineInfo, RunOptions } from '../core/engine.ts';
import type { CompiledObjective } from '../objective/types.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';

/** One column's rates, parameters and start override, applied to the plan's base values. */
interface ColumnSetup {
  lr: Float64Array;
  params: Float64Array;
  /** Coordinate whose start the column fixes, or -1. */
  coord: number;
  value: number;
}

function columnSetup(plan: EnsemblePlan, c: number): ColumnSetup {
  const lr = plan.lr.slice();
  const params = plan.params.slice();
  const value = plan.values[c];
  const q = plan.quantity;
  let coord = -1;
  if (q.kind === 'lr') lr.fill(value);
  else if (q.kind === 'lrCoord') lr[q.index] = value;
  else if (q.kind === 'param') params[plan.paramIndex] = value;
  else coord = q.index;
  return { lr, params, coord, value };
}

/**
 * The float64 trajectory of one sample. `run` performs pass one (fate, period, exponent, extremes of
 * the kept observable, and the state x_T); `replay` re-iterates the kept steps from x_T, which in
 * float64 on one machine reproduces pass one's iterates exactly.
 */
class SampleIntegrator {
  private readonly g: Float64Array;
  private readonly hv: Float64Array;
  private readonly v: Float64Array;
  private readonly c: Float64Array;
  private readonly anchor: Float64Array;
  readonly x: Float64Array;
  readonly xT: Float64Array;

  constructor(
    private readonly plan: EnsemblePlan,
    private readonly obj: CompiledObjective,
  ) {
    const n = plan.dim;
    this.g = new Float64Array(n);
    this.hv = new Float64Array(n);
    this.v = new Float64Array(n);
    this.c = new Float64Array(n);
    this.anchor = new Float64Array(n);
    this.x = new Float64Array(n);
    this.xT = new Float64Array(n);
  }

  observe(x: Float64Array, p: Float64Array): number {
    const o = this.plan.observable;
    if (o.kind === 'coord') return x[o.index];
    if (o.kind === 'f') return this.obj.f(x, p);
    return this.obj.observable(0, x, p);
  }

  private step(lr: Float64Array, p: Float64Array): boolean {
    const { x, g } = this;
    this.obj.grad(x, p, g);
    let norm = 0;
    let finite = true;
    for (let i = 0; i < x.length; i++) {
      x[i] -= lr[i] * g[i];
      if (!Number.isFinite(x[i])) finite = false;
      norm = Math.max(norm, Math.abs(x[i]));
    }
    return finite && norm <= this.plan.classify.divergeRadius;
  }

  run(col: ColumnSetup, start: Float64Array, out: SampleSummary): void {
    const { plan, x, v, c, hv } = this;
    const { dim: n, transient: T, iterations: N } = plan;
    const { maxPeriod: P, tol, lyapunov } = plan.classify;
    x.set(start);
    if (col.coord >= 0) x[col.coord] = col.value;
    tangentStart(n, v);
    const cp = Math.max(0, N - P);
    if (cp === 0) c.set(x);
    if (T === 0) this.xT.set(x);
    // Rule 3 of src/core/outcome.ts: s = max(1, ‖c‖∞) and the orbit's extent seen from c so far.
    let scale = cp === 0 ? Math.max(1, infNorm(c)) : 0;
    let extent = 0;
    // Rule 5: extents of the two halves of the window T … N, each from its first state.
    const half = Math.floor((N - Math.min(T, N)) / 2);
    const mid = T + half;
    const anchor = this.anchor;
    if (T === 0) anchor.set(x);
    out.r1 = 0;
    out.r2 = 0;
    out.escape = 0;
    out.period = 0;
    out.min = Infinity;
    out.max = -Infinity;
    let lyap = 0;
    for (let k = 0; k < N; k++) {
      if (lyapunov && k >= T) {
        this.obj.hvp(x, col.params, v, hv);
        let s = 0;
        for (let i = 0; i < n; i++) {
          hv[i] = v[i] - col.lr[i] * hv[i];
          s += hv[i] * hv[i];
        }
        const norm = Math.max(Math.sqrt(s), 1e-300);
        lyap += Math.log(norm);
        for (let i = 0; i < n; i++) v[i] = hv[i] / norm;
      }
      if (!this.step(col.lr, col.params)) {
        out.escape = k + 1;
        break;
      }
      const k1 = k + 1;
      if (k1 > T && k1 <= mid + half) {
        let d = 0;
        for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(x[i] - anchor[i]));
        if (k1 <= mid) out.r1 = Math.max(out.r1, d);
        else out.r2 = Math.max(out.r2, d);
      }
      if (k1 === T || k1 === mid) anchor.set(x);
      if (k1 === T) this.xT.set(x);
      if (k1 === cp) {
        c.set(x);
        scale = Math.max(1, infNorm(c));
      } else if (k1 > cp && out.period === 0) {
        let d = 0;
        for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(x[i] - c[i]));
        const p = k1 - cp;
        if (d <= tol * (p === 1 ? scale : Math.min(scale, extent))) out.period = p;
        else extent = Math.max(extent, d);
      }
      if (k1 > T) {
        const o = this.observe(x, col.params);
        if (o < out.min) out.min = o;
        if (o > out.max) out.max = o;
      }
    }
    out.lyapunov = lyapunov ? lyap / (N - T) : NaN;
  }

  /** Re-iterates the K kept steps from x_T, calling `visit` with each kept observable. */
  replay(col: ColumnSetup, visit: (o: number) => void): void {
    this.x.set(this.xT);
    for (let k = 0; k < this.plan.keep; k++) {
      this.step(col.lr, col.params);
      visit(this.observe(this.x, col.params));
    }
  }
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/**
 * Runs an ensemble plan in float64. Pass one records each sample's fate and the state after the
 * transient; the range is chosen; pass two replays the kept steps of bounded samples into the bins.
 */
export async function runEnsembleCpu(
  spec: ExperimentSpec,
  obj: CompiledObjective,
  plan: EnsemblePlan,
  options: RunOptions = {},
): Promise<BifurcationResult> {
  const t0 = performance.now();
  const { columns: W, samples: M, dim: n, rows: H } = plan;
  const integ = new SampleIntegrator(plan, obj);
  // Columnar summaries: a large fallback run holds millions of samples.
  const escape = new Uint32Array(W * M);
  const period = new Uint32Array(W * M);
  const lyap = new Float64Array(W * M);
  const omin = new Float64Array(W * M);
  const omax = new Float64Array(W * M);
  const r1 = new Float64Array(W * M);
  const r2 = new Float64Array(W * M);
  const density = new Uint32Array(W * H);
  const outside = new Uint32Array(W);
  // With a fixed range a column is binned right after its first pass; only the automatic range
  // needs every x_T kept until all columns have run.
  const fixed = plan.range;
  const xT = fixed ? new Float64Array(M * n) : new Float64Array(W * M * n);
  const start = new Float64Array(n);
  const s: SampleSummary = { escape: 0, period: 0, lyapunov: NaN, min: NaN, max: NaN, r1: 0, r2: 0 };
  const bin = (c: number, lo: number, hi: number) => {
    const col = columnSetup(plan, c);
    const base = fixed ? 0 : c * M;
    for (let m = 0; m < M; m++) {
      if (escape[c * M + m] > 0) continue;
      integ.xT.set(xT.subarray((base + m) * n, (base + m + 1) * n));
      integ.replay(col, (o) => {
        const r = rowOf(o, lo, hi, H);
        if (r < 0) outside[c]++;
        else density[r * W + c]++;
      });
    }
  };
  for (let c = 0; c < W; c++) {
    const col = columnSetup(plan, c);
    for (let m = 0; m < M; m++) {
      start.set(plan.starts.subarray(m * n, (m + 1) * n));
      integ.run(col, start, s);
      const i = c * M + m;
      escape[i] = s.escape;
      period[i] = s.period;
      lyap[i] = s.lyapunov;
      omin[i] = s.min;
      omax[i] = s.max;
      r1[i] = s.r1;
      r2[i] = s.r2;
      xT.set(integ.xT, ((fixed ? 0 : c * M) + m) * n);
    }
    if (fixed) bin(c, fixed[0], fixed[1]);
    options.onProgress?.(c + 1, fixed ? W : 2 * W);
    await yieldAndCheck(options.signal);
  }
  const stats = reduceColumns(plan, (i) => ({
    escape: escape[i],
    period: period[i],
    lyapunov: lyap[i],
    min: omin[i],
    max: omax[i],
    r1: r1[i],
    r2: r2[i],
  }));
  const range = chooseRange(plan, stats);
  if (!fixed)
    for (let c = 0; c < W; c++) {
      bin(c, range[0], range[1]);
      options.onProgress?.(W + c + 1, 2 * W);
      await yieldAndCheck(options.signal);
    }
  return { spec, info: CPU_INFO, plan, range, density, outside, stats, ms: performance.now() - t0 };
}

const CPU_INFO: EngineInfo = { kind: 'cpu', precision: 'f64', adapter: 'cpu' };

async function yieldAndCheck(signal?: AbortSignal): Promise<void> {
  if (!signal) return;
  await new Promise((r) => setTimeout(r, 0));
  if (signal.aborted) throw new DOMException('ensemble run aborted', 'AbortError');
}

/** The float64 reference as an EnsembleEngine (the no-WebGPU fallback). */
export class CpuEnsembleEngine implements EnsembleEngine {
  readonly info = CPU_INFO;
  runEnsemble(spec: ExperimentSpec, objective: CompiledObjective, plan: EnsemblePlan, options?: RunOptions) {
    return runEnsembleCpu(spec, objective, plan, options);
  }
  dispose(): void {}
}
