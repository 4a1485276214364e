/**
 * Layouts of the ensemble kernel (shaders/ensemble.wgsl), declared once for the pipeline code, the
 * readback parser and the tests; the WGSL structs are generated from these lists. The trajectory
 * state is the basin kernel's Traj (TRAJ_FIELDS), so both run the same GD core.
 */
import type { EnsembleObservable } from '../core/ensemble.ts';
import { GD_UNIFORM_FIELDS } from './layouts.ts';
import { uniformBytes, type Field } from './wgsl-struct.ts';

export { WORKGROUP_SIZE } from './layouts.ts';

/** Bindings of the ensemble kernel, all in group 0 (each entry point uses some of them). */
export const ENSEMBLE_BINDINGS = {
  uniforms: 0,
  /** Per-dispatch DispatchParams (dynamic offset): samples p0 … p0 + count - 1, iterations k0 … k1 - 1. */
  dispatch: 1,
  /** Base rates (dim), parameters (nparam ≥ 1), then hyperparameters [β, β₂, ε], f32. */
  base: 2,
  /** Starts, samples × dim, f32. */
  starts: 3,
  /** Swept value per column, f32. */
  values: 4,
  /** Traj of the samples of one state tile. */
  state: 5,
  /** Sample summaries of one group of whole columns. */
  samples: 6,
  /** rows × columns atomic counts (index r · columns + c), then one `outside` count per column. */
  counts: 7,
  /** The vertical range [lo, hi] the binning uses (chosen on the GPU, or fixed by the plan). */
  range: 8,
  /** ColumnWords per column. */
  columns: 9,
} as const;

/**
 * `EnsembleUniforms`: scalars only. Sample g is sample g % samples of column g / samples. The
 * sweep is coded as AxisKind of src/experiment/plane.ts.
 */
export const ENSEMBLE_UNIFORM_FIELDS = [
  ['columns', 'u32'],
  ['rows', 'u32'],
  ['samples', 'u32'],
  ...GD_UNIFORM_FIELDS,
  ['u_kind', 'u32'],
  ['u_index', 'u32'],
  ['keep', 'u32'],
  /** 1: the histogram of a workgroup whose samples share a column is kept in workgroup memory. */
  ['shared_bins', 'u32'],
  /** An attractor's bins across (rows = pair_width × its bins up); 0 for one observed quantity. */
  ['pair_width', 'u32'],
  /** What choose_range chooses: bit 0 the observable's range, bit 1 an attractor's second one. */
  ['auto_range', 'u32'],
] as const satisfies readonly (readonly [string, 'u32' | 'f32'])[];
export const ENSEMBLE_UNIFORM_BYTES = uniformBytes(ENSEMBLE_UNIFORM_FIELDS);

/**
 * `Sample`: what a sample's first pass leaves on the GPU for the reductions and the binning: z_T, the
 * whole state after the transient (then the replay's current state), the escape iteration (0: bounded), its class (the period of a
 * converged or periodic orbit, 0 otherwise: rule 6 of src/core/outcome.ts, decided on the GPU), its
 * Lyapunov exponent, and the extremes of the kept observable (and of an attractor's second one).
 */
export const SAMPLE_FIELDS = [
  ['xt', 'state'],
  ['escape', 'u32'],
  ['cls', 'u32'],
  ['lyapunov', 'f32'],
  ['lo', 'f32'],
  ['hi', 'f32'],
  ['lo2', 'f32'],
  ['hi2', 'f32'],
] as const satisfies readonly Field[];

/**
 * `ColumnWords`: a column reduced on the GPU: bounded samples, the period (0: aperiodic orbits win or
 * nothing is bounded), the mean exponent and the extremes of the kept observable (and of an
 * attractor's second one) over bounded samples, the column's outcome, and the extremes that the
 * automatic range is made of.
 */
export const COLUMN_FIELDS = [
  ['bounded', 'u32'],
  ['period', 'u32'],
  ['lyapunov', 'f32'],
  ['lo', 'f32'],
  ['hi', 'f32'],
  ['lo2', 'f32'],
  ['hi2', 'f32'],
  // ColumnStats.outcome (an Outcome code).
  ['outcome', 'u32'],
  // The extremes of the samples that are not escaping (ColumnStats.rangeMin …), as order keys
  // (shaders/ensemble.wgsl's key_of): no sample leaves the sentinels 0xffffffff and 0.
  ['range_lo', 'u32'],
  ['range_hi', 'u32'],
  ['range_lo2', 'u32'],
  ['range_hi2', 'u32'],
] as const satisfies readonly Field[];

/** How the kernel reads an observed quantity (WGSL overrides OBS_KIND, OBS2_KIND). */
export const OBS_KIND = { coord: 0, f: 1, expr: 2 } as const;

/** OBS_KIND of an observed quantity: 2 reads observable_0, 3 observable_1. */
export function obsKind(o: EnsembleObservable): number {
  return o.kind === 'expr' && o.slot === 1 ? 3 : OBS_KIND[o.kind];
}

/** Bins of the workgroup histogram on a GPU (16 KB of workgroup memory at most, with room to spare). */
export const SHARED_BINS = 3840;

/** Bindings of the ensemble colour stage (shaders/ensemble-colour.wgsl), all in group 0. */
export const ENSEMBLE_COLOUR_BINDINGS = {
  uniforms: 0,
  /** The run's counts, as the ensemble kernel leaves them (ENSEMBLE_BINDINGS.counts). */
  counts: 1,
  /** Each column's largest count, then the largest of all (columns + 1 words). */
  maxima: 2,
  /** 256 RGBA8 words of the colormap. */
  lut: 3,
  /** Per column: the diverged-fraction strip's colour, then (columns words on) the outcome strip's. */
  strips: 4,
  /** The image, RGBA8 words, row 0 the top. */
  pixels: 5,
} as const;

/** `EnsembleColourUniforms`: the image's geometry (renderBifurcation's layout) and its scale. */
export const ENSEMBLE_COLOUR_UNIFORM_FIELDS = [
  ['columns', 'u32'],
  ['rows', 'u32'],
  /** Height of each strip (0: none, and the density starts at image row 0). */
  ['strip_rows', 'u32'],
  /** Image row of the density's top (2 · strip_rows + 2, or 0), and the image's height. */
  ['density_top', 'u32'],
  ['height', 'u32'],
  /** 1: each column scaled to its own largest count; 0: one scale for the image. */
  ['per_column', 'u32'],
  /** Cells without counts and the separators (an RGBA8 word). */
  ['empty', 'u32'],
] as const satisfies readonly (readonly [string, 'u32' | 'f32'])[];
