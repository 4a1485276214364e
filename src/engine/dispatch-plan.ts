/**
 * How a run is cut into dispatches and submits, from a per-device cost model kept across runs.
 *
 * A run's iterations fall into parts (phaseSegments), each run by its own entry point. A dispatch over
 * P pixels advancing each by S iterations costs about t = P·(a + b·S): a is what an invocation costs
 * whatever it does (set-up, state in and out of memory, classification and the record), b one GD step.
 * Each dispatch is kept under `targetMs` (a browser's GPU watchdog fires after a few seconds) by
 * splitting pixels first: a block of pixels runs the whole run in one dispatch of one entry point
 * (`whole` in the basin kernel) when that fits. Only when even `minBlock` pixels cannot, the parts run separately and are
 * chunked too, block by block (so the state buffer holds one block), in chunks long enough that the
 * per-invocation cost stays a small part of each. Dispatches are then grouped into submits of about
 * `batchMs`, so a run costs a few submits and no round trip before its first one.
 */
import { warmupStart } from '../core/outcome.ts';
import type { Phase } from './basin-pass.ts';
import type { Cost } from './cost-model.ts';

/** Iterations k0 … k1 - 1 of every pixel, run by one entry point. */
export interface Segment {
  k0: number;
  k1: number;
  phase: Phase;
}

/**
 * Runs of at most this many iterations are one part (the `mixed` entry point, any range of iterations)
 * when they have to be chunked at all; a run that fits a dispatch is fused whatever its length.
 */
export const SHORT_RUN = 128;

/**
 * The parts of a run of n iterations (rules 3–5 of src/core/outcome.ts), each an entry point of
 * shaders/basin.wgsl: before the tangent's warm-up W0, the warm-up [W0, T) (when an exponent is
 * computed, as in gd-core.wgsl's geometry; else W0 = T), and the averaging window's halves [T, M)
 * and [M, M + H), each up to the checkpoint N - P, then the tail from N - P on (the period test, and
 * what is left of the window). Empty parts are left out.
 */
export function phaseSegments(n: number, transient: number, maxPeriod: number, lyapunov: boolean): Segment[] {
  // A short run is one part: a dispatch per part costs more than a loop of a few dozen steps.
  if (n <= SHORT_RUN) return [{ k0: 0, k1: n, phase: 'mixed' }];
  return partSegments(n, transient, maxPeriod, lyapunov);
}

/** The non-empty parts of a run of n iterations, however short (phaseSegments without `mixed`). */
export function partSegments(n: number, transient: number, maxPeriod: number, lyapunov: boolean): Segment[] {
  const t = Math.min(transient, n);
  const warm = lyapunov && t < n ? warmupStart(t) : t;
  const check = n - Math.min(maxPeriod, n);
  const half = Math.floor((n - t) / 2);
  const mid = t + half;
  const end = mid + half;
  // end ≥ N - 1 ≥ N - P: the window's halves reach the checkpoint, so what is left of the window (one
  // step, when N - T is odd) is always in the tail.
  const parts: Segment[] = [
    { k0: 0, k1: Math.min(check, warm), phase: 'plain' },
    { k0: warm, k1: Math.min(check, t), phase: 'warm' },
    { k0: t, k1: Math.min(check, mid), phase: 'growth1' },
    { k0: mid, k1: Math.min(check, end), phase: 'growth2' },
    { k0: check, k1: n, phase: 'tail' },
  ];
  return parts.filter((s) => s.k1 > s.k0);
}

/** Pixels p0 … p0 + count - 1 of the grid through iterations k0 … k1 - 1, by one entry point. */
export interface Dispatch {
  phase: Phase;
  p0: number;
  count: number;
  k0: number;
  k1: number;
  /** Index of the tile (records buffer) the pixels belong to. */
  tile: number;
  /** First pixel of the state binding (the block's first pixel when chunked). */
  s0: number;
}

/** A range of whole rows of the grid whose records share one buffer. */
export interface Tile {
  /** First pixel (j0·W) and pixel count (rows·W). */
  p0: number;
  count: number;
}

export interface PlanOptions {
  /** Longest a dispatch should run, in ms. */
  targetMs: number;
  /** Fewest pixels per dispatch worth launching (a GPU needs thousands of invocations to fill). */
  minBlock: number;
  /** Pixels per dispatch rounded to this (the workgroup size). */
  granule: number;
  /** Most pixels one dispatch may hold state for (the state binding's size). */
  maxBlock: number;
  /** Fixed pixels and iterations per dispatch instead of the cost model's (tests of tiling). */
  fixed?: { pixels?: number; iterations?: number };
  /** The entry point that runs all parts of a whole run (default `mixed`; the basin kernel's `whole`). */
  fused?: Phase;
}

export interface RunPlan {
  dispatches: Dispatch[];
  /** Pixels of trajectory state the run needs between dispatches (0: every pixel runs in one). */
  statePixels: number;
}

const roundTo = (n: number, g: number) => Math.max(g, Math.floor(n / g) * g);

/** The dispatches of a run's segments over the tiles, each predicted under targetMs. */
export function planDispatches(
  tiles: readonly Tile[],
  segments: readonly Segment[],
  cost: Cost,
  o: PlanOptions,
): RunPlan {
  const budget = o.targetMs * 1e6;
  // The segments cover iterations 0 … n - 1, in order.
  const n = segments.reduce((s, g) => s + g.k1 - g.k0, 0);
  const dispatches: Dispatch[] = [];
  let statePixels = 0;
  for (const [ti, tile] of tiles.entries()) {
    let block: number;
    let chunk: number;
    if (o.fixed) {
      chunk = Math.min(n, o.fixed.iterations ?? n);
      block = Math.min(tile.count, o.fixed.pixels ?? tile.count, o.maxBlock);
    } else {
      const fused = Math.floor(budget / (cost.a + cost.b * n));
      if (fused >= Math.min(o.minBlock, tile.count)) {
        // A block runs the whole run in one dispatch.
        chunk = n;
        block = Math.min(tile.count, o.maxBlock, roundTo(fused, o.granule));
      } else {
        // Chunks long enough that the per-invocation cost is at most a quarter of a dispatch (it is
        // paid again by every chunk, with the state in and out of memory), or as long as a block of
        // minBlock pixels allows; then as many pixels as the target allows, down to one workgroup.
        const amortised = Math.ceil((3 * cost.a) / cost.b);
        const filling = Math.floor((budget / o.minBlock - cost.a) / cost.b);
        chunk = Math.max(1, Math.min(n, Math.max(amortised, filling)));
        block = Math.min(tile.count, o.maxBlock, roundTo(budget / (cost.a + chunk * cost.b), o.granule));
      }
    }
    // A block that runs the whole run at once does so in one kernel (o.fused), its parts one after the
    // other with the trajectory in registers: no state in and out of memory between parts, which
    // cost an invocation as much as a hundred GD steps on SwiftShader.
    const fuse =
      chunk >= n && (segments.length > 1 || (o.fused !== undefined && segments[0].phase === 'mixed'));
    const parts: readonly Segment[] = fuse
      ? [{ k0: segments[0].k0, k1: n, phase: o.fused ?? 'mixed' }]
      : segments;
    if (parts.length > 1 || chunk < n) statePixels = Math.max(statePixels, block);
    for (let p = 0; p < tile.count; p += block) {
      const p0 = tile.p0 + p;
      const count = Math.min(block, tile.count - p);
      for (const seg of parts)
        for (let k0 = seg.k0; k0 < seg.k1; k0 += chunk)
          dispatches.push({
            phase: seg.phase,
            p0,
            count,
            k0,
            k1: Math.min(seg.k1, k0 + chunk),
            tile: ti,
            s0: p0,
          });
    }
  }
  return { dispatches, statePixels };
}

/** Predicted nanoseconds of a dispatch. */
export function dispatchCost(d: Dispatch, cost: Cost): number {
  return d.count * (cost.a + cost.b * (d.k1 - d.k0));
}

/**
 * Groups dispatches, in order, into submits of about `batchMs` (at least one dispatch each) and at
 * most `maxPerBatch` dispatches (the parameter slots one submit can use).
 */
export function batchDispatches(
  dispatches: readonly Dispatch[],
  cost: Cost,
  batchMs: number,
  maxPerBatch: number,
): Dispatch[][] {
  const batches: Dispatch[][] = [];
  let current: Dispatch[] = [];
  let ns = 0;
  for (const d of dispatches) {
    const c = dispatchCost(d, cost);
    if (current.length && (ns + c > batchMs * 1e6 || current.length >= maxPerBatch)) {
      batches.push(current);
      current = [];
      ns = 0;
    }
    current.push(d);
    ns += c;
  }
  if (current.length) batches.push(current);
  return batches;
}
