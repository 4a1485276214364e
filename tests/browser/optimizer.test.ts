/**
 * The optimizer in the lab (production build, headless Chromium): a link to heavy ball over (h, β)
 * opens with the panel showing momentum and its β, the map's counts are the float64 engine's,
 * choosing Adam shows β₁, β₂, ε and bias correction, a β outside [0, 1) is refused beside its field
 * with the map kept, and GD (which has no β) moves the plane off β and says so.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { countOutcomes } from '../../src/core/records.ts';
import { parseSpec } from '../../src/experiment/spec.ts';
import { compileObjective } from '../../src/objective/compile.ts';
import { runGrid } from '../../src/reference/grid.ts';
import { hashFor, screenshot, sharedBrowser, waitForMap, watchErrors } from './harness.ts';

const shared = sharedBrowser();

const patch = {
  objective: { expr: 'x^2/2', preset: 'quadratic', params: {} },
  optimizer: { kind: 'momentum', beta: 0.5 },
  lr: 1,
  x0: [0.5],
  plane: { u: { quantity: 'lr', min: 0.1, max: 4.4 }, v: { quantity: 'beta', min: 0, max: 0.98 } },
  size: [48, 24],
  iterations: 600,
  transient: 300,
};

/** The optimizer panel's fields: which exist, and their values. */
async function panel(page: Page) {
  return page.evaluate(() => {
    const root = document
      .querySelector('gd-lab')!
      .shadowRoot!.querySelector('gd-optimizer-panel')!.shadowRoot!;
    const value = (id: string) => (root.getElementById(id) as HTMLInputElement | null)?.value ?? null;
    return {
      kind: value('optimizer-kind'),
      rule: root.getElementById('optimizer-rule')?.textContent ?? null,
      beta: value('beta'),
      beta2: value('beta2'),
      eps: value('eps'),
      bias: (root.getElementById('bias-correction') as HTMLInputElement | null)?.checked ?? null,
      betaError: root.getElementById('beta-error')?.textContent ?? null,
    };
  });
}

async function setField(page: Page, id: string, value: string) {
  await page.evaluate(
    (id, value) => {
      const root = document
        .querySelector('gd-lab')!
        .shadowRoot!.querySelector('gd-optimizer-panel')!.shadowRoot!;
      const el = root.getElementById(id) as HTMLInputElement | HTMLSelectElement;
      el.value = value;
      el.dispatchEvent(new Event('change'));
    },
    id,
    value,
  );
}

describe('the optimizer in the lab', () => {
  it('opens heavy ball over (h, β), switches to Adam and back to GD, refuses β = 1.5', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.setViewport({ width: 1280, height: 860 });
    await page.goto(`${shared.url}?engine=cpu${hashFor(patch)}`);
    await waitForMap(page);
    const spec = parseSpec(patch);
    const ref = countOutcomes(runGrid(spec, compileObjective({ expr: 'x^2/2', params: {} })).columns);
    const counts = await page.evaluate(() => document.querySelector('gd-lab')!.frame!.counts);
    expect(counts).toEqual(ref);
    expect(ref.diverged).toBeGreaterThan(0);
    expect(ref.converged).toBeGreaterThan(0);
    expect(await panel(page)).toMatchObject({
      kind: 'momentum',
      beta: '0.5',
      beta2: null,
      eps: null,
      bias: null,
    });
    expect((await panel(page)).rule).toContain('v ← βv + g');
    await screenshot(page, 'optimizer-1-heavy-ball');

    await setField(page, 'optimizer-kind', 'adam');
    await waitForMap(page);
    expect(await panel(page)).toMatchObject({
      kind: 'adam',
      beta: '0.5',
      beta2: '0.999',
      eps: '1e-8',
      bias: true,
    });
    const adam = await page.evaluate(() => document.querySelector('gd-lab')!.spec);
    expect(adam.optimizer.kind).toBe('adam');
    expect(adam.plane.v.quantity).toBe('beta');

    await setField(page, 'beta', '1.5');
    expect((await panel(page)).betaError).toContain('β: must be in [0, 1)');
    expect(await page.evaluate(() => document.querySelector('gd-lab')!.spec)).toEqual(adam);

    await setField(page, 'optimizer-kind', 'gd');
    await waitForMap(page);
    const gd = await page.evaluate(() => ({
      spec: document.querySelector('gd-lab')!.spec,
      hash: location.hash,
      text: document.querySelector('gd-lab')!.shadowRoot!.textContent ?? '',
    }));
    expect(gd.spec.optimizer.kind).toBe('gd');
    expect(gd.spec.plane.v.quantity).not.toBe('beta');
    expect(await panel(page)).toMatchObject({ kind: 'gd', beta: null });
    // The link holds the optimizer like every field.
    expect(Buffer.from(gd.hash.replace('#s=', ''), 'base64url').toString()).toContain('"optimizer"');
    await screenshot(page, 'optimizer-2-gd');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('one rate per coordinate: each row has its input in the column of the other fields', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const objective = { expr: 'x^2/2 + 4*y^2/2', preset: null, params: {} };
    await page.goto(
      `${shared.url}?engine=cpu${hashFor({ objective, lrPerCoord: [0.5, 0.25], size: [8, 8], iterations: 20, transient: 10 })}`,
    );
    await waitForMap(page);
    const rows = await page.evaluate(() => {
      const root = document
        .querySelector('gd-lab')!
        .shadowRoot!.querySelector('gd-optimizer-panel')!.shadowRoot!;
      const box = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, width: r.width, mid: r.top + r.height / 2 };
      };
      return {
        lr: box(root.getElementById('lr')!),
        x0: box(root.getElementById('x0')!),
        rates: [...root.querySelectorAll('input[id^="rate-"]')].map((el) => ({
          input: box(el),
          sub: box(el.closest('label')!.querySelector('sub')!),
          value: (el as HTMLInputElement).value,
        })),
      };
    });
    expect(rows.rates.map((r) => r.value)).toEqual(['0.5', '0.25']);
    expect(rows.x0.left).toBe(rows.lr.left);
    for (const r of rows.rates) {
      // The same x offset and width as the rate h above and the start below.
      expect(r.input.left).toBe(rows.lr.left);
      expect(r.input.width).toBe(rows.lr.width);
      // Its name h_x on the same row, left of the input (not a row above it).
      expect(Math.abs(r.sub.mid - r.input.mid)).toBeLessThan(8);
      expect(r.sub.left).toBeLessThan(rows.lr.left);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
