/**
 * Reading a label off a picture (an exported PNG, a screenshot) in its own coordinates, to tell
 * "h_x" from h with a subscript x: the tests of the export's and the lab's axis titles share it.
 */
import type { decode } from 'fast-png';

/**
 * The ink (not near-white) of a label drawn with its baseline along a line, in the label's own
 * coordinates: the reader it returns tells of the pixel `s` along the text from `origin` and `t` below its
 * baseline; `up` for a label rotated a quarter turn back (its text rising, "below" to the right).
 */
export function labelInk(
  png: ReturnType<typeof decode>,
  origin: [number, number],
  up: boolean,
): (s: number, t: number) => boolean {
  return (s, t) => {
    const [x, y] = up ? [origin[0] + t, origin[1] - s] : [origin[0] + s, origin[1] + t];
    const o = (y * png.width + x) * png.channels;
    return Math.min(png.data[o], png.data[o + 1], png.data[o + 2]) < 200;
  };
}

/**
 * What the ink of a label drawn at `font` px shows within `half` pixels either side of its centre,
 * from 1.2 em above to 0.7 em below its baseline: where it starts and ends along the text; its tail
 * (the columns after the last with ink 0.3 em above the baseline: past an h's arch and its leg,
 * which leans right in italics, and past a full-size x): their count, their top row and the rows
 * they fill below the baseline; and the longest run of ink along a row below the baseline (an
 * underscore's stroke).
 */
export function subscriptInk(ink: (s: number, t: number) => boolean, font: number, half: number) {
  const ts = Array.from({ length: Math.round(1.9 * font) + 1 }, (_, k) => k - Math.round(1.2 * font));
  const ss = Array.from({ length: 2 * half + 1 }, (_, k) => k - half);
  const inked = ss.filter((s) => ts.some((t) => ink(s, t)));
  const highEnd = Math.max(...ss.filter((s) => ts.some((t) => t <= -0.3 * font && ink(s, t))));
  const tail = inked.filter((s) => s > highEnd);
  const tailRows = ts.filter((t) => tail.some((s) => ink(s, t)));
  const runs = ts
    .filter((t) => t >= 0)
    .map((t) => {
      let [best, run] = [0, 0];
      for (const s of ss) best = Math.max(best, (run = ink(s, t) ? run + 1 : 0));
      return best;
    });
  return {
    from: Math.min(...inked),
    to: Math.max(...inked),
    tail: tail.length,
    tailTop: Math.min(...tailRows),
    tailBelow: tailRows.filter((t) => t >= 0).length,
    longestBelow: Math.max(...runs),
  };
}
