/**
 * Decorated PNG exports in headless Chromium (SwiftShader WebGPU, `?display=readback`), read as
 * pixels: what the frame draws must lie inside the picture, and the spec must still round-trip.
 */
import { decode } from 'fast-png';
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { decodeSpecPng } from '../../src/experiment/png.ts';
import { hashFor, openLab, sharedBrowser, watchErrors } from './harness.ts';

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

/** Columns holding ink (any pixel not near-white) from `x0` on, counted per column. */
function inkColumns(png: ReturnType<typeof decode>, x0 = 0): number[] {
  const cols: number[] = [];
  for (let x = x0; x < png.width; x++) {
    let n = 0;
    for (let y = 0; y < png.height; y++) {
      const o = (y * png.width + x) * png.channels;
      if (Math.min(png.data[o], png.data[o + 1], png.data[o + 2]) < 200) n++;
    }
    cols.push(n);
  }
  return cols;
}

/** The rightmost column with ink, -1 for none. */
function lastInk(png: ReturnType<typeof decode>): number {
  const cols = inkColumns(png);
  for (let x = cols.length - 1; x >= 0; x--) if (cols[x] > 0) return x;
  return -1;
}

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
});
