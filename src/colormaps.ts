/**
 * Colour: colormaps as 256-entry lookup tables (uploaded to the GPU colour pass, read by the CPU
 * colouring), and the mapping of a record field to a colour with them and the outcome palette
 * (src/palette.ts). The GPU pass (shaders/colour.wgsl) and `colourPixels` below implement the same
 * mapping, step for step in f32, so a CPU result exports to PNG exactly as the GPU draws it.
 */
import { Outcome } from './core/outcome.ts';
import { type OutcomeCounts, type RecordColumns } from './core/records.ts';
import type { ColourSpec, FieldRange, FieldRanges } from './core/engine.ts';
import {
  COLOUR_FIELDS,
  type ColourField,
  type ColormapName,
  type ExperimentSpec,
} from './experiment/spec.ts';
import { hex, OUTCOME_PALETTE, type RGB } from './palette.ts';

/**
 * Each map as evenly spaced sRGB stops, interpolated linearly to 256 entries. Ten stops (fifteen for
 * turbo) follow the published maps closely (matplotlib's viridis family and cividis, Google's turbo);
 * the tables are approximations at the level of one or two units per channel between stops.
 */
const STOPS: Record<ColormapName, readonly string[]> = {
  viridis: [
    '440154',
    '482878',
    '3e4a89',
    '31688e',
    '26828e',
    '1f9e89',
    '35b779',
    '6ece58',
    'b5de2b',
    'fde725',
  ],
  magma: ['000004', '180f3d', '440f76', '721f81', '9e2f7f', 'cd4071', 'f1605d', 'fd9668', 'feca8d', 'fcfdbf'],
  inferno: [
    '000004',
    '1b0c41',
    '4a0c6b',
    '781c6d',
    'a52c60',
    'cf4446',
    'ed6925',
    'fb9b06',
    'f7d13d',
    'fcffa4',
  ],
  plasma: [
    '0d0887',
    '46039f',
    '7201a8',
    '9c179e',
    'bd3786',
    'd8576b',
    'ed7953',
    'fb9f3a',
    'fdca26',
    'f0f921',
  ],
  cividis: [
    '00204d',
    '00336f',
    '39486b',
    '575d6d',
    '707173',
    '8a8779',
    'a69d75',
    'c4b56c',
    'e4cf5b',
    'ffea46',
  ],
  turbo: [
    '30123b',
    '4145ab',
    '4675ed',
    '39a2fc',
    '1bcfd4',
    '24eca6',
    '61fc6c',
    'a4fc3b',
    'd1e834',
    'f3c63a',
    'fe9b2d',
    'f36315',
    'd93806',
    'b11901',
    '7a0403',
  ],
  gray: ['000000', 'ffffff'],
};

export const LUT_SIZE = 256;

const lutCache = new Map<ColormapName, Uint8Array>();

/** The map as LUT_SIZE RGBA8 entries (alpha 255). */
export function colormapLut(name: ColormapName): Uint8Array {
  let lut = lutCache.get(name);
  if (lut) return lut;
  const stops = STOPS[name].map(hex);
  lut = new Uint8Array(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const p = (i / (LUT_SIZE - 1)) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(p));
    const f = p - k;
    for (let c = 0; c < 3; c++)
      lut[i * 4 + c] = Math.round(stops[k][c] + (stops[k + 1][c] - stops[k][c]) * f);
    lut[i * 4 + 3] = 255;
  }
  lutCache.set(name, lut);
  return lut;
}

/** The LUT as u32 words for the GPU. */
export function lutWords(name: ColormapName): Uint32Array {
  const lut = colormapLut(name);
  return new Uint32Array(lut.buffer.slice(lut.byteOffset, lut.byteOffset + lut.byteLength));
}

/** Everything the mapping needs, resolved: both the GPU pass and the CPU colouring take this. */
export interface ColourSettings {
  field: ColourField;
  colormap: ColormapName;
  /** Values go through log10 first (non-positive values have no colour: the NaN colour). */
  log: boolean;
  /** Range of the (log-transformed) values mapped onto the colormap. */
  range: [number, number];
  /** Iterations of the run (N): the escape-time shading of diverged pixels. */
  iterations: number;
  /** λ that takes the brightest chaotic colour. */
  lyapScale: number;
}

/**
 * λ of full brightness: ln 2, separations doubling every step. (Not the cubic map's fully chaotic
 * end: GD on the double well at h = 2 is conjugate to v ↦ 3v - 4v³ and has λ = ln 3.)
 */
export const LYAP_SCALE = Math.LN2;

/** Numeric code of a field in the GPU pass (its index in COLOUR_FIELDS). */
export function fieldCode(field: ColourField): number {
  return COLOUR_FIELDS.indexOf(field);
}

const f = Math.fround;

/**
 * The value pixel k shows for a continuous field (before log): escape time only for diverged pixels,
 * period only for converged and periodic ones, else the record's number. NaN: no value.
 */
export function fieldValue(c: RecordColumns, field: ColourField, k: number): number {
  switch (field) {
    case 'outcome':
      return c.outcome[k];
    case 'escape':
      return c.outcome[k] === Outcome.DIVERGED ? c.iter[k] : NaN;
    case 'period':
      return c.outcome[k] === Outcome.CONVERGED || c.outcome[k] === Outcome.PERIODIC ? c.period[k] : NaN;
    default:
      return c[field][k];
  }
}

/** The f32 value after the optional log, as the GPU computes it (log2(v)·log10(2)). */
function transformed(v: number, log: boolean): number {
  const x = f(v);
  if (!log) return x;
  return x > 0 ? f(f(Math.log2(x)) * f(Math.LOG10E * Math.LN2)) : NaN;
}

/**
 * The finite values of every continuous field over columns, in f32 (what the GPU range pass writes
 * into a run's statistics): least, largest and least positive, over the pixels that are not
 * escaping, over the escaping ones where no other pixel has a value (FieldRange). `exact`: the same
 * pixels' extremes as the columns hold them (float64 from a CPU engine), each of which rounds to
 * the f32 one; the pixels are still those with an f32 value, so both describe one picture.
 */
export function fieldRanges(c: RecordColumns, exact = false): FieldRanges {
  const out: FieldRanges = {};
  for (const field of COLOUR_FIELDS) {
    if (field === 'outcome') continue;
    // [min, max, least positive] of the other pixels, then of the escaping ones.
    const r = [Infinity, -Infinity, Infinity, Infinity, -Infinity, Infinity];
    for (let k = 0; k < c.outcome.length; k++) {
      const x = fieldValue(c, field, k);
      const v = f(x);
      if (!Number.isFinite(v)) continue;
      const o = c.outcome[k] === Outcome.ESCAPING ? 3 : 0;
      // fround is monotone: the extremes of x are the pixels of the extremes of v.
      const w = exact ? x : v;
      if (w < r[o]) r[o] = w;
      if (w > r[o + 1]) r[o + 1] = w;
      if (v > 0 && w < r[o + 2]) r[o + 2] = w;
    }
    const o = r[0] > r[1] ? 3 : 0;
    const [min, max, minPositive] = [r[o], r[o + 1], r[o + 2]];
    out[field] =
      min > max
        ? { min: NaN, max: NaN, minPositive: NaN }
        : { min, max, minPositive: Number.isFinite(minPositive) ? minPositive : NaN };
  }
  return out;
}

/** A value after the optional log, in float64. */
const inF64 = (v: number, log: boolean) => (!log ? v : v > 0 ? Math.log10(v) : NaN);

/**
 * The (log-transformed) range a colour spec maps onto the colormap: its own range when it gives a
 * valid one, else the field's finite range (of log10 values when log is on) from `ranges`, widened
 * when it is one value; [0, 1] when there is none. Null for the outcome field, which has no range.
 *
 * `exact` (fieldRanges(c, true) of the same columns): the same range in float64, as a float64
 * engine's output states it, though the colour pass maps it in f32 (the CPU colouring replays the
 * GPU's pass, so one set of records makes one picture). Which range, and whether it is widened, is
 * the f32 pass's choice.
 */
export function resolveColourRange(
  colour: ColourSpec,
  ranges: FieldRanges | null,
  exact: FieldRanges | null = null,
): [number, number] | null {
  const { field, log } = colour;
  if (field === 'outcome') return null;
  const fixed = transformedRange(colour);
  if (fixed) return exact ? [inF64(colour.range![0], log), inF64(colour.range![1], log)] : fixed;
  // log10 is monotone: the logs' extremes are the logs of the least positive and largest values.
  const ends = (r: FieldRange | undefined, t: (v: number, log: boolean) => number) =>
    r ? [t(log ? r.minPositive : r.min, log), t(r.max, log)] : [NaN, NaN];
  const [lo, hi] = ends(ranges?.[field], transformed);
  if (!(lo <= hi)) return [0, 1];
  const [a, b] = exact ? ends(exact[field], inF64) : [lo, hi];
  return lo === hi ? [a - 0.5, b + 0.5] : [a, b];
}

/** A colour spec's own range through its log, when it gives a valid one; else null. */
export function transformedRange(colour: ColourSpec): [number, number] | null {
  if (!colour.range) return null;
  const [a, b] = colour.range.map((v) => transformed(v, colour.log));
  return Number.isFinite(a) && Number.isFinite(b) && b > a ? [a, b] : null;
}

/**
 * Whether the automatic range of `field` left a result's escaping pixels out (FieldRange): there are
 * some, and other bounded pixels to take the range from (escaping pixels have neither an escape step
 * nor a period, so those two fields never had them).
 */
export function escapingLeftOut(counts: OutcomeCounts, field: ColourField): boolean {
  if (field === 'outcome' || field === 'escape' || field === 'period' || counts.escaping === 0) return false;
  const periodic = Object.values(counts.periodic).reduce((a, b) => a + b, 0);
  return counts.converged + counts.aperiodic + periodic > 0;
}

/** Whether colouring by `colour` needs the data's value ranges: a field, over no valid range of its own. */
export function needsDataRange(colour: ColourSpec): boolean {
  return colour.field !== 'outcome' && !transformedRange(colour);
}

/** Colour settings of a spec, with the range from `ranges` when the spec fixes none. */
export function resolveColour(spec: ExperimentSpec, ranges: FieldRanges | null): ColourSettings {
  const { field, colormap, log } = spec.colour;
  const range = resolveColourRange(spec.colour, ranges) ?? [0, 1];
  return { field, colormap, log, range, iterations: spec.iterations, lyapScale: LYAP_SCALE };
}

/** Resolves a spec's colour settings against columns (the CPU path: the ranges of these columns). */
export function resolveColourSettings(spec: ExperimentSpec, c: RecordColumns): ColourSettings {
  return resolveColour(spec, spec.colour.field === 'outcome' ? null : fieldRanges(c));
}

/** mix(a, b, s) rounded per channel, in f32 like WGSL's mix and round-half-even. */
function mix(a: RGB, b: RGB, s: number): RGB {
  const ch = (i: number) => roundEven(f(a[i] + f(f(b[i] - a[i]) * s)));
  return [ch(0), ch(1), ch(2)];
}
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** The colour of pixel k, RGB. */
export function pixelColour(c: RecordColumns, s: ColourSettings, k: number, lut: Uint8Array): RGB {
  const p = OUTCOME_PALETTE;
  if (s.field === 'outcome') {
    switch (c.outcome[k]) {
      case Outcome.DIVERGED: {
        const t = clamp01(f(f(Math.log(f(c.iter[k]))) / f(Math.log(f(Math.max(2, s.iterations))))));
        return mix(p.diverged[0], p.diverged[1], t);
      }
      case Outcome.CONVERGED:
        return p.converged;
      case Outcome.PERIODIC:
        return p.periods[(c.period[k] + p.periods.length - 2) % p.periods.length];
      case Outcome.CHAOTIC: {
        const lam = f(c.lyapunov[k]);
        const t = Number.isFinite(lam) ? clamp01(f(lam / f(s.lyapScale))) : 0.5;
        return mix(p.chaotic[0], p.chaotic[1], t);
      }
      case Outcome.ESCAPING:
        return p.escaping;
      default:
        return p.unsettled;
    }
  }
  const v = transformed(fieldValue(c, s.field, k), s.log);
  if (!Number.isFinite(v)) return p.nan;
  const lo = f(s.range[0]);
  const hi = f(s.range[1]);
  const t = clamp01(f(f(v - lo) / f(hi - lo)));
  const i = Math.min(LUT_SIZE - 1, Math.floor(f(t * LUT_SIZE)));
  return [lut[i * 4], lut[i * 4 + 1], lut[i * 4 + 2]];
}

/**
 * RGBA8 of a whole grid on the CPU (the fallback engine, PNG export of CPU results). `flip`: image
 * order, top row first (records have row 0 at the bottom).
 */
export function colourPixels(c: RecordColumns, s: ColourSettings, flip = true): Uint8ClampedArray {
  const { width: W, height: H } = c;
  const out = new Uint8ClampedArray(W * H * 4);
  const lut = colormapLut(s.colormap);
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const k = j * W + i;
      const o = ((flip ? H - 1 - j : j) * W + i) * 4;
      const rgb = pixelColour(c, s, k, lut);
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
      out[o + 3] = 255;
    }
  return out;
}
