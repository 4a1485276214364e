/**
 * The lab's forms (production build, headless Chromium): a box shows the value of the spec on
 * screen once the lab has answered its edit: after "Keep the current picture", and after a refused
 * edit is replaced by a good one; a refused value stays in its box beside its message, which is
 * shown once, under the field the user edited.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { COUPLED } from './attractor-spec.ts';
import { DOUBLE_WELL } from './bifurcation-harness.ts';
import { hashFor, sharedBrowser, waitForMap, watchErrors } from './harness.ts';
import { ratesSpec } from './rates-spec.ts';

const shared = sharedBrowser();

type PanelTag =
  'gd-objective-panel' | 'gd-plane-panel' | 'gd-optimizer-panel' | 'gd-ensemble-panel' | 'gd-attractor-panel';

/** Types `value` into the box `id` of a panel and commits it, as Enter or leaving the box does. */
async function setBox(page: Page, panel: PanelTag, id: string, value: string): Promise<void> {
  await page.evaluate(
    (panel, id, value) => {
      const root = document.querySelector('gd-lab')!.shadowRoot!.querySelector(panel)!.shadowRoot!;
      const box = root.getElementById(id) as HTMLInputElement;
      box.value = value;
      box.dispatchEvent(new Event('change'));
    },
    panel,
    id,
    value,
  );
}

/** What the boxes show and the error lines a panel has, once the lab and the panel have redrawn. */
async function panelState(page: Page, panel: PanelTag, ids: string[]) {
  return page.evaluate(
    async (panel, ids) => {
      const lab = document.querySelector('gd-lab')!;
      await lab.updateComplete;
      const el = lab.shadowRoot!.querySelector(panel)!;
      await el.updateComplete;
      const root = el.shadowRoot!;
      return {
        boxes: Object.fromEntries(ids.map((id) => [id, (root.getElementById(id) as HTMLInputElement).value])),
        errorLines: [...root.querySelectorAll('.error')].map((e) => ({ id: e.id, text: e.textContent })),
        size: lab.spec.size,
        pending: lab.pending?.seconds ?? null,
      };
    },
    panel,
    ids,
  );
}

describe('the boxes of the side panels', () => {
  it('after "Keep the current picture" the grid box shows the grid of the picture again', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor({ size: [32, 32], iterations: 200, transient: 100 }));
    await waitForMap(page);
    const speed = await page.evaluate(() => {
      const l = document.querySelector('gd-lab')!;
      return l.runs.speed(l.backend, l.spec)!;
    });
    // A width for about ten minutes at the speed just measured: the lab asks before running it.
    const width = Math.min(16384, Math.ceil((600 * speed) / (32 * 200)));
    await setBox(page, 'gd-plane-panel', 'width', String(width));
    const asked = await panelState(page, 'gd-plane-panel', ['width', 'height']);
    expect(asked.pending).toBeGreaterThan(60);
    expect(asked.boxes).toEqual({ width: String(width), height: '32' });
    expect(asked.size).toEqual([32, 32]);

    await page.evaluate(() =>
      (document.querySelector('gd-lab')!.shadowRoot!.getElementById('confirm-skip') as HTMLElement).click(),
    );
    const kept = await panelState(page, 'gd-plane-panel', ['width', 'height']);
    expect(kept.pending).toBeNull();
    expect(kept.size).toEqual([32, 32]);
    expect(kept.boxes).toEqual({ width: '32', height: '32' });
    expect(kept.errorLines).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a refused size stays beside its message until a good edit replaces it', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor({ size: [32, 32], iterations: 200, transient: 100 }));
    await waitForMap(page);
    await setBox(page, 'gd-plane-panel', 'width', '20000');
    const refused = await panelState(page, 'gd-plane-panel', ['width', 'height']);
    expect(refused.size).toEqual([32, 32]);
    expect(refused.boxes).toEqual({ width: '20000', height: '32' });
    expect(refused.errorLines).toEqual([{ id: 'size-error', text: 'grid: must be at most 16384' }]);

    await setBox(page, 'gd-plane-panel', 'height', '40');
    const replaced = await panelState(page, 'gd-plane-panel', ['width', 'height']);
    expect(replaced.size).toEqual([32, 40]);
    expect(replaced.boxes).toEqual({ width: '32', height: '40' });
    expect(replaced.errorLines).toEqual([]);
    await waitForMap(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a refused iteration count is said once, under iterations, whatever other field it breaks', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor({ size: [32, 32], iterations: 200, transient: 100 }));
    await waitForMap(page);
    const boxes = ['iterations', 'transient', 'max-period'];
    // Not a count at all: transient and max period are not compared with it.
    await setBox(page, 'gd-optimizer-panel', 'iterations', '0');
    const zero = await panelState(page, 'gd-optimizer-panel', boxes);
    expect(zero.errorLines).toEqual([{ id: 'iterations-error', text: 'iterations: must be at least 1' }]);
    expect(zero.boxes).toEqual({ iterations: '0', transient: '100', 'max-period': '16' });
    // A count below transient and max period: both follow from this edit, so both are said here.
    await setBox(page, 'gd-optimizer-panel', 'iterations', '10');
    const low = await panelState(page, 'gd-optimizer-panel', boxes);
    expect(low.errorLines).toEqual([
      {
        id: 'iterations-error',
        text: 'transient: must be less than iterations\nmax period: must be less than iterations',
      },
    ]);
    expect(low.boxes).toEqual({ iterations: '10', transient: '100', 'max-period': '16' });
    // The same relation broken from the other side is said under transient.
    await setBox(page, 'gd-optimizer-panel', 'transient', '300');
    const high = await panelState(page, 'gd-optimizer-panel', boxes);
    expect(high.errorLines).toEqual([
      { id: 'transient-error', text: 'transient: must be less than iterations' },
    ]);
    expect(high.boxes).toEqual({ iterations: '200', transient: '300', 'max-period': '16' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("text that is not a number gets one message in the lab's words, and stays in its box", async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor({ size: [32, 32], iterations: 200, transient: 100 }));
    await waitForMap(page);
    // Typed as a user types it: the box reads as empty (NaN for the lab), its text is what was typed.
    const box = await page.evaluateHandle(
      () =>
        document
          .querySelector('gd-lab')!
          .shadowRoot!.querySelector('gd-optimizer-panel')!
          .shadowRoot!.getElementById('iterations') as HTMLInputElement,
    );
    await box.click({ count: 3 });
    await page.keyboard.type('--5');
    await page.keyboard.press('Tab');
    const typed = await panelState(page, 'gd-optimizer-panel', ['iterations']);
    expect(typed.errorLines).toEqual([{ id: 'iterations-error', text: 'iterations: must be a number' }]);
    expect(await box.evaluate((b) => b.validity.badInput)).toBe(true);
    expect(await page.evaluate(() => document.querySelector('gd-lab')!.spec.iterations)).toBe(200);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("an emptied parameter box is refused under the parameter, not set to 0, and shows the spec's value again", async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const objective = { expr: '(a - x*y)^2/2 + b*x', preset: null, params: { a: 1, b: 0 } };
    await page.goto(shared.gpuUrl + hashFor({ objective, size: [32, 32], iterations: 200, transient: 100 }));
    await waitForMap(page);
    const panel = 'gd-objective-panel';
    const params = () => page.evaluate(() => document.querySelector('gd-lab')!.spec.objective.params);
    // b = 0: its slider reaches either side of 0, not only up to 0.001.
    const slider = await page.evaluate(() => {
      const root = document
        .querySelector('gd-lab')!
        .shadowRoot!.querySelector('gd-objective-panel')!.shadowRoot!;
      const range = root.querySelector('input[aria-label="b: slider"]') as HTMLInputElement;
      return [range.min, range.max];
    });
    expect(slider).toEqual(['-1', '1']);

    const empty = await refuseThenReplace(page, panel, ['param-a', ''], ['param-b', '0.5']);
    expect(empty.refused.errorLines).toEqual([{ id: 'param-a-error', text: 'a: must be a number' }]);
    expect(empty.refused.boxes).toEqual({ 'param-a': '', 'param-b': '0' });
    expect(empty.replaced.errorLines).toEqual([]);
    expect(empty.replaced.boxes).toEqual({ 'param-a': '1', 'param-b': '0.5' });
    expect(await params()).toEqual({ a: 1, b: 0.5 });

    // Junk typed as a user types it (the box reads as empty), then the value it had typed back.
    const box = await page.evaluateHandle(
      () =>
        document
          .querySelector('gd-lab')!
          .shadowRoot!.querySelector('gd-objective-panel')!
          .shadowRoot!.getElementById('param-a') as HTMLInputElement,
    );
    await box.click({ count: 3 });
    await page.keyboard.type('--5');
    await page.keyboard.press('Tab');
    const junk = await panelState(page, panel, ['param-a']);
    expect(junk.errorLines).toEqual([{ id: 'param-a-error', text: 'a: must be a number' }]);
    expect(await box.evaluate((b) => b.validity.badInput)).toBe(true);
    expect(await params()).toEqual({ a: 1, b: 0.5 });
    await setBox(page, panel, 'param-a', '1');
    const reverted = await panelState(page, panel, ['param-a']);
    expect(reverted.errorLines).toEqual([]);
    expect(reverted.boxes).toEqual({ 'param-a': '1' });
    expect(await params()).toEqual({ a: 1, b: 0.5 });
    await waitForMap(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the plane panel writes one coordinate’s rate h<sub>x</sub>, as the optimizer panel does', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // x²/2 + y²/2 over its two rates per coordinate, as the quadratic-2d preset opens.
    await page.goto(shared.gpuUrl + hashFor(ratesSpec([16, 16])));
    await waitForMap(page);
    const labels = await page.evaluate(() => {
      const lab = document.querySelector('gd-lab')!.shadowRoot!;
      const panel = (tag: string) => lab.querySelector(tag)!.shadowRoot!;
      // Lit's comment markers aside, the label's own markup and text.
      const markup = (el: Element) =>
        el.innerHTML
          .replace(/<!--[^>]*-->/g, '')
          .replace(/\s+/g, ' ')
          .trim();
      const plane = panel('gd-plane-panel');
      const range = (id: string) => plane.getElementById(id)!.closest('label')!;
      const rate = (k: number) =>
        panel('gd-optimizer-panel').getElementById(`rate-${k}`)!.closest('label')!.querySelector('span')!;
      return {
        planeText: ['u-min', 'v-min'].map((id) => range(id).textContent!.replace(/\s+/g, ' ').trim()),
        planeSub: ['u-min', 'v-min'].map((id) => range(id).querySelector(':scope > sub')?.textContent),
        optimizer: [0, 1].map((k) => markup(rate(k))),
        options: [...plane.querySelectorAll('#q-u option')].map((o) => o.textContent!.trim()),
        aria: plane.getElementById('u-min')!.getAttribute('aria-label'),
      };
    });
    expect(labels.optimizer).toEqual(['h<sub>x</sub>', 'h<sub>y</sub>']);
    expect(labels.planeSub).toEqual(['x', 'y']);
    expect(labels.planeText).toEqual(['range of hx', 'range of hy']);
    expect(labels.options).toEqual([
      'x (start)',
      'y (start)',
      'h (learning rate)',
      'rate of x only',
      'rate of y only',
    ]);
    expect(labels.aria).toBe('horizontal axis: lowest rate of x');
    expect([...labels.options, ...labels.planeText, labels.aria ?? ''].some((t) => t.includes('_'))).toBe(
      false,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the objective panel’s note on an adapted plane writes a rate h<sub>x</sub>, not "h_x"', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(ratesSpec([16, 16])));
    await waitForMap(page);
    // x alone: the plane's rate of y has no coordinate left, and x takes its place.
    await page.evaluate(() => {
      const root = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-objective-panel')!;
      const box = root.shadowRoot!.getElementById('expr') as HTMLTextAreaElement;
      box.value = 'x^2/2';
      box.dispatchEvent(new Event('input'));
    });
    await page.waitForFunction(() => document.querySelector('gd-lab')!.spec.objective.expr === 'x^2/2', {
      timeout: 10_000,
    });
    const note = await page.evaluate(async () => {
      const lab = document.querySelector('gd-lab')!;
      await lab.updateComplete;
      const panel = lab.shadowRoot!.querySelector('gd-objective-panel')!;
      await panel.updateComplete;
      const el = panel.shadowRoot!.getElementById('adapt-note')!;
      return { markup: el.innerHTML.replace(/<!--[^>]*-->/g, ''), plane: lab.spec.plane };
    });
    expect([note.plane.u.quantity, note.plane.v.quantity]).toEqual(['lr.x', 'x']);
    expect(note.markup).toBe(
      'The objective has no h<sub>y</sub>: the map now sweeps h<sub>x</sub> across and x up.',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** Sets `id` to a refused value, then a good value elsewhere; what the panel shows after each. */
async function refuseThenReplace(
  page: Page,
  panel: PanelTag,
  refused: [id: string, value: string],
  good: [id: string, value: string],
) {
  const ids = [refused[0], good[0]];
  await setBox(page, panel, ...refused);
  const before = await panelState(page, panel, ids);
  await setBox(page, panel, ...good);
  const after = await panelState(page, panel, ids);
  return { refused: before, replaced: after };
}

describe('the text boxes and the boxes of a list', () => {
  it("the start and each coordinate's rate show the spec's values once a good edit replaces a refused one", async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(
      shared.gpuUrl + hashFor({ size: [32, 32], iterations: 200, transient: 100, lrPerCoord: [0.5, 0.25] }),
    );
    await waitForMap(page);
    const x0 = await refuseThenReplace(page, 'gd-optimizer-panel', ['x0', '1, abc'], ['tol', '0.0002']);
    expect(x0.refused.errorLines).toEqual([{ id: 'x0-error', text: 'start x₀: must be a number' }]);
    expect(x0.refused.boxes).toEqual({ x0: '1, abc', tol: '0.0001' });
    expect(x0.replaced.errorLines).toEqual([]);
    expect(x0.replaced.boxes).toEqual({ x0: '0, 0', tol: '0.0002' });

    const rate = await refuseThenReplace(page, 'gd-optimizer-panel', ['rate-1', '-1'], ['tol', '0.0003']);
    expect(rate.refused.errorLines).toEqual([
      { id: 'per-coord-error', text: 'rate of that coordinate: must be positive' },
    ]);
    expect(rate.refused.boxes).toEqual({ 'rate-1': '-1', tol: '0.0002' });
    expect(rate.replaced.errorLines).toEqual([]);
    expect(rate.replaced.boxes).toEqual({ 'rate-1': '0.25', tol: '0.0003' });
    expect(await page.evaluate(() => document.querySelector('gd-lab')!.spec.lrPerCoord)).toEqual([0.5, 0.25]);
    await waitForMap(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the box's corners and the observable show the spec's values once a good edit replaces a refused one", async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(DOUBLE_WELL));
    const panel = 'gd-ensemble-panel';
    await page.waitForFunction(
      () => !!document.querySelector('gd-lab')?.shadowRoot?.querySelector('gd-ensemble-panel'),
    );
    const lo = await refuseThenReplace(page, panel, ['box-min', 'a'], ['samples', '9']);
    expect(lo.refused.errorLines).toEqual([{ id: 'box-error', text: 'box: must be a number' }]);
    expect(lo.refused.boxes).toEqual({ 'box-min': 'a', samples: '8' });
    expect(lo.replaced.errorLines).toEqual([]);
    expect(lo.replaced.boxes).toEqual({ 'box-min': '0.2', samples: '9' });

    const hi = await refuseThenReplace(page, panel, ['box-max', '1, 2'], ['samples', '10']);
    expect(hi.refused.errorLines).toEqual([
      { id: 'box-error', text: 'box: min and max need one value per coordinate of x0 (1): max has 2' },
    ]);
    expect(hi.replaced.errorLines).toEqual([]);
    expect(hi.replaced.boxes).toEqual({ 'box-max': '1.6', samples: '10' });

    const obs = await refuseThenReplace(page, panel, ['observable', 'x +'], ['samples', '11']);
    expect(obs.refused.errorLines).toEqual([
      { id: 'observable-error', text: 'observable: syntax error: Expected expression after + (column 4)' },
    ]);
    expect(obs.refused.boxes).toEqual({ observable: 'x +', samples: '10' });
    expect(obs.replaced.errorLines).toEqual([]);
    expect(obs.replaced.boxes).toEqual({ observable: 'x', samples: '11' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the attractor's pair shows the spec's quantities once a good edit replaces a refused one", async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(COUPLED));
    const panel = 'gd-attractor-panel';
    await page.waitForFunction(
      () => !!document.querySelector('gd-lab')?.shadowRoot?.querySelector('gd-attractor-panel'),
    );
    const u = await refuseThenReplace(page, panel, ['pair-u', 'y'], ['bins-h', '60']);
    expect(u.refused.errorLines).toEqual([
      { id: 'pair-error', text: 'the two axes must be different quantities' },
    ]);
    expect(u.refused.boxes).toEqual({ 'pair-u': 'y', 'bins-h': '64' });
    expect(u.replaced.errorLines).toEqual([]);
    expect(u.replaced.boxes).toEqual({ 'pair-u': 'x', 'bins-h': '60' });

    const v = await refuseThenReplace(page, panel, ['pair-v', 'x'], ['bins-h', '56']);
    expect(v.refused.errorLines).toEqual([
      { id: 'pair-error', text: 'the two axes must be different quantities' },
    ]);
    expect(v.replaced.errorLines).toEqual([]);
    expect(v.replaced.boxes).toEqual({ 'pair-v': 'y', 'bins-h': '56' });
    expect(errors).toEqual([]);
    await page.close();
  });
});
