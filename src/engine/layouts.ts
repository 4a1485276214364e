/**
 * Every layout the GPU engine shares between TypeScript and WGSL, declared once: workgroup size,
 * binding indices, and the word layout of each buffer. Pipeline code, readback parsers and the
 * tests read these; the WGSL structs they describe live in shaders/*.wgsl and a test checks that
 * the two agree field by field.
 */
import { RECORD_BYTES } from '../core/outcome.ts';

/** Invocations per workgroup of every kernel (the WGSL `override WORKGROUP_SIZE`). */
export const WORKGROUP_SIZE = 64;

/** Bindings of the basin kernels (shaders/basin.wgsl), all in group 0. */
export const BASIN_BINDINGS = {
  uniforms: 0,
  base: 1,
  state: 2,
  records: 3,
} as const;

/** Bindings of the colour pass (shaders/colour.wgsl), group 0. */
export const COLOUR_BINDINGS = {
  uniforms: 0,
  records: 1,
  lut: 2,
  palette: 3,
  pixels: 4,
} as const;

/** Bindings of the bare GD kernel of the benchmark (shaders/bare.wgsl), group 0. */
export const BARE_BINDINGS = {
  uniforms: 0,
  base: 1,
  state: 2,
} as const;

/** Word types of a uniform or storage struct, as WGSL spells them. */
export type WordType = 'u32' | 'f32';

/**
 * Fields of the WGSL struct `BasinUniforms`: scalars only, so uniform-buffer alignment rules never
 * pad between them and offset = 4 × index. Everything per coordinate or parameter is in `base`.
 */
export const BASIN_UNIFORM_FIELDS = [
  // Grid and the tile this dispatch covers: pixel (i0 + t % tile_w, j0 + t / tile_w) for t < count.
  ['width', 'u32'],
  ['height', 'u32'],
  ['i0', 'u32'],
  ['j0', 'u32'],
  ['tile_w', 'u32'],
  ['count', 'u32'],
  // Iterations k0 … k1-1 are advanced by this dispatch.
  ['k0', 'u32'],
  ['k1', 'u32'],
  ['iterations', 'u32'],
  ['transient', 'u32'],
  ['max_period', 'u32'],
  ['tol', 'f32'],
  ['radius', 'f32'],
  ['chaos', 'f32'],
  // The plane's axes (codes of AxisKind in src/experiment/plane.ts); step = (max - min) / n.
  ['u_kind', 'u32'],
  ['u_index', 'u32'],
  ['u_min', 'f32'],
  ['u_step', 'f32'],
  ['v_kind', 'u32'],
  ['v_index', 'u32'],
  ['v_min', 'f32'],
  ['v_step', 'f32'],
] as const satisfies readonly (readonly [string, WordType])[];
export type BasinUniformName = (typeof BASIN_UNIFORM_FIELDS)[number][0];
export const BASIN_UNIFORM_BYTES = align(BASIN_UNIFORM_FIELDS.length * 4, 16);

/**
 * The read-only `base` buffer: x0 (dim), per-coordinate rates h (dim), parameters (nparam ≥ 1),
 * as f32, in that order; the kernel indexes it with DIM and NPARAM from the objective block.
 */
export function baseWords(dim: number, nparam: number): number {
  return 2 * dim + Math.max(1, nparam);
}

/**
 * The WGSL struct `State` (shaders/basin.wgsl) of one trajectory between dispatches:
 * x, tangent vector v, checkpoint c and growth anchor (dim each), then the orbit's extent seen from
 * the checkpoint, the i32 binary exponent of the tangent vector's growth (v is rescaled by powers of
 * two), the escape iteration (0 while bounded), the least period found so far, and the extents R1, R2
 * of the averaging window's halves.
 */
export function stateWords(dim: number): number {
  return 4 * dim + 6;
}
export function stateBytes(dim: number): number {
  return 4 * stateWords(dim);
}

/** Bytes of GPU memory one pixel of a basin pass holds: its state and its record. */
export function pixelBytes(dim: number): number {
  return stateBytes(dim) + RECORD_BYTES;
}

/** Fields of the WGSL struct `ColourUniforms` (shaders/colour.wgsl), scalars only as above. */
export const COLOUR_UNIFORM_FIELDS = [
  ['width', 'u32'],
  ['height', 'u32'],
  // Records of rows j0 … j0 + rows - 1 are in the bound buffer (a tile of full rows).
  ['j0', 'u32'],
  ['rows', 'u32'],
  ['field', 'u32'],
  ['log', 'u32'],
  ['lo', 'f32'],
  ['hi', 'f32'],
  ['iterations', 'u32'],
  ['flip', 'u32'],
  ['lyap_scale', 'f32'],
  ['palette_len', 'u32'],
] as const satisfies readonly (readonly [string, WordType])[];
export const COLOUR_UNIFORM_BYTES = align(COLOUR_UNIFORM_FIELDS.length * 4, 16);

/** Fields of the bare kernel's uniforms (shaders/bare.wgsl). */
export const BARE_UNIFORM_FIELDS = [
  ['count', 'u32'],
  ['steps', 'u32'],
  ['width', 'u32'],
  ['spare', 'u32'],
  ['u_min', 'f32'],
  ['u_step', 'f32'],
  ['v_min', 'f32'],
  ['v_step', 'f32'],
] as const satisfies readonly (readonly [string, WordType])[];
export const BARE_UNIFORM_BYTES = align(BARE_UNIFORM_FIELDS.length * 4, 16);

/** Writes named values into a uniform struct's bytes by its field list. */
export function packUniforms<F extends readonly (readonly [string, WordType])[]>(
  fields: F,
  values: { [K in F[number] as K[0]]: number },
  bytes: number,
): ArrayBuffer {
  const buf = new ArrayBuffer(bytes);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  const v = values as Record<string, number>;
  fields.forEach(([name, type], i) => {
    const x = v[name];
    if (type === 'u32') u[i] = x >>> 0;
    else f[i] = x;
  });
  return buf;
}

export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
