/**
 * The attractor view recoloured and exported in the lab (headless Chromium, SwiftShader WebGPU, the
 * production build): another colormap for the attractor on screen goes through the GPU engine's
 * colour stage, not another run, and the canvas then shows renderAttractor's picture of the same
 * counts in that colormap within the stage's tolerance; an export at the screen's size is coloured
 * there too, to the canvas's bytes.
 */
import { describe, expect, it } from 'vitest';
import { renderAttractor } from '../../src/engine/attractor-render.ts';
import { colourLut, labColours } from '../../src/engine/bifurcation-render.ts';
import { ENSEMBLE_COLOUR_TOLERANCE } from '../../src/engine/ensemble-colour-pass.ts';
import { decodeSpecPng } from '../../src/experiment/png.ts';
import { compareEnsembleImages } from '../helpers/ensemble-image.ts';
import { COUPLED } from './attractor-spec.ts';
import { hashFor, sharedBrowser, watchErrors } from './harness.ts';

const shared = sharedBrowser();

describe('the attractor view, recoloured', () => {
  it('draws another colormap and exports with the GPU colour stage: renderAttractor’s picture within its tolerance', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor(COUPLED));
    const ready = () =>
      page.waitForFunction(
        () => {
          const lab = document.querySelector('gd-lab');
          const view = lab?.shadowRoot?.querySelector('gd-attractor-view');
          return !!view && view.ready && view.spec === lab!.spec;
        },
        { timeout: 90_000, polling: 100 },
      );
    await ready();
    // Note what each of the view's GPU pictures gave (null: it fell back to the CPU renderer).
    await page.evaluate(() => {
      type Run = { renderAttractor: (...a: unknown[]) => Promise<unknown> };
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-attractor-view')!;
      const run = (view as unknown as { run: Run }).run;
      const render = run.renderAttractor.bind(run);
      const w = window as unknown as { pictures: boolean[] };
      w.pictures = [];
      run.renderAttractor = (...a) =>
        render(...a).then((img) => {
          w.pictures.push(img !== null);
          return img;
        });
    });
    const spec = await page.evaluate(() => document.querySelector('gd-lab')!.spec);
    const magma = { ...spec, colour: { ...spec.colour, colormap: 'magma' } };
    await page.evaluate((h) => (location.hash = h), hashFor(magma));
    await page.waitForFunction(() => (window as unknown as { pictures: boolean[] }).pictures.length > 0, {
      timeout: 30_000,
      polling: 50,
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const got = await page.evaluate(() => {
      const lab = document.querySelector('gd-lab')!;
      const view = lab.shadowRoot!.querySelector('gd-attractor-view')!;
      const cv = view.shadowRoot!.querySelector('canvas.density') as HTMLCanvasElement;
      return {
        kind: view.result!.info.kind,
        colormap: lab.spec.colour.colormap,
        pictures: (window as unknown as { pictures: boolean[] }).pictures,
        canvas: [cv.width, cv.height],
        pixels: Array.from(cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data),
        counts: Array.from(view.report!.counts),
      };
    });
    expect(got.kind).toBe('gpu');
    expect(got.colormap).toBe('magma');
    // One recolour, and the GPU engine coloured it (no rerun: the counts are the ones on screen).
    expect(got.pictures).toEqual([true]);
    expect(got.canvas).toEqual([64, 64]);
    const colours = labColours('magma');
    const want = renderAttractor({ bins: [64, 64], counts: Uint32Array.from(got.counts) }, colours);
    const image = { ...want, rgba: Uint8ClampedArray.from(got.pixels) };
    const d = compareEnsembleImages(image, want, colourLut(colours));
    expect(d.beyondOneStep).toBe(0);
    expect(d.oneStep).toBeLessThanOrEqual(ENSEMBLE_COLOUR_TOLERANCE * d.densityPixels);
    expect(d.counted).toBeGreaterThan(0.4 * 64 * 64);

    // Exported at the screen's size: the same counts, coloured by the GPU engine again.
    await page.evaluate(() => {
      const lab = document.querySelector('gd-lab')!;
      lab.lastExport = null;
      (lab.shadowRoot!.getElementById('export-res') as HTMLSelectElement).value = 'screen';
      (lab.shadowRoot!.getElementById('export') as HTMLElement).click();
    });
    await page.waitForFunction(() => !!document.querySelector('gd-lab')!.lastExport, { timeout: 60_000 });
    const png = decodeSpecPng(
      new Uint8Array(await page.evaluate(() => Array.from(document.querySelector('gd-lab')!.lastExport!))),
    );
    expect(await page.evaluate(() => (window as unknown as { pictures: boolean[] }).pictures)).toEqual([
      true,
      true,
    ]);
    expect([png.width, png.height]).toEqual([64, 64]);
    expect(Array.from(png.rgba)).toEqual(got.pixels);
    expect(errors).toEqual([]);
    await page.close();
  });
});
