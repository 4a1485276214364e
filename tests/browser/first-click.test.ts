/**
 * The first things a researcher tries, walked as a user would in headless Chromium against the
 * production build (SwiftShader WebGPU, `?display=readback`), at 1920×1080: a preset's diagram
 * against h, a typed one-variable objective on the default plane, swapping axes and back, the size
 * of the picture, zoom and inspect with the keyboard alone, and no internal words anywhere on the
 * page. Screenshots go to test-artifacts/.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import {
  hashFor,
  plotBox,
  screenshot,
  sharedBrowser,
  waitForInspector,
  waitForMap,
  watchErrors,
  withOwnBrowser,
} from './harness.ts';

const shared = sharedBrowser();

const lab = 'document.querySelector("gd-lab").shadowRoot';

async function open(page: Page, hash = ''): Promise<void> {
  await page.setViewport({ width: 1920, height: 1080, deviceScaleFactor: 1 });
  await page.goto(shared.gpuUrl + hash);
  await waitForMap(page);
}

/** Sets a control inside a panel (or the lab) and fires its change event, as a user's pick would. */
async function choose(page: Page, panel: string | null, id: string, value: string): Promise<void> {
  await page.evaluate(
    (panel, id, value) => {
      const root = document.querySelector('gd-lab')!.shadowRoot!;
      const scope = panel ? root.querySelector(panel)!.shadowRoot! : root;
      const el = scope.getElementById(id) as HTMLInputElement | HTMLSelectElement;
      el.value = value;
      el.dispatchEvent(new Event(el.tagName === 'TEXTAREA' ? 'input' : 'change'));
    },
    panel,
    id,
    value,
  );
}

/**
 * Every piece of text a user can see or hear on the page: text nodes of rendered elements in every
 * shadow root, option labels, and the titles, labels and placeholders of elements.
 */
async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walk = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        const p = node.parentElement;
        if (p && !['STYLE', 'SCRIPT'].includes(p.tagName)) out.push(node.textContent ?? '');
        return;
      }
      if (node instanceof Element) {
        for (const a of ['title', 'aria-label', 'placeholder', 'alt'])
          if (node.hasAttribute(a)) out.push(node.getAttribute(a)!);
        if (node.shadowRoot) walk(node.shadowRoot);
      }
      for (const c of node.childNodes) walk(c);
    };
    walk(document.body);
    return out.join('\n');
  });
}

/** The error lines on the page, in every shadow root. */
async function errorTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('.error')) if (el.textContent?.trim()) out.push(el.textContent);
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return out;
  });
}

describe('first clicks at 1920×1080', () => {
  it('double well → bifurcation diagram sweeps h and shows the cascade 1, 2, 4, with no error text', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await open(page);
    await choose(page, 'gd-objective-panel', 'preset', 'double-well');
    await waitForMap(page);
    await choose(page, null, 'kind', 'bifurcation');
    await page.waitForFunction(`${lab}.querySelector('gd-bifurcation-view')?.ready`, { timeout: 90_000 });
    const s = await page.evaluate(`(() => {
      const l = document.querySelector('gd-lab');
      const v = l.shadowRoot.querySelector('gd-bifurcation-view');
      const strip = [...v.shadowRoot.querySelectorAll('.strip-number')].map((t) => Number(t.getAttribute('data-period')));
      return { spec: l.spec, periods: v.result.stats.period, values: Array.from(v.result.plan.values), strip };
    })()`);
    const { spec, periods, values, strip } = s as {
      spec: { plane: { u: unknown }; ensemble: { box: unknown; range: unknown } };
      periods: (number | null)[];
      values: number[];
      strip: number[];
    };
    await screenshot(page, 'first-1-double-well-diagram');
    expect(spec.plane.u).toEqual({ quantity: 'lr', min: 0.5, max: 2.2 });
    expect(spec.ensemble.box).toEqual({ min: [-1], max: [1] });
    expect(spec.ensemble.range).toBeNull();
    // The cascade: converged below h = 1, period 2 up to √5 - 1 ≈ 1.236, period 4 up to ≈ 1.288.
    const at = (h: number) => periods[values.findIndex((v) => v > h)];
    expect(at(0.9)).toBe(1);
    expect(at(1.15)).toBe(2);
    expect(at(1.26)).toBe(4);
    for (const p of [1, 2, 4]) expect(strip).toContain(p);
    expect(await errorTexts(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('(x^2-1)^2/4 typed on the default plane draws a map over x and h, and says so', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await open(page);
    await choose(page, 'gd-objective-panel', 'expr', '(x^2-1)^2/4');
    await page.waitForFunction(
      () => document.querySelector('gd-lab')!.spec.objective.expr === '(x^2-1)^2/4',
      { timeout: 10_000 },
    );
    await waitForMap(page);
    const s = await page.evaluate(() => {
      const l = document.querySelector('gd-lab')!;
      const panel = l.shadowRoot!.querySelector('gd-objective-panel')!.shadowRoot!;
      const c = l.frame!.counts;
      return {
        plane: l.spec.plane,
        x0: l.spec.x0,
        note: panel.getElementById('adapt-note')?.textContent ?? null,
        total:
          c.diverged +
          c.escaping +
          c.converged +
          c.chaotic +
          c.unsettled +
          Object.values(c.periodic).reduce((a, b) => a + b, 0),
        periods: Object.keys(c.periodic).map(Number),
      };
    });
    await screenshot(page, 'first-2-typed-double-well');
    expect(s.plane.u.quantity).toBe('x');
    expect(s.plane.v.quantity).toBe('lr');
    expect(s.x0).toEqual([0]);
    expect(s.note).toBe('The objective has no y: the map now sweeps x across and h up.');
    expect(s.total).toBe(256 * 256);
    // The map over h shows the double well's period doubling.
    expect(s.periods).toContain(2);
    expect(await errorTexts(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('x^2 + y^2 typed at the lab’s h = 1.1 diverges everywhere, and the legend says why', async () => {
    // The map was uniformly dark with "diverged 100%" and no word on the rate.
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await open(page);
    await choose(page, 'gd-objective-panel', 'expr', 'x^2 + y^2');
    await page.waitForFunction(() => document.querySelector('gd-lab')!.spec.objective.expr === 'x^2 + y^2', {
      timeout: 10_000,
    });
    await waitForMap(page);
    const s = await page.evaluate(() => {
      const l = document.querySelector('gd-lab')!;
      const legend = l.shadowRoot!.querySelector('gd-map-legend')!.shadowRoot!;
      return {
        diverged: l.frame!.counts.diverged,
        hint: legend.getElementById('divergence-hint')?.textContent,
      };
    });
    expect(s.diverged).toBe(256 * 256);
    expect(s.hint).toBe(
      'Every start diverged at h = 1.1. Near the middle of the plane f has a minimum at (0, 0), where ' +
        'λmax(∇²f) = 2: GD can stay near it only for h < 2/λmax = 1; try a smaller rate, or sweep h (plane: lr).',
    );
    // At h = 0.9 every start converges, and the line goes.
    await choose(page, 'gd-optimizer-panel', 'lr', '0.9');
    await page.waitForFunction(() => document.querySelector('gd-lab')!.spec.lr === 0.9, { timeout: 10_000 });
    await waitForMap(page);
    const after = await page.evaluate(() => {
      const l = document.querySelector('gd-lab')!;
      const legend = l.shadowRoot!.querySelector('gd-map-legend')!.shadowRoot!;
      return { converged: l.frame!.counts.converged, hint: legend.getElementById('divergence-hint') };
    });
    expect(after.converged).toBe(256 * 256);
    expect(after.hint).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('swap axes and back; choosing the other axis’s quantity swaps too; the map fills ≥ 70% of the height', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const patch = {
      objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
      x0: [0.3],
      lr: 1.25,
      plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'lr', min: 0.5, max: 2.2 } },
      size: [96, 96],
      iterations: 300,
      transient: 200,
    };
    await open(page, hashFor(patch));
    const box = await plotBox(page, 'gd-basin-map');
    expect(box.height).toBeGreaterThanOrEqual(0.7 * 1080);
    expect(box.width).toBeCloseTo(box.height, 0);
    const plane = () => page.evaluate(() => document.querySelector('gd-lab')!.spec.plane);
    const counts = () => page.evaluate(() => document.querySelector('gd-lab')!.frame!.counts);
    const before = await counts();
    await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-plane-panel')!;
      (panel.shadowRoot!.getElementById('swap') as HTMLButtonElement).click();
    });
    await waitForMap(page);
    expect(await plane()).toEqual({ u: patch.plane.v, v: patch.plane.u });
    // The same starts and rates, transposed: the same counts.
    expect(await counts()).toEqual(before);
    await screenshot(page, 'first-3-swapped');
    // Choosing x for the horizontal axis (the vertical one's quantity) swaps them back in one edit.
    await choose(page, 'gd-plane-panel', 'q-u', 'x');
    await waitForMap(page);
    expect(await plane()).toEqual(patch.plane);
    expect(await counts()).toEqual(before);
    expect(await errorTexts(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('zooms, pans and inspects with the keyboard alone', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await open(page, hashFor({ size: [64, 64], iterations: 200, transient: 100 }));
    // Tab from the top of the page to the map.
    let found = false;
    for (let k = 0; k < 80 && !found; k++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => {
        const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
        return map.shadowRoot!.activeElement?.classList.contains('plot') ?? false;
      });
    }
    expect(found).toBe(true);
    const label = await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      return map.shadowRoot!.querySelector('.plot')!.getAttribute('aria-label');
    });
    expect(label).toMatch(/^Basin map of f = \(1 - x\*y\)\^2\/2 at h = 1\.1: x from -2\.5 to 2\.5 across/);
    expect(label).toMatch(/% diverged/);
    const u0 = (await page.evaluate(() => document.querySelector('gd-lab')!.spec.plane.u)) as {
      min: number;
      max: number;
    };
    await page.keyboard.press('+');
    await waitForMap(page);
    const u1 = await page.evaluate(() => document.querySelector('gd-lab')!.spec.plane.u);
    expect(u1.max - u1.min).toBeCloseTo((u0.max - u0.min) / 1.25, 9);
    expect((u1.max + u1.min) / 2).toBeCloseTo((u0.max + u0.min) / 2, 9);
    await page.keyboard.press('ArrowRight');
    await waitForMap(page);
    const u2 = await page.evaluate(() => document.querySelector('gd-lab')!.spec.plane.u);
    expect(u2.min - u1.min).toBeCloseTo(0.1 * (u1.max - u1.min), 9);
    await page.keyboard.press('Enter');
    await waitForInspector(page);
    const picked = await page.evaluate(() => {
      const l = document.querySelector('gd-lab')!;
      return { x0: l.inspected!.x0, plane: l.spec.plane };
    });
    // The centre pixel's start: within half a pixel of the view's centre.
    const cu = (picked.plane.u.min + picked.plane.u.max) / 2;
    const cv = (picked.plane.v.min + picked.plane.v.max) / 2;
    expect(Math.abs(picked.x0[0] - cu)).toBeLessThanOrEqual((picked.plane.u.max - picked.plane.u.min) / 64);
    expect(Math.abs(picked.x0[1] - cv)).toBeLessThanOrEqual((picked.plane.v.max - picked.plane.v.min) / 64);
    await screenshot(page, 'first-4-keyboard');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asks before a run estimated over a minute; Escape cancels a run and keeps the picture', async () => {
    // The CPU engine (a browser without WebGPU): slow enough on any machine that an allowed spec takes
    // minutes, which a fast GPU would not.
    await withOwnBrowser(false, async (page, errors) => {
      await page.setViewport({ width: 1920, height: 1080, deviceScaleFactor: 1 });
      await page.goto(shared.url + hashFor({ size: [64, 64], iterations: 200, transient: 100 }));
      await waitForMap(page, 120_000);
      const state = () =>
        page.evaluate(() => {
          const l = document.querySelector('gd-lab')!;
          const root = l.shadowRoot!;
          return {
            spec: l.spec,
            frame: l.frame!.spec,
            speed: l.runs.speed(l.backend, l.spec),
            pending: l.pending?.seconds ?? null,
            confirm: root.getElementById('confirm-text')?.textContent ?? null,
            running: l.progress !== null,
            cancelled: root.getElementById('cancelled')?.textContent ?? null,
          };
        });
      const before = await state();
      expect(before.speed).toBeGreaterThan(0);
      // Iterations for about five minutes at the speed just measured: the lab asks, and changes nothing yet.
      const iterations = Math.min(1_000_000, Math.ceil((300 * before.speed!) / (64 * 64)));
      console.log(
        `CPU engine: ${before.speed!.toExponential(2)} steps/s; asking about ${iterations} iterations`,
      );
      await page.evaluate((n) => {
        const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-optimizer-panel')!;
        const it = panel.shadowRoot!.getElementById('iterations') as HTMLInputElement;
        it.value = String(n);
        it.dispatchEvent(new Event('change'));
      }, iterations);
      const asked = await state();
      expect(asked.pending).toBeGreaterThan(60);
      expect(asked.confirm).toMatch(
        /^This basin map needs [0-9.]+ [kMG] steps: about [0-9]+ (min|h) .*at the last measured [0-9.]+ [kM]? ?steps\/s\.$/,
      );
      expect(asked.spec).toEqual(before.spec);
      await page.evaluate(() =>
        (document.querySelector('gd-lab')!.shadowRoot!.getElementById('confirm-skip') as HTMLElement).click(),
      );
      expect((await state()).pending).toBeNull();
      // Agreed to, the run starts and says what it computes; Escape cancels it and the picture stays.
      await page.evaluate((n) => {
        const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-optimizer-panel')!;
        const it = panel.shadowRoot!.getElementById('iterations') as HTMLInputElement;
        it.value = String(n);
        it.dispatchEvent(new Event('change'));
      }, iterations);
      await page.evaluate(() =>
        (document.querySelector('gd-lab')!.shadowRoot!.getElementById('confirm-run') as HTMLElement).click(),
      );
      await page.waitForFunction(() => document.querySelector('gd-lab')!.progress !== null);
      const status = await page.evaluate(
        () => document.querySelector('gd-lab')!.shadowRoot!.getElementById('status')!.textContent,
      );
      expect(status).toMatch(
        new RegExp(`64×64 starts × ${iterations} iterations on CPU \\(cpu, \\d+ threads?\\), f64`),
      );
      await page.keyboard.press('Escape');
      const after = await state();
      expect(after.running).toBe(false);
      // 64×64 has no coarse preview: the picture on screen is the previous map.
      expect(after.cancelled).toMatch(/cancelled at \d+%: the picture is the previous one/);
      expect(after.spec.iterations).toBe(iterations);
      expect(after.frame.iterations).not.toBe(iterations);
      await screenshot(page, 'first-7-cancelled');
      expect(errors).toEqual([]);
    });
  });

  it('no text on the page says "seed", "NOTES" or "test": panels, gallery, an open entry', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await open(page, hashFor({ size: [48, 48], iterations: 200, transient: 100 }));
    await page.evaluate(() => {
      document.querySelector('gd-lab')!.galleryMaxSide = 32;
      (document.querySelector('gd-lab')!.shadowRoot!.getElementById('gallery-open') as HTMLElement).click();
    });
    const dialog = await page.evaluate(
      () => document.querySelector('gd-lab')!.shadowRoot!.querySelector('dialog')!.open,
    );
    expect(dialog).toBe(true);
    await screenshot(page, 'first-5-gallery-dialog');
    const texts = [await pageText(page)];
    for (const id of ['regimes', 'mf-periodic', 'fractal']) {
      await page.evaluate((id) => {
        const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-gallery-panel')!;
        (panel.shadowRoot!.querySelector(`button.entry[data-entry="${id}"]`) as HTMLElement).click();
      }, id);
      await waitForMap(page);
      texts.push(await pageText(page));
    }
    await screenshot(page, 'first-6-fractal-entry');
    // Every control has a name: a label around it, aria-label, or label[for].
    const unnamed = await page.evaluate(() => {
      const out: string[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('input, select, textarea')) {
          const named =
            el.closest('label') ||
            el.getAttribute('aria-label') ||
            (el.id && root.querySelector(`label[for="${el.id}"]`));
          if (!named) out.push(el.outerHTML.slice(0, 80));
        }
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
      };
      walk(document);
      return out;
    });
    expect(unnamed).toEqual([]);
    const all = texts.join('\n');
    expect(all).toContain('Gallery');
    expect(all).toContain('ratio 0.1 / 0.05');
    for (const word of [/seed/i, /NOTES/, /test/i]) expect(all).not.toMatch(word);
    expect(errors).toEqual([]);
    await page.close();
  });
});
