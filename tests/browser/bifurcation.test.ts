/**
 * The bifurcation and density views in the lab, in headless Chromium against the production build
 * (SwiftShader WebGPU, `?display=readback` as in lab.test.ts). Grids are small: SwiftShader on two
 * shared cores is slow. Screenshots go to test-artifacts/.
 */
import { describe, expect, it } from 'vitest';
import { OUTCOME_PALETTE } from '../../src/palette.ts';
import { runEnsembleSpec } from '../../src/core/ensemble.ts';
import { CpuEnsembleEngine } from '../../src/reference/ensemble.ts';
import { parseSpec } from '../../src/experiment/spec.ts';
import {
  hashFor,
  plotBox,
  screenshot,
  sharedBrowser,
  waitForInspector,
  watchErrors,
  withOwnBrowser,
  inspectorText,
} from './harness.ts';
import { DOUBLE_WELL, viewState, waitForEnsemble } from './bifurcation-harness.ts';

const shared = sharedBrowser();

describe('the bifurcation view', () => {
  it('draws the double well: density, period-2 columns just above h = 1, the threshold at h = 1', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(DOUBLE_WELL));
    await waitForEnsemble(page);
    const s = await viewState(page);
    await screenshot(page, 'bif-1-double-well');
    expect(s.spec).toEqual(parseSpec(DOUBLE_WELL));
    expect(s.kind).toBe('gpu');
    expect(s.total).toBeGreaterThan(0);
    s.values.forEach((h, c) => {
      // Away from the bifurcation points the period is unambiguous.
      if (h < 0.97) expect(s.period[c], `h = ${h}`).toBe(1);
      if (h > 1.03 && h < 1.2) expect(s.period[c], `h = ${h}`).toBe(2);
    });
    // The strip shows it: the period row's colour in a period-2 column is the palette's period 2.
    const c2 = s.values.findIndex((h) => h > 1.1);
    const c1 = s.values.findIndex((h) => h > 0.85);
    const strip = await page.evaluate(
      (c2, c1) => {
        const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
        const cv = view.shadowRoot!.querySelector('canvas.strips') as HTMLCanvasElement;
        const ctx = cv.getContext('2d')!;
        const at = (c: number) => Array.from(ctx.getImageData(c, cv.height - 1, 1, 1).data.slice(0, 3));
        return { two: at(c2), one: at(c1) };
      },
      c2,
      c1,
    );
    expect(strip.two).toEqual([...OUTCOME_PALETTE.periods[0]]);
    expect(strip.one).toEqual([...OUTCOME_PALETTE.converged]);
    // Overlays: 2/f''(±1) = 1 as a vertical line; fixed points -1, 0, 1 in the range.
    const threshold = await page.evaluate(() => {
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
      return Array.from(view.shadowRoot!.querySelectorAll('line.threshold')).map((l) =>
        Number(l.getAttribute('data-threshold')),
      );
    });
    expect(threshold.length).toBeGreaterThan(0);
    for (const t of threshold) expect(t).toBeCloseTo(1, 9);
    // The crosshair readout names the column under the pointer.
    const box = await plotBox(page, 'gd-bifurcation-view');
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5);
    const readout = await page.evaluate(() => {
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
      return view.shadowRoot!.querySelector('.readout')!.textContent!;
    });
    expect(readout).toMatch(/h = [0-9.]+ +x = -?[0-9.e+-]+ +(converged|period \d+|chaotic|all diverged)/);
    expect(Number(/h = ([0-9.]+)/.exec(readout)![1])).toBeCloseTo(0.8 + 0.55 * 0.6, 1);
    expect(s.viewError).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('x²/2 across h = 2: the range spans the starts that settle, and the legend counts the escaping iterates outside it', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // 8 columns over h ∈ [1.96, 2.04], 500 + 200 steps: converged, not settled (|x| ≤ 0.12), two
    // escaping columns (|x| up to ~50, still inside the radius), two diverged.
    const spec = {
      ...DOUBLE_WELL,
      objective: { expr: 'x^2/2', preset: null, params: {} },
      x0: [0.5],
      plane: { u: { quantity: 'lr', min: 1.96, max: 2.04 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [8, 16],
      iterations: 700,
      transient: 500,
      ensemble: { ...DOUBLE_WELL.ensemble, box: { min: [0.1], max: [1.4] }, keep: 200 },
    };
    await page.goto(shared.gpuUrl + hashFor(spec));
    await waitForEnsemble(page);
    const s = await viewState(page);
    expect(Math.max(-s.range[0], s.range[1])).toBeLessThan(0.2);
    const { outside, note } = await page.evaluate(() => {
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
      return {
        outside: Array.from(view.result!.outside),
        note:
          view.shadowRoot!.getElementById('outside-note')?.textContent?.replace(/\s+/g, ' ').trim() ?? null,
      };
    });
    // Every kept iterate of the two escaping columns' 8 starts each, and none of the others'.
    expect(outside).toEqual([0, 0, 0, 0, 1600, 1600, 0, 0]);
    expect(note).toBe(
      '3200 long-run iterates lie outside the vertical range, which spans those of the starts that are not escaping',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('box zoom recomputes the region at full resolution and changes the URL; back returns', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(DOUBLE_WELL));
    await waitForEnsemble(page);
    const before = await viewState(page);
    const box = await plotBox(page, 'gd-bifurcation-view');
    // A plain drag (no shift) draws the box: h from 40% to 80%, x from the top 10% to 60%. The mouse
    // sits on whole pixels, so the fractions are taken from where it really is.
    const px = (f: number) => Math.round(box.x + box.width * f);
    const py = (f: number) => Math.round(box.y + box.height * f);
    const fx = (f: number) => (px(f) - box.x) / box.width;
    const fy = (f: number) => (py(f) - box.y) / box.height;
    await page.mouse.move(px(0.4), py(0.1));
    await page.mouse.down();
    await page.mouse.move(px(0.6), py(0.3), { steps: 3 });
    await page.mouse.move(px(0.8), py(0.6), { steps: 3 });
    await page.mouse.up();
    await waitForEnsemble(page);
    const after = await viewState(page);
    const u = before.spec.plane.u;
    const [lo, hi] = before.range;
    expect(after.spec.plane.u.min).toBeCloseTo(u.min + fx(0.4) * (u.max - u.min), 9);
    expect(after.spec.plane.u.max).toBeCloseTo(u.min + fx(0.8) * (u.max - u.min), 9);
    const range = after.spec.ensemble.range!;
    expect(range[0]).toBeCloseTo(hi - fy(0.6) * (hi - lo), 5);
    expect(range[1]).toBeCloseTo(hi - fy(0.1) * (hi - lo), 5);
    expect(after.hash).not.toBe(before.hash);
    // Full resolution: the same number of columns over the narrower window.
    expect(after.values.length).toBe(48);
    expect(after.values[0]).toBeCloseTo(
      after.spec.plane.u.min + (0.5 * (u.max - u.min) * (fx(0.8) - fx(0.4))) / 48,
      9,
    );
    expect(after.total).toBeGreaterThan(0);
    // The zoomed spec came back from the engine (f32 bounds of the fixed range).
    expect(after.range[0]).toBeCloseTo(range[0], 5);
    // The pointer has not moved since the release, but the window under it has: the readout names
    // what lies under it now (h ≈ 1.23 here), not the h ≈ 1.28 it showed before the zoom.
    const readout = await page.evaluate(() => {
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
      const el = view.shadowRoot!.querySelector('.readout')!;
      return { text: el.textContent!, column: Number(el.getAttribute('data-column')) };
    });
    const uNow = after.spec.plane.u;
    expect(readout.column).toBe(Math.floor(fx(0.8) * 48));
    expect(Number(/h = ([0-9.]+)/.exec(readout.text)![1])).toBeCloseTo(after.values[readout.column], 5);
    expect(Number(/x = (-?[0-9.]+)/.exec(readout.text)![1])).toBeCloseTo(
      range[1] - fy(0.6) * (range[1] - range[0]),
      4,
    );
    expect(after.values[readout.column]).toBeCloseTo(uNow.min + fx(0.8) * (uNow.max - uNow.min), 2);
    await screenshot(page, 'bif-2-box-zoomed');

    await page.evaluate(() =>
      (document.querySelector('gd-lab')!.shadowRoot!.getElementById('back') as HTMLElement).click(),
    );
    await waitForEnsemble(page);
    const back = await viewState(page);
    expect(back.spec.plane.u).toEqual(u);
    // Back to the automatic vertical range the diagram opened with, not to plane.v.
    expect(back.spec.ensemble.range).toBeNull();
    expect(back.range).toEqual(before.range);
    // Forward to the zoom, and Reset to the opening view.
    await page.evaluate(() =>
      (document.querySelector('gd-lab')!.shadowRoot!.getElementById('forward') as HTMLElement).click(),
    );
    await waitForEnsemble(page);
    expect((await viewState(page)).spec.ensemble.range).toEqual(range);
    await page.evaluate(() =>
      (document.querySelector('gd-lab')!.shadowRoot!.getElementById('reset') as HTMLElement).click(),
    );
    await waitForEnsemble(page);
    expect((await viewState(page)).spec).toEqual(before.spec);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clicking a column opens the inspector at that h', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(DOUBLE_WELL));
    await waitForEnsemble(page);
    const s = await viewState(page);
    const box = await plotBox(page, 'gd-bifurcation-view');
    const fx = 0.7;
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * 0.5);
    await waitForInspector(page);
    const chart = await page.evaluate(() => {
      const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!;
      const u = el.charts[0];
      return { x0: u.data[1][0], twoOverH: el.charts[2].data[2]?.[0], n: u.data[0].length };
    });
    const h = s.values[Math.floor(fx * 48)];
    expect(chart.twoOverH).toBeCloseTo(2 / h, 9);
    // The header says what was clicked: the column's rate and the start, not a pixel of a 1×1 spec.
    const title = await inspectorText(page, 'inspector-title');
    // From the column's second start: 0.2 + 1.5/8 × 1.4 in the box [0.2, 1.6] of 8 samples.
    const m = /^trajectory at h = ([0-9.]+) from x₀ = \(0\.4625\)$/.exec(title);
    expect(m, title).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(h, 5);
    expect(chart.x0).toBeCloseTo(0.4625, 9);
    expect(chart.n).toBeGreaterThan(100);
    await screenshot(page, 'bif-3-inspector');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the bifurcation view without WebGPU', () => {
  it('computes in the float64 worker, count for count as the CPU reference', async () => {
    await withOwnBrowser(false, async (page, errors) => {
      await page.goto(shared.url + hashFor(DOUBLE_WELL));
      await waitForEnsemble(page);
      const s = await viewState(page);
      await screenshot(page, 'bif-6-cpu-fallback');
      expect(s.kind).toBe('cpu');
      const ref = await runEnsembleSpec(new CpuEnsembleEngine(), parseSpec(DOUBLE_WELL));
      const density = await page.evaluate(() =>
        Array.from(
          document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!.result!.density,
        ),
      );
      // Same float64 arithmetic in V8 on both sides: identical counts, periods and range.
      expect(density).toEqual(Array.from(ref.density));
      expect(s.period).toEqual(ref.stats.period);
      expect(s.range).toEqual(ref.range);
      expect(errors).toEqual([]);
    });
  });
});
