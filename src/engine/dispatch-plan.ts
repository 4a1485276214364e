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
import { GROWTH_MIN_HALF, warmupStart } from '../core/outcome.ts';
import type { Phase } from './basin-pass.ts';

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

/** PARTS bits of shaders/gd-core.wgsl: the parts before the checkpoint, as phaseSegments names them. */
export const PART_BITS = { plain: 1, warm: 2, growth1: 4, growth2: 8 } as const;
/** Every part: the general kernel. */
export const ALL_PARTS = 15;

/**
 * Parts before the checkpoint of at most this many steps loop one step per trip (SHORT_PARTS of
 * shaders/gd-core.wgsl) when every such part of a run is that short. Measured on SwiftShader
 * (mf-scalar, 1024², one part): a 4-step part ran 9 ms faster, 12 steps 2 ms, 16 steps 1.5 ms, and
 * 24 steps 9 ms slower than the four-step loop with its remainder branches.
 */
export const SHORT_PART = 12;
/**
 * A tail of at most this many steps after short parts tests rule 2 exactly too (EXACT_TAIL of
 * shaders/gd-core.wgsl): 16 steps ran faster so, 32 about the same, 64 slower (SwiftShader, 1024²).
 */
export const SHORT_TAIL = 16;

/** What a run's geometry lets its kernels leave out (kernelVariant); basin-pass.ts adds `records`. */
export interface GeometryVariant {
  /** Growth tracked (rule 5; GROWTH). */
  growth: boolean;
  /** The tail meets T or the window's first half (TAIL_WINDOW). */
  tailWindow: boolean;
  /** The parts before the checkpoint the run meets (PART_BITS), for the fused entry points. */
  parts: number;
  /** The parts before the checkpoint loop one step per trip and test rule 2 exactly (all of them a few steps long). */
  shortParts: boolean;
  /** The tail tests rule 2 exactly too (a few steps long, after short parts): nothing replays. */
  exactTail: boolean;
  /** `whole` leaves rule 2's replay to the `escape` entry point (SETTLE off) rather than run it itself. */
  escapePass: boolean;
  /**
   * Every entry point, not only the fused ones, loops one step per trip and tests rule 2 exactly
   * (SHORT_PARTS, EXACT_TAIL), so nothing is left to replay (SETTLE off, no escape pass): the
   * objective's step is heavy (forStep).
   */
  oneStep: boolean;
}

/** The general kernel's: any geometry. */
export const GENERAL_GEOMETRY: GeometryVariant = {
  growth: true,
  tailWindow: true,
  parts: ALL_PARTS,
  shortParts: false,
  exactTail: false,
  escapePass: true,
  oneStep: false,
};

/**
 * Steps of at least this many DAG nodes (the gradient and the Hessian-vector product: stepNodes of
 * basin-pass.ts) loop one step per trip everywhere. Four steps per trip save a loop's bookkeeping, a
 * third of a cheap step, but every part then holds seven copies of the step (the four and three
 * remainder branches): a network objective of 421 nodes took the attractor view's kernel 6.7 s to
 * compile on SwiftShader, 0.7 s one step per trip, and ran no slower.
 */
export const HEAVY_STEP_NODES = 300;

/**
 * The GD core's overrides (shaders/gd-core.wgsl) for variant `v` in an entry point that runs every
 * part (`fused`: PARTS, and the one-step loops of short parts, apply to it alone) or one part. The
 * basin and ensemble passes both build their pipelines from these.
 */
export function coreOverrides(
  v: GeometryVariant,
  fused: boolean,
): Record<'GROWTH' | 'TAIL_WINDOW' | 'PARTS' | 'SHORT_PARTS' | 'EXACT_TAIL' | 'SETTLE', number> {
  return {
    GROWTH: v.growth ? 1 : 0,
    TAIL_WINDOW: v.tailWindow ? 1 : 0,
    PARTS: fused ? v.parts : ALL_PARTS,
    SHORT_PARTS: (fused || v.oneStep) && v.shortParts ? 1 : 0,
    EXACT_TAIL: (fused || v.oneStep) && v.shortParts && v.exactTail ? 1 : 0,
    // With every test exact nothing is left to replay.
    SETTLE: v.oneStep ? 0 : 1,
  };
}

/** `v` for a step of `nodes` DAG nodes: from `heavy` (default HEAVY_STEP_NODES) on, one step per trip. */
export function forStep(v: GeometryVariant, nodes: number, heavy = HEAVY_STEP_NODES): GeometryVariant {
  if (nodes < heavy) return v;
  return { ...v, shortParts: true, exactTail: true, escapePass: false, oneStep: true };
}

/**
 * What a run's geometry lets its kernels leave out (the GROWTH, TAIL_WINDOW, PARTS, SHORT_PARTS,
 * EXACT_TAIL and SETTLE overrides of shaders/gd-core.wgsl): growth tracking where the window's halves
 * are shorter than GROWTH_MIN_HALF and no exponent is computed (rule 5 then decides nothing, and rule 6 reads R2 only when λ > θ), the
 * tail's selects for T and the first half where the tail cannot meet them (M ≤ N - P), the parts
 * before the checkpoint that are empty, the four-step loops of parts that are all a few steps long
 * (whose rule 2 is then tested exactly, and the tail's too when it is short), and, in a long run,
 * rule 2's replay (left to the `escape` pass).
 */
export function kernelVariant(
  n: number,
  transient: number,
  maxPeriod: number,
  lyapunov: boolean,
): GeometryVariant {
  const t = Math.min(transient, n);
  const check = n - Math.min(maxPeriod, n);
  const half = Math.floor((n - t) / 2);
  const growth = half >= GROWTH_MIN_HALF || lyapunov;
  let parts = 0;
  // The loops traj_advance runs before the checkpoint: one per part where growth is tracked (always
  // with the exponent), else one for all.
  const loops = new Map<string, number>();
  // phaseSegments splits at SHORT_RUN no matter the length; here every part counts.
  for (const { phase, k0, k1 } of partSegments(n, transient, maxPeriod, lyapunov))
    if (phase !== 'tail') {
      parts |= PART_BITS[phase as keyof typeof PART_BITS];
      const loop = growth ? phase : 'plain';
      loops.set(loop, (loops.get(loop) ?? 0) + k1 - k0);
    }
  const shortParts = Math.max(0, ...loops.values()) <= SHORT_PART;
  return {
    growth,
    tailWindow: t + half > check,
    parts,
    shortParts,
    exactTail: shortParts && n - check <= SHORT_TAIL,
    // A short run replays in the kernel: there the escape pass's second look at every diverged pixel
    // (its start set up again, its replay in a dispatch of its own) cost more than the replay loop
    // saves (1024² × 20 with 40% diverged: 134 → 158 ms), a long one gains (× 1000: 1175 → 1146 ms).
    escapePass: n > SHORT_RUN,
    oneStep: false,
  };
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

/** Cost of an invocation (a) and of one GD step (b), in nanoseconds. */
export interface Cost {
  a: number;
  b: number;
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

/** One measured submit: invocations, GD steps (pixel × iterations) and its time on the device. */
interface Sample {
  pixels: number;
  steps: number;
  ms: number;
}

/**
 * The weight (stepNodes) of the step that the adapters' guesses (guessCost) and an unweighted
 * record assume: about mf-scalar's (20 nodes). It is also the part of a step that does not grow with
 * the objective (the GD update, the tests, the loop), counted in nodes: the cost of a step is taken
 * as proportional to REFERENCE_STEP_WEIGHT + weight.
 */
export const REFERENCE_STEP_WEIGHT = 20;

/**
 * The cost model of one device, per pipeline (objective × Lyapunov on or off): fitted by least squares
 * on relative error over the recent submits of that pipeline, across runs. Until a pipeline has been
 * measured it borrows the latest fit of any pipeline on the device, else a guess by kind of adapter,
 * with the cost of a step scaled by the objectives' weights (stepNodes): a small network's step cost
 * 33 times mf-scalar's on SwiftShader, so a plan from mf-scalar's fit would have run its first
 * dispatches 33 times over their target, long enough for a browser's GPU watchdog (scaled, about 3).
 */
export class CostModel {
  private readonly samples = new Map<string, Sample[]>();
  private readonly fits = new Map<string, Cost>();
  /** The latest fit, and the weight of the step it was measured on. */
  private last: { cost: Cost; weight: number } | null = null;

  constructor(
    /**
     * What a step of REFERENCE_STEP_WEIGHT is assumed to cost on a device not yet measured: near what
     * such a device measures (guessCost), since a guess far off plans a first run in other entry
     * points than the next, and each compiles.
     */
    private readonly guess: Cost,
  ) {}

  /** The cost of pipeline `key`, whose step weighs `weight` (stepNodes) where it was never measured. */
  cost(key: string, weight = REFERENCE_STEP_WEIGHT): Cost {
    const fit = this.fits.get(key);
    if (fit) return fit;
    const from = this.last ?? { cost: this.guess, weight: REFERENCE_STEP_WEIGHT };
    // A step costs its bookkeeping and tests whatever the objective: affine in the weight. Linear, it
    // took an 8-D objective (241 nodes) for 12 times mf-scalar rather than its measured 3 to 10, and
    // planned its first run in part pipelines, its second in one.
    const scale = (REFERENCE_STEP_WEIGHT + weight) / (REFERENCE_STEP_WEIGHT + from.weight);
    return { a: from.cost.a, b: from.cost.b * scale };
  }

  /** Records a submit of `pixels` invocations and `steps` GD steps that took `ms` on the device. */
  record(key: string, pixels: number, steps: number, ms: number, weight = REFERENCE_STEP_WEIGHT): void {
    if (!(ms > 0) || !(pixels > 0)) return;
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    list.push({ pixels, steps, ms });
    if (list.length > 16) list.shift();
    const fit = fitCost(list, this.cost(key, weight));
    this.fits.set(key, fit);
    this.last = { cost: fit, weight };
  }
}

/**
 * Least squares of t = a·P + b·S weighted by 1/t² (relative error). Submits with the same ratio S/P
 * cannot tell a from b: then the ratio of a to b is kept from `prior` and only the scale is fitted.
 */
export function fitCost(samples: readonly Sample[], prior: Cost): Cost {
  let spp = 0;
  let sps = 0;
  let sss = 0;
  let spt = 0;
  let sst = 0;
  for (const { pixels: p, steps: s, ms } of samples) {
    const t = ms * 1e6;
    const w = 1 / (t * t);
    spp += w * p * p;
    sps += w * p * s;
    sss += w * s * s;
    spt += w * p * t;
    sst += w * s * t;
  }
  const det = spp * sss - sps * sps;
  if (det > 1e-6 * spp * sss) {
    const a = (spt * sss - sst * sps) / det;
    const b = (sst * spp - spt * sps) / det;
    if (a >= 0 && b > 0) return { a, b };
  }
  // One ratio of steps to pixels: scale the prior to the measured times.
  let num = 0;
  let den = 0;
  for (const { pixels: p, steps: s, ms } of samples) {
    const predicted = prior.a * p + prior.b * s;
    num += (ms * 1e6) / predicted;
    den++;
  }
  const k = num / den;
  return { a: prior.a * k, b: prior.b * k };
}
