/**
 * What a run's geometry lets a GD kernel leave out: the override constants that specialise the GD core
 * (shaders/gd-core.wgsl) to the parts a run meets, their lengths and the weight of the objective's step.
 * Both the basin and the ensemble passes build their pipelines from these.
 */
import { GROWTH_MIN_HALF } from '../core/outcome.ts';
import { partSegments, SHORT_RUN } from './dispatch-plan.ts';

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
  /**
   * Rule 5 can decide (the window's halves are GROWTH_MIN_HALF steps or more), so the tail tracks the
   * first half's extent R1 (GROWTH_R1); without it growth is tracked for rule 6's R2 alone.
   */
  growthR1: boolean;
  /** The tail meets T or the window's first half (TAIL_WINDOW). */
  tailWindow: boolean;
  /** The parts before the checkpoint the run meets (PART_BITS), for the fused entry points. */
  parts: number;
  /** The parts before the checkpoint loop one step per trip and test rule 2 exactly (all of them a few steps long). */
  shortParts: boolean;
  /** The tail tests rule 2 exactly too (a few steps long, after short parts): nothing replays. */
  exactTail: boolean;
  /** `whole` leaves its replays (rule 2, rule 3's divisor test) to the `escape` entry point (SETTLE off). */
  escapePass: boolean;
  /**
   * Every entry point, not only the fused ones, loops one step per trip and tests rule 2 exactly
   * (SHORT_PARTS, EXACT_TAIL), so rule 2 leaves nothing to replay (no escape pass): the objective's
   * step is heavy (forStep).
   */
  oneStep: boolean;
}

/** The general kernel's: any geometry. */
export const GENERAL_GEOMETRY: GeometryVariant = {
  growth: true,
  growthR1: true,
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
 * The GD core's overrides (shaders/gd-core.wgsl; SETTLE is gd-escape.wgsl's) for variant `v` in an
 * entry point that runs every part (`fused`: PARTS, and the one-step loops of short parts, apply to it
 * alone) or one part. The basin and ensemble passes both build their pipelines from these.
 */
export function coreOverrides(
  v: GeometryVariant,
  fused: boolean,
): Record<
  'GROWTH' | 'GROWTH_R1' | 'TAIL_WINDOW' | 'PARTS' | 'SHORT_PARTS' | 'EXACT_TAIL' | 'TAIL_REPLAY' | 'SETTLE',
  number
> {
  return {
    GROWTH: v.growth ? 1 : 0,
    GROWTH_R1: v.growthR1 ? 1 : 0,
    TAIL_WINDOW: v.tailWindow ? 1 : 0,
    PARTS: fused ? v.parts : ALL_PARTS,
    SHORT_PARTS: (fused || v.oneStep) && v.shortParts ? 1 : 0,
    EXACT_TAIL: (fused || v.oneStep) && v.shortParts && v.exactTail ? 1 : 0,
    TAIL_REPLAY: fused && !v.oneStep && v.shortParts && v.exactTail ? 1 : 0,
    // The replay loop: rule 2's, and rule 3's divisor test, which even a kernel whose every rule 2 test
    // is exact needs (the basin pass leaves both to its `escape` entry point where it can).
    SETTLE: 1,
  };
}

/**
 * Whether a run of variant `v` leaves rule 3's divisor test wholly to the basin kernel's `escape` pass
 * (DIVISOR_SCAN of shaders/gd-core.wgsl): a `whole` kernel whose rule 2 is exact has nothing else to
 * replay, and the pass finds the candidates by their period. Only where the statistics count some
 * (`composite`) does it need to run.
 */
export function divisorScan(v: GeometryVariant): boolean {
  return v.escapePass && v.shortParts && v.exactTail;
}

/** `v` for a step of `nodes` DAG nodes: from `heavy` (default HEAVY_STEP_NODES) on, one step per trip. */
export function forStep(v: GeometryVariant, nodes: number, heavy = HEAVY_STEP_NODES): GeometryVariant {
  if (nodes < heavy) return v;
  return { ...v, shortParts: true, exactTail: true, escapePass: false, oneStep: true };
}

/**
 * What a run's geometry lets its kernels leave out (the GROWTH, TAIL_WINDOW, PARTS, SHORT_PARTS and
 * EXACT_TAIL overrides of shaders/gd-core.wgsl, SETTLE of shaders/gd-escape.wgsl): growth tracking
 * where the window's halves are shorter than GROWTH_MIN_HALF and no exponent is computed (rule 5 then decides nothing, and rule 6 reads R2 only when λ > θ), the
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
  const exactTail = shortParts && n - check <= SHORT_TAIL;
  return {
    growth,
    growthR1: half >= GROWTH_MIN_HALF,
    tailWindow: t + half > check,
    parts,
    shortParts,
    exactTail,
    // A short run whose rule 2 is not exact replays in the kernel: there the escape pass's second look
    // at every diverged pixel (its start set up again, its replay in a dispatch of its own) cost more
    // than the replay loop saves (1024² × 20 with 40% diverged: 134 → 158 ms), a long one gains
    // (× 1000: 1175 → 1146 ms). With an exact tail only rule 3's divisor test is left to replay, and
    // the pass runs only where the statistics count candidates (divisorScan).
    escapePass: n > SHORT_RUN || exactTail,
    oneStep: false,
  };
}
