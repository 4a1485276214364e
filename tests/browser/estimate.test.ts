/**
 * The status line after switching objective on the GPU engine (SwiftShader, `?display=readback`): the
 * new objective's kernel compiles first, and the line says so rather than count down a time measured
 * on the old objective; back on the old objective, compiled already, it says how long is left.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { hashFor, sharedBrowser, waitForMap, watchErrors } from './harness.ts';

const shared = sharedBrowser();

/** Types `expr` into the objective box and presses Enter; the status line right after the lab redraws. */
async function typeObjective(page: Page, expr: string) {
  return page.evaluate(async (expr) => {
    const lab = document.querySelector('gd-lab')!;
    const box = lab
      .shadowRoot!.querySelector('gd-objective-panel')!
      .shadowRoot!.getElementById('expr') as HTMLTextAreaElement;
    box.value = expr;
    box.dispatchEvent(new Event('input'));
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await lab.updateComplete;
    return {
      expr: lab.spec.objective.expr,
      status: lab.shadowRoot!.getElementById('status')!.textContent!,
    };
  }, expr);
}

describe('the time left after switching objective', () => {
  it('says the kernel compiles until the first progress, and a time left where it is compiled', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor({ size: [32, 32], iterations: 200, transient: 100 }));
    await waitForMap(page);
    const first = await page.evaluate(() => document.querySelector('gd-lab')!.spec.objective.expr);

    const trig = 'sin(3*x)*cos(2*y) + exp(-x^2-y^2) + (x^2+y^2)/4';
    const switched = await typeObjective(page, trig);
    expect(switched.expr).toBe(trig);
    expect(switched.status).toMatch(/^computing the basin map: .* · compiling the kernel…$/);
    await waitForMap(page);

    const back = await typeObjective(page, first);
    expect(back.expr).toBe(first);
    expect(back.status).toMatch(/^computing the basin map: .* · about [0-9.]+ s left$/);
    await waitForMap(page);
    expect(errors).toEqual([]);
    await page.close();
  });
});
