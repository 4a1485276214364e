/**
 * The diagram and attractor pictures as pixels (src/engine/bifurcation-render.ts, attractor-render.ts):
 * where the strips and the density lie, the log scale through the colormap, empty cells, and each
 * pixel's bytes in RGBA order whatever the machine's byte order.
 */
import { describe, expect, it } from 'vitest';
import { renderAttractor } from '../src/engine/attractor-render.ts';
import { labColours, renderBifurcation } from '../src/engine/bifurcation-render.ts';
import { Outcome } from '../src/core/outcome.ts';
import { OUTCOME_PALETTE } from '../src/palette.ts';

const at = (img: { width: number; rgba: Uint8ClampedArray }, x: number, y: number) =>
  Array.from(img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
const rgb = (c: readonly number[]) => [...c.slice(0, 3), 255];

describe('ensemble pictures', () => {
  const colours = labColours('viridis');
  // 3 columns × 4 rows, row 0 the bottom of the density: a count of 100 (the top) in column 0 row 0,
  // 1 in column 1 row 1, 9 in column 2 row 2. Column 1 is all diverged, column 2 half, period 2.
  const density = new Uint32Array([100, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0]);
  const result = {
    plan: { columns: 3, rows: 4 },
    density,
    stats: { diverged: [0, 1, 0.5], period: [1, null, 2], bounded: [64, 0, 32], outcome: [1, 0, 2] },
  } as unknown as Parameters<typeof renderBifurcation>[0];

  it('draws the strips above the density, the density bottom-up on a log scale', () => {
    const img = renderBifurcation(result, colours, { stripRows: 2 });
    expect([img.width, img.height, img.densityTop]).toEqual([3, 2 * 2 + 2 + 4, 6]);
    // Diverged strip: light for none, the diverged colour for all.
    expect(at(img, 0, 0)).toEqual(rgb(OUTCOME_PALETTE.converged));
    expect(at(img, 1, 1)).toEqual(rgb(OUTCOME_PALETTE.diverged[0]));
    // Separators and empty cells: the empty colour.
    expect(at(img, 2, 2)).toEqual([0, 0, 0, 255]);
    expect(at(img, 1, 6)).toEqual([0, 0, 0, 255]);
    // Outcome strip: converged, nothing bounded (the diverged colour), period 2.
    expect(at(img, 0, 3)).toEqual(rgb(OUTCOME_PALETTE.converged));
    expect(at(img, 1, 4)).toEqual(rgb(OUTCOME_PALETTE.diverged[0]));
    expect(at(img, 2, 4)).toEqual(rgb(OUTCOME_PALETTE.periods[0]));
    // Density row r is image row densityTop + H - 1 - r: the top count is the colormap's end.
    expect(at(img, 0, 6 + 3)).toEqual(rgb(colours.colormap(1)));
    expect(at(img, 1, 6 + 2)).toEqual(rgb(colours.colormap(Math.log1p(1) / Math.log1p(100))));
    expect(at(img, 2, 6 + 1)).toEqual(rgb(colours.colormap(Math.log1p(9) / Math.log1p(100))));
    expect(at(img, 0, 6 + 0)).toEqual([0, 0, 0, 255]);
  });

  it('colours a column whose aperiodic orbits win by the most common of them, not always as chaos', () => {
    const aperiodic = {
      plan: { columns: 3, rows: 1 },
      density: new Uint32Array(3),
      stats: {
        diverged: [0, 0, 0],
        period: [null, null, null],
        bounded: [8, 8, 8],
        outcome: [Outcome.CHAOTIC, Outcome.ESCAPING, Outcome.UNSETTLED],
      },
    } as unknown as Parameters<typeof renderBifurcation>[0];
    const img = renderBifurcation(aperiodic, colours, { stripRows: 1 });
    expect([0, 1, 2].map((x) => at(img, x, 2))).toEqual(
      [OUTCOME_PALETTE.chaotic[1], OUTCOME_PALETTE.escaping, OUTCOME_PALETTE.unsettled].map(rgb),
    );
  });

  it('scales each column to its own maximum when asked', () => {
    const img = renderBifurcation(result, colours, { stripRows: 0, normalise: 'column' });
    expect(img.densityTop).toBe(0);
    for (const [x, y] of [
      [0, 3],
      [1, 2],
      [2, 1],
    ])
      expect(at(img, x, y)).toEqual(rgb(colours.colormap(1)));
    expect(at(img, 0, 0)).toEqual([0, 0, 0, 255]);
  });

  it('draws an attractor with v up and its largest cell at the colormap’s end', () => {
    const img = renderAttractor({ bins: [2, 2], counts: new Uint32Array([0, 4, 70000, 0]) }, colours);
    expect(at(img, 0, 1)).toEqual([0, 0, 0, 255]);
    expect(at(img, 1, 1)).toEqual(rgb(colours.colormap(Math.log1p(4) / Math.log1p(70000))));
    expect(at(img, 0, 0)).toEqual(rgb(colours.colormap(1)));
  });
});
