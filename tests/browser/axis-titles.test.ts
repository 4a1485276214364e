/**
 * The lab's axis titles on screen (production build, headless Chromium), read from a screenshot:
 * one coordinate's rate is h with the coordinate as a subscript, as the panels and the exported
 * PNG write it. The hover readouts are HTML and write it h<sub>x</sub> too (they wrote "h_x"); the
 * map's and the diagram's text alternatives (aria-labels, text only) say "rate of x", as a screen
 * reader should.
 */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { hashFor, plotBox, sharedBrowser, waitForMap, watchErrors } from './harness.ts';
import { waitForEnsemble } from './bifurcation-harness.ts';
import { labelInk, subscriptInk } from './label-ink.ts';
import { ratesSpec } from './rates-spec.ts';

const shared = sharedBrowser();

describe('the basin map’s axis titles', () => {
  it('write a per-coordinate rate h with a subscript, and so does the readout', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(ratesSpec([16, 16])));
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
    // The readout is HTML: the rates as h with the coordinate in a <sub>, then the pixel's values;
    // "h_x" is gone from it, and from the map's aria-label, which reads it in words.
    const box = await plotBox(page, 'gd-basin-map');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(
      () => {
        const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
        return !!map.shadowRoot!.querySelector('.readout[data-i]');
      },
      { timeout: 30_000, polling: 100 },
    );
    const readout = await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      const el = map.shadowRoot!.querySelector('.readout[data-i]')!;
      return {
        i: Number(el.getAttribute('data-i')),
        j: Number(el.getAttribute('data-j')),
        text: el.textContent!,
        subs: Array.from(el.querySelectorAll('sub'), (s) => s.textContent),
        label: map.shadowRoot!.querySelector('.plot')!.getAttribute('aria-label'),
      };
    });
    // Pixel (i, j) of 16 over [0.05, 2.2] starts at 0.05 + (i + 0.5) × 2.15/16, shown to 6 decimals.
    const at = (k: number) => 0.05 + ((k + 0.5) * 2.15) / 16;
    expect(readout.subs).toEqual(['x', 'y']);
    const m = /^hx = ([\d.]+) {3}hy = ([\d.]+) {3}/.exec(readout.text);
    expect(m, readout.text).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(at(readout.i), 5);
    expect(Number(m![2])).toBeCloseTo(at(readout.j), 5);
    expect(readout.text).not.toContain('_');
    expect(readout.label).toMatch(/: rate of x from 0\.05 to 2\.2 across, rate of y from 0\.05 to 2\.2 up, /);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the diagram's column readout writes a swept per-coordinate rate h<sub>x</sub>", async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(
      shared.gpuUrl +
        hashFor({
          kind: 'bifurcation',
          objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
          lr: 1,
          lrPerCoord: [1],
          x0: [0.3],
          plane: { u: { quantity: 'lr.x', min: 0.8, max: 1.4 }, v: { quantity: 'x', min: -2, max: 2 } },
          size: [24, 20],
          iterations: 200,
          transient: 150,
          ensemble: {
            samples: 4,
            box: { min: [0.2], max: [1.6] },
            keep: 32,
            observable: 'x',
            bins: 20,
            range: null,
          },
        }),
    );
    await waitForEnsemble(page);
    const box = await plotBox(page, 'gd-bifurcation-view');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForFunction(
      () => {
        const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
        return !!view.shadowRoot!.querySelector('.readout[data-column]');
      },
      { timeout: 30_000, polling: 100 },
    );
    const readout = await page.evaluate(() => {
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
      const el = view.shadowRoot!.querySelector('.readout[data-column]')!;
      return {
        column: Number(el.getAttribute('data-column')),
        text: el.textContent!,
        subs: Array.from(el.querySelectorAll('sub'), (s) => s.textContent),
        label: view.shadowRoot!.querySelector('.plot')!.getAttribute('aria-label')!,
      };
    });
    expect(readout.subs).toEqual(['x']);
    const m = /^hx = ([0-9.]+) {3}x = /.exec(readout.text);
    expect(m, readout.text).not.toBeNull();
    // The column's centre: 0.8 + (c + 0.5) × 0.6/24.
    expect(Number(m![1])).toBeCloseTo(0.8 + ((readout.column + 0.5) * 0.6) / 24, 5);
    expect(readout.label).toMatch(
      /^Bifurcation diagram of f = \(x\^2 - 1\)\^2\/4: long-run x against rate of x from 0\.8 to 1\.4\./,
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
