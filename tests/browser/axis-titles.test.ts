/**
 * The lab's axis titles on screen (production build, headless Chromium), read from a screenshot:
 * one coordinate's rate is h with the coordinate as a subscript, as the panels and the exported
 * PNG write it, while the hover readout, which is text, keeps "h_x".
 */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { hashFor, plotBox, sharedBrowser, waitForMap, watchErrors } from './harness.ts';
import { labelInk, subscriptInk } from './label-ink.ts';

const shared = sharedBrowser();

describe('the basin map’s axis titles', () => {
  it('write a per-coordinate rate h with a subscript; the readout keeps h_x', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(
      shared.gpuUrl +
        hashFor({
          objective: { expr: '(x^2 + y^2)/2', preset: 'quadratic-2d', params: {} },
          x0: [1, 1],
          lrPerCoord: [0.5, 0.25],
          plane: {
            u: { quantity: 'lr.x', min: 0.05, max: 2.2 },
            v: { quantity: 'lr.y', min: 0.05, max: 2.2 },
          },
          size: [16, 16],
          iterations: 100,
          transient: 50,
        }),
    );
    await waitForMap(page);
    // Each title's text and where its baseline's middle lies on the page (the v title is rotated).
    const titles = await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      return Array.from(map.shadowRoot!.querySelectorAll('svg text.label'), (el) => {
        const t = el as SVGTextElement;
        const at = new DOMPoint(t.x.baseVal[0]?.value ?? 0, t.y.baseVal[0]?.value ?? 0);
        const p = at.matrixTransform(t.getScreenCTM()!);
        return { text: t.textContent, sub: t.querySelector('tspan')?.textContent, x: p.x, y: p.y };
      });
    });
    expect(titles.map((t) => [t.text, t.sub])).toEqual([
      ['hx', 'x'],
      ['hy', 'y'],
    ]);
    // The titles are 13 px: read 60 pixels either side of each baseline's middle.
    const font = 13;
    const ink: ReturnType<typeof subscriptInk>[] = [];
    for (const [k, t] of titles.entries()) {
      const [x, y] = [Math.round(t.x), Math.round(t.y)];
      const clip =
        k === 0
          ? { x: x - 60, y: y - 30, width: 120, height: 60 }
          : { x: x - 30, y: y - 60, width: 60, height: 120 };
      const png = decode(await page.screenshot({ clip, type: 'png' }));
      ink.push(subscriptInk(labelInk(png, [x - clip.x, y - clip.y], k === 1), font, 40));
    }
    for (const a of ink) {
      // As in the export (tests/browser/export.test.ts): the title ends in low ink, the subscript,
      // which reaches 2 rows below the baseline and holds no underscore's bar there.
      expect(a.tail).toBeGreaterThanOrEqual(0.25 * font);
      expect(a.tailTop).toBeGreaterThan(-0.35 * font);
      expect(a.tailBelow).toBeGreaterThanOrEqual(2);
      expect(a.longestBelow).toBeLessThan(5);
      expect(Math.abs((a.from + a.to) / 2)).toBeLessThanOrEqual(2);
    }
    // The readout is a line of text: the rates by name, h_x and h_y, with the pixel's values.
    const box = await plotBox(page, 'gd-basin-map');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const readout = await page.waitForFunction(
      () => {
        const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
        return map.shadowRoot!.querySelector('.readout[data-i]')?.textContent;
      },
      { timeout: 30_000, polling: 100 },
    );
    expect(await readout.jsonValue()).toMatch(/^h_x = [\d.]+ {3}h_y = [\d.]+ {3}/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
