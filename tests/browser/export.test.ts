/**
 * Decorated PNG exports in headless Chromium (SwiftShader WebGPU, `?display=readback`), read as
 * pixels: what the frame draws must lie inside the picture, and the spec must still round-trip.
 */
import { decode } from 'fast-png';
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { colormapLut, LUT_SIZE } from '../../src/colormaps.ts';
import { decodeSpecPng } from '../../src/experiment/png.ts';
import { COUPLED as ATTRACTOR } from './attractor-spec.ts';
import { hashFor, openLab, sharedBrowser, watchErrors } from './harness.ts';
import { labelInk, subscriptInk } from './label-ink.ts';
import { ratesSpec } from './rates-spec.ts';

const shared = sharedBrowser();

/** Exports through the toolbar at `res` ('screen' or a longest side), decorated or not. */
async function exportPng(page: Page, res: string, decorate: boolean): Promise<Uint8Array> {
  await page.evaluate(
    (res, decorate) => {
      const lab = document.querySelector('gd-lab')!;
      lab.lastExport = null;
      const root = lab.shadowRoot!;
      (root.getElementById('export-res') as HTMLSelectElement).value = res;
      (root.getElementById('export-decor') as HTMLInputElement).checked = decorate;
      (root.getElementById('export') as HTMLElement).click();
    },
    res,
    decorate,
  );
  await page.waitForFunction(() => !!document.querySelector('gd-lab')!.lastExport, { timeout: 60_000 });
  return new Uint8Array(await page.evaluate(() => Array.from(document.querySelector('gd-lab')!.lastExport!)));
}

/** Pixels with ink (not near-white) per column, over rows `y0` to `y1` (exclusive). */
function inkColumns(png: ReturnType<typeof decode>, y0 = 0, y1 = png.height): number[] {
  const cols: number[] = [];
  for (let x = 0; x < png.width; x++) {
    let n = 0;
    for (let y = y0; y < y1; y++) {
      const o = (y * png.width + x) * png.channels;
      if (Math.min(png.data[o], png.data[o + 1], png.data[o + 2]) < 200) n++;
    }
    cols.push(n);
  }
  return cols;
}

/** The rightmost column with ink over rows `y0` to `y1`, -1 for none. */
function lastInk(png: ReturnType<typeof decode>, y0 = 0, y1 = png.height): number {
  const cols = inkColumns(png, y0, y1);
  for (let x = cols.length - 1; x >= 0; x--) if (cols[x] > 0) return x;
  return -1;
}

/** The lowest row with ink (not near-white), -1 for none. */
function lastInkRow(png: ReturnType<typeof decode>): number {
  for (let y = png.height - 1; y >= 0; y--)
    for (let x = 0; x < png.width; x++) {
      const o = (y * png.width + x) * png.channels;
      if (Math.min(png.data[o], png.data[o + 1], png.data[o + 2]) < 200) return y;
    }
  return -1;
}

/** Index of the viridis LUT entry within 3 of `rgb` in every channel, -1 for none. */
function viridisIndex(rgb: ArrayLike<number>): number {
  const lut = colormapLut('viridis');
  for (let i = 0; i < LUT_SIZE; i++)
    if ([0, 1, 2].every((c) => Math.abs(lut[4 * i + c] - rgb[c]) <= 3)) return i;
  return -1;
}

/**
 * The legend's swatches in the `w` columns from `x`: runs of rows whose pixels there are all inked
 * (text never reaches the swatch column), top to bottom, each with its colour in every column.
 */
function swatchRuns(
  png: ReturnType<typeof decode>,
  x: number,
  w: number,
): { y0: number; y1: number; cols: number[][] }[] {
  const runs: { y0: number; y1: number; cols: number[][] }[] = [];
  for (let y = 0; y < png.height; y++) {
    const cols = Array.from({ length: w }, (_, dx) =>
      Array.from(png.data.subarray((y * png.width + x + dx) * png.channels).slice(0, 3)),
    );
    if (!cols.every((rgb) => rgb.some((c) => c < 250))) continue;
    const last = runs[runs.length - 1];
    if (last && last.y1 === y - 1 && `${last.cols}` === `${cols}`) last.y1 = y;
    else runs.push({ y0: y, y1: y, cols });
  }
  return runs;
}

/** The largest difference of one channel between two colours. */
const channelGap = (a: readonly number[], b: readonly number[]) =>
  Math.max(...[0, 1, 2].map((c) => Math.abs(a[c] - b[c])));

describe('decorated PNG export', () => {
  it('a basin map’s legend lies inside the picture, its longest row whole', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(
      page,
      shared.gpuUrl + hashFor({ size: [48, 40], lr: 1.1, iterations: 300, transient: 200 }),
    );
    const bytes = await exportPng(page, 'screen', true);
    const png = decode(bytes);
    // The map is enlarged ×10 to 480 × 400 behind a 70-pixel left margin: its right edge at x = 550.
    const mapRight = 70 + 480;
    const last = lastInk(png);
    // The legend's rows reach well past the map ('not settled (neither a cycle nor chaos within the
    // steps): N' is ~330 pixels at 12 px), and stop short of the edge: no glyph is cut there.
    expect(last).toBeGreaterThan(mapRight + 300);
    expect(png.width - 1 - last).toBeGreaterThanOrEqual(5);
    // The longest row's width as Chromium measures it, from where the legend's text starts.
    const rowWidth = await page.evaluate(() => {
      const lab = document.querySelector('gd-lab')!;
      const ctx = new OffscreenCanvas(1, 1).getContext('2d')!;
      ctx.font = '12px sans-serif';
      const c = lab.frame!.counts;
      return ctx.measureText(`not settled (neither a cycle nor chaos within the steps): ${c.unsettled}`)
        .width;
    });
    expect(png.width).toBeGreaterThanOrEqual(mapRight + 14 + 12 + 6 + rowWidth);
    // Still a gdlab picture: the spec it carries is the lab's.
    const spec = decodeSpecPng(bytes).spec;
    expect(spec).toEqual(await page.evaluate(() => document.querySelector('gd-lab')!.spec));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an attractor carries its colour bar: the colormap bottom to top beside the picture', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(ATTRACTOR));
    await page.waitForFunction(
      () => document.querySelector('gd-lab')?.shadowRoot?.querySelector('gd-attractor-view')?.ready,
      { timeout: 90_000, polling: 100 },
    );
    const bytes = await exportPng(page, 'screen', true);
    const png = decode(bytes);
    // 64 bins enlarged ×8 behind a 76-pixel margin: the picture spans x = 76 … 587, y = 12 … 523.
    const [mapRight, top, h] = [76 + 512, 12, 512];
    // The column right of the picture with the most colormap pixels over the picture's height.
    let best = { x: -1, rows: [] as number[] };
    for (let x = mapRight + 2; x < png.width; x++) {
      const rows: number[] = [];
      for (let y = top; y < top + h; y++) {
        const o = (y * png.width + x) * png.channels;
        rows.push(viridisIndex(png.data.subarray(o, o + 3)));
      }
      if (rows.filter((i) => i >= 0).length > best.rows.filter((i) => i >= 0).length) best = { x, rows };
    }
    const lit = best.rows.filter((i) => i >= 0);
    // The whole height, the colormap's top at the top and its bottom at the bottom, never rising.
    expect(lit.length).toBeGreaterThanOrEqual(h - 2);
    expect(lit[0]).toBeGreaterThanOrEqual(LUT_SIZE - 4);
    expect(lit[lit.length - 1]).toBeLessThanOrEqual(3);
    expect(lit.every((i, k) => k === 0 || i <= lit[k - 1])).toBe(true);
    expect(new Set(lit).size).toBeGreaterThan(200);
    // Its labels and title lie inside the picture.
    const last = lastInk(png, 0, top + h);
    expect(last).toBeGreaterThan(best.x + 20);
    expect(png.width - 1 - last).toBeGreaterThanOrEqual(3);
    // So does the footer: the expression, the ensemble, λ, the precision and the class, some 800
    // pixels at 12 px, set smaller to fit (before, it ran past the edge mid-word).
    const footerLast = lastInk(png, top + h + 40);
    expect(footerLast).toBeGreaterThan(png.width - 40);
    expect(png.width - 1 - footerLast).toBeGreaterThanOrEqual(3);
    expect(decodeSpecPng(bytes).spec).toEqual(
      await page.evaluate(() => document.querySelector('gd-lab')!.spec),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a short map’s legend rows, one per outcome and period, lie inside the picture, ramps as ramps', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // The double well’s period-doubling cascade along h from 1 to 1.6 (periods 1, 2, 4, 8, … and
    // windows) over a grid 4 rows tall: ten legend rows or more (180 pixels) beside a 16-pixel picture.
    await openLab(
      page,
      shared.gpuUrl +
        hashFor({
          objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
          x0: [0.3],
          plane: { u: { quantity: 'lr', min: 1, max: 1.6 }, v: { quantity: 'x', min: 0.2, max: 0.8 } },
          size: [120, 4],
          iterations: 1000,
          transient: 600,
        }),
    );
    // The lab's legend: one row per outcome class and per period found, each with its swatch's
    // colour, or the two ends of a shaded class's ramp (a linear-gradient's two colours).
    const shown = await page.evaluate(() =>
      Array.from(
        document
          .querySelector('gd-lab')!
          .shadowRoot!.querySelector('gd-map-legend')!
          .shadowRoot!.querySelectorAll('#counts tr .sw'),
        (sw) =>
          Array.from((sw as HTMLElement).style.background.matchAll(/rgb\(([^)]*)\)/g), (m) =>
            m[1].split(',').map(Number),
          ),
      ),
    );
    expect(shown.length).toBeGreaterThanOrEqual(10);
    const png = decode(await exportPng(page, 'screen', true));
    // 120 × 4 enlarged ×4 to 480 × 16 behind a 70-pixel margin; the 12-pixel swatches 14 right of it.
    const runs = swatchRuns(png, 70 + 480 + 14, 12);
    expect(runs.length).toBe(shown.length);
    expect(runs.every((r) => r.y1 - r.y0 + 1 === 12)).toBe(true);
    // Diverged (the first row) and chaotic (the last but one) are ramps, as in the lab; the rest solid.
    const ramps = shown.flatMap((ends, k) => (ends.length === 2 ? [k] : []));
    expect(ramps).toEqual([0, shown.length - 2]);
    // Each column the lab's gradient at its place across the swatch (for a solid class, its colour),
    // within 2 of 255 in every channel: the ramp of a shaded class holds a colour per column.
    runs.forEach(({ cols }, k) => {
      const [from, to = from] = shown[k];
      const ramp = (x: number) => from.map((a, c) => a + ((to[c] - a) * x) / (cols.length - 1));
      expect(Math.max(...cols.map((rgb, x) => channelGap(rgb, ramp(x))))).toBeLessThanOrEqual(2);
    });
    expect(runs.map((r) => new Set(r.cols.map(String)).size)).toEqual(
      shown.map((ends) => (ends.length === 2 ? 12 : 1)),
    );
    // The last row ends above the footer (its 12-pixel line over the bottom 16 rows), with room.
    expect(runs[runs.length - 1].y1).toBeLessThan(png.height - 16 - 4);
    // No row cut at the bottom edge: the lowest ink is the footer's, inside the picture.
    expect(png.height - 1 - lastInkRow(png)).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('writes a per-coordinate rate on its axes as h with a subscript, not "h_x"', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(page, shared.gpuUrl + hashFor(ratesSpec([48, 40])));
    const png = decode(await exportPng(page, 'screen', true));
    // 48 × 40 enlarged ×10 to 480 × 400 behind a 70-pixel left and 12-pixel top margin, at 12 px:
    // h_x's baseline 36 below the picture, centred under it; h_y's rotated, its baseline at x = 16
    // (below it is rightwards), centred beside the picture at y = 12 + 200.
    const font = 12;
    const axes = {
      u: subscriptInk(labelInk(png, [70 + 240, 12 + 400 + 36], false), font, 40),
      v: subscriptInk(labelInk(png, [16, 12 + 200], true), font, 40),
    };
    for (const a of Object.values(axes)) {
      // The label ends in a subscript: some columns whose ink stays low (0.7 em letters lowered
      // 0.25 em, their top some 2 above the baseline), where "h_x" ended in a full-size x rising 7.
      expect(a.tail).toBeGreaterThanOrEqual(0.25 * font);
      expect(a.tailTop).toBeGreaterThan(-0.35 * font);
      // The subscript's ink reaches at least 2 rows below the baseline …
      expect(a.tailBelow).toBeGreaterThanOrEqual(2);
      // … and no row there holds an underscore's stroke, a bar 6 pixels long at 12 px.
      expect(a.longestBelow).toBeLessThan(5);
      // Still centred: measured run by run, the label's ink has its middle on the picture's.
      expect(Math.abs((a.from + a.to) / 2)).toBeLessThanOrEqual(1.5);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a size outside the toolbar’s choices with one message, and computes nothing', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(
      page,
      shared.gpuUrl + hashFor({ size: [48, 40], lr: 1.1, iterations: 300, transient: 200 }),
    );
    const state = await page.evaluate(async () => {
      const lab = document.querySelector('gd-lab')!;
      const root = lab.shadowRoot!;
      const runs: unknown[] = [];
      const run = lab.backend!.run.bind(lab.backend!);
      lab.backend!.run = (...a: Parameters<typeof run>) => (runs.push(a[0]), run(...a));
      // A value that is none of its options leaves the select's value '' (Number('') = 0).
      (root.getElementById('export-res') as HTMLSelectElement).value = '512';
      const done = new Promise((r) => lab.addEventListener('export-done', r, { once: true }));
      (root.getElementById('export') as HTMLElement).click();
      await done;
      return {
        message: root.getElementById('export-error')?.textContent,
        runs: runs.length,
        exported: lab.lastExport !== null,
      };
    });
    expect(state).toEqual({
      message: "invalid export size: 0 (expected the screen's size or a longest side of 1 to 4096 pixels)",
      runs: 0,
      exported: false,
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names the file by the grid the PNG holds, not the grid on screen', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(
      page,
      shared.gpuUrl + hashFor({ size: [48, 40], lr: 1.1, iterations: 300, transient: 200 }),
    );
    // Recomputed with its longest side at 1024: 1024 × round(40 · 1024/48) = 1024 × 853.
    const bytes = await exportPng(page, '1024', false);
    const png = decodeSpecPng(bytes);
    expect([png.width, png.height]).toEqual([1024, 853]);
    expect(png.spec!.size).toEqual([1024, 853]);
    expect(await page.evaluate(() => document.querySelector('gd-lab')!.spec.size)).toEqual([48, 40]);
    expect(await page.evaluate(() => document.querySelector('gd-lab')!.lastExportName)).toBe(
      'gdlab-basin-mf-scalar-1024x853.png',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
