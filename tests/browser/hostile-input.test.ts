/**
 * Crafted input reaching the lab in the browser: a link to a run of hours within the limits. It
 * gets the lab's question before it runs; the page keeps answering, and the picture on screen stays
 * until the user says otherwise.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/experiment/spec.ts';
import { hashFor, labState, screenshot, sharedBrowser, waitForMap, watchErrors } from './harness.ts';

const shared = sharedBrowser();

/** The longest the page took to answer during `ms`: it must never be busy for long. */
async function slowestAnswer(page: Page, ms: number): Promise<number> {
  let worst = 0;
  for (const end = Date.now() + ms; Date.now() < end;) {
    const t = Date.now();
    await page.evaluate(() => 1);
    worst = Math.max(worst, Date.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
  return worst;
}

/** What the lab shows of a question, a run and its errors. */
function lab(page: Page) {
  return page.evaluate(() => {
    const l = document.querySelector('gd-lab')!;
    return {
      pending: l.pending?.seconds ?? null,
      confirm: l.shadowRoot!.getElementById('confirm-text')?.textContent ?? null,
      running: l.progress !== null,
      size: l.spec.size,
    };
  });
}

const click = (page: Page, id: string) =>
  page.evaluate(
    (id) => (document.querySelector('gd-lab')!.shadowRoot!.getElementById(id) as HTMLElement).click(),
    id,
  );

describe('a link to a run within the limits that takes hours', () => {
  it('asks first, over the default picture; kept, nothing runs; agreed to, it runs and Escape stops it', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // 4096² starts × 20 000 steps with the exponent: exactly the lab's work limit, hours on the CPU engine.
    const link = hashFor({
      objective: { expr: 'sin(x*y)^2 + exp(-x^2)*cos(3*y) + (1-x*y)^2/2', preset: null },
      size: [4096, 4096],
      iterations: 20_000,
      transient: 10_000,
      classify: { lyapunov: true },
    });
    await page.goto(`${shared.url}?engine=cpu${link}`);
    await waitForMap(page);
    const asked = await lab(page);
    expect(asked.pending).toBeGreaterThan(3600);
    expect(asked.confirm).toMatch(
      /^This basin map needs 336 G steps: about \d+ h( \d+ min)? as estimated for this engine \(no run measured here yet\)\.$/,
    );
    expect(asked.running).toBe(false);
    const before = await labState(page);
    // The picture under the question is the default experiment's; the address keeps the link.
    expect(before.spec).toEqual(defaultSpec());
    expect(before.counts).not.toBeNull();
    expect(before.hash).toBe(link);
    expect(await slowestAnswer(page, 2000)).toBeLessThan(1000);
    await screenshot(page, 'hostile-1-asked');

    await click(page, 'confirm-skip');
    await new Promise((r) => setTimeout(r, 500));
    expect(await lab(page)).toMatchObject({ pending: null, running: false });
    expect((await labState(page)).counts).toEqual(before.counts);

    // Asked again on reload, and agreed to: the link's run starts, the page answers, Escape stops it.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('gd-lab')!.pending !== null, { timeout: 60_000 });
    await click(page, 'confirm-run');
    await page.waitForFunction(() => document.querySelector('gd-lab')!.progress !== null);
    expect((await lab(page)).size).toEqual([4096, 4096]);
    expect(await slowestAnswer(page, 2000)).toBeLessThan(1000);
    await page.keyboard.press('Escape');
    expect((await lab(page)).running).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
