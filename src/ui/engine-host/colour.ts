/**
 * CPU colouring for the CPU backend, the legend and export: records → RGBA (rows bottom-up, as the
 * columns). The mapping must equal the GPU colour pass's; this adapter is the only place the UI
 * touches colormaps, so swapping in src/colormaps.ts is a one-file change.
 */
import { Outcome, type RecordColumns } from '../../outcome.ts';
import type { ColormapName, ExperimentSpec } from '../../spec/spec.ts';
import type { ColourSettings } from './backend.ts';

/** Anchor colours (sRGB) of each colormap, interpolated linearly: 9 samples each. */
const ANCHORS: Record<ColormapName, string[]> = {
  viridis: ['440154', '472d7b', '3b528b', '2c728e', '21918c', '28ae80', '5ec962', 'addc30', 'fde725'],
  magma: ['000004', '1c1044', '4f127b', '812581', 'b5367a', 'e55064', 'fb8861', 'fec287', 'fcfdbf'],
  inferno: ['000004', '1f0c48', '550f6d', '88226a', 'ba3655', 'e35933', 'f98e09', 'f8c932', 'fcffa4'],
  plasma: ['0d0887', '5302a3', '8b0aa5', 'b83289', 'db5c68', 'f48849', 'febd2a', 'f0f921', 'f0f921'],
  turbo: ['30123b', '4662d7', '36aaf9', '1ae4b6', '72fe5e', 'c8ef34', 'faba39', 'f66b19', '7a0403'],
  cividis: ['00224e', '123570', '3b496c', '575d6d', '707173', '8a8678', 'a59c74', 'c3b369', 'fee838'],
  gray: ['000000', 'ffffff'],
};

/** Categorical palette: diverged, converged, then period 2, 3, …, and chaotic. */
export const OUTCOME_COLOURS = {
  diverged: [24, 24, 28],
  converged: [238, 238, 238],
  aperiodic: [228, 26, 28],
  periods: [
    [55, 126, 184],
    [77, 175, 74],
    [152, 78, 163],
    [255, 127, 0],
    [166, 86, 40],
    [247, 129, 191],
    [0, 190, 190],
    [190, 190, 0],
  ],
} as const;

function hex(s: string): [number, number, number] {
  return [parseInt(s.slice(0, 2), 16), parseInt(s.slice(2, 4), 16), parseInt(s.slice(4, 6), 16)];
}

/** The colormap at t ∈ [0, 1] (clamped). */
export function colormapRgb(name: ColormapName, t: number): [number, number, number] {
  const a = ANCHORS[name].map(hex);
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (a.length - 1);
  const k = Math.min(a.length - 2, Math.floor(x));
  const f = x - k;
  return [0, 1, 2].map((c) => Math.round(a[k][c] + f * (a[k + 1][c] - a[k][c]))) as [number, number, number];
}

/** The categorical colour of an outcome and period. */
export function outcomeRgb(outcome: number, period: number): readonly number[] {
  if (outcome === Outcome.DIVERGED) return OUTCOME_COLOURS.diverged;
  if (outcome === Outcome.CONVERGED) return OUTCOME_COLOURS.converged;
  if (outcome === Outcome.PERIODIC)
    return OUTCOME_COLOURS.periods[(period - 2) % OUTCOME_COLOURS.periods.length];
  return OUTCOME_COLOURS.aperiodic;
}

/** The numbers a continuous field colours by (NaN where the field has no value). */
export function fieldValues(
  c: RecordColumns,
  field: ColourSettings['field'],
  iterations: number,
): Float64Array {
  const n = c.outcome.length;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const bounded = c.outcome[k] !== Outcome.DIVERGED;
    switch (field) {
      case 'escape':
        // Diverged: escape iteration; bounded: the whole run (they never escaped).
        out[k] = bounded ? iterations : c.iter[k];
        break;
      case 'period':
        out[k] = bounded && c.period[k] > 0 ? c.period[k] : NaN;
        break;
      case 'outcome':
        out[k] = c.outcome[k];
        break;
      default:
        out[k] = bounded ? (c[field] as ArrayLike<number>)[k] : NaN;
    }
  }
  return out;
}

/** The colour range of a field: the spec's, or the finite data's min and max (of log10 when log). */
export function fieldRange(values: Float64Array, colour: ColourSettings): [number, number] | null {
  if (colour.range)
    return colour.log ? [Math.log10(colour.range[0]), Math.log10(colour.range[1])] : colour.range;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v0 of values) {
    const v = colour.log ? Math.log10(v0) : v0;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return null;
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** NaN pixels (no value: diverged for most fields) are drawn in this colour. */
export const NO_VALUE_RGB = [24, 24, 28] as const;

/** RGBA of every pixel, bottom row first. */
export function colourColumns(
  c: RecordColumns,
  colour: ColourSettings,
  spec: ExperimentSpec,
): Uint8ClampedArray {
  const n = c.outcome.length;
  const out = new Uint8ClampedArray(n * 4);
  if (colour.field === 'outcome') {
    for (let k = 0; k < n; k++) {
      const rgb = outcomeRgb(c.outcome[k], c.period[k]);
      out[4 * k] = rgb[0];
      out[4 * k + 1] = rgb[1];
      out[4 * k + 2] = rgb[2];
      out[4 * k + 3] = 255;
    }
    return out;
  }
  const values = fieldValues(c, colour.field, spec.iterations);
  const range = fieldRange(values, colour) ?? [0, 1];
  const lut = Array.from({ length: 256 }, (_, k) => colormapRgb(colour.colormap, k / 255));
  for (let k = 0; k < n; k++) {
    const v = colour.log ? Math.log10(values[k]) : values[k];
    const rgb = Number.isFinite(v)
      ? lut[Math.round(Math.min(1, Math.max(0, (v - range[0]) / (range[1] - range[0]))) * 255)]
      : NO_VALUE_RGB;
    out[4 * k] = rgb[0];
    out[4 * k + 1] = rgb[1];
    out[4 * k + 2] = rgb[2];
    out[4 * k + 3] = 255;
  }
  return out;
}
