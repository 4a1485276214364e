/**
 * The UI's access to src/colormaps.ts and src/palette.ts: the CPU colouring (identical mapping to
 * the GPU colour pass) for the CPU backend, and the colours and ranges the legend, colorbar and
 * export show (ranges come from a frame's statistics, never from a loop over its pixels).
 */
import { colormapLut, colourPixels, LUT_SIZE, resolveColour, resolveColourRange } from '../../colormaps.ts';
import type { FieldRanges } from '../../core/engine.ts';
import type { RecordColumns } from '../../core/records.ts';
import type { ColormapName, ExperimentSpec } from '../../experiment/spec.ts';
import { OUTCOME_PALETTE } from '../../palette.ts';
import type { ColourSettings } from './backend.ts';

/** RGBA of every pixel, bottom row first (the columns' order), with the columns' value ranges. */
export function colourColumns(
  c: RecordColumns,
  colour: ColourSettings,
  spec: ExperimentSpec,
  ranges: FieldRanges | null,
): Uint8ClampedArray {
  return colourPixels(c, resolveColour({ ...spec, colour }, ranges), false);
}

/** The colormap at t ∈ [0, 1], as the LUT the GPU samples. */
export function colormapRgb(name: ColormapName, t: number): [number, number, number] {
  const lut = colormapLut(name);
  const i = Math.min(LUT_SIZE - 1, Math.max(0, Math.floor((Number.isFinite(t) ? t : 0) * LUT_SIZE)));
  return [lut[4 * i], lut[4 * i + 1], lut[4 * i + 2]];
}

/**
 * Legend swatches of the outcome field. Diverged and chaotic pixels are shaded (escape time,
 * Lyapunov exponent); the swatch shows the middle of each shade.
 */
export const OUTCOME_SWATCHES = {
  diverged: OUTCOME_PALETTE.diverged[0].map((v, k) => Math.round((v + OUTCOME_PALETTE.diverged[1][k]) / 2)),
  converged: [...OUTCOME_PALETTE.converged],
  /** Chaotic: the middle of the λ shade. */
  chaotic: OUTCOME_PALETTE.chaotic[1].map((v, k) => Math.round((v + OUTCOME_PALETTE.chaotic[0][k]) / 2)),
  unsettled: [...OUTCOME_PALETTE.unsettled],
  escaping: [...OUTCOME_PALETTE.escaping],
  nan: [...OUTCOME_PALETTE.nan],
};

/** The swatch of period p ≥ 2, as the palette cycles it. */
export function periodRgb(p: number): readonly number[] {
  const n = OUTCOME_PALETTE.periods.length;
  return OUTCOME_PALETTE.periods[(((p - 2) % n) + n) % n];
}

/**
 * The (log-transformed) value range a continuous field is coloured over, from a frame's value
 * ranges, as the colour pass resolves it; null for outcomes.
 */
export function colourRange(
  frame: { ranges: FieldRanges | null },
  colour: ColourSettings,
): [number, number] | null {
  return resolveColourRange(colour, frame.ranges);
}
