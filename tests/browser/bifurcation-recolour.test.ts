/**
 * The bifurcation view recoloured in the lab (headless Chromium, SwiftShader WebGPU, the production
 * build): another colormap for the diagram on screen goes through the GPU engine's colour stage, not
 * another run, and the canvases then show renderBifurcation's picture of the same counts in that
 * colormap within the stage's tolerance (strips exact).
 */
import { describe, expect, it } from 'vitest';
import type { BifurcationResult } from '../../src/core/ensemble.ts';
import { colourLut, labColours, renderBifurcation } from '../../src/engine/bifurcation-render.ts';
import { ENSEMBLE_COLOUR_TOLERANCE } from '../../src/engine/ensemble-colour-pass.ts';
import { compareEnsembleImages } from '../helpers/ensemble-image.ts';
import { hashFor, sharedBrowser, watchErrors } from './harness.ts';
import { DOUBLE_WELL, viewState, waitForEnsemble } from './bifurcation-harness.ts';

const shared = sharedBrowser();
/** The view's strip height (STRIP of bifurcation-view.ts). */
const STRIP = 10;

describe('the bifurcation view, recoloured', () => {
  it('draws another colormap with the GPU colour stage: renderBifurcation’s picture within its tolerance', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(DOUBLE_WELL));
    await waitForEnsemble(page);
    const s = await viewState(page);
    expect(s.kind).toBe('gpu');
    // Note what each of the view's GPU recolours gave (null: it fell back to the CPU renderer).
    await page.evaluate(() => {
      type Run = { render: (...a: unknown[]) => Promise<unknown> };
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
      const run = (view as unknown as { run: Run }).run;
      const render = run.render.bind(run);
      const w = window as unknown as { recolours: boolean[] };
      w.recolours = [];
      run.render = (...a) =>
        render(...a).then((img) => {
          w.recolours.push(img !== null);
          return img;
        });
    });
    const magma = { ...s.spec, colour: { ...s.spec.colour, colormap: 'magma' } };
    await page.evaluate((h) => (location.hash = h), hashFor(magma));
    await page.waitForFunction(() => (window as unknown as { recolours: boolean[] }).recolours.length > 0, {
      timeout: 30_000,
      polling: 50,
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const got = await page.evaluate(() => {
      const lab = document.querySelector('gd-lab')!;
      const view = lab.shadowRoot!.querySelector('gd-bifurcation-view')!;
      const pixels = (name: string) => {
        const cv = view.shadowRoot!.querySelector(`canvas.${name}`) as HTMLCanvasElement;
        return Array.from(cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data);
      };
      const r = view.result!;
      return {
        colormap: lab.spec.colour.colormap,
        recolours: (window as unknown as { recolours: boolean[] }).recolours,
        strips: pixels('strips'),
        density: pixels('density'),
        result: {
          plan: { columns: r.plan.columns, rows: r.plan.rows },
          density: Array.from(r.density),
          stats: {
            diverged: Array.from(r.stats.diverged),
            period: Array.from(r.stats.period),
            outcome: Array.from(r.stats.outcome),
          },
        },
      };
    });
    expect(got.colormap).toBe('magma');
    // One recolour, and the GPU engine coloured it (no rerun: the counts are the ones on screen).
    expect(got.recolours).toEqual([true]);
    const result = {
      ...got.result,
      density: Uint32Array.from(got.result.density),
    } as unknown as BifurcationResult;
    const colours = labColours('magma');
    const want = renderBifurcation(result, colours, { stripRows: STRIP });
    const W = want.width;
    // The strip canvas holds the image's rows above the last separator, the density canvas the rest.
    const rgba = new Uint8ClampedArray(want.rgba);
    rgba.set(got.strips, 0);
    rgba.set(got.density, want.densityTop * W * 4);
    expect(got.strips.length + 4 * W + got.density.length).toBe(want.rgba.length);
    const d = compareEnsembleImages({ ...want, rgba }, want, colourLut(colours));
    expect([d.stripsDiffer, d.beyondOneStep]).toEqual([0, 0]);
    expect(d.oneStep).toBeLessThanOrEqual(ENSEMBLE_COLOUR_TOLERANCE * d.densityPixels);
    expect(d.counted).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  });
});
