/**
 * Every layout the GPU engine shares between TypeScript and WGSL, declared once: workgroup size,
 * binding indices, and the fields of each buffer. The WGSL struct text is generated from these
 * lists (wgsl-struct.ts) and prepended to the kernels, so no struct is written out twice.
 */
import { MAX_PERIOD, periodHasDivisor, type ClassifySettings } from '../core/outcome.ts';
import { RECORD_FIELDS } from '../core/records.ts';
import { structWords, uniformBytes, type Dims, type Field } from './wgsl-struct.ts';

export { align, packUniforms } from './wgsl-struct.ts';

/** Invocations per workgroup of every kernel (the WGSL `override WORKGROUP_SIZE`). */
export const WORKGROUP_SIZE = 64;

/**
 * Bytes between the per-dispatch parameter slots of one uniform buffer (bound with a dynamic
 * offset): WebGPU's largest allowed minUniformBufferOffsetAlignment, so it suits every device.
 */
export const DISPATCH_SLOT_BYTES = 256;

/** Bindings of the basin kernel (shaders/basin.wgsl), all in group 0. */
export const BASIN_BINDINGS = {
  uniforms: 0,
  /** Per-dispatch DispatchParams, bound with a dynamic offset. */
  dispatch: 1,
  base: 2,
  state: 3,
  records: 4,
  /** One u32 per pixel (outcome, period, iter) when records are not kept. */
  summary: 5,
  /** λ per pixel beside the summary words, where an outcome picture is kept from them (LYAP_WORDS). */
  lyap: 6,
} as const;

/** Bindings of the reduction passes (shaders/reduce.wgsl), group 0. */
export const REDUCE_BINDINGS = {
  uniforms: 0,
  /** Records (or summary words) of one tile. */
  records: 1,
  stats: 2,
  /** Diverged pixels per grid column (RunOptions.columns; a four-byte stand-in otherwise). */
  columns: 3,
} as const;

/** Bindings of the colour pass (shaders/colour.wgsl), group 0. */
export const COLOUR_BINDINGS = {
  uniforms: 0,
  /** Records, or summary words for the outcome colours (`outcome_words`). */
  records: 1,
  lut: 2,
  palette: 3,
  pixels: 4,
  /** The statistics, read for the automatic range. */
  stats: 5,
  /** λ beside summary words (read for chaotic pixels). */
  lyap: 6,
} as const;

/** The Record struct of one pixel (RECORD_FIELDS of src/core/records.ts). */
export const RECORD_STRUCT_FIELDS: readonly Field[] = RECORD_FIELDS;

/**
 * The run's length and outcome settings that every GD kernel hands its core (geometry() and
 * traj_outcome(), shaders/gd-core.wgsl and gd-outcome.wgsl): the same fields in BasinUniforms and
 * EnsembleUniforms, after each kernel's own leading ones.
 */
export const GD_UNIFORM_FIELDS = [
  ['iterations', 'u32'],
  ['transient', 'u32'],
  ['max_period', 'u32'],
  ['tol', 'f32'],
  ['radius', 'f32'],
  ['chaos', 'f32'],
] as const satisfies readonly (readonly [string, 'u32' | 'f32'])[];

/** The GD_UNIFORM_FIELDS of a run of `iterations` steps, the first `transient` of them unobserved. */
export function gdUniforms(
  iterations: number,
  transient: number,
  classify: ClassifySettings,
): Record<(typeof GD_UNIFORM_FIELDS)[number][0], number> {
  return {
    iterations,
    transient,
    max_period: Math.min(classify.maxPeriod, iterations),
    tol: classify.tol,
    // The radius as an f32 no larger than the largest finite f32, so the compare stays exact.
    radius: Math.min(classify.divergeRadius, 3.4028234663852886e38),
    chaos: classify.chaosThreshold,
  };
}

/**
 * `BasinUniforms`: what is the same for every dispatch of a run. The plane's axes are codes of
 * AxisKind (src/experiment/plane.ts), step = (max - min) / n.
 */
export const BASIN_UNIFORM_FIELDS = [
  ['width', 'u32'],
  // The run covers grid rows row0 … (a band, RunOptions.rows): pixel p is (p % width, row0 + p / width).
  ['row0', 'u32'],
  ...GD_UNIFORM_FIELDS,
  ['u_kind', 'u32'],
  ['u_index', 'u32'],
  ['u_min', 'f32'],
  ['u_step', 'f32'],
  ['v_kind', 'u32'],
  ['v_index', 'u32'],
  ['v_min', 'f32'],
  ['v_step', 'f32'],
] as const satisfies readonly (readonly [string, 'u32' | 'f32'])[];
export const BASIN_UNIFORM_BYTES = uniformBytes(BASIN_UNIFORM_FIELDS);

/**
 * `DispatchParams`, one slot per dispatch: pixels p0 … p0 + count - 1 of the grid (row-major, index
 * j·W + i) advance through iterations k0 … k1 - 1. The records binding starts at pixel r0 and the
 * state binding at pixel s0 (tiles and pixel blocks bind pieces of the grid).
 */
export const DISPATCH_FIELDS = [
  ['p0', 'u32'],
  ['count', 'u32'],
  ['k0', 'u32'],
  ['k1', 'u32'],
  ['r0', 'u32'],
  ['s0', 'u32'],
] as const satisfies readonly (readonly [string, 'u32'])[];

/**
 * `Traj`: one trajectory between dispatches (rules 3–5 of src/core/outcome.ts): its state z (x, the
 * optimizer's vectors and clocks), the tangent vector v over x and the optimizer's vectors (rescaled
 * by powers of two; lexp its binary exponent), the checkpoint c (a state; the period test reads its
 * TDIM words), the growth anchor (an x), the orbit's extent seen from the checkpoint, the escape
 * iteration (0 while bounded), the least period found so far, and the extents R1, R2 of the
 * averaging window's halves. For GD all three arrays are DIM words.
 */
export const TRAJ_FIELDS = [
  ['x', 'state'],
  ['v', 'tan'],
  ['c', 'state'],
  ['anchor', 'vec'],
  ['extent', 'f32'],
  ['lexp', 'i32'],
  ['escape', 'u32'],
  ['period', 'u32'],
  ['r1', 'f32'],
  ['r2', 'f32'],
  // R2 over the tail (from the checkpoint on): rule 5's R2'.
  ['r2t', 'f32'],
] as const satisfies readonly Field[];

/** Words of one Traj: `dims` the trajectory's sizes (a number: GD in that dimension). */
export function stateWords(dims: Dims): number {
  return structWords(TRAJ_FIELDS, dims);
}
export function stateBytes(dims: Dims): number {
  return 4 * stateWords(dims);
}

/** Longest period the spec allows, so the histogram has a bin for each. */
export const STATS_MAX_PERIOD = MAX_PERIOD;
/** Fields a range is kept for: COLOUR_FIELDS order (0, outcome, has none but keeps the indexing plain). */
export const STATS_RANGE_FIELDS = 10;

/**
 * `Stats`, the run's reduction (the only thing a run reads back): pixels per outcome code, PERIODIC
 * pixels per period, the GD steps taken as a 64-bit count, the bounded pixels whose period has a
 * divisor 2 ≤ q < p (rule 3's divisor test applies to them: a run that leaves the test to a later pass
 * runs it only where there are some), and per colour field the order-preserving u32 keys (see f32Key)
 * of its least, largest and least positive finite value, filled on demand by the range pass (over
 * the pixels that are not escaping, then over those that are).
 */
export const STATS_FIELDS = [
  ['outcomes', 'u32', 6],
  ['periods', 'u32', STATS_MAX_PERIOD + 1],
  ['steps_lo', 'u32'],
  ['steps_hi', 'u32'],
  ['composite', 'u32'],
  ['ranges', 'u32', 3 * STATS_RANGE_FIELDS],
  // The same over the escaping pixels, which FieldRange takes only where `ranges` is empty.
  ['escaping_ranges', 'u32', 3 * STATS_RANGE_FIELDS],
] as const satisfies readonly Field[];
export const STATS_WORDS = structWords(STATS_FIELDS);
export const STATS_BYTES = STATS_WORDS * 4;

/** `ReduceUniforms` of one reduction dispatch over a tile's records or summary words. */
export const REDUCE_UNIFORM_FIELDS = [
  ['count', 'u32'],
  // The tile's first pixel and the grid's width: record t is in column (p0 + t) % width.
  ['p0', 'u32'],
  ['width', 'u32'],
] as const satisfies readonly (readonly [string, 'u32'])[];

/** `ColourUniforms` of the colour pass over one records binding. */
export const COLOUR_UNIFORM_FIELDS = [
  ['width', 'u32'],
  ['height', 'u32'],
  // The records binding holds pixels p0 … p0 + count - 1 of the grid.
  ['p0', 'u32'],
  ['count', 'u32'],
  // The colour range, unless the pipeline reads it from the statistics (AUTO_RANGE of colour.wgsl;
  // the field and log are override constants too).
  ['lo', 'f32'],
  ['hi', 'f32'],
  ['iterations', 'u32'],
  // 1: image order (top row first). Pixel (i, row) is written at row·W + i - out0 of the output.
  ['flip', 'u32'],
  ['out0', 'u32'],
  ['lyap_scale', 'f32'],
  ['palette_len', 'u32'],
  // 1: `outcome_words` has λ beside the words (binding lyap); 0: none were kept (no exponent).
  ['lyap_words', 'u32'],
] as const satisfies readonly (readonly [string, 'u32' | 'f32'])[];
export const COLOUR_UNIFORM_BYTES = uniformBytes(COLOUR_UNIFORM_FIELDS);

/**
 * The read-only `base` buffer: x0 (dim), per-coordinate rates h (dim), parameters (nparam ≥ 1), the
 * optimizer's hyperparameters [β, β₂, ε] (HYPER_WORDS), as f32, in that order.
 */
export function baseWords(dim: number, nparam: number): number {
  return 2 * dim + Math.max(1, nparam) + HYPER_WORDS;
}

/** Words of the optimizer's hyperparameters in a base buffer (the WGSL `OPT` array). */
export const HYPER_WORDS = 3;

/** Bytes of GPU memory one pixel's record takes (kept for the result). */
export { RECORD_BYTES } from '../core/records.ts';

/**
 * The WGSL constants of shaders/period.wgsl: MAX_PERIOD (a constant, not an override: it sizes
 * PERIOD_COMPOSITE) and PERIOD_COMPOSITE, bit p - 1 of word ⌊(p - 1)/32⌋ set where p ≤ MAX_PERIOD has
 * a divisor 2 ≤ q < p, so rule 3's divisor test can fail it (periodHasDivisor).
 */
export function periodConstants(): string {
  const words = new Uint32Array(MAX_PERIOD / 32);
  for (let p = 1; p <= MAX_PERIOD; p++) if (periodHasDivisor(p)) words[(p - 1) >> 5] |= 1 << ((p - 1) & 31);
  const list = [...words].map((w) => `0x${w.toString(16)}u`).join(', ');
  return `const MAX_PERIOD: u32 = ${MAX_PERIOD}u;\nconst PERIOD_COMPOSITE = array<u32, ${MAX_PERIOD / 32}>(${list});`;
}
