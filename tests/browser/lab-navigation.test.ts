/**
 * Finding one's way on the lab's map in headless Chromium (setup as in lab.test.ts): wheel zoom, drag,
 * box zoom, the hover readout, back and forward, the URL, and the inspector a click opens.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import {
  hashFor,
  labState,
  openLab,
  plotBox,
  screenshot,
  sharedBrowser,
  waitForInspector,
  waitForMap,
  watchErrors,
  inspectorText,
} from './harness.ts';

const shared = sharedBrowser();

/** A map readout that shows a pixel's record: its start and its outcome. */
const OUTCOMES = /x = -?[0-9.]+ +y = -?[0-9.]+ +(converged|diverged|escaping|period \d+|chaotic|not settled)/;

/** The map's readout: its text, whether it is the hint, and the pixel it names. */
async function mapReadout(page: Page) {
  return page.evaluate(() => {
    const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
    const el = map.shadowRoot!.querySelector('.readout') as HTMLElement;
    return {
      text: el.textContent!,
      hint: el.classList.contains('hint'),
      i: el.dataset.i ?? null,
      j: el.dataset.j ?? null,
    };
  });
}

/** Waits until the map's readout shows a pixel's record (read back from the GPU), not the hint. */
async function waitForRecord(page: Page): Promise<void> {
  await page.waitForFunction(
    (re) => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      return new RegExp(re).test(map.shadowRoot!.querySelector('.readout')!.textContent!);
    },
    { timeout: 10_000 },
    OUTCOMES.source,
  );
}

/**
 * Waits for the view a gesture asked for: the URL to change from `hash`, then the map of the new spec.
 * (waitForMap alone may return before a drag's or a wheel's view reaches the lab's spec.)
 */
async function waitForNewMap(page: Page, hash: string): Promise<void> {
  await page.waitForFunction((h) => location.hash !== h, { timeout: 30_000, polling: 50 }, hash);
  await waitForMap(page);
}

describe('the lab on SwiftShader WebGPU', () => {
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
    await waitForRecord(page);
    const { readout, i } = await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      const el = map.shadowRoot!.querySelector('.readout') as HTMLElement;
      return { readout: el.textContent!, i: Number(el.dataset.i) };
    });
    const uMid = (b.u.min + b.u.max) / 2;
    expect(readout).toMatch(OUTCOMES);
    // The x of the pixel under the pointer, whose record the readout shows: its centre, not the pointer.
    const x = Number(/x = (-?[0-9.e+-]+)/.exec(readout)![1]);
    expect(x).toBeCloseTo(b.u.min + ((i + 0.5) * (b.u.max - b.u.min)) / 96, 5);
    expect(Math.abs(x - uMid)).toBeLessThanOrEqual((b.u.max - b.u.min) / 96);
    expect(readout).toMatch(/\(GPU f32\)$/);
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
    const title = await inspectorText(page, 'inspector-title');
    const m = /^trajectory of pixel \((\d+), (\d+)\): h = 1\.05 from x₀ = \((-?[0-9.]+), (-?[0-9.]+)\)$/.exec(
      title,
    );
    expect(m, title).not.toBeNull();
    expect(m!.slice(1, 3).map(Number)).toEqual([i, j]);
    expect(Number(m![3])).toBeCloseTo(u, 5);
    expect(Number(m![4])).toBeCloseTo(v, 5);
    // Its float64 class over the spec's 300 steps: mf-scalar at h = 1.05 from that start (the record
    // the CPU engine gives the pixel, so the words are those of outcomeWords).
    const cls = await inspectorText(page, 'float64-class');
    const { inspectPixel } = await import('../../src/ui/trajectory-inspector/inspect.ts');
    const { recordWords } = await import('../../src/ui/trajectory-inspector/trajectory-inspector.ts');
    expect(cls).toBe(recordWords(inspectPixel(s, i, j, 0).record!));
    expect(cls).toMatch(/^float64: (converged|period \d+|diverged at k = \d+|chaotic|escaping|not settled)/);
    // mf-scalar's minima have λmax = x² + y² ≥ 2, so at h = 1.05 GD overshoots beside its flows, and
    // the note saying the flows do not follow it sits right under their chart.
    const over = await inspectorText(page, 'flow-overshoot');
    expect(over).toBe(inspectPixel(s, i, j, 0).overshoot);
    expect(over).toMatch(
      /^h·λmax\(∇²f\) = [0-9.]+ > 1 first at step \d+.*: GD overshoots there, .* drawn for comparison only/,
    );
    const below = await page.evaluate(
      () =>
        document
          .querySelector('gd-lab')!
          .shadowRoot!.querySelector('gd-trajectory-inspector')!
          .shadowRoot!.getElementById('flow-overshoot')!.previousElementSibling!.id,
    );
    expect(below).toBe('chart-states');
    // Under the inspector's cap: no cap to state.
    expect(await inspectorText(page, 'inspector-steps')).toBe('300 steps, float64');
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

  it('the inspector says it shows the first 2000 of a 5000-step spec', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // h = 2 on x²/2 + y²/2 flips x to -x each step: bounded, never escaping, so every step is shown.
    const objective = { expr: 'x^2/2 + y^2/2', preset: null, params: {} };
    await openLab(
      page,
      shared.gpuUrl + hashFor({ objective, size: [16, 16], lr: 2, iterations: 5000, transient: 1000 }),
    );
    const box = await plotBox(page, 'gd-basin-map');
    await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.4);
    await waitForInspector(page);
    const n = await page.evaluate(
      () =>
        document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!.charts[0]
          .data[0].length,
    );
    expect(n).toBe(2001);
    expect(await inspectorText(page, 'inspector-steps')).toBe('first 2000 of 5000 steps shown, float64');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reset view returns to the view the default experiment opened with', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(page, shared.gpuUrl);
    const opened = (await labState(page)).spec;
    const box = await plotBox(page, 'gd-basin-map');
    const hash = await page.evaluate(() => location.hash);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel({ deltaY: -300 });
    await waitForNewMap(page, hash);
    expect((await labState(page)).spec.plane).not.toEqual(opened.plane);
    const zoomed = await page.evaluate(() => location.hash);
    await page.evaluate(() =>
      (document.querySelector('gd-lab')!.shadowRoot!.getElementById('reset') as HTMLElement).click(),
    );
    await waitForNewMap(page, zoomed);
    // It went to the preset's wider view, [-3, 3]², not the [-2.5, 2.5]² the page opened on.
    expect((await labState(page)).spec.plane).toEqual(opened.plane);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws f on a log scale labelled by decades, from f = 1e-80 to a diverging orbit', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const objective = { expr: 'x^2/2 + y^2/2', preset: null, params: {} };
    for (const lr of [0.9, 2.5]) {
      // h = 0.9: f_k = f_0·0.01^k reaches 1e-80 (uPlot's own log scale failed below 1e-32); h = 2.5:
      // f grows 2.25× a step up to the radius.
      await openLab(
        page,
        shared.gpuUrl + hashFor({ objective, size: [32, 32], lr, iterations: 40, transient: 20 }),
      );
      const box = await plotBox(page, 'gd-basin-map');
      await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.3);
      await waitForInspector(page);
      const f = await page.evaluate(() => {
        const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!;
        const u = el.charts[1] as unknown as {
          data: (number | null)[][];
          root: HTMLElement;
          axes: { _values?: string[] }[];
        };
        return {
          title: u.root.querySelector('.u-title')!.textContent,
          f: [...el.data!.f],
          y: u.data[1],
          labels: u.axes[1]._values ?? [],
        };
      });
      expect(f.title).toBe('f(x_k), log scale');
      expect(f.y.length).toBe(f.f.length);
      f.f.forEach((v, k) => expect(f.y[k], `k = ${k}`).toBeCloseTo(Math.log10(v), 9));
      const decades = Math.log10(Math.max(...f.f)) - Math.log10(Math.min(...f.f));
      expect(decades).toBeGreaterThan(lr < 1 ? 75 : 10);
      expect(f.labels.length).toBeGreaterThanOrEqual(3);
      for (const label of f.labels) expect(label).toMatch(/^(1e-?\d+|1|10|100|0\.1|0\.01)$/);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a full-page screenshot puts a resting pointer back, and the readout with it', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(page, shared.gpuUrl + hashFor({ size: [48, 48], iterations: 100, transient: 50 }));
    const box = await plotBox(page, 'gd-basin-map');
    // Off whole pixels: put back rounded (as a mousemove reports it), the pointer could rest over
    // the neighbouring cell.
    const x = Math.round(box.x + box.width * 0.37) + 0.25;
    const y = Math.round(box.y + box.height * 0.61) + 0.5;
    await page.mouse.move(x, y);
    await waitForRecord(page);
    const hovered = await mapReadout(page);
    expect(hovered.hint).toBe(false);
    // What the capture's 1 × 1 moment does on a loaded machine (harness.ts), here every time: the
    // plot gets a pointerleave and no pointer event follows. The moves the page sees are logged.
    await page.evaluate(() => {
      const w = window as unknown as { moves: [number, number][] };
      w.moves = [];
      window.addEventListener('pointermove', (e) => w.moves.push([e.clientX, e.clientY]), true);
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      map.shadowRoot!.querySelector('.plot')!.dispatchEvent(new PointerEvent('pointerleave'));
    });
    await page.waitForFunction(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      return map.shadowRoot!.querySelector('.readout')!.classList.contains('hint');
    });
    await screenshot(page, 'nav-6-pointer-restored');
    const moves = await page.evaluate(() => (window as unknown as { moves: [number, number][] }).moves);
    expect(moves).toContainEqual([x, y]);
    // The same pixel's record again, read back from the GPU once more.
    await page.waitForFunction(
      (text) => {
        const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
        return map.shadowRoot!.querySelector('.readout')!.textContent === text;
      },
      { timeout: 10_000 },
      hovered.text,
    );
    expect(await mapReadout(page)).toEqual(hovered);
    expect(errors).toEqual([]);
    await page.close();
  });
});
