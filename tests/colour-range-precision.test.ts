/**
 * The colour range in a float64 engine's precision (fieldRanges(c, true), resolveColourRange's
 * `exact`): the float64 extremes of the very pixels the f32 colour pass gives a colour, so that the
 * CPU engine's JSON states 0.7 where it stated 0.699999988079071, and still describes its picture.
 */
import { describe, expect, it } from 'vitest';
import { fieldRanges, resolveColourRange } from '../src/colormaps.ts';
import type { ColourSpec } from '../src/core/engine.ts';
import { Outcome } from '../src/core/outcome.ts';
import { allocColumns } from '../src/core/records.ts';

/** One row of converged pixels whose final0 are `values` (escaping where `escaping` says). */
function columns(values: number[], escaping: number[] = []) {
  const c = allocColumns(values.length, 1);
  values.forEach((v, k) => {
    c.outcome[k] = escaping.includes(k) ? Outcome.ESCAPING : Outcome.CONVERGED;
    c.final0[k] = v;
  });
  return c;
}

const final0 = (over: Partial<ColourSpec> = {}): ColourSpec => ({
  field: 'final0',
  colormap: 'viridis',
  log: false,
  range: null,
  ...over,
});

describe('the colour range in float64', () => {
  it('takes the float64 extremes, each of which rounds to the f32 one', () => {
    const c = columns([0.7, -0.3, 0.1, 1e-50, 2.5], [4]);
    expect(fieldRanges(c).final0).toEqual({
      min: Math.fround(-0.3),
      max: Math.fround(0.7),
      minPositive: Math.fround(0.1),
    });
    // 1e-50 is 0 in f32, no positive value of the picture's; the escaping 2.5 sets nothing.
    expect(fieldRanges(c, true).final0).toEqual({ min: -0.3, max: 0.7, minPositive: 0.1 });
    expect(resolveColourRange(final0(), fieldRanges(c), fieldRanges(c, true))).toEqual([-0.3, 0.7]);
    expect(resolveColourRange(final0({ log: true }), fieldRanges(c), fieldRanges(c, true))).toEqual([
      Math.log10(0.1),
      Math.log10(0.7),
    ]);
    // Without `exact`, the f32 range the colour pass maps, as before.
    expect(resolveColourRange(final0(), fieldRanges(c))).toEqual([Math.fround(-0.3), Math.fround(0.7)]);
  });

  it('leaves out what has no f32 value, as the picture does', () => {
    // 1e39 is past the largest f32: no-value grey in the picture, so no end of its range.
    const c = columns([1e39, 0.3, 0.7]);
    expect(fieldRanges(c, true).final0).toEqual({ min: 0.3, max: 0.7, minPositive: 0.3 });
  });

  it('widens where the f32 ends meet, as the colour pass does, though the float64 ones differ', () => {
    // 1 and 1 + 2⁻⁴⁰ are one f32 value: the picture maps [0.5, 1.5], every pixel at its middle.
    const c = columns([1, 1 + 2 ** -40]);
    expect(resolveColourRange(final0(), fieldRanges(c))).toEqual([0.5, 1.5]);
    expect(resolveColourRange(final0(), fieldRanges(c), fieldRanges(c, true))).toEqual([0.5, 1.5 + 2 ** -40]);
  });

  it("states a spec's own range as given, not rounded to f32", () => {
    const c = columns([0.2]);
    const exact = fieldRanges(c, true);
    expect(resolveColourRange(final0({ range: [0.1, 0.3] }), null, exact)).toEqual([0.1, 0.3]);
    expect(resolveColourRange(final0({ range: [0.1, 0.3], log: true }), null, exact)).toEqual([
      Math.log10(0.1),
      Math.log10(0.3),
    ]);
    expect(resolveColourRange(final0({ range: [0.1, 0.3] }), null)).toEqual([
      Math.fround(0.1),
      Math.fround(0.3),
    ]);
    // A range the f32 pass refuses (its ends one f32 value) falls back to the data's in both.
    const tight = final0({ range: [1, 1 + 2 ** -40] });
    expect(resolveColourRange(tight, fieldRanges(c), exact)).toEqual([0.2 - 0.5, 0.2 + 0.5]);
  });
});
