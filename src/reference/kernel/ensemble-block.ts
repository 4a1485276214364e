/**
 * An ensemble's samples (src/core/ensemble.ts) through the compiled kernel: pass one gives each
 * sample's summary and its state z_T (x, the optimizer's vectors and clocks: `sdim` words), pass two
 * replays the kept steps from z_T and counts them into the bins (the kernel's bin-body.ts). Sample s
 * is start s mod M of column ⌊s/M⌋; samples of several columns share a block. The summaries, x_T and
 * the counts equal the interpreted reference's (src/reference/ensemble.ts) bit for bit.
 */
import type { PairExtremes } from '../../core/attractor.ts';
import type { EnsemblePlan } from '../../core/ensemble.ts';
import { tangentStart } from '../../core/outcome.ts';
import type { CompiledObjective } from '../../objective/types.ts';
import { columnSetup, type ColumnSetup } from '../ensemble-columns.ts';
import { compileOptimizer, stateSize } from '../../optimizer/compile.ts';
import { BLOCK_LANES, instantiateKernel, type KernelInstance } from './basin-block.ts';
import { choosePairs, CONST_BYTES, kernelModule } from './kernel.ts';
import { laneLayout } from './layout.ts';
import { schedule, type Schedule } from './segments.ts';
import type { SampleColumns } from './sample-columns.ts';

/** Replay steps per kernel call (rows of the trace). */
const TRACE_STEPS = 64;

/**
 * Words of pass two's histograms in the kernel (bin-body.ts), at most: one slot of rows + 1 words per
 * column being counted, up to one per lane of a block and one more (so a block's columns, and the one
 * it carries on from the last, each count in their own); 4 MiB whatever the rows.
 */
const HIST_WORDS = 2 ** 20;

/**
 * Most bytes of x_T and escapes the CPU engines keep from pass one for pass two of an automatic
 * range. Beyond it, pass two runs each batch of trajectories again from its starts (the float64
 * kernel repeats itself bit for bit, so the counts are the same): twice the steps, but memory that
 * does not grow with columns × samples (a million samples in each of 4096 columns once asked for
 * hundreds of GB, and failed as an internal error).
 */
export const MAX_KEPT_STATE_BYTES = 512 * 2 ** 20;

/**
 * Most samples the CPU engines run in one batch (a job of whole columns, at least one): its
 * summaries and states, ~56 + 8·sdim bytes each, are what a batch holds. One column always fits
 * (spec.ts's MAX_SAMPLES is below it).
 */
export const MAX_BATCH_SAMPLES = 2 ** 20;

/** Whether pass one's x_T and escapes of every sample fit `budget` bytes (MAX_KEPT_STATE_BYTES). */
export function keepsStates(
  plan: Pick<EnsemblePlan, 'columns' | 'samples' | 'stateWords'>,
  budget = MAX_KEPT_STATE_BYTES,
): boolean {
  return plan.columns * plan.samples * (8 * plan.stateWords + 4) <= budget;
}

/**
 * The samples a replay runs: first … end - 1 (those with escape[s - escapeOffset] = 0), each from its
 * z_T at xT[(s - xTOffset)·sdim …]; `stop` is asked between blocks (true throws an AbortError).
 */
type ReplaySpan = [
  first: number,
  end: number,
  xT: Float64Array,
  xTOffset: number,
  escape: Uint32Array,
  escapeOffset: number,
  stop: (() => boolean) | undefined,
];

/** Counts of pass two for a band of columns c0 … c0 + width - 1: rows × width (r·width + c - c0). */
export interface BinBand {
  c0: number;
  width: number;
  density: Uint32Array;
  outside: Uint32Array;
}

export class CompiledEnsemble {
  private readonly k: KernelInstance;
  private readonly sched: Schedule;
  private readonly cols = new Map<number, ColumnSetup>();
  private readonly tangent: Float64Array;
  /** Histogram slots of pass two in the kernel (0: an attractor, whose cells binPair counts). */
  private readonly slots: number;
  /** Words of a sample's state z_T. */
  readonly sdim: number;

  /** `histWords`: the budget of pass two's histograms (HIST_WORDS; tests make it small). */
  constructor(
    private readonly plan: EnsemblePlan,
    obj: CompiledObjective,
    histWords = HIST_WORDS,
  ) {
    if (!obj.graph) throw new Error('the compiled kernel needs an objective compiled from an expression');
    const optimizer = compileOptimizer(plan.optimizer);
    const pairs = choosePairs(obj.graph, optimizer);
    const traces = plan.pair ? 2 : 1;
    const c = plan.classify;
    this.sched = schedule(plan.iterations, plan.transient, c.maxPeriod, c.lyapunov, true);
    const words = plan.rows + 1;
    this.slots = plan.pair ? 0 : Math.max(1, Math.min(BLOCK_LANES + 1, Math.floor(histWords / words)));
    const layout = laneLayout(
      plan.dim,
      obj.params.length,
      BLOCK_LANES,
      CONST_BYTES,
      TRACE_STEPS,
      optimizer,
      traces,
      plan.iterations - this.sched.K,
      this.slots * words,
    );
    const flags = this.sched.segments.map((s) => s.flags);
    const opts = {
      tangent: 'ensemble',
      observe: plan.observable,
      trace2: plan.pair?.v,
      pairs,
      optimizer,
    } as const;
    this.k = instantiateKernel(kernelModule(obj.graph, layout, opts, flags), layout, pairs);
    const size = stateSize(optimizer, plan.dim);
    this.sdim = size.sdim;
    this.tangent = tangentStart(size.tdim, new Float64Array(size.tdim));
  }

  private column(c: number): ColumnSetup {
    let col = this.cols.get(c);
    if (!col) {
      if (this.cols.size > 64) this.cols.clear();
      col = columnSetup(this.plan, c);
      this.cols.set(c, col);
    }
    return col;
  }

  /** Lane l: sample s's rates, parameters and hyperparameters. */
  private setLane(l: number, s: number): ColumnSetup {
    const V = this.k.views;
    const col = this.column(Math.floor(s / this.plan.samples));
    for (let i = 0; i < this.plan.dim; i++) V.h[i][l] = col.lr[i];
    for (let j = 0; j < col.params.length; j++) V.p[j][l] = col.params[j];
    for (let j = 0; j < 3; j++) V.o[j][l] = col.hyper[j];
    return col;
  }

  /**
   * Pass one for samples first … end - 1: summaries into `out` at sample - outOffset, z_T into `xT`
   * (sdim per sample) at sample - xTOffset. `stop` is asked between blocks: true throws an AbortError.
   */
  run(
    first: number,
    end: number,
    out: SampleColumns,
    outOffset: number,
    xT: Float64Array,
    xTOffset: number,
    stop?: () => boolean,
  ): void {
    const { plan, k, sched } = this;
    const V = k.views;
    const n = plan.dim;
    const sn = this.sdim;
    const N = plan.iterations;
    for (let at = first; at < end; at += BLOCK_LANES) {
      if (stop?.()) throw new DOMException('run cancelled', 'AbortError');
      const lanes = Math.min(BLOCK_LANES, end - at);
      const groups = Math.ceil(lanes / k.groupLanes);
      const used = groups * k.groupLanes;
      for (let l = 0; l < used; l++) {
        const s = Math.min(at + l, end - 1);
        const col = this.setLane(l, s);
        V.startState(l, plan.starts.subarray((s % plan.samples) * n, ((s % plan.samples) + 1) * n));
        if (col.coord >= 0) V.x[col.coord][l] = col.value;
        for (let i = 0; i < V.v.length; i++) V.v[i][l] = this.tangent[i];
        V.logSum[l] = V.period[l] = V.extent[l] = V.scale[l] = V.r1[l] = V.r2[l] = 0;
        V.omin[l] = Infinity;
        V.omax[l] = -Infinity;
        V.count[l] = l < lanes ? 0 : -1;
      }
      const { divergeRadius, tol } = plan.classify;
      for (const seg of sched.segments) {
        for (let l = 0; l < lanes; l++) {
          if (seg.checkpoint) {
            V.scale[l] = V.checkpoint(l);
            V.takeTail(l);
          }
          if (seg.anchor) V.copyX(V.anchor, l);
          if (seg.saveT) V.readState(l, xT, (at + l - xTOffset) * sn);
          // Rule 4 at T: the warmed-up tangent (a unit vector already, normalised every step here)
          // is measured from 0 (ensemble.ts).
          if (seg.measure) V.logSum[l] = 0;
        }
        k.run(seg.flags)(groups, seg.start, seg.end, sched.K, divergeRadius, tol);
      }
      for (let l = 0; l < lanes; l++) {
        const j = at + l - outOffset;
        const count = V.count[l];
        out.escape[j] = count === N ? 0 : count + 1;
        // An escaped sample has no period (rule 2), whatever its lane computed after the escape.
        out.period[j] = count === N ? V.lanePeriod(l, tol) : 0;
        out.lyapunov[j] = plan.classify.lyapunov ? V.logSum[l] / (N - plan.transient) : NaN;
        out.min[j] = V.omin[l];
        out.max[j] = V.omax[l];
        out.r1[j] = V.r1[l];
        out.r2[j] = V.wholeR2(l);
        out.r2tail[j] = V.r2[l];
        out.scale[j] = V.scale[l];
      }
    }
  }

  /**
   * Pass two for the bounded samples among first … end - 1 (escape[s - escapeOffset] = 0): the kept
   * iterates replayed from z_T (xT[(s - xTOffset)·sdim …]) and counted into `band` over [lo, hi].
   * The kernel counts each run of a block's lanes in one column into that column's histogram slot
   * (column mod slots); a slot goes into the band when another column needs it, and at the end.
   */
  bin(
    first: number,
    end: number,
    xT: Float64Array,
    xTOffset: number,
    escape: Uint32Array,
    escapeOffset: number,
    range: [number, number],
    band: BinBand,
    stop?: () => boolean,
  ): void {
    const [lo, hi] = range;
    const { k, slots } = this;
    if (slots === 0) throw new Error('bin needs a diagram plan (an attractor bins with binPair)');
    const H = this.plan.rows;
    const M = this.plan.samples;
    const owner = new Int32Array(slots).fill(-1);
    const flush = (slot: number) => {
      const c = owner[slot];
      if (c < 0) return;
      const h = k.hist;
      const o = slot * (H + 1);
      band.outside[c] += h[o];
      h[o] = 0;
      for (let r = 0; r < H; r++) {
        const n = h[o + 1 + r];
        if (n === 0) continue;
        band.density[r * band.width + c] += n;
        h[o + 1 + r] = 0;
      }
      owner[slot] = -1;
    };
    try {
      this.replay([first, end, xT, xTOffset, escape, escapeOffset, stop], (bounded, b, lanes, steps) => {
        // Runs of lanes l0 … l1 - 1 in one column c.
        let l0 = 0;
        while (l0 < lanes) {
          const c = Math.floor(bounded[b + l0] / M) - band.c0;
          let l1 = l0 + 1;
          while (l1 < lanes && Math.floor(bounded[b + l1] / M) - band.c0 === c) l1++;
          const slot = c % slots;
          if (owner[slot] !== c) flush(slot);
          owner[slot] = c;
          k.bin(steps, l0, l1, slot, lo, hi, H);
          l0 = l1;
        }
      });
      for (let slot = 0; slot < slots; slot++) flush(slot);
    } catch (e) {
      // A cancelled pass leaves no counts behind for the next.
      k.hist.fill(0);
      throw e;
    }
  }

  /**
   * Pass two of an attractor (plan.pair): the kept iterates of the bounded samples counted into the
   * cells of the pair's grid over `ranges` (u's, v's), as cellOf bins them; the band has one column.
   */
  binPair(
    first: number,
    end: number,
    xT: Float64Array,
    xTOffset: number,
    escape: Uint32Array,
    escapeOffset: number,
    ranges: [[number, number], [number, number]],
    band: BinBand,
    stop?: () => boolean,
  ): void {
    const pair = this.plan.pair;
    if (!pair) throw new Error('binPair needs an attractor plan');
    const [ur, vr] = ranges;
    const { k } = this;
    const cells = k.cellWords;
    this.replay([first, end, xT, xTOffset, escape, escapeOffset, stop], (_bounded, _b, lanes, steps) => {
      k.cells(steps, 0, lanes, ur[0], ur[1], pair.width, vr[0], vr[1], pair.height);
      for (let i = 0; i < steps * lanes; i++) {
        const cell = cells[i];
        if (cell < 0) band.outside[0]++;
        else band.density[cell]++;
      }
    });
  }

  /**
   * The extremes of an attractor's second quantity over the kept iterates of the bounded samples
   * (pass one tracks only the first's), then over those of them not escaping (escaping[s -
   * escapeOffset] nonzero): PairExtremes, ±∞ when none; NaN values change neither.
   */
  pairExtremes(
    first: number,
    end: number,
    xT: Float64Array,
    xTOffset: number,
    escape: Uint32Array,
    escapeOffset: number,
    escaping: Uint8Array,
    stop?: () => boolean,
  ): PairExtremes {
    const { k } = this;
    const e = k.extremeValues;
    e.set([Infinity, -Infinity, Infinity, -Infinity]);
    this.replay([first, end, xT, xTOffset, escape, escapeOffset, stop], (bounded, b, lanes, steps) => {
      // Runs of lanes l0 … l1 - 1 alike in escaping or not.
      let l0 = 0;
      while (l0 < lanes) {
        const settled = escaping[bounded[b + l0] - escapeOffset] === 0;
        let l1 = l0 + 1;
        while (l1 < lanes && (escaping[bounded[b + l1] - escapeOffset] === 0) === settled) l1++;
        k.extremes(steps, l0, l1, settled ? 1 : 0);
        l0 = l1;
      }
    });
    return [e[0], e[1], e[2], e[3]];
  }

  /**
   * The kept iterates of the bounded samples among first … end - 1, replayed from x_T in blocks of up
   * to TRACE_STEPS steps: after each block's `steps` more, its lanes' values are in the trace rows and
   * chunk(bounded, b, lanes, steps) sees them (lane l is sample bounded[b + l]).
   */
  private replay(
    [first, end, xT, xTOffset, escape, escapeOffset, stop]: ReplaySpan,
    chunk: (bounded: number[], b: number, lanes: number, steps: number) => void,
  ): void {
    const { plan, k } = this;
    const V = k.views;
    const sn = this.sdim;
    const bounded: number[] = [];
    for (let s = first; s < end; s++) if (escape[s - escapeOffset] === 0) bounded.push(s);
    for (let b = 0; b < bounded.length; b += BLOCK_LANES) {
      if (stop?.()) throw new DOMException('run cancelled', 'AbortError');
      const lanes = Math.min(BLOCK_LANES, bounded.length - b);
      const groups = Math.ceil(lanes / k.groupLanes);
      for (let l = 0; l < groups * k.groupLanes; l++) {
        const s = bounded[b + Math.min(l, lanes - 1)];
        this.setLane(l, s);
        V.writeState(l, xT, (s - xTOffset) * sn);
      }
      for (let done = 0; done < plan.keep; done += TRACE_STEPS) {
        const steps = Math.min(TRACE_STEPS, plan.keep - done);
        k.trace(groups, steps);
        chunk(bounded, b, lanes, steps);
      }
    }
  }
}
