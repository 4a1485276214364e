/**
 * The attractor view's colour bar: log(1 + count) through the colormap, as the picture shades its
 * cells (src/engine/attractor-render.ts), labelled in visits per cell at 1, 10, 100, … and the most
 * visited cell's count. Pure: stops of a CSS gradient and tick positions.
 */
import { colormapLut, LUT_SIZE } from '../../colormaps.ts';
import type { ColormapName } from '../../experiment/spec.ts';
import { attractorShade } from '../../engine/attractor-render.ts';

/** What the bar measures, on screen and in an exported figure. */
export const BAR_TITLE = 'visits per cell (log)';

/** A tick of the colour bar: its count and its height as a fraction of the bar, from the bottom. */
export interface BarTick {
  count: number;
  at: number;
}

/** Ticks at 1, 10, 100, … below the top count, then the top count itself. */
export function colourBarTicks(top: number): BarTick[] {
  if (!(top >= 1)) return [];
  const ticks: BarTick[] = [];
  for (let n = 1; n < top; n *= 10) ticks.push({ count: n, at: attractorShade(n, top) });
  // The top count, unless a power of ten sits too close below it to read both.
  if (ticks.length && ticks[ticks.length - 1].at > 0.9) ticks.pop();
  ticks.push({ count: top, at: 1 });
  return ticks;
}

/** A bottom-to-top CSS gradient of the colormap (`stops` evenly spaced). */
export function colourBarGradient(name: ColormapName, stops = 16): string {
  const lut = colormapLut(name);
  const parts: string[] = [];
  for (let k = 0; k < stops; k++) {
    const i = 4 * Math.round((k / (stops - 1)) * (LUT_SIZE - 1));
    parts.push(`rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]}) ${((100 * k) / (stops - 1)).toFixed(1)}%`);
  }
  return `linear-gradient(to top, ${parts.join(', ')})`;
}
