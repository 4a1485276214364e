/**
 * The bifurcation and density views in the lab, in headless Chromium against the production build
 * (SwiftShader WebGPU, `?display=readback` as in lab.test.ts). Grids are small: SwiftShader on two
 * shared cores is slow. Screenshots go to test-artifacts/.
 */
import { decode } from 'fast-png';
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { OUTCOME_PALETTE } from '../../src/palette.ts';
import { runEnsembleSpec } from '../../src/core/ensemble.ts';
import { CpuEnsembleEngine } from '../../src/reference/ensemble.ts';
import { parseSpec, parseSpecJson, type ExperimentSpec } from '../../src/experiment/spec.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACTS,
  hashFor,
  plotBox,
  screenshot,
  sharedBrowser,
  waitForInspector,
  watchErrors,
  withOwnBrowser,
} from './harness.ts';

const shared = sharedBrowser();

/** Double well (x² - 1)²/4: f'' = 2 at the minimizers ±1, so the first doubling is at h = 1. */
const DOUBLE_WELL = {
  kind: 'bifurcation',
  objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
  lr: 1,
  x0: [0.3],
  plane: { u: { quantity: 'lr', min: 0.8, max: 1.4 }, v: { quantity: 'x', min: -2, max: 2 } },
  size: [48, 40],
  iterations: 400,
  transient: 300,
  ensemble: { samples: 8, box: { min: [0.2], max: [1.6] }, keep: 64, observable: 'x', bins: 40, range: null },
};

/** Waits until the ensemble view shows the lab's spec, fully computed. */
async function waitForEnsemble(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const lab = document.querySelector('gd-lab');
      const view = lab?.shadowRoot?.querySelector('gd-bifurcation-view');
      return !!view && view.ready && view.spec === lab!.spec;
    },
    { timeout, polling: 100 },
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** What the view holds: the spec, per-column statistics and the density's total. */
async function viewState(page: Page) {
  return page.evaluate(() => {
    const lab = document.querySelector('gd-lab')!;
    const view = lab.shadowRoot!.querySelector('gd-bifurcation-view')!;
    const r = view.result!;
    return {
      spec: lab.spec,
      hash: location.hash,
      values: Array.from(r.plan.values),
      period: r.stats.period,
      diverged: Array.from(r.stats.diverged),
      range: r.range,
      total: r.density.reduce((a, b) => a + b, 0),
      kind: r.info.kind,
      errors: lab.errors,
      viewError: view.error,
    };
  });
}

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
    await screenshot(page, 'bif-2-box-zoomed');
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
    const title = await page.evaluate(
      () =>
        document
          .querySelector('gd-lab')!
          .shadowRoot!.querySelector('gd-trajectory-inspector')!
          .shadowRoot!.getElementById('inspector-title')!.textContent!,
    );
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

  it('the ensemble panel edits samples, keep and the vertical range through the spec, and recomputes', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(DOUBLE_WELL));
    await waitForEnsemble(page);
    const before = await viewState(page);
    const panels = await page.evaluate(() => {
      const root = document.querySelector('gd-lab')!.shadowRoot!;
      const plane = root.querySelector('gd-plane-panel')!.shadowRoot!;
      const opt = root.querySelector('gd-optimizer-panel')!.shadowRoot!;
      return {
        ensemble: !!root.querySelector('gd-ensemble-panel'),
        vertical: !!plane.getElementById('q-v'),
        sweep: plane.querySelector('legend')!.textContent,
        iterations: !!opt.getElementById('iterations'),
        decor: (root.getElementById('export-decor') as HTMLInputElement).disabled,
        exportNote: root.getElementById('export-note')?.textContent ?? null,
      };
    });
    // plane.v and the basin map's step count do not apply to a diagram; its own settings do.
    expect(panels).toMatchObject({ ensemble: true, vertical: false, sweep: 'sweep', iterations: false });
    // A diagram's export takes the resolution and "axes & legend" options (tested below).
    expect(panels.decor).toBe(false);
    expect(panels.exportNote).toBeNull();
    const setField = (id: string, value: string) =>
      page.evaluate(
        (id, value) => {
          const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-ensemble-panel')!;
          const el = panel.shadowRoot!.getElementById(id) as HTMLInputElement;
          if (el.type === 'checkbox') el.checked = value === 'on';
          else el.value = value;
          el.dispatchEvent(new Event('change'));
        },
        id,
        value,
      );
    await setField('samples', '12');
    await waitForEnsemble(page);
    await setField('keep', '80');
    await waitForEnsemble(page);
    const after = await viewState(page);
    expect(after.spec.ensemble.samples).toBe(12);
    expect(after.spec.ensemble.keep).toBe(80);
    // The spec says what ran: transient + keep steps.
    expect(after.spec.iterations).toBe(300 + 80);
    expect(after.hash).not.toBe(before.hash);
    const run = await page.evaluate(() => {
      const r = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!.result!;
      const bounded = Array.from(r.stats.bounded).reduce((a, b) => a + b, 0);
      const outside = Array.from(r.outside).reduce((a, b) => a + b, 0);
      return { samples: r.plan.samples, iterations: r.plan.iterations, bounded, outside };
    });
    expect(run.samples).toBe(12);
    expect(run.iterations).toBe(380);
    // Every kept iterate of every bounded sample counted once (automatic range: all in range).
    expect(after.total + run.outside).toBe(run.bounded * 80);
    expect(after.values.length).toBe(48);

    // A fixed vertical range starts from the automatic one, and the diagram is recomputed in it.
    await setField('range-auto', 'off');
    await waitForEnsemble(page);
    const fixed = await viewState(page);
    expect(fixed.spec.ensemble.range).toEqual(after.range);
    await setField('range-hi', '0.5');
    await waitForEnsemble(page);
    const half = await viewState(page);
    expect(half.spec.ensemble.range).toEqual([after.range[0], 0.5]);
    expect(half.range[1]).toBeCloseTo(0.5, 6);

    // A bad value: the message beside its field, the spec and the diagram unchanged.
    await setField('samples', '0');
    const bad = await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-ensemble-panel')!;
      return panel.shadowRoot!.getElementById('samples-error')?.textContent ?? null;
    });
    expect(bad).toContain('samples: must be at least 1');
    expect((await viewState(page)).spec).toEqual(half.spec);
    await screenshot(page, 'bif-7-ensemble-panel');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports a PNG carrying the bifurcation spec; opening it reopens the same diagram', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(DOUBLE_WELL));
    await waitForEnsemble(page);
    await page.evaluate(() =>
      (document.querySelector('gd-lab')!.shadowRoot!.getElementById('export') as HTMLElement).click(),
    );
    await page.waitForFunction(() => document.querySelector('gd-lab')!.lastExport !== null, {
      timeout: 30_000,
    });
    const bytes = Uint8Array.from(
      await page.evaluate(() => Array.from(document.querySelector('gd-lab')!.lastExport!)),
    );
    const png = decode(bytes);
    const spec: ExperimentSpec = parseSpecJson(png.text['gdlab-spec']);
    const s = await viewState(page);
    expect(spec).toEqual(s.spec);
    expect(spec.kind).toBe('bifurcation');
    // One pixel per column; the two 6-row strips and their separators above the 40 rows.
    expect([png.width, png.height]).toEqual([48, 40 + 14]);

    /** Exports with the toolbar's options and returns the decoded PNG. */
    const exportWith = async (res: string, decor: boolean) => {
      await page.evaluate(
        (res, decor) => {
          const root = document.querySelector('gd-lab')!.shadowRoot!;
          document.querySelector('gd-lab')!.lastExport = null;
          (root.getElementById('export-res') as HTMLSelectElement).value = res;
          (root.getElementById('export-decor') as HTMLInputElement).checked = decor;
          (root.getElementById('export') as HTMLElement).click();
        },
        res,
        decor,
      );
      await page.waitForFunction(() => document.querySelector('gd-lab')!.lastExport !== null, {
        timeout: 60_000,
      });
      const out = Uint8Array.from(
        await page.evaluate(() => Array.from(document.querySelector('gd-lab')!.lastExport!)),
      );
      if (decor) writeFileSync(join(ARTIFACTS, 'bif-export-decorated.png'), out);
      return decode(out);
    };
    // Axes & legend: the diagram enlarged 9× (512 / 54) inside margins of 76, 24, 12 and 66 pixels,
    // each cell a 9×9 block of the plain export's colour.
    const framed = await exportWith('screen', true);
    expect([framed.width, framed.height]).toEqual([48 * 9 + 100, 54 * 9 + 78]);
    expect(parseSpecJson(framed.text['gdlab-spec'])).toEqual(s.spec);
    for (const [c, r] of [
      [0, 0],
      [10, 20],
      [47, 53],
      [30, 40],
    ]) {
      const a = (r * png.width + c) * png.channels;
      const b = ((12 + r * 9 + 4) * framed.width + 76 + c * 9 + 4) * framed.channels;
      expect(Array.from(framed.data.slice(b, b + 3)), `cell ${c}, ${r}`).toEqual(
        Array.from(png.data.slice(a, a + 3)),
      );
    }
    // Ticks and labels are drawn in the left margin (dark pixels beside the density rows).
    let dark = 0;
    for (let y = 12 + 14 * 9; y < 12 + 54 * 9; y++)
      for (let x = 0; x < 70; x++) if (framed.data[(y * framed.width + x) * framed.channels] < 128) dark++;
    expect(dark).toBeGreaterThan(50);
    // A chosen resolution recomputes the diagram: 1024 columns and 853 rows, the spec saying so.
    const big = await exportWith('1024', false);
    const bigSpec = parseSpecJson(big.text['gdlab-spec']);
    expect(bigSpec.size).toEqual([1024, 853]);
    expect({ ...bigSpec, size: null }).toEqual({ ...s.spec, size: null });
    expect([big.width, big.height]).toEqual([1024, 853 + 14]);

    const other = await shared.browser.newPage();
    await other.goto(shared.gpuUrl);
    await other.waitForFunction(() => document.querySelector('gd-lab')?.frame != null, { timeout: 90_000 });
    await other.evaluate(async (data: number[]) => {
      const file = new File([new Uint8Array(data)], 'export.png', { type: 'image/png' });
      await document.querySelector('gd-lab')!.openFile(file);
    }, Array.from(bytes));
    await waitForEnsemble(other);
    const reopened = await viewState(other);
    expect(reopened.spec).toEqual(s.spec);
    expect(reopened.period).toEqual(s.period);
    await screenshot(other, 'bif-4-opened-export');
    expect(errors).toEqual([]);
    await other.close();
    await page.close();
  });

  it('a density spec shows the histogram, the Gibbs curve and their L1 distance', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const spec = {
      kind: 'density',
      objective: { expr: 'x^2/2 + A*eps*sin(x/eps)', preset: 'multiscale', params: { A: 1, eps: 0.001 } },
      lr: 0.1,
      x0: [0.5],
      plane: { u: { quantity: 'lr', min: 0.05, max: 0.15 }, v: { quantity: 'x', min: -0.64, max: 0.64 } },
      size: [1, 40],
      iterations: 1500,
      transient: 500,
      ensemble: {
        samples: 128,
        box: { min: [-1], max: [1] },
        keep: 1000,
        observable: 'x',
        bins: 40,
        range: [-0.64, 0.64],
      },
    };
    await page.goto(shared.gpuUrl + hashFor(spec));
    await waitForEnsemble(page);
    await screenshot(page, 'bif-5-density');
    const exportUi = await page.evaluate(() => {
      const root = document.querySelector('gd-lab')!.shadowRoot!;
      return {
        note: root.getElementById('export-note')?.textContent ?? null,
        decor: (root.getElementById('export-decor') as HTMLInputElement).disabled,
        res: (root.getElementById('export-res') as HTMLSelectElement).disabled,
      };
    });
    // A density exports its chart as drawn: no resolution or decoration to choose, and it says so.
    expect(exportUi).toEqual({
      note: 'exports the chart as drawn',
      decor: true,
      res: true,
    });
    const shown = await page.evaluate(() => {
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
      const root = view.shadowRoot!;
      return {
        bars: root.querySelectorAll('rect.bar').length,
        gibbs: root.querySelectorAll('polyline.gibbs').length,
        l1: Number(root.getElementById('density-summary')!.getAttribute('data-l1')),
        text: root.getElementById('density-summary')!.textContent!,
        report: view.report,
      };
    });
    expect(shown.bars).toBeGreaterThan(20);
    expect(shown.gibbs).toBe(1);
    // Bounded iterates: all 128 samples, keep 1000 each, every one counted in range or outside.
    const r = shown.report!;
    expect(r.bounded).toBe(128);
    expect(r.counts.reduce((a, b) => a + b, 0) + r.outside).toBe(128 * 1000);
    expect(shown.l1).toBeCloseTo(r.l1!, 12);
    // The first-order Gibbs density is near the histogram (the gallery's check bounds it tighter).
    expect(shown.l1).toBeLessThan(0.12);
    expect(shown.text).toContain(`L1(histogram, Gibbs) = ${r.l1!.toFixed(4)}`);
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
