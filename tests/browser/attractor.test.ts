/**
 * The attractor view in the lab, in headless Chromium against the production build (SwiftShader
 * WebGPU, `?display=readback`): the real render's pixels against the histogram the view computed,
 * the colour bar, a box zoom that fixes both ranges, the view selector, and the exported PNG.
 * Small on purpose: 64 × 64 bins, 128 starts × 300 kept steps.
 */
import { decode } from 'fast-png';
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { colormapLut } from '../../src/colormaps.ts';
import { decodeSpecPng } from '../../src/experiment/png.ts';
import { parseSpec } from '../../src/experiment/spec.ts';
import { COUPLED } from './attractor-spec.ts';
import { hashFor, screenshot, sharedBrowser, waitForMap, watchErrors } from './harness.ts';

const shared = sharedBrowser();

async function waitForAttractor(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const lab = document.querySelector('gd-lab');
      const view = lab?.shadowRoot?.querySelector('gd-attractor-view');
      return !!view && view.ready && view.spec === lab!.spec;
    },
    { timeout, polling: 100 },
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** The view's result and the pixels of its canvas as drawn. */
async function rendered(page: Page) {
  return page.evaluate(() => {
    const lab = document.querySelector('gd-lab')!;
    const view = lab.shadowRoot!.querySelector('gd-attractor-view')!;
    const r = view.report!;
    const cv = view.shadowRoot!.querySelector('canvas.density') as HTMLCanvasElement;
    const px = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    const bar = view.shadowRoot!.getElementById('colour-bar')!.getBoundingClientRect();
    const r2 = view.shadowRoot!.querySelector('.plot')!.getBoundingClientRect();
    return {
      spec: lab.spec,
      hash: location.hash,
      kind: view.result!.info.kind,
      counts: Array.from(r.counts),
      bounded: r.bounded,
      lyapunov: r.lyapunov,
      uRange: r.uRange,
      vRange: r.vRange,
      canvas: [cv.width, cv.height],
      pixels: Array.from(px),
      bar: { height: bar.height, width: bar.width },
      plot: { x: r2.left, y: r2.top, width: r2.width, height: r2.height },
      summary: view.shadowRoot!.getElementById('attractor-summary')!.textContent!,
      summaryBox: (() => {
        const el = view.shadowRoot!.getElementById('attractor-summary')!;
        return { scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right };
      })(),
      viewRight: view.getBoundingClientRect().right,
      errors: lab.errors,
      viewError: view.error,
    };
  });
}

/** The attractor's hover readout: its text and its height in CSS pixels. */
async function hoverReadout(page: Page) {
  return page.evaluate(() => {
    const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-attractor-view')!;
    const el = view.shadowRoot!.getElementById('readout');
    return { text: el?.textContent ?? '', height: el?.getBoundingClientRect().height ?? 0 };
  });
}

/** Exports through the toolbar at `res` ('screen' or a longest side) and returns the PNG's bytes. */
async function exportAt(page: Page, res: string): Promise<Uint8Array> {
  await page.evaluate((res) => {
    const lab = document.querySelector('gd-lab')!;
    lab.lastExport = null;
    (lab.shadowRoot!.getElementById('export-res') as HTMLSelectElement).value = res;
    (lab.shadowRoot!.getElementById('export') as HTMLElement).click();
  }, res);
  await page.waitForFunction(() => !!document.querySelector('gd-lab')!.lastExport, { timeout: 60_000 });
  return new Uint8Array(await page.evaluate(() => Array.from(document.querySelector('gd-lab')!.lastExport!)));
}

describe('the attractor view', () => {
  it('draws the coupled wells’ strange attractor: each cell’s pixel is its count on the log scale', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(COUPLED));
    await waitForAttractor(page);
    const s = await rendered(page);
    await screenshot(page, 'attractor-1-coupled-wells');
    expect(s.spec).toEqual(parseSpec(COUPLED));
    expect(s.kind).toBe('gpu');
    expect(s.bounded).toBe(128);
    expect(s.counts.reduce((a, b) => a + b, 0)).toBe(128 * 300);
    expect(s.lyapunov).toBeGreaterThan(0.35);
    expect(s.summary).toMatch(/128 of 128 starts bounded × 300 kept steps · mean λ = 0\.4\d\d \(GPU f32\)/);
    // The summary (about 660 px of text on one line) wraps inside the view's 622 px, not past it.
    expect(s.summaryBox.scroll).toBeLessThanOrEqual(s.summaryBox.client);
    expect(s.summaryBox.right).toBeLessThanOrEqual(s.viewRight);
    // Pixel statistics of the real render: 64 × 64 pixels, v up; black exactly where a cell is empty,
    // the colormap's top colour at the most visited cell; a folded sheet fills a good part of its box.
    expect(s.canvas).toEqual([64, 64]);
    const lut = colormapLut('viridis');
    const top = Math.max(...s.counts);
    let lit = 0;
    for (let j = 0; j < 64; j++)
      for (let i = 0; i < 64; i++) {
        const o = ((63 - j) * 64 + i) * 4;
        const rgb = s.pixels.slice(o, o + 3);
        const n = s.counts[j * 64 + i];
        if (n === 0) expect(rgb, `cell (${i}, ${j})`).toEqual([0, 0, 0]);
        else {
          lit++;
          expect(
            rgb.some((c) => c > 0),
            `cell (${i}, ${j})`,
          ).toBe(true);
        }
        if (n === top) expect(rgb).toEqual(Array.from(lut.slice(4 * 255, 4 * 255 + 3)));
      }
    expect(lit).toBeGreaterThan(0.4 * 64 * 64);
    expect(lit).toBeLessThan(64 * 64);
    expect(s.bar.height).toBeCloseTo(s.plot.height, 0);
    expect(s.viewError).toBeNull();
    expect(errors).toEqual([]);

    // Export at 1024: recomputed with 1024 × 1024 bins over the ranges on screen (the spec's are
    // automatic), so the file reopens the same window.
    const big = await exportAt(page, '1024');
    const bigSpec = decodeSpecPng(big).spec;
    expect(bigSpec).toEqual(
      parseSpec({
        ...COUPLED,
        size: [1024, 1024],
        attractor: { ...COUPLED.attractor, uRange: s.uRange, vRange: s.vRange },
      }),
    );
    const bigPng = decode(big);
    expect([bigPng.width, bigPng.height]).toEqual([1024, 1024]);
    let bigLit = 0;
    for (let k = 0; k < 1024 * 1024; k++) {
      const o = k * bigPng.channels;
      if (bigPng.data[o] || bigPng.data[o + 1] || bigPng.data[o + 2]) bigLit++;
    }
    // At most one lit cell per kept iterate, and most iterates have a cell to themselves at this size.
    expect(bigLit).toBeLessThanOrEqual(128 * 300);
    expect(bigLit).toBeGreaterThan(0.5 * 128 * 300);

    // A box zoom fixes both ranges to the box and recomputes at full resolution.
    const { x, y, width, height } = s.plot;
    await page.mouse.move(Math.round(x + width * 0.2), Math.round(y + height * 0.2));
    // The hover readout: one line (names and numbers), under the pointer's cell.
    const before = await hoverReadout(page);
    expect(before.text).toMatch(/^x = [0-9.]+ · y = [0-9.]+ · \d+ visits in this cell$/);
    expect(before.height).toBeLessThan(30);
    await page.mouse.down();
    await page.mouse.move(Math.round(x + width * 0.5), Math.round(y + height * 0.5), { steps: 3 });
    await page.mouse.move(Math.round(x + width * 0.7), Math.round(y + height * 0.6), { steps: 3 });
    await page.mouse.up();
    await waitForAttractor(page);
    const z = await rendered(page);
    const a = z.spec.attractor;
    const fx = (f: number) => (Math.round(x + width * f) - x) / width;
    const fy = (f: number) => (Math.round(y + height * f) - y) / height;
    const [u0, u1] = s.uRange;
    const [v0, v1] = s.vRange;
    expect(a.uRange![0]).toBeCloseTo(u0 + fx(0.2) * (u1 - u0), 6);
    expect(a.uRange![1]).toBeCloseTo(u0 + fx(0.7) * (u1 - u0), 6);
    expect(a.vRange![0]).toBeCloseTo(v1 - fy(0.6) * (v1 - v0), 6);
    expect(a.vRange![1]).toBeCloseTo(v1 - fy(0.2) * (v1 - v0), 6);
    expect(z.uRange).toEqual(a.uRange);
    expect(z.hash).not.toBe(s.hash);
    expect(z.canvas).toEqual([64, 64]);
    // The pointer rests where the box ended: the readout names that point of the new window (once
    // the view has drawn the result the lab holds: one update later on a loaded machine).
    await page
      .waitForFunction(
        () =>
          /^x = /.test(
            document
              .querySelector('gd-lab')!
              .shadowRoot!.querySelector('gd-attractor-view')!
              .shadowRoot!.getElementById('readout')?.textContent ?? '',
          ),
        { timeout: 5000 },
      )
      .catch(() => {});
    const after = /^x = ([0-9.]+) · y = ([0-9.]+)/.exec((await hoverReadout(page)).text);
    expect(after).not.toBeNull();
    expect(Number(after![1])).toBeCloseTo(a.uRange![0] + fx(0.7) * (a.uRange![1] - a.uRange![0]), 2);
    expect(Number(after![2])).toBeCloseTo(a.vRange![1] - fy(0.6) * (a.vRange![1] - a.vRange![0]), 2);
    await screenshot(page, 'attractor-2-zoomed');
    expect(z.summary.trim()).toMatch(/ · \d+ outside the ranges$/);
    expect(z.summaryBox.scroll).toBeLessThanOrEqual(z.summaryBox.client);
    // Every kept iterate is counted: in the window, or outside it.
    expect(z.counts.reduce((p, q) => p + q, 0)).toBeLessThan(128 * 300);
    expect(z.counts.reduce((p, q) => p + q, 0)).toBeGreaterThan(0);

    // Export at screen resolution: the histogram's pixels, the spec inside.
    const bytes = await exportAt(page, 'screen');
    const png = decodeSpecPng(bytes);
    expect([png.width, png.height]).toEqual([64, 64]);
    expect(png.spec).toEqual(z.spec);
    expect(decode(bytes).width).toBe(64);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens from the map through the view selector, set up for the objective', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const map = {
      ...COUPLED,
      kind: 'basin',
      plane: { u: { quantity: 'x', min: -1.6, max: 1.6 }, v: { quantity: 'y', min: -1.6, max: 1.6 } },
      size: [32, 32],
      iterations: 300,
      transient: 200,
    };
    await page.goto(shared.gpuUrl + hashFor(map));
    await waitForMap(page);
    await page.evaluate(() => {
      const sel = document.querySelector('gd-lab')!.shadowRoot!.getElementById('kind') as HTMLSelectElement;
      sel.value = 'attractor';
      sel.dispatchEvent(new Event('change'));
    });
    await waitForAttractor(page, 120_000);
    const s = await rendered(page);
    expect(s.spec.kind).toBe('attractor');
    expect([s.spec.attractor.u, s.spec.attractor.v]).toEqual(['x', 'y']);
    expect(s.spec.ensemble.samples).toBeGreaterThanOrEqual(256);
    expect(s.canvas).toEqual([256, 256]);
    expect(s.counts.some((n) => n > 0)).toBe(true);
    expect(s.pixels.some((c, k) => k % 4 !== 3 && c > 0)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
