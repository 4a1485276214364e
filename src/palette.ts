/**
 * The categorical outcome palette: a colour for each outcome and period, as the CPU colouring, the
 * legend and the diagrams read it and as the GPU colour pass reads it (paletteWords).
 */

import { MAX_PERIOD } from './core/outcome.ts';

/** An sRGB colour, one byte a channel. */
export type RGB = readonly [number, number, number];

/** A colour written as six hex digits, without '#'. */
export function hex(h: string): RGB {
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/** Periods 2…16: Tableau's ten without its purple, pink and grey, then darker companions. */
const PERIOD_BASE = [
  '3a75c4',
  'f28e2b',
  '59a14f',
  'e15759',
  '76b7b2',
  'edc948',
  '9c755f',
  '17becf',
  'bcbd22',
  '8cd17d',
  '2b5c2a',
  'b35a00',
  '3f3fa8',
  '8b1a1a',
  '6b6b00',
];

/**
 * `n` colours for periods beyond the hand-picked ones: hues by the golden angle over the 300° that
 * leave out magenta (the chaotic ramp's), at three lightnesses in turn.
 */
function goldenColours(n: number): RGB[] {
  const out: RGB[] = [];
  for (let k = 0; k < n; k++) {
    const hue = (345 + ((k * 0.6180339887498949 * 300) % 300)) % 360;
    const light = [0.42, 0.58, 0.3][k % 3];
    out.push(hsl(hue, 0.7, light));
  }
  return out;
}

function hsl(h: number, s: number, l: number): RGB {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** The categorical palette of the `outcome` field. */
export const OUTCOME_PALETTE = {
  /** Diverged, shaded from fast escape (first) to slow escape (second) by log(iter)/log(N). */
  diverged: [hex('0c0c14'), hex('5a6082')] as const,
  converged: hex('f5f0e1'),
  /** Chaotic, shaded from λ ≤ 0 (first) to λ ≥ lyapScale (second). */
  chaotic: [hex('460046'), hex('e628a0')] as const,
  /** Neither settled nor escaping within the iterations: a pale neutral, since nothing is claimed. */
  unsettled: hex('d4cfc4'),
  /** Growing towards divergence: between the diverged slate and white, on the way out. */
  escaping: hex('9aa3c8'),
  /** Fields with no value at a pixel (NaN, or log of a non-positive number). */
  nan: hex('808080'),
  /**
   * Period p ≥ 2 takes entry p - 2: one colour per period up to the largest maxPeriod (64), so no two
   * periods share a colour. Periods 2–16 (the default maxPeriod) are hand-picked to be told apart from
   * each other and from the fixed colours (no purple or pink, which the chaotic ramp owns; no pale blue
   * or beige, which escaping and unsettled own); beyond 16 the colours are spread by the golden angle
   * and the legend numbers its swatches, since no eye separates sixty hues.
   */
  periods: [...PERIOD_BASE.map(hex), ...goldenColours(MAX_PERIOD - 1 - PERIOD_BASE.length)],
};

/** Words before the period colours in the GPU palette buffer (see paletteWords). */
export const PALETTE_FIXED = 8;

/** RGBA8 packed little-endian into a u32, as the GPU reads and writes pixels. */
export function packRgba(c: RGB): number {
  return (c[0] | (c[1] << 8) | (c[2] << 16) | (255 << 24)) >>> 0;
}

/**
 * The palette as the GPU reads it: diverged fast, slow, converged, chaotic low, high, NaN, unsettled,
 * escaping, then periods.
 */
export function paletteWords(): Uint32Array {
  const p = OUTCOME_PALETTE;
  return Uint32Array.from(
    [
      p.diverged[0],
      p.diverged[1],
      p.converged,
      p.chaotic[0],
      p.chaotic[1],
      p.nan,
      p.unsettled,
      p.escaping,
      ...p.periods,
    ].map(packRgba),
  );
}
