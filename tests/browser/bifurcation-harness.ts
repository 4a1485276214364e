/**
 * What the bifurcation view's browser tests share: the double-well diagram they open, and helpers that
 * wait for the ensemble view and read what it holds.
 */
import type { Page } from 'puppeteer';

/** Double well (x² - 1)²/4: f'' = 2 at the minimizers ±1, so the first doubling is at h = 1. */
export const DOUBLE_WELL = {
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
export async function waitForEnsemble(page: Page, timeout = 90_000): Promise<void> {
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
export async function viewState(page: Page) {
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
