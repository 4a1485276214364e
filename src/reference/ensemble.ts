/**
 * Float64 reference of the ensemble views (bifurcation diagrams and long-run densities): the
 * definition in src/core/ensemble.ts, computed on the CPU. The tests hold the WGSL engine
 * to it, and the CLI falls back to it where there is no WebGPU adapter.
 */
import { periodOf, tangentStart, warmupStart } from '../core/outcome.ts';
import { cellOf, pairRange, type PairExtremes } from '../core/attractor.ts';
import {
  chooseRange,
  emptyColumnStats,
  escapingSamples,
  reduceColumns,
  setColumnStats,
  rowOf,
  type BifurcationResult,
  type EnsembleEngine,
  type EnsembleObservable,
  type EnsemblePlan,
  type SampleSummary,
} from '../core/ensemble.ts';
import type { EngineInfo, RunOptions } from '../core/engine.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { columnSetup, type ColumnSetup } from './ensemble-columns.ts';
import { StateStepper } from './step.ts';
import { CompiledEnsemble, keepsStates, type BinBand } from './kernel/ensemble-block.ts';
import { allocSamples, sampleAt, storeSample, type SampleColumns } from './kernel/sample-columns.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';

/**
 * The float64 trajectory of one sample. `run` performs pass one (fate, period, exponent, extremes of
 * the kept observable, and the state z_T: x and the optimizer's vectors and clocks); `replay`
 * re-iterates the kept steps from z_T, which in float64 on one machine reproduces pass one's iterates
 * exactly.
 */
class SampleIntegrator {
  private readonly stepper: StateStepper;
  private readonly hv: Float64Array;
  private readonly v: Float64Array;
  private readonly c: Float64Array;
  private readonly anchor: Float64Array;
  /** d_1 … d_P of rule 3. */
  private readonly returns: Float64Array;
  readonly z: Float64Array;
  readonly zT: Float64Array;

  constructor(
    private readonly plan: EnsemblePlan,
    private readonly obj: CompiledObjective,
  ) {
    const st = (this.stepper = new StateStepper(obj, plan.optimizer));
    this.hv = new Float64Array(st.tdim);
    this.v = new Float64Array(st.tdim);
    this.c = new Float64Array(st.tdim);
    this.anchor = new Float64Array(plan.dim);
    this.returns = new Float64Array(Math.min(plan.classify.maxPeriod, plan.iterations));
    this.z = st.alloc();
    this.zT = st.alloc();
  }

  /** Words of a sample's state. */
  get sdim(): number {
    return this.stepper.sdim;
  }

  observe(x: Float64Array, p: Float64Array, o: EnsembleObservable = this.plan.observable): number {
    if (o.kind === 'coord') return x[o.index];
    if (o.kind === 'f') return this.obj.f(x, p);
    return this.obj.observable(o.slot ?? 0, x, p);
  }

  /** One step; false once x has escaped (rule 2). */
  private step(col: ColumnSetup): boolean {
    const { z } = this;
    this.stepper.step(z, col.lr, col.params, col.hyper);
    let norm = 0;
    let finite = true;
    for (let i = 0; i < this.plan.dim; i++) {
      if (!Number.isFinite(z[i])) finite = false;
      norm = Math.max(norm, Math.abs(z[i]));
    }
    return finite && norm <= this.plan.classify.divergeRadius;
  }

  run(col: ColumnSetup, start: Float64Array, out: SampleSummary): void {
    const { plan, z, v, c, hv, stepper } = this;
    const { dim: n, transient: T, iterations: N } = plan;
    const tn = stepper.tdim;
    const { maxPeriod: P, tol, lyapunov } = plan.classify;
    stepper.start(start, z);
    if (col.coord >= 0) z[col.coord] = col.value;
    const x = z.subarray(0, n);
    tangentStart(tn, v);
    const cp = Math.max(0, N - P);
    if (cp === 0) c.set(z.subarray(0, tn));
    if (T === 0) this.zT.set(z);
    // Rule 3 of src/core/outcome.ts: s = max(1, ‖c‖∞) and the distances d_i from c, over the whole
    // state (periodOf).
    let scale = cp === 0 ? Math.max(1, infNorm(c)) : 0;
    const returns = this.returns;
    // Rule 5: extents of x over the two halves of the window T … N, each from its first state.
    const half = Math.floor((N - Math.min(T, N)) / 2);
    const mid = T + half;
    const anchor = this.anchor;
    if (T === 0) anchor.set(x);
    out.r1 = 0;
    out.r2 = 0;
    out.r2tail = 0;
    out.escape = 0;
    out.period = 0;
    out.min = Infinity;
    out.max = -Infinity;
    let lyap = 0;
    // Rule 4: the tangent's unmeasured warm-up from W0; at T (normalised every step, so a unit
    // vector already) its log sum starts from 0.
    const warm = T < N ? warmupStart(T) : T;
    for (let k = 0; k < N; k++) {
      if (lyapunov && k >= warm) {
        if (k === T) lyap = 0;
        stepper.tangent(z, v, col.lr, col.params, col.hyper, hv);
        let s = 0;
        for (let i = 0; i < tn; i++) s += hv[i] * hv[i];
        const norm = Math.max(Math.sqrt(s), 1e-300);
        lyap += Math.log(norm);
        for (let i = 0; i < tn; i++) v[i] = hv[i] / norm;
      }
      if (!this.step(col)) {
        out.escape = k + 1;
        break;
      }
      const k1 = k + 1;
      if (k1 > T && k1 <= mid + half) {
        let d = 0;
        for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(x[i] - anchor[i]));
        if (k1 <= mid) out.r1 = Math.max(out.r1, d);
        else out.r2 = Math.max(out.r2, d);
        if (k1 > mid && k1 > cp) out.r2tail = Math.max(out.r2tail, d);
      }
      if (k1 === T || k1 === mid) anchor.set(x);
      if (k1 === T) this.zT.set(z);
      if (k1 === cp) {
        c.set(z.subarray(0, tn));
        scale = Math.max(1, infNorm(c));
      } else if (k1 > cp) {
        let d = 0;
        for (let i = 0; i < tn; i++) d = Math.max(d, Math.abs(z[i] - c[i]));
        returns[k1 - cp - 1] = d;
      }
      if (k1 > T) {
        const o = this.observe(x, col.params);
        if (o < out.min) out.min = o;
        if (o > out.max) out.max = o;
      }
    }
    if (out.escape === 0) out.period = periodOf(returns, N - cp, scale, tol);
    out.lyapunov = lyapunov ? lyap / (N - T) : NaN;
    out.scale = scale;
  }

  /** Re-iterates the K kept steps from z_T, calling `visit` with each kept observable and x. */
  replay(col: ColumnSetup, visit: (o: number, x: Float64Array) => void): void {
    this.z.set(this.zT);
    const x = this.z.subarray(0, this.plan.dim);
    for (let k = 0; k < this.plan.keep; k++) {
      this.step(col);
      visit(this.observe(x, col.params), x);
    }
  }
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/** One column at a time, interpreted (SampleIntegrator over the objective's evaluators) or compiled. */
interface ColumnRunner {
  /** Words of a sample's state z_T. */
  sdim: number;
  /** Pass one of column c: summaries at c·M + m - outOffset, z_T at (c·M + m - xTOffset)·sdim. */
  run(c: number, out: SampleColumns, outOffset: number, xT: Float64Array, xTOffset: number): void;
  /** Pass two of column c into the W × H density (sample s's escape at escape[s - escapeOffset]). */
  bin(
    c: number,
    xT: Float64Array,
    xTOffset: number,
    escape: Uint32Array,
    escapeOffset: number,
    range: [number, number],
    band: BinBand,
  ): void;
  /** An attractor's pass two (its one column) over the ranges of u and v. */
  binPair(
    xT: Float64Array,
    escape: Uint32Array,
    ranges: [[number, number], [number, number]],
    band: BinBand,
  ): void;
  /** The extremes of an attractor's v over the kept iterates of the bounded samples (±∞ when none). */
  pairExtremes(xT: Float64Array, escape: Uint32Array, escaping: Uint8Array): PairExtremes;
}

function interpretedRunner(plan: EnsemblePlan, obj: CompiledObjective): ColumnRunner {
  const { samples: M, dim: n, rows: H } = plan;
  const integ = new SampleIntegrator(plan, obj);
  const sn = integ.sdim;
  const start = new Float64Array(n);
  const s: SampleSummary = {
    escape: 0,
    period: 0,
    lyapunov: NaN,
    min: NaN,
    max: NaN,
    r1: 0,
    r2: 0,
    r2tail: 0,
    scale: 0,
  };
  return {
    sdim: sn,
    run(c, out, outOffset, xT, xTOffset) {
      const col = columnSetup(plan, c);
      for (let m = 0; m < M; m++) {
        start.set(plan.starts.subarray(m * n, (m + 1) * n));
        integ.run(col, start, s);
        const i = c * M + m;
        storeSample(out, i - outOffset, s);
        xT.set(integ.zT, (i - xTOffset) * sn);
      }
    },
    bin(c, xT, xTOffset, escape, escapeOffset, [lo, hi], band) {
      const col = columnSetup(plan, c);
      for (let m = 0; m < M; m++) {
        const i = c * M + m;
        if (escape[i - escapeOffset] > 0) continue;
        integ.zT.set(xT.subarray((i - xTOffset) * sn, (i - xTOffset + 1) * sn));
        integ.replay(col, (o) => {
          const r = rowOf(o, lo, hi, H);
          if (r < 0) band.outside[c - band.c0]++;
          else band.density[r * band.width + c - band.c0]++;
        });
      }
    },
    binPair(xT, escape, [ur, vr], band) {
      const pair = plan.pair!;
      replayPair(xT, escape, (_m, u, v) => {
        const cell = cellOf(u, v, ur, vr, pair.width, pair.height);
        if (cell < 0) band.outside[0]++;
        else band.density[cell]++;
      });
    },
    pairExtremes(xT, escape, escaping) {
      const e: PairExtremes = [Infinity, -Infinity, Infinity, -Infinity];
      replayPair(xT, escape, (m, _u, v) => {
        if (v < e[0]) e[0] = v;
        if (v > e[1]) e[1] = v;
        if (escaping[m] === 0 && v < e[2]) e[2] = v;
        if (escaping[m] === 0 && v > e[3]) e[3] = v;
      });
      return e;
    },
  };

  /** The kept (u, v) of the bounded samples of an attractor's one column, replayed from x_T. */
  function replayPair(
    xT: Float64Array,
    escape: Uint32Array,
    visit: (m: number, u: number, v: number) => void,
  ): void {
    const col = columnSetup(plan, 0);
    const second = plan.pair!.v;
    for (let m = 0; m < M; m++) {
      if (escape[m] > 0) continue;
      integ.zT.set(xT.subarray(m * sn, (m + 1) * sn));
      integ.replay(col, (u, x) => visit(m, u, integ.observe(x, col.params, second)));
    }
  }
}

function compiledRunner(plan: EnsemblePlan, obj: CompiledObjective): ColumnRunner {
  const M = plan.samples;
  const k = new CompiledEnsemble(plan, obj);
  return {
    sdim: k.sdim,
    run: (c, out, outOffset, xT, xTOffset) => {
      k.run(c * M, (c + 1) * M, out, outOffset, xT, xTOffset);
    },
    bin: (c, xT, xTOffset, escape, escapeOffset, range, band) =>
      k.bin(c * M, (c + 1) * M, xT, xTOffset, escape, escapeOffset, range, band),
    binPair: (xT, escape, ranges, band) => k.binPair(0, M, xT, 0, escape, 0, ranges, band),
    pairExtremes: (xT, escape, escaping) => k.pairExtremes(0, M, xT, 0, escape, 0, escaping),
  };
}

/**
 * Runs an ensemble plan in float64. Pass one records each sample's fate and the state after the
 * transient, and reduces each column as it is done; the range is chosen; pass two replays the kept
 * steps of bounded samples into the bins. x_T is kept for pass two within `keptStateBytes`; beyond,
 * pass two runs each column again (so memory holds one column's samples, whatever the columns).
 * The compiled kernel runs objectives compiled from an expression; `interpreted` (the oracle of the
 * tests) and hand-written objectives take the objective's own evaluators. Same results either way.
 */
export async function runEnsembleCpu(
  spec: ExperimentSpec,
  obj: CompiledObjective,
  plan: EnsemblePlan,
  options: RunOptions & { interpreted?: boolean; keptStateBytes?: number } = {},
): Promise<BifurcationResult> {
  const t0 = performance.now();
  const { columns: W, samples: M, rows: H } = plan;
  const runner = !options.interpreted && obj.graph ? compiledRunner(plan, obj) : interpretedRunner(plan, obj);
  if (plan.pair) return runPair(spec, plan, runner, options, t0);
  const samples = allocSamples(M);
  const stats = emptyColumnStats(W);
  const band: BinBand = { c0: 0, width: W, density: new Uint32Array(W * H), outside: new Uint32Array(W) };
  // With a fixed range a column is binned right after its first pass; only the automatic range
  // needs x_T until all columns have run, kept for every sample while it fits the budget.
  const fixed = plan.range;
  const n = runner.sdim;
  const keep = !fixed && keepsStates({ columns: W, samples: M, stateWords: n }, options.keptStateBytes);
  const xT = keep ? new Float64Array(W * M * n) : new Float64Array(M * n);
  const escape = keep ? new Uint32Array(W * M) : null;
  /** Pass one of column c into `samples` (and x_T where kept), binned over `range` when given. */
  const runColumn = (c: number, range: [number, number] | null) => {
    const xTOffset = keep ? 0 : c * M;
    runner.run(c, samples, c * M, xT, xTOffset);
    if (range) runner.bin(c, xT, xTOffset, samples.escape, c * M, range, band);
  };
  for (let c = 0; c < W; c++) {
    runColumn(c, fixed);
    setColumnStats(
      stats,
      reduceColumns(plan, (i) => sampleAt(samples, i - c * M), c, c + 1),
      c,
    );
    escape?.set(samples.escape, c * M);
    options.onProgress?.(c + 1, fixed ? W : 2 * W);
    await yieldAndCheck(options.signal);
  }
  const range = chooseRange(plan, stats);
  if (!fixed)
    for (let c = 0; c < W; c++) {
      if (escape) runner.bin(c, xT, 0, escape, 0, range, band);
      else runColumn(c, range);
      options.onProgress?.(W + c + 1, 2 * W);
      await yieldAndCheck(options.signal);
    }
  const { density, outside } = band;
  return { spec, info: CPU_INFO, plan, range, density, outside, stats, ms: performance.now() - t0 };
}

/**
 * An attractor's one column: pass one, u's range from it, v's range from a replay of the kept steps
 * (pass one tracks u's extremes only), then pass two into the cells of the pair's grid.
 */
async function runPair(
  spec: ExperimentSpec,
  plan: EnsemblePlan,
  runner: ColumnRunner,
  options: RunOptions,
  t0: number,
): Promise<BifurcationResult> {
  const { samples: M, rows: H } = plan;
  const samples = allocSamples(M);
  const xT = new Float64Array(M * runner.sdim);
  runner.run(0, samples, 0, xT, 0);
  options.onProgress?.(1, 2);
  await yieldAndCheck(options.signal);
  const stats = reduceColumns(plan, (i) => sampleAt(samples, i));
  const range = chooseRange(plan, stats);
  const escaping = escapingSamples(plan, M, (i) => sampleAt(samples, i));
  const range2 = plan.pair!.range ?? pairRange(runner.pairExtremes(xT, samples.escape, escaping));
  const band: BinBand = { c0: 0, width: 1, density: new Uint32Array(H), outside: new Uint32Array(1) };
  runner.binPair(xT, samples.escape, [range, range2], band);
  options.onProgress?.(2, 2);
  const { density, outside } = band;
  return { spec, info: CPU_INFO, plan, range, range2, density, outside, stats, ms: performance.now() - t0 };
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
