/**
 * The lab in headless Chromium against the production build (dist/): SwiftShader WebGPU, and a
 * second browser without WebGPU for the CPU-worker fallback. Every state is saved as a screenshot
 * in test-artifacts/.
 *
 * Headless SwiftShader destroys the device on the first present to a WebGPU canvas ("Device was
 * destroyed" on copy or render into getCurrentTexture()), so the GPU pages run with
 * `?display=readback`: the same engine and colours, drawn through a 2D canvas.
 */
import { decode } from 'fast-png';
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileObjective } from '../../src/objective/compile.ts';
import { countOutcomes } from '../../src/core/outcome.ts';
import { CpuBasinEngine } from '../../src/reference/grid.ts';
import { defaultSpec, parseSpec, parseSpecJson, type ExperimentSpec } from '../../src/experiment/spec.ts';
import {
  hashFor,
  plotBox,
  screenshot,
  sharedBrowser,
  waitForMap,
  waitForInspector,
  watchErrors,
  withOwnBrowser,
} from './harness.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const shared = sharedBrowser();

/** The lab's current spec, frame counts and state, read through the element's public fields. */
/**
 * Waits for the view a gesture asked for: the URL to change from `hash`, then the map of the new spec.
 * (waitForMap alone may return before a drag's or a wheel's view reaches the lab's spec.)
 */
async function waitForNewMap(page: Page, hash: string): Promise<void> {
  await page.waitForFunction((h) => location.hash !== h, { timeout: 30_000, polling: 50 }, hash);
  await waitForMap(page);
}

async function labState(page: Page) {
  return page.evaluate(() => {
    const lab = document.querySelector('gd-lab')!;
    return {
      spec: lab.spec,
      counts: lab.frame?.counts ?? null,
      kind: lab.frame?.info.kind ?? null,
      errors: lab.errors,
      note: lab.engineNote,
      hash: location.hash,
      firstMapMs: lab.firstMapMs,
    };
  });
}

/** Counts as the legend shows them, keyed like the legend's rows. */
async function legendCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const legend = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-map-legend')!;
    const out: Record<string, number> = {};
    for (const tr of legend.shadowRoot!.querySelectorAll('tr[data-key]'))
      out[tr.getAttribute('data-key')!] = Number(
        tr.querySelector('[data-count]')!.getAttribute('data-count'),
      );
    return out;
  });
}

/** Distinct RGB colours in a screenshot of the basin map's drawing area. */
async function mapColours(page: Page): Promise<number> {
  const shot = decode(await page.screenshot({ clip: await plotBox(page, 'gd-basin-map'), type: 'png' }));
  const colours = new Set<number>();
  for (let k = 0; k < shot.width * shot.height; k++)
    colours.add(
      (shot.data[k * shot.channels] << 16) |
        (shot.data[k * shot.channels + 1] << 8) |
        shot.data[k * shot.channels + 2],
    );
  return colours.size;
}

/** Outcome counts of `gdlab basin --spec` for a spec: the GPU engine on Dawn in Node. */
async function cliCounts(spec: ExperimentSpec) {
  const dir = tempDir('gdlab-');
  try {
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const cli = await runCli([
      ...['basin', '--spec', join(dir, 'spec.json'), '--engine', 'gpu'],
      ...['--json', join(dir, 'out.json')],
    ]);
    expect(cli.stderr).not.toMatch(/warning/);
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(out.engine).toBe('gpu');
    expect(out.size).toEqual(spec.size);
    return out.counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openLab(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForMap(page);
}

describe('the lab on SwiftShader WebGPU', () => {
  it("renders the default experiment, and its legend counts equal the CLI's for the same spec", async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const t0 = Date.now();
    await openLab(page, shared.gpuUrl);
    const wall = Date.now() - t0;
    const s = await labState(page);
    await screenshot(page, '1-default');
    expect(s.kind).toBe('gpu');
    expect(s.spec).toEqual(defaultSpec());
    expect(s.note).toBeNull();
    const legend = await legendCounts(page);
    const c = s.counts!;
    expect(legend.diverged).toBe(c.diverged);
    expect(legend.converged).toBe(c.converged);
    expect(legend.chaotic).toBe(c.chaotic);
    expect(legend.chaotic + legend.unsettled).toBe(c.aperiodic);
    const total = Object.values(legend).reduce((a, b) => a + b, 0);
    expect(total).toBe(256 * 256);

    // The same spec through `gdlab basin` (the WGSL engine on Dawn in Node, SwiftShader here).
    expect(await cliCounts(defaultSpec())).toEqual(c);
    console.log(
      `default 256×256 map: first full map ${s.firstMapMs?.toFixed(0)} ms after start, ${wall} ms wall`,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('zoom and pan change the view and the URL; reloading the URL restores it', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(page, shared.gpuUrl + hashFor({ size: [96, 96], iterations: 200, transient: 100 }));
    const before = await labState(page);
    const box = await plotBox(page, 'gd-basin-map');
    // Wheel zoom in about a point right of centre: that point stays put. (The mouse sits on whole
    // pixels, so the fraction is taken from where it really is.)
    const mx = Math.round(box.x + box.width * 0.75);
    const at = (mx - box.x) / box.width;
    await page.mouse.move(mx, box.y + box.height * 0.5);
    await page.mouse.wheel({ deltaY: -300 });
    await waitForNewMap(page, before.hash);
    const zoomed = await labState(page);
    const u0 = before.spec.plane.u;
    const u1 = zoomed.spec.plane.u;
    expect(u1.max - u1.min).toBeLessThan(0.6 * (u0.max - u0.min));
    const fixed = u0.min + at * (u0.max - u0.min);
    expect(u1.min + at * (u1.max - u1.min)).toBeCloseTo(fixed, 9);
    expect(zoomed.hash).not.toBe(before.hash);
    await screenshot(page, '2-zoomed');

    // Drag 100 px to the right: the view moves left by 100 px worth of u.
    const cx = Math.round(box.x + box.width / 2);
    const cy = Math.round(box.y + box.height / 2);
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 50, cy, { steps: 3 });
    await page.mouse.move(cx + 100, cy, { steps: 3 });
    await page.mouse.up();
    await waitForNewMap(page, zoomed.hash);
    const panned = await labState(page);
    const du = ((u1.max - u1.min) * 100) / box.width;
    expect(panned.spec.plane.u.min).toBeCloseTo(u1.min - du, 9);
    expect(panned.spec.plane.v).toEqual(zoomed.spec.plane.v);
    expect(panned.hash).not.toBe(zoomed.hash);
    await screenshot(page, '3-panned');

    const shadowClick = (id: string) =>
      page.evaluate(
        (id) => (document.querySelector('gd-lab')!.shadowRoot!.getElementById(id) as HTMLElement).click(),
        id,
      );
    // Shift-drag a box over the left half of the map, top quarter to bottom quarter.
    const px = (f: number) => Math.round(box.x + box.width * f);
    const py = (f: number) => Math.round(box.y + box.height * f);
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + 2, py(0.25));
    await page.mouse.down();
    await page.mouse.move(px(0.25), py(0.5), { steps: 3 });
    await page.mouse.move(px(0.5), py(0.75), { steps: 3 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await waitForNewMap(page, panned.hash);
    const boxed = await labState(page);
    const p = panned.spec.plane;
    const b = boxed.spec.plane;
    const fx = (x: number) => (x - box.x) / box.width;
    const fy = (y: number) => (y - box.y) / box.height;
    expect(b.u.min).toBeCloseTo(p.u.min + (2 / box.width) * (p.u.max - p.u.min), 9);
    expect(b.u.max).toBeCloseTo(p.u.min + fx(px(0.5)) * (p.u.max - p.u.min), 9);
    expect(b.v.min).toBeCloseTo(p.v.max - fy(py(0.75)) * (p.v.max - p.v.min), 9);
    expect(b.v.max).toBeCloseTo(p.v.max - fy(py(0.25)) * (p.v.max - p.v.min), 9);
    await screenshot(page, '3b-box-zoomed');
    // The hover readout names the point under the pointer, once its record is read back from the GPU.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const outcomes =
      /x = -?[0-9.]+ +y = -?[0-9.]+ +(converged|diverged|escaping|period \d+|chaotic|not settled)/;
    await page.waitForFunction(
      (re) => {
        const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
        return new RegExp(re).test(map.shadowRoot!.querySelector('.readout')!.textContent!);
      },
      { timeout: 10_000 },
      outcomes.source,
    );
    const readout = await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      return map.shadowRoot!.querySelector('.readout')!.textContent!;
    });
    const uMid = (b.u.min + b.u.max) / 2;
    expect(readout).toMatch(outcomes);
    expect(Number(/x = (-?[0-9.e+-]+)/.exec(readout)![1])).toBeCloseTo(uMid, 2);
    await shadowClick('back');
    await waitForMap(page);

    // Back returns to the zoomed view.
    await shadowClick('back');
    await waitForMap(page);
    expect((await labState(page)).spec.plane).toEqual(zoomed.spec.plane);
    await shadowClick('forward');
    await waitForMap(page);
    expect((await labState(page)).spec.plane).toEqual(panned.spec.plane);

    // A fresh page on the same URL opens the same view.
    const url = page.url();
    const again = await shared.browser.newPage();
    await openLab(again, url);
    const restored = await labState(again);
    expect(restored.spec).toEqual(panned.spec);
    expect(restored.counts).toEqual((await labState(page)).counts);
    await screenshot(again, '4-reloaded');
    expect(errors).toEqual([]);
    await again.close();
    await page.close();
  });

  it('clicking a pixel opens the inspector whose first point is that pixel', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(
      page,
      shared.gpuUrl + hashFor({ size: [64, 64], lr: 1.05, iterations: 300, transient: 200 }),
    );
    const box = await plotBox(page, 'gd-basin-map');
    const s = (await labState(page)).spec;
    const fx = 0.62;
    const fy = 0.3;
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    await waitForInspector(page);
    const chart = await page.evaluate(() => {
      const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!;
      const u = el.charts[0];
      const col = (label: string) => u.data[u.series.findIndex((x) => x.label === label)] as number[];
      return {
        labels: u.series.map((x) => x.label),
        x0: col('GD x')[0],
        gf0: col('gradient flow x')[0],
        n: u.data[0].length,
        twoOverH: el.charts[2].data[2]?.[0],
      };
    });
    // The state chart shows one coordinate; choosing y shows y with the same four curves.
    await page.evaluate(() => {
      const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!;
      const sel = el.shadowRoot!.getElementById('component') as HTMLSelectElement;
      sel.value = '1';
      sel.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => {
      const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!;
      return el.charts.length === 3 && el.charts[0].series[1].label === 'GD y';
    });
    const ychart = await page.evaluate(() => {
      const u = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!
        .charts[0];
      return { labels: u.series.map((x) => x.label), y0: (u.data[1] as number[])[0] };
    });
    const i = Math.floor(fx * 64);
    const j = Math.floor((1 - fy) * 64);
    const u = s.plane.u.min + ((i + 0.5) * (s.plane.u.max - s.plane.u.min)) / 64;
    const v = s.plane.v.min + ((j + 0.5) * (s.plane.v.max - s.plane.v.min)) / 64;
    expect(chart.x0).toBeCloseTo(u, 12);
    expect(ychart.y0).toBeCloseTo(v, 12);
    expect(chart.gf0).toBeCloseTo(u, 12);
    expect(chart.labels).toEqual([
      'k',
      'GD x',
      'gradient flow x',
      'modified eq. order 1 x',
      'modified eq. order 2 x',
    ]);
    expect(ychart.labels).toContain('modified eq. order 2 y');
    expect(chart.twoOverH).toBeCloseTo(2 / 1.05, 12);
    expect(chart.n).toBeGreaterThan(10);
    const title = await page.evaluate(
      () =>
        document
          .querySelector('gd-lab')!
          .shadowRoot!.querySelector('gd-trajectory-inspector')!
          .shadowRoot!.getElementById('inspector-title')!.textContent!,
    );
    const m = /^trajectory of pixel \((\d+), (\d+)\): h = 1\.05 from x₀ = \((-?[0-9.]+), (-?[0-9.]+)\)$/.exec(
      title,
    );
    expect(m, title).not.toBeNull();
    expect(m!.slice(1, 3).map(Number)).toEqual([i, j]);
    expect(Number(m![3])).toBeCloseTo(u, 5);
    expect(Number(m![4])).toBeCloseTo(v, 5);
    await screenshot(page, '5-inspector');
    // Its close button closes it (the inspector-close event reaches the lab).
    await page.evaluate(() => {
      const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!;
      [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'close')!.click();
    });
    await page.waitForFunction(
      () => !document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector'),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports a PNG whose spec round-trips and whose pixels match the map on screen', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(
      page,
      shared.gpuUrl + hashFor({ size: [48, 40], lr: 1.1, iterations: 300, transient: 200 }),
    );
    await page.evaluate(() => {
      const root = document.querySelector('gd-lab')!.shadowRoot!;
      (root.getElementById('export') as HTMLButtonElement).click();
    });
    await page.waitForFunction(() => document.querySelector('gd-lab')!.lastExport !== null, {
      timeout: 30_000,
    });
    const bytes = Uint8Array.from(
      await page.evaluate(() => Array.from(document.querySelector('gd-lab')!.lastExport!)),
    );
    const png = decode(bytes);
    const spec = parseSpecJson(png.text['gdlab-spec']);
    const s = (await labState(page)).spec;
    expect(spec).toEqual(s);
    expect([png.width, png.height]).toEqual([48, 40]);

    // The on-screen map, sampled at the centre of each grid pixel, under the overlays (the curve of
    // minimizers is drawn over the map, not into it).
    await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      (map.shadowRoot!.querySelector('svg.overlay') as SVGElement).style.display = 'none';
    });
    const box = await plotBox(page, 'gd-basin-map');
    const shot = decode(await page.screenshot({ clip: box, type: 'png' }));
    let mismatches = 0;
    for (let y = 0; y < png.height; y++)
      for (let x = 0; x < png.width; x++) {
        const sx = Math.floor(((x + 0.5) / png.width) * shot.width);
        const sy = Math.floor(((y + 0.5) / png.height) * shot.height);
        const a = (y * png.width + x) * 4;
        const b = (sy * shot.width + sx) * shot.channels;
        for (let c = 0; c < 3; c++) if (Math.abs(png.data[a + c] - shot.data[b + c]) > 2) mismatches++;
      }
    expect(mismatches).toBe(0);

    // Opening that PNG in a fresh page restores the exact view.
    const other = await shared.browser.newPage();
    await openLab(other, shared.gpuUrl);
    await other.evaluate(async (data: number[]) => {
      const file = new File([new Uint8Array(data)], 'export.png', { type: 'image/png' });
      await document.querySelector('gd-lab')!.openFile(file);
    }, Array.from(bytes));
    await waitForMap(other);
    expect((await labState(other)).spec).toEqual(s);
    await screenshot(other, '6-opened-export');
    expect(errors).toEqual([]);
    await other.close();
    await page.close();
  });

  it('recolouring an outcome map by a field finds its range on the GPU: colorbar and pixels follow', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // At h = 0.5 the starts converge to points along xy = 1, whose sharpness x² + y² varies smoothly.
    const patch = { size: [48, 40], lr: 0.5, iterations: 300, transient: 200 };
    await openLab(page, shared.gpuUrl + hashFor(patch));
    // Coloured by outcome: no value ranges were reduced with the run.
    expect(await page.evaluate(() => document.querySelector('gd-lab')!.frame!.ranges)).toBeNull();
    await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-colour-panel')!;
      const select = panel.shadowRoot!.getElementById('field') as HTMLSelectElement;
      select.value = 'sharpness';
      select.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(
      () => {
        const legend = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-map-legend')!;
        return legend.shadowRoot!.querySelectorAll('.ticks span').length > 1;
      },
      { timeout: 30_000, polling: 100 },
    );
    const { ranges, ticks } = await page.evaluate(() => {
      const lab = document.querySelector('gd-lab')!;
      const legend = lab.shadowRoot!.querySelector('gd-map-legend')!;
      return {
        ranges: lab.frame!.ranges,
        ticks: [...legend.shadowRoot!.querySelectorAll('.ticks span')].map((e) => e.textContent!.trim()),
      };
    });
    // The float64 reference's sharpness range over the same grid, within f32.
    const ref = await new CpuBasinEngine(compileObjective).runBasin(parseSpec(patch));
    const sharp = ref.ranges.sharpness!;
    expect(ranges!.sharpness!.min).toBeCloseTo(sharp.min, 4);
    expect(ranges!.sharpness!.max).toBeCloseTo(sharp.max, 4);
    const values = ticks.map(Number).filter(Number.isFinite);
    expect(values.length).toBeGreaterThan(1);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(sharp.min - 1e-6);
      expect(v).toBeLessThanOrEqual(sharp.max + 1e-6);
    }
    await waitForMap(page);
    // The map alone (the curve of minimizers is drawn over it, antialiased): a continuous colormap,
    // many more colours than the handful of outcome swatches.
    await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      (map.shadowRoot!.querySelector('svg.overlay') as SVGElement).style.display = 'none';
    });
    expect(await mapColours(page)).toBeGreaterThan(30);
    await screenshot(page, '6b-recoloured-sharpness');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an invalid expression shows the message at its column and the previous map stays', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(page, shared.gpuUrl + hashFor({ size: [64, 64], iterations: 200, transient: 100 }));
    const before = await labState(page);
    const box = await plotBox(page, 'gd-basin-map');
    const shotBefore = await page.screenshot({ clip: box, type: 'png' });
    await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-objective-panel')!;
      const ta = panel.shadowRoot!.getElementById('expr') as HTMLTextAreaElement;
      ta.value = '(1 - x*y)^2/2 + foo*x';
      ta.dispatchEvent(new Event('input'));
    });
    await page.waitForFunction(
      () =>
        !!document
          .querySelector('gd-lab')!
          .shadowRoot!.querySelector('gd-objective-panel')!
          .shadowRoot!.getElementById('expr-error'),
      { timeout: 10_000 },
    );
    const shown = await page.evaluate(() => {
      const root = document
        .querySelector('gd-lab')!
        .shadowRoot!.querySelector('gd-objective-panel')!.shadowRoot!;
      return {
        text: root.getElementById('expr-error')!.textContent!.replace(/\s+/g, ' ').trim(),
        column: root.getElementById('expr-error')!.getAttribute('data-column'),
        caret: root.getElementById('caret')!.textContent,
      };
    });
    // 'foo' starts at column 17 of "(1 - x*y)^2/2 + foo*x".
    expect(shown.column).toBe('17');
    expect(shown.text).toContain("column 17: unknown identifier 'foo'");
    expect(shown.caret).toBe(' '.repeat(16) + '^');
    await new Promise((r) => setTimeout(r, 500));
    const after = await labState(page);
    expect(after.spec).toEqual(before.spec);
    expect(after.counts).toEqual(before.counts);
    expect(Buffer.compare(await page.screenshot({ clip: box, type: 'png' }), shotBefore)).toBe(0);
    await screenshot(page, '7-invalid-expression');

    // A bad number in another panel: the message beside that panel, the map unchanged.
    await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-optimizer-panel')!;
      const lr = panel.shadowRoot!.getElementById('lr') as HTMLInputElement;
      lr.value = '-0.5';
      lr.dispatchEvent(new Event('change'));
    });
    const optError = await page.evaluate(
      () =>
        document
          .querySelector('gd-lab')!
          .shadowRoot!.querySelector('gd-optimizer-panel')!
          .shadowRoot!.getElementById('lr-error')?.textContent ?? null,
    );
    expect(optError).toContain('rate h: must be positive');
    const still = await labState(page);
    expect(still.spec).toEqual(before.spec);
    expect(still.counts).toEqual(before.counts);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a hostile link says what is wrong and the lab keeps working', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(page, shared.gpuUrl + hashFor({ lr: -1, size: [32, 32] }));
    const s = await labState(page);
    expect(s.errors.link).toContain('lr: must be positive');
    expect(s.spec).toEqual(defaultSpec());
    expect(s.counts).not.toBeNull();
    await screenshot(page, '8-hostile-link');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the ensemble views and the gallery inside the lab', () => {
  it('switches to the bifurcation diagram and opens a gallery entry', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const patch = {
      objective: { expr: '(x^2-1)^2/4', preset: 'double-well', params: {} },
      x0: [0.5],
      lr: 1,
      plane: { u: { quantity: 'lr', min: 0.5, max: 2.2 }, v: { quantity: 'x', min: -2, max: 2 } },
      size: [120, 80],
      iterations: 300,
      transient: 200,
      ensemble: { samples: 8, box: null, keep: 64, observable: 'x', bins: 80, range: null },
    };
    await openLab(page, shared.gpuUrl + hashFor(patch));
    const lab = 'document.querySelector("gd-lab").shadowRoot';
    await page.evaluate(
      `(() => { const k = ${lab}.getElementById('kind'); k.value = 'bifurcation'; k.dispatchEvent(new Event('change')); })()`,
    );
    await page.waitForFunction(`!!${lab}.querySelector('gd-bifurcation-view')?.ready`, { timeout: 60_000 });
    const s = await labState(page);
    expect(s.spec.kind).toBe('bifurcation');
    expect(s.hash).toBe(page.url().slice(page.url().indexOf('#')));
    expect(s.spec.plane.u).toEqual(patch.plane.u);
    // Its columns: the double well converges below h = 1 and doubles its period after it.
    const periods = await page.evaluate(`(() => {
      const r = ${lab}.querySelector('gd-bifurcation-view').result;
      return Array.from(r.plan.values, (h, c) => [h, r.stats.period[c]]);
    })()`);
    const at = (h: number) => (periods as [number, number | null][]).find(([v]) => v > h)![1];
    expect(at(0.8)).toBe(1);
    expect(at(1.1)).toBe(2);
    await screenshot(page, '10-bifurcation');

    // A gallery entry replaces the spec and the URL with the entry's.
    await page.evaluate(`(() => {
      const g = ${lab}.querySelector('gd-gallery-panel');
      [...g.shadowRoot.querySelectorAll('button')].find((b) => b.textContent.includes('Gibbs')).click();
    })()`);
    await page.waitForFunction(
      `${lab}.querySelector('gd-bifurcation-view')?.ready && document.querySelector('gd-lab').spec.kind === 'density'`,
      { timeout: 90_000 },
    );
    const g = await labState(page);
    expect(g.spec.objective.preset).toBe('multiscale');
    expect(g.hash).not.toBe(s.hash);
    await screenshot(page, '11-gallery-density');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a lost GPU device', () => {
  it('is recovered: the lab draws the map again (here SwiftShader loses it on the first WebGPU-canvas present)', async () => {
    // A browser of its own: the loss takes Chrome's GPU process down with it.
    await withOwnBrowser(true, async (page, errors) => {
      const patch = { size: [48, 48], iterations: 200, transient: 100 };
      // No ?display=readback: the lab presents into a WebGPU canvas first.
      await openLab(page, shared.url + '?engine=gpu' + hashFor(patch));
      await new Promise((r) => setTimeout(r, 1500));
      await waitForMap(page);
      const s = await labState(page);
      const display = await page.evaluate(() => document.querySelector('gd-lab')!.backend!.display);
      expect(s.kind).toBe('gpu');
      if (display === 'readback')
        expect(s.note).toMatch(/device was lost while drawing into the WebGPU canvas/);
      else expect(s.note).toBeNull();
      console.log(
        `WebGPU canvas: ${display === 'readback' ? 'device lost on present, recovered' : 'presented'}`,
      );
      // The recovered lab computes what `gdlab basin` computes, and draws it.
      expect(s.counts).toEqual(await cliCounts(parseSpec(patch)));
      expect(await mapColours(page)).toBeGreaterThan(3);
      await screenshot(page, '8b-device-recovered');
      expect(errors).toEqual([]);
    });
  });
});

describe('the lab without WebGPU', () => {
  it('falls back to the CPU engine on Web Workers, says so, and renders', async () => {
    await withOwnBrowser(false, async (page, errors) => {
      const spec: Partial<ExperimentSpec> = { size: [64, 64], iterations: 200, transient: 100 };
      await openLab(page, shared.url + hashFor(spec));
      const s = await labState(page);
      expect(s.kind).toBe('cpu');
      expect(s.note).toMatch(/no GPU adapter|no WebGPU/);
      expect(s.note).toMatch(/float64 CPU engine on \d+ Web Workers? instead/);
      const ref = await new CpuBasinEngine(compileObjective).runBasin(parseSpec(spec));
      expect(s.counts).toEqual(countOutcomes(ref.columns));
      const legend = await legendCounts(page);
      expect(legend.converged).toBe(s.counts!.converged);
      await screenshot(page, '9-cpu-fallback');

      // Gallery entries open at CPU_GALLERY_SIDE (128) on the CPU engine, and say so.
      const note = await page.evaluate(
        () =>
          document
            .querySelector('gd-lab')!
            .shadowRoot!.querySelector('gd-gallery-panel')!
            .shadowRoot!.getElementById('gallery-note')?.textContent ?? null,
      );
      expect(note).toContain('128 pixels');
      await page.evaluate(() => {
        const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-gallery-panel')!;
        (panel.shadowRoot!.querySelector('button.entry[data-entry="regimes"]') as HTMLElement).click();
      });
      await waitForMap(page, 120_000);
      const g = await page.evaluate(() => {
        const lab = document.querySelector('gd-lab')!;
        const entry = lab.shadowRoot!.querySelector('gd-gallery-entry')!;
        return {
          size: lab.spec.size,
          frame: lab.frame!.spec.size,
          kind: lab.frame!.info.kind,
          total: lab.frame!.counts.diverged + lab.frame!.counts.converged,
          note: entry.shadowRoot!.getElementById('entry-note')?.textContent ?? '',
        };
      });
      expect(g.size).toEqual([128, 128]);
      expect(g.frame).toEqual([128, 128]);
      expect(g.kind).toBe('cpu');
      expect(g.note).toContain('128×128 instead of the saved 256×256 because the lab runs on the CPU engine');
      expect(g.total).toBeGreaterThan(0.9 * 128 * 128);
      await screenshot(page, '9b-cpu-gallery');
      expect(errors).toEqual([]);
    });
  });
});
