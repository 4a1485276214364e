/**
 * The lab in headless Chromium against the production build (dist/): SwiftShader WebGPU, and a
 * second browser without WebGPU for the CPU-worker fallback. Every state is saved as a screenshot
 * in test-artifacts/.
 *
 * Headless SwiftShader destroys the device on the first present to a WebGPU canvas ("Device was
 * destroyed" on copy or render into getCurrentTexture()), so the GPU pages run with
 * `?display=readback`: the same engine and colours, drawn through a 2D canvas.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { doublingsSpec } from '../../src/cli/bench-agreement.ts';
import { compileObjective } from '../../src/objective/compile.ts';
import { countOutcomes } from '../../src/core/records.ts';
import { CpuBasinEngine } from '../../src/reference/grid.ts';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../../src/experiment/spec.ts';
import {
  hashFor,
  labState,
  mapColours,
  openLab,
  plotBox,
  screenshot,
  sharedBrowser,
  waitForMap,
  watchErrors,
  withOwnBrowser,
} from './harness.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const shared = sharedBrowser();

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

  it('a 20-step map across the doublings counts as the CLI and float64 do (divisor test after the statistics)', async () => {
    // The double well in 20 steps (tol 1e-2): the kernel leaves rule 3's divisor test to an escape pass
    // that runs only because the statistics count candidates. Without it, 264 pixels would be period 4.
    // The bench's 20-step doublings map (its agreement check on a lent GPU), 64 × 16.
    const spec = parseSpec({ ...doublingsSpec(64, true), size: [64, 16] });
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor({ ...spec }));
    await waitForMap(page);
    const s = await labState(page);
    expect(s.kind).toBe('gpu');
    expect(s.spec).toEqual(spec);
    const c = s.counts!;
    expect(c.periodic).toEqual({ '2': 32, '4': 33, '8': 1 });
    expect(await cliCounts(spec)).toEqual(c);
    const ref = await new CpuBasinEngine(compileObjective).runBasin(spec);
    expect(ref.counts).toEqual(c);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a preset id typed as the expression offers that preset, not a parameter, and opens it', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(page, shared.gpuUrl + hashFor({ size: [32, 32], iterations: 100, transient: 50 }));
    await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-objective-panel')!;
      const ta = panel.shadowRoot!.getElementById('expr') as HTMLTextAreaElement;
      ta.value = 'double_well';
      ta.dispatchEvent(new Event('input'));
    });
    const offer = () =>
      document
        .querySelector('gd-lab')!
        .shadowRoot!.querySelector('gd-objective-panel')!
        .shadowRoot!.getElementById('open-preset');
    await page.waitForFunction(offer, { timeout: 10_000 });
    const offered = await page.evaluate(() => {
      const root = document
        .querySelector('gd-lab')!
        .shadowRoot!.querySelector('gd-objective-panel')!.shadowRoot!;
      return {
        error: root.getElementById('expr-error')!.textContent!.replace(/\s+/g, ' ').trim(),
        buttons: [...root.querySelectorAll('button.add')].map((b) =>
          b.textContent!.replace(/\s+/g, ' ').trim(),
        ),
      };
    });
    expect(offered.error).toContain("unknown identifier 'double_well'");
    expect(offered.buttons).toEqual(['open the preset Double well (x² - 1)²/4']);
    await page.evaluate(() => {
      const root = document
        .querySelector('gd-lab')!
        .shadowRoot!.querySelector('gd-objective-panel')!.shadowRoot!;
      (root.getElementById('open-preset') as HTMLElement).click();
    });
    await page.waitForFunction(
      () => document.querySelector('gd-lab')!.spec.objective.preset === 'double-well',
      {
        timeout: 10_000,
      },
    );
    await waitForMap(page);
    const s = await labState(page);
    expect(s.spec.objective).toMatchObject({ preset: 'double-well', expr: '(x^2 - 1)^2/4' });
    expect(
      await page.evaluate(
        () =>
          !!document
            .querySelector('gd-lab')!
            .shadowRoot!.querySelector('gd-objective-panel')!
            .shadowRoot!.getElementById('expr-error'),
      ),
    ).toBe(false);
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
