/**
 * A basin map's pixels through the compiled kernel (kernel.ts): blocks of `lanes` pixels are
 * set up by the plane model, advanced range by range (segments.ts) with the checkpoint and window
 * anchors saved between ranges, finished by the kernel's `final` (f, ∇²f, observables at x_N), and
 * classified by the outcome rule of src/core/outcome.ts. The records equal classifyInto's.
 */
import { decideOutcome, Outcome, divisorsPass, periodHasDivisor, tangentStart } from '../../core/outcome.ts';
import { type RecordColumns } from '../../core/records.ts';
import { pixelSetup, resolvePlane, type Plane } from '../../experiment/plane.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { CompiledObjective } from '../../objective/types.ts';
import { mathImportObject } from '../../objective/wasm/emit.ts';
import { compileOptimizer, stateSize } from '../../optimizer/compile.ts';
import { lambdaMax } from '../linalg.ts';
import { tangentExponent, unitTangent } from '../tangent.ts';
import { choosePairs, CONST_BYTES, kernelModule, type RunFn } from './kernel.ts';
import { laneLayout, type LaneLayout } from './layout.ts';
import { schedule, type Schedule } from './segments.ts';

/** Pixels per block: enough to amortise the calls, few enough that a block's state stays in L2. */
export const BLOCK_LANES = 256;

/** Float64Array views of a kernel's fields (one per field, `lanes` long). */
export class LaneViews {
  readonly x: Float64Array[];
  readonly u: Float64Array[];
  readonly clock: Float64Array[];
  readonly h: Float64Array[];
  readonly p: Float64Array[];
  readonly o: Float64Array[];
  readonly v: Float64Array[];
  readonly c: Float64Array[];
  readonly anchor: Float64Array[];
  readonly hess: Float64Array[];
  readonly obs: Float64Array[];
  readonly logSum: Float64Array;
  readonly period: Float64Array;
  readonly extent: Float64Array;
  readonly scale: Float64Array;
  readonly r1: Float64Array;
  readonly r2: Float64Array;
  /**
   * R2 up to the checkpoint N - P, kept here while the kernel's r2 runs on from 0 over the tail, so
   * that rule 5 has both R2 and R2' (takeTail, wholeR2).
   */
  readonly r2pre: Float64Array;
  readonly count: Float64Array;
  readonly omin: Float64Array;
  readonly omax: Float64Array;
  readonly f: Float64Array;
  /** d_i of lane l at dist[(i - 1)·lanes + l]. */
  readonly dist: Float64Array;
  /** One lane's d_1 … d_p, in the order divisorsPass reads them. */
  private readonly d: Float64Array;

  constructor(buffer: ArrayBuffer, L: LaneLayout) {
    const one = (off: number) => new Float64Array(buffer, off, L.lanes);
    const many = (offs: number[]) => offs.map(one);
    this.x = many(L.x);
    this.u = many(L.u);
    this.clock = many(L.clock);
    this.h = many(L.h);
    this.p = many(L.p);
    this.o = many(L.o);
    this.v = many(L.v);
    this.c = many(L.c);
    this.anchor = many(L.anchor);
    this.hess = many(L.hess);
    this.obs = many(L.obs);
    this.logSum = one(L.logSum);
    this.period = one(L.period);
    this.extent = one(L.extent);
    this.scale = one(L.scale);
    this.r1 = one(L.r1);
    this.r2 = one(L.r2);
    this.r2pre = new Float64Array(this.r2.length);
    this.count = one(L.count);
    this.omin = one(L.omin);
    this.omax = one(L.omax);
    this.f = one(L.f);
    this.dist = new Float64Array(buffer, L.dist, L.lanes * L.distRows);
    this.d = new Float64Array(L.distRows);
  }

  /**
   * Lane l's period (rule 3, as periodOf gives it) from the kernel's candidate p: p itself, or 0 when
   * p has a divisor q ≥ 2 (a slow q-cycle's 2q, 3q, …) whose return d_q it does not beat by tol; only
   * then are the lane's rows read, up to d_p.
   */
  lanePeriod(l: number, tol: number): number {
    const p = this.period[l];
    if (!periodHasDivisor(p)) return p;
    const { d, dist } = this;
    const lanes = this.count.length;
    const rows = Math.min(2 * p, d.length);
    for (let i = 0; i < rows; i++) d[i] = dist[i * lanes + l];
    return divisorsPass(d, p, tol, rows) ? p : 0;
  }

  /** At the checkpoint: lane l's R2 so far set aside, the kernel's r2 from 0 again (rule 5's R2'). */
  takeTail(l: number): void {
    this.r2pre[l] = this.r2[l];
    this.r2[l] = 0;
  }

  /** Lane l's R2 over the whole second half, after takeTail (its r2 is then R2'). */
  wholeR2(l: number): number {
    return Math.max(this.r2pre[l], this.r2[l]);
  }

  /** Lane l's x saved at a range boundary (the window's anchor). */
  copyX(to: Float64Array[], l: number): void {
    for (let i = 0; i < this.x.length; i++) to[i][l] = this.x[i][l];
  }

  /** Lane l's x and optimizer vectors saved as the checkpoint c; returns s = max(1, ‖c‖∞). */
  checkpoint(l: number): number {
    const n = this.x.length;
    let m = 0;
    for (let i = 0; i < this.c.length; i++) {
      const v = i < n ? this.x[i][l] : this.u[i - n][l];
      this.c[i][l] = v;
      m = Math.max(m, Math.abs(v));
    }
    return Math.max(1, m);
  }

  /** Lane l at k = 0: x0, the optimizer's vectors 0, its clocks 1. */
  startState(l: number, x0: ArrayLike<number>): void {
    for (let i = 0; i < this.x.length; i++) this.x[i][l] = x0[i];
    for (const u of this.u) u[l] = 0;
    for (const b of this.clock) b[l] = 1;
  }

  /** Lane l's whole state (x, the optimizer's vectors, the clocks) into `out` at `at`. */
  readState(l: number, out: Float64Array, at: number): void {
    let k = at;
    for (const a of this.x) out[k++] = a[l];
    for (const a of this.u) out[k++] = a[l];
    for (const a of this.clock) out[k++] = a[l];
  }

  /** Lane l's whole state from `src` at `at` (as readState wrote it). */
  writeState(l: number, src: Float64Array, at: number): void {
    let k = at;
    for (const a of this.x) a[l] = src[k++];
    for (const a of this.u) a[l] = src[k++];
    for (const a of this.clock) a[l] = src[k++];
  }
}

/** An instantiated kernel with its memory laid out for `lanes` lanes. */
export interface KernelInstance {
  layout: LaneLayout;
  views: LaneViews;
  /** The kernel's `run<flags>`. */
  run: (flags: number) => RunFn;
  final: (groups: number) => void;
  /** The kernel's `trace(groups, steps)` (kernels that observe). */
  trace: (groups: number, steps: number) => void;
  /** Pass two's `bin` (kernels with histograms), `cells` and `extremes` (an attractor's): bin-body.ts. */
  bin: (...args: number[]) => void;
  cells: (...args: number[]) => void;
  extremes: (...args: number[]) => void;
  /** The histograms' words, the cells written by `cells`, the four extremes of `extremes`. */
  hist: Uint32Array;
  cellWords: Int32Array;
  extremeValues: Float64Array;
  /** Lanes per group (2 × pairs): a block's lane count is a multiple of it. */
  groupLanes: number;
}

/** Compiles and instantiates a kernel module (synchronously: Node and workers). */
export function instantiateKernel(
  bytes: Uint8Array<ArrayBuffer>,
  layout: LaneLayout,
  pairs: number,
): KernelInstance {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), mathImportObject());
  const e = instance.exports as Record<string, RunFn> & {
    memory: WebAssembly.Memory;
    final: (g: number) => void;
    trace?: (g: number, steps: number) => void;
    bin?: (...args: number[]) => void;
    cells?: (...args: number[]) => void;
    extremes?: (...args: number[]) => void;
  };
  const need = Math.ceil(layout.bytes / 65536) - e.memory.buffer.byteLength / 65536;
  if (need > 0) e.memory.grow(need);
  const run = (flags: number) => {
    const f = e[`run${flags}`];
    if (!f) throw new Error(`kernel compiled without run${flags}`);
    return f;
  };
  const missing = (what: string) => () => {
    throw new Error(`kernel compiled without ${what}`);
  };
  const trace = e.trace ?? missing('an observed quantity');
  return {
    layout,
    views: new LaneViews(e.memory.buffer, layout),
    run,
    final: e.final,
    trace,
    bin: e.bin ?? missing('histograms'),
    cells: e.cells ?? missing('a second traced quantity'),
    extremes: e.extremes ?? missing('a second traced quantity'),
    hist: new Uint32Array(e.memory.buffer, layout.hist, layout.histWords),
    cellWords: new Int32Array(
      e.memory.buffer,
      layout.cells,
      layout.cells ? layout.lanes * layout.traceSteps : 0,
    ),
    extremeValues: new Float64Array(e.memory.buffer, layout.extremes, layout.extremes ? 4 : 0),
    groupLanes: 2 * pairs,
  };
}

/** A spec's basin map on the compiled kernel: classify any range of pixels into columns. */
export class CompiledBasin {
  private readonly plane: Plane;
  private readonly k: KernelInstance;
  private readonly sched: Schedule;
  private readonly x0: Float64Array;
  private readonly h: Float64Array;
  private readonly p: Float64Array;
  private readonly o = new Float64Array(3);
  private readonly tangent: Float64Array;
  /** A lane's final tangent vector. */
  private readonly vEnd: Float64Array;
  private readonly hess: Float64Array;
  private readonly eig: Float64Array;

  /** Throws SpecError when the spec does not fit the objective; the objective must have a graph. */
  constructor(
    private readonly spec: ExperimentSpec,
    private readonly obj: CompiledObjective,
  ) {
    if (!obj.graph) throw new Error('the compiled kernel needs an objective compiled from an expression');
    this.plane = resolvePlane(spec, obj);
    const dim = obj.dim;
    const optimizer = compileOptimizer(spec.optimizer);
    const pairs = choosePairs(obj.graph, optimizer);
    this.sched = schedule(spec.iterations, spec.transient, spec.classify.maxPeriod, spec.classify.lyapunov);
    const rows = spec.iterations - this.sched.K;
    const layout = laneLayout(dim, obj.params.length, BLOCK_LANES, CONST_BYTES, 0, optimizer, 1, rows);
    const flagSets = this.sched.segments.map((s) => s.flags);
    this.k = instantiateKernel(
      kernelModule(obj.graph, layout, { tangent: 'basin', observe: null, pairs, optimizer }, flagSets),
      layout,
      pairs,
    );
    this.x0 = new Float64Array(dim);
    this.h = new Float64Array(dim);
    this.p = new Float64Array(obj.params.length);
    const tdim = stateSize(optimizer, dim).tdim;
    this.tangent = tangentStart(tdim, new Float64Array(tdim));
    this.vEnd = new Float64Array(tdim);
    this.hess = new Float64Array(dim * dim);
    this.eig = new Float64Array(dim * dim);
  }

  /**
   * Classifies pixels first … end - 1 (index j·W + i) into `columns` at index - `offset`; returns the
   * GD steps taken. `stop` is asked between blocks of BLOCK_LANES pixels: true throws an AbortError.
   */
  pixels(first: number, end: number, columns: RecordColumns, offset = 0, stop?: () => boolean): number {
    let steps = 0;
    for (let at = first; at < end; at += BLOCK_LANES) {
      if (stop?.()) throw new DOMException('run cancelled', 'AbortError');
      steps += this.block(at, Math.min(end, at + BLOCK_LANES), columns, offset);
    }
    return steps;
  }

  private block(first: number, end: number, cols: RecordColumns, offset: number): number {
    const { plane, k, sched, spec, obj, x0, h, p, o } = this;
    const V = k.views;
    const W = plane.width;
    const n = obj.dim;
    const lanes = end - first;
    const groups = Math.ceil(lanes / k.groupLanes);
    const used = groups * k.groupLanes;
    for (let l = 0; l < used; l++) {
      if (l < lanes) {
        const idx = first + l;
        pixelSetup(plane, idx % W, Math.floor(idx / W), x0, h, p, o);
      }
      V.startState(l, x0);
      for (let i = 0; i < n; i++) V.h[i][l] = h[i];
      for (let i = 0; i < V.v.length; i++) V.v[i][l] = this.tangent[i];
      for (let j = 0; j < p.length; j++) V.p[j][l] = p[j];
      for (let j = 0; j < 3; j++) V.o[j][l] = o[j];
      V.logSum[l] = 0;
      V.period[l] = 0;
      V.extent[l] = 0;
      V.scale[l] = 0;
      V.r1[l] = 0;
      V.r2[l] = 0;
      // Padding lanes start dead (count ≠ step), so they cost nothing once their group is done.
      V.count[l] = l < lanes ? 0 : -1;
    }
    const { divergeRadius, tol } = spec.classify;
    const t = this.vEnd;
    for (const seg of sched.segments) {
      for (let l = 0; l < used; l++) {
        if (seg.checkpoint) {
          V.scale[l] = V.checkpoint(l);
          V.takeTail(l);
        }
        if (seg.anchor) V.copyX(V.anchor, l);
        if (seg.measure) {
          // Rule 4 at T: the warmed-up tangent as a unit vector, its exponent sum from 0 (classify.ts).
          for (let i = 0; i < t.length; i++) t[i] = V.v[i][l];
          unitTangent(t, t.length);
          for (let i = 0; i < t.length; i++) V.v[i][l] = t[i];
          V.logSum[l] = 0;
        }
      }
      k.run(seg.flags)(groups, seg.start, seg.end, sched.K, divergeRadius, tol);
    }
    k.final(groups);
    return this.records(first - offset, lanes, cols);
  }

  private records(first: number, lanes: number, cols: RecordColumns): number {
    const { k, sched, spec, obj, hess, eig } = this;
    const V = k.views;
    const N = spec.iterations;
    const n = obj.dim;
    let steps = 0;
    for (let l = 0; l < lanes; l++) {
      const idx = first + l;
      const count = V.count[l];
      if (count !== N) {
        const iter = count + 1;
        steps += iter;
        cols.outcome[idx] = Outcome.DIVERGED;
        cols.iter[idx] = iter;
        cols.period[idx] = 0;
        cols.lyapunov[idx] = NaN;
        cols.f[idx] = NaN;
        cols.sharpness[idx] = NaN;
        cols.obs0[idx] = NaN;
        cols.obs1[idx] = NaN;
        cols.final0[idx] = NaN;
        cols.final1[idx] = NaN;
        continue;
      }
      steps += N;
      let lambda = NaN;
      if (sched.lyapunov) {
        const t = this.vEnd;
        for (let i = 0; i < t.length; i++) t[i] = V.v[i][l];
        lambda = tangentExponent(t, t.length, V.logSum[l], N - spec.transient);
      }
      const period = V.lanePeriod(l, spec.classify.tol);
      cols.outcome[idx] = decideOutcome(
        period,
        lambda,
        V.r1[l],
        V.wholeR2(l),
        sched.half,
        spec.classify.chaosThreshold,
        spec.classify.tol * V.scale[l],
        V.r2[l],
      );
      cols.iter[idx] = N;
      cols.period[idx] = period;
      cols.lyapunov[idx] = lambda;
      cols.f[idx] = V.f[l];
      for (let q = 0; q < n * n; q++) hess[q] = V.hess[q][l];
      cols.sharpness[idx] = lambdaMax(hess, n, eig);
      cols.obs0[idx] = obj.observableCount > 0 ? V.obs[0][l] : NaN;
      cols.obs1[idx] = obj.observableCount > 1 ? V.obs[1][l] : NaN;
      cols.final0[idx] = V.x[0][l];
      cols.final1[idx] = n > 1 ? V.x[1][l] : NaN;
    }
    return steps;
  }
}
