/**
 * Layouts of the ensemble kernel (shaders/bifurcation.wgsl), declared once for the pipeline code,
 * the readback parser and the tests. Workgroup size is the engine-wide one of layouts.ts.
 */
import { align } from './wgsl-struct.ts';

type WordType = 'u32' | 'f32';

export { WORKGROUP_SIZE } from './layouts.ts';

/** Bindings of the ensemble kernel, all in group 0. */
export const ENSEMBLE_BINDINGS = {
  uniforms: 0,
  /** Base rates (dim) then parameters (nparam ≥ 1), f32. */
  base: 1,
  /** Starts, samples × dim, f32. */
  starts: 2,
  /** Swept value per column, f32. */
  values: 3,
  /** Per-sample state of the tile (ensembleStateLayout(dim).words each). */
  state: 4,
  /** rows × columns atomic counts (index r * columns + c), then one `outside` count per column. */
  counts: 5,
} as const;

/**
 * Fields of the WGSL struct `EnsembleUniforms`: scalars only, so offset = 4 × index.
 * The tile holds samples g = offset … offset + count - 1 (column g / samples, sample g % samples).
 */
export const ENSEMBLE_UNIFORM_FIELDS = [
  ['columns', 'u32'],
  ['rows', 'u32'],
  ['samples', 'u32'],
  ['offset', 'u32'],
  ['count', 'u32'],
  // Phase 0 advances iterations k0 … k1-1 of N; phase 1 replays kept steps k0 … k1-1 of K.
  ['k0', 'u32'],
  ['k1', 'u32'],
  ['phase', 'u32'],
  ['iterations', 'u32'],
  ['transient', 'u32'],
  ['checkpoint', 'u32'],
  ['lyapunov', 'u32'],
  ['tol', 'f32'],
  ['radius', 'f32'],
  ['lo', 'f32'],
  ['hi', 'f32'],
  // The sweep, coded as AxisKind of src/experiment/plane.ts.
  ['u_kind', 'u32'],
  ['u_index', 'u32'],
  ['spare0', 'u32'],
  ['spare1', 'u32'],
] as const satisfies readonly (readonly [string, WordType])[];
export const ENSEMBLE_UNIFORM_BYTES = align(ENSEMBLE_UNIFORM_FIELDS.length * 4, 16);

/**
 * Word offsets in one sample's state: x, tangent v, checkpoint c, x_T and the growth anchor (dim each),
 * then the Lyapunov sum, escape iteration (u32, 0 while bounded), period (u32), the kept observable's
 * extremes, the Lyapunov sum's Kahan compensation, the window extents R1, R2 and the orbit's extent seen
 * from the checkpoint (rules 3 and 5 of src/core/outcome.ts).
 */
export function ensembleStateLayout(dim: number) {
  return {
    x: 0,
    v: dim,
    c: 2 * dim,
    xT: 3 * dim,
    anchor: 4 * dim,
    lyap: 5 * dim,
    escape: 5 * dim + 1,
    period: 5 * dim + 2,
    min: 5 * dim + 3,
    max: 5 * dim + 4,
    lyapC: 5 * dim + 5,
    r1: 5 * dim + 6,
    r2: 5 * dim + 7,
    extent: 5 * dim + 8,
    words: 5 * dim + 9,
  };
}

/** How the kernel reads the observable (WGSL override OBS_KIND). */
export const OBS_KIND = { coord: 0, f: 1, expr: 2 } as const;
