/**
 * The lab's map as pixels in headless Chromium (setup as in lab.test.ts): the exported PNG against the
 * screen, and recolouring by a field against the float64 reference's range.
 */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { compileObjective } from '../../src/objective/compile.ts';
import { CpuBasinEngine } from '../../src/reference/grid.ts';
import { parseSpec, parseSpecJson } from '../../src/experiment/spec.ts';
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
} from './harness.ts';

const shared = sharedBrowser();

describe('the lab on SwiftShader WebGPU', () => {
  it('exports a PNG whose spec round-trips and whose pixels match the map on screen', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openLab(
      page,
      shared.gpuUrl + hashFor({ size: [48, 40], lr: 1.1, iterations: 300, transient: 200 }),
    );
    await page.evaluate(() => {
      const root = document.querySelector('gd-lab')!.shadowRoot!;
      (root.getElementById('export') as HTMLButtonElement).click();
    });
    await page.waitForFunction(() => document.querySelector('gd-lab')!.lastExport !== null, {
      timeout: 30_000,
    });
    const bytes = Uint8Array.from(
      await page.evaluate(() => Array.from(document.querySelector('gd-lab')!.lastExport!)),
    );
    const png = decode(bytes);
    const spec = parseSpecJson(png.text['gdlab-spec']);
    const s = (await labState(page)).spec;
    expect(spec).toEqual(s);
    expect([png.width, png.height]).toEqual([48, 40]);

    // The on-screen map, sampled at the centre of each grid pixel, under the overlays (the curve of
    // minimizers is drawn over the map, not into it).
    await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      (map.shadowRoot!.querySelector('svg.overlay') as SVGElement).style.display = 'none';
    });
    const box = await plotBox(page, 'gd-basin-map');
    const shot = decode(await page.screenshot({ clip: box, type: 'png' }));
    let mismatches = 0;
    for (let y = 0; y < png.height; y++)
      for (let x = 0; x < png.width; x++) {
        const sx = Math.floor(((x + 0.5) / png.width) * shot.width);
        const sy = Math.floor(((y + 0.5) / png.height) * shot.height);
        const a = (y * png.width + x) * 4;
        const b = (sy * shot.width + sx) * shot.channels;
        for (let c = 0; c < 3; c++) if (Math.abs(png.data[a + c] - shot.data[b + c]) > 2) mismatches++;
      }
    expect(mismatches).toBe(0);

    // Opening that PNG in a fresh page restores the exact view.
    const other = await shared.browser.newPage();
    await openLab(other, shared.gpuUrl);
    await other.evaluate(async (data: number[]) => {
      const file = new File([new Uint8Array(data)], 'export.png', { type: 'image/png' });
      await document.querySelector('gd-lab')!.openFile(file);
    }, Array.from(bytes));
    await waitForMap(other);
    expect((await labState(other)).spec).toEqual(s);
    await screenshot(other, '6-opened-export');
    expect(errors).toEqual([]);
    await other.close();
    await page.close();
  });

  it('recolouring an outcome map by a field finds its range on the GPU: colorbar and pixels follow', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // At h = 0.5 the starts converge to points along xy = 1, whose sharpness x² + y² varies smoothly.
    const patch = { size: [48, 40], lr: 0.5, iterations: 300, transient: 200 };
    await openLab(page, shared.gpuUrl + hashFor(patch));
    // Coloured by outcome: no value ranges were reduced with the run.
    expect(await page.evaluate(() => document.querySelector('gd-lab')!.frame!.ranges)).toBeNull();
    await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-colour-panel')!;
      const select = panel.shadowRoot!.getElementById('field') as HTMLSelectElement;
      select.value = 'sharpness';
      select.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(
      () => {
        const legend = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-map-legend')!;
        return legend.shadowRoot!.querySelectorAll('.ticks span').length > 1;
      },
      { timeout: 30_000, polling: 100 },
    );
    const { ranges, ticks } = await page.evaluate(() => {
      const lab = document.querySelector('gd-lab')!;
      const legend = lab.shadowRoot!.querySelector('gd-map-legend')!;
      return {
        ranges: lab.frame!.ranges,
        ticks: [...legend.shadowRoot!.querySelectorAll('.ticks span')].map((e) => e.textContent!.trim()),
      };
    });
    // The float64 reference's sharpness range over the same grid, within f32.
    const ref = await new CpuBasinEngine(compileObjective).runBasin(parseSpec(patch));
    const sharp = ref.ranges.sharpness!;
    expect(ranges!.sharpness!.min).toBeCloseTo(sharp.min, 4);
    expect(ranges!.sharpness!.max).toBeCloseTo(sharp.max, 4);
    const values = ticks.map(Number).filter(Number.isFinite);
    expect(values.length).toBeGreaterThan(1);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(sharp.min - 1e-6);
      expect(v).toBeLessThanOrEqual(sharp.max + 1e-6);
    }
    await waitForMap(page);
    // The map alone (the curve of minimizers is drawn over it, antialiased): a continuous colormap,
    // many more colours than the handful of outcome swatches.
    await page.evaluate(() => {
      const map = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-basin-map')!;
      (map.shadowRoot!.querySelector('svg.overlay') as SVGElement).style.display = 'none';
    });
    expect(await mapColours(page)).toBeGreaterThan(30);
    await screenshot(page, '6b-recoloured-sharpness');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a field coloured over x²/2 across h = 2: the escaping pixels do not set the range, and the legend says so', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const patch = {
      objective: { expr: 'x^2/2', preset: null, params: {} },
      x0: [1],
      plane: { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'lr', min: 1.96, max: 2.04 } },
      size: [32, 32],
      iterations: 300,
      transient: 180,
      colour: { field: 'final0', colormap: 'viridis', log: false, range: null },
    };
    await openLab(page, shared.gpuUrl + hashFor(patch));
    await page.waitForFunction(
      () => {
        const legend = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-map-legend')!;
        return legend.shadowRoot!.querySelectorAll('.ticks span').length > 1;
      },
      { timeout: 30_000, polling: 100 },
    );
    const { escaping, range, note } = await page.evaluate(() => {
      const lab = document.querySelector('gd-lab')!;
      const legend = lab.shadowRoot!.querySelector('gd-map-legend')!;
      return {
        escaping: lab.frame!.counts.escaping,
        range: lab.frame!.ranges!.final0!,
        note: legend.shadowRoot!.getElementById('escaping-note')?.textContent?.trim() ?? null,
      };
    });
    // The upper half escapes, |x_N| up to ~10⁵; the rest end within 0.99875^300 · 2 ≈ 1.37 of 0.
    expect(escaping).toBe(512);
    expect(Math.max(-range.min, range.max)).toBeLessThan(1.4);
    expect(range.max).toBeGreaterThan(0.1);
    expect(note).toBe(
      'The 512 escaping pixels (growing, not yet past the radius) do not set this range; beyond it, ' +
        'they take its end colours.',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
