/**
 * The bifurcation and density views' settings and export in the lab (setup as in bifurcation.test.ts):
 * the ensemble panel, the PNG export and its options, and the density's summary and export note.
 */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { parseSpecJson, type ExperimentSpec } from '../../src/experiment/spec.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, hashFor, screenshot, sharedBrowser, watchErrors } from './harness.ts';
import { DOUBLE_WELL, viewState, waitForEnsemble } from './bifurcation-harness.ts';

const shared = sharedBrowser();

describe('the bifurcation view', () => {
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
        size: (root.getElementById('export-res') as HTMLSelectElement).selectedOptions[0].textContent,
      };
    });
    // plane.v and the basin map's step count do not apply to a diagram; its own settings do.
    expect(panels).toMatchObject({ ensemble: true, vertical: false, sweep: 'sweep', iterations: false });
    // A diagram's export takes the resolution and "axes & legend" options (tested below).
    expect(panels.decor).toBe(false);
    expect(panels.size).toBe('screen (48×40)');
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
        decor: (root.getElementById('export-decor') as HTMLInputElement).disabled,
        res: (root.getElementById('export-res') as HTMLSelectElement).disabled,
        size: (root.getElementById('export-res') as HTMLSelectElement).selectedOptions[0].textContent,
      };
    });
    // A density exports its chart as drawn: no resolution or decoration to choose, and the size says
    // so, not 'screen (1×40)' from the spec's one column of 40 bins.
    expect(exportUi).toEqual({ decor: true, res: true, size: 'chart as drawn' });
    // The toolbar keeps the export options with their button: one row at 1280 px (Export PNG and
    // Open… wrapped to the left of a second row before), and at 1100 px, too narrow for one row,
    // export, its options and Open… on the second row together, at its right end.
    const toolbarAt = async (width: number) => {
      await page.setViewport({ width, height: 900 });
      return page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const root = document.querySelector('gd-lab')!.shadowRoot!;
        const box = (sel: string) => root.querySelector(sel)!.getBoundingClientRect();
        const header = root.querySelector('header')!;
        const pad = parseFloat(getComputedStyle(header).paddingRight);
        return {
          rows: [box('#panels'), box('#export-res'), box('#export'), box('label.open')].map((r) =>
            Math.round(r.top + r.height / 2),
          ),
          gapRight: Math.round(box('header').right - pad - box('label.open').right),
        };
      });
    };
    const wide = await toolbarAt(1280);
    expect(Math.max(...wide.rows) - Math.min(...wide.rows)).toBeLessThanOrEqual(2);
    const narrow = await toolbarAt(1100);
    const [first, ...files] = narrow.rows;
    expect(Math.max(...files) - Math.min(...files)).toBeLessThanOrEqual(2);
    expect(files[0] - first).toBeGreaterThan(20);
    expect(narrow.gapRight).toBe(0);
    await page.setViewport({ width: 1400, height: 1000 });
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
