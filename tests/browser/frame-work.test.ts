/**
 * What the lab's frames cost the GPU, counted (gpu-work.ts) on a 512² map in headless Chromium on
 * SwiftShader: a pan or zoom frame draws the picture on screen from GPU memory and creates nothing;
 * a new view's run takes its buffers from the engine's pool, which stops growing after a few views,
 * and reads back its statistics and the hovered record, not its image; a recolour runs the colour
 * pass and reads nothing back; the hover readout reads one record. The 2D-canvas display (how the
 * other browser tests run) reads each new picture back once. Timings are not asserted: on two shared
 * cores they say little, and the counts are what a real GPU pays for too.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { countWork, pipelines, settle, takeWork, type Work, type WorkLog } from './gpu-work.ts';
import { hashFor, plotBox, sharedBrowser, waitForMap, watchErrors } from './harness.ts';

const shared = sharedBrowser();

const SIDE = 512;
const SPEC = { size: [SIDE, SIDE], iterations: 40, transient: 20 };
/** Bytes of one trajectory record (src/core/records.ts), what a hover reads. */
const RECORD = 48;
/** A run's reads: its statistics (under 1 KiB, for the preview and the full map) and a few records. */
const RUN_READS = 2 * 1024 + 4 * RECORD;

/** The lab's spec URL hash, to tell when a gesture's view has reached the lab. */
const labHash = (page: Page) => page.evaluate(() => location.hash);

async function newMap(page: Page, hash: string): Promise<void> {
  await page.waitForFunction((h) => location.hash !== h, { timeout: 30_000, polling: 50 }, hash);
  await waitForMap(page);
  await settle(page);
}

async function frame(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Presses the map and drags it by `steps` moves of (12, 5) px, a frame after each; not released. */
async function dragFrames(page: Page, steps: number): Promise<void> {
  const box = await plotBox(page, 'gd-basin-map');
  // Off the centre, which is a cell edge of the default plane.
  const x = Math.round(box.x + box.width * 0.37);
  const y = Math.round(box.y + box.height * 0.41);
  await page.mouse.move(x, y);
  await settle(page);
  await page.mouse.down();
  await page.mouse.move(x + 6, y + 2);
  await frame(page);
  await takeWork(page);
  for (let k = 1; k <= steps; k++) {
    await page.mouse.move(x + 6 + 12 * k, y + 2 + 5 * k);
    await frame(page);
  }
}

/** Buffers created (label, bytes) in a work log. */
const created = (log: WorkLog) => log.filter((e) => e[0] === 'createBuffer').map((e) => `${e[1]} ${e[2]}`);

/**
 * Computes `views` new views (a short pan each, released) and returns the buffers their runs created.
 * Each run checks out of the engine's pool what it keeps; the pool grows until it holds what the
 * lab keeps at once (the map shown, the one computing, the preview; one more map's worth where a
 * run starts before the animation frame that lets go of the map before), then stops.
 */
async function panViews(page: Page, views: number): Promise<string[]> {
  const made: string[] = [];
  for (let k = 0; k < views; k++) {
    const hash = await labHash(page);
    await dragFrames(page, 2);
    await page.mouse.up();
    await newMap(page, hash);
    const { work, log } = await takeWork(page);
    expect(pipelines(work)).toBe(0);
    made.push(...created(log));
  }
  return made;
}

/** Asserts a drawn frame's work: one draw from GPU memory (`draws` of them), nothing made or read. */
function expectBlitOnly(w: Work, draws: number): void {
  expect(w.createBuffer ?? 0).toBe(0);
  expect(w.createBindGroup ?? 0).toBe(0);
  expect(w.createTexture ?? 0).toBe(0);
  expect(pipelines(w)).toBe(0);
  expect(w.mapAsync ?? 0).toBe(0);
  expect(w.putImageData ?? 0).toBe(0);
  // One submit and one 80-byte uniform block (the view matrix) per draw.
  expect(w.submit ?? 0).toBeLessThanOrEqual(draws);
  expect(w.writeBufferBytes ?? 0).toBeLessThanOrEqual(80 * draws);
}

/** Applies a colour edit as the colour panel does and waits for the picture. */
async function recolour(page: Page, colour: Record<string, unknown>): Promise<Work> {
  await page.evaluate((c) => {
    const lab = document.querySelector('gd-lab')!;
    lab.apply({ ...lab.spec, colour: { ...lab.spec.colour, ...c } }, {});
  }, colour);
  await settle(page);
  return (await takeWork(page)).work;
}

describe(`the lab's frames on SwiftShader, counted at ${SIDE}²`, () => {
  it('WebGPU display: pan and zoom frames only blit; new views stop allocating and read back no image; recolouring reads nothing', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await countWork(page, { canvas: true });
    await page.goto(`${shared.url}?engine=gpu` + hashFor(SPEC));
    await waitForMap(page);
    await settle(page);
    expect(await page.evaluate(() => document.querySelector('gd-lab')!.backend!.display)).toBe('webgpu');

    await panViews(page, 2);

    const hash = await labHash(page);
    await dragFrames(page, 10);
    const pan = (await takeWork(page)).work;
    // Every step drew (a frame per move), from the picture in GPU memory, and read no record: the
    // pixel under the pointer is the one grabbed.
    expect(pan.draw).toBeGreaterThanOrEqual(10);
    expectBlitOnly(pan, pan.draw);

    await page.mouse.up();
    await newMap(page, hash);
    const { work: run, log } = await takeWork(page);
    // The released view's run: pipelines and bind layouts reused; its statistics and the hovered
    // pixel's record read back, no image (the picture went from the colour pass to the blit).
    const made = created(log);
    expect(pipelines(run)).toBe(0);
    expect(run.mapBytes).toBeLessThanOrEqual(RUN_READS);
    expect(run.putImageData ?? 0).toBe(0);
    expect(run.draw).toBeGreaterThanOrEqual(1);

    // Wheel notches preview (blits), then the gesture commits once: a run as above.
    const wheelHash = await labHash(page);
    for (let k = 0; k < 3; k++) {
      await page.mouse.wheel({ deltaY: -100 });
      await frame(page);
    }
    const wheel = (await takeWork(page)).work;
    expect(wheel.draw).toBeGreaterThanOrEqual(3);
    expectBlitOnly(wheel, wheel.draw);
    await newMap(page, wheelHash);
    const zoomRun = await takeWork(page);
    made.push(...created(zoomRun.log));
    expect(pipelines(zoomRun.work)).toBe(0);
    expect(zoomRun.work.mapBytes).toBeLessThanOrEqual(RUN_READS);
    // Six views after the first two: at most one more map's buffers (3 here; a map's picture was
    // made for each view and each preview before, 12 in all). Seen here: 0 to 2.
    made.push(...(await panViews(page, 4)));
    expect(made.length, made.join(', ')).toBeLessThanOrEqual(3);

    // The first colour by a field computes the records once and reduces the range (statistics
    // read back); no image.
    const first = await recolour(page, { field: 'escape' });
    expect(first.mapBytes).toBeLessThanOrEqual(1024);
    // Then colours run the colour pass alone: no readback, no allocation but a new colormap's
    // 1 KiB table, and a pipeline only for a colouring never used before (here: none).
    for (const colour of [
      { colormap: 'magma' },
      { field: 'outcome' },
      { field: 'escape' },
      { colormap: 'viridis' },
    ]) {
      const w = await recolour(page, colour);
      expect(w.mapAsync ?? 0, JSON.stringify(colour)).toBe(0);
      expect(w.createBufferBytes ?? 0, JSON.stringify(colour)).toBeLessThanOrEqual(1024);
      expect(pipelines(w), JSON.stringify(colour)).toBe(0);
      expect(w.draw, JSON.stringify(colour)).toBeGreaterThanOrEqual(1);
    }

    // The legend renders from the frame's counts and ranges: no GPU work.
    await page.evaluate(async () => {
      const legend = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-map-legend')!;
      for (let k = 0; k < 5; k++) {
        legend.requestUpdate();
        await legend.updateComplete;
      }
    });
    expect(Object.keys((await takeWork(page)).work)).toEqual([]);

    // Hovering three pixels reads three records, 48 bytes each.
    const box = await plotBox(page, 'gd-basin-map');
    for (let k = 0; k < 3; k++) {
      await page.mouse.move(box.x + box.width * (0.2 + 0.2 * k), box.y + box.height * 0.3);
      await settle(page, 300);
    }
    const hover = (await takeWork(page)).work;
    expect(hover.mapAsync).toBe(3);
    expect(hover.mapBytes).toBe(3 * RECORD);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('readback display: a new view reads its image back once, into reused buffers; pan frames redraw the 2D canvas only', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await countWork(page);
    await page.goto(shared.gpuUrl + hashFor(SPEC));
    await waitForMap(page);
    await settle(page);
    await panViews(page, 2);

    const hash = await labHash(page);
    await dragFrames(page, 10);
    const pan = (await takeWork(page)).work;
    expect(pan.mapAsync ?? 0).toBe(0);
    expect(pan.putImageData ?? 0).toBe(0);
    expect(pan.createBuffer ?? 0).toBe(0);
    expect(pan.submit ?? 0).toBe(0);

    await page.mouse.up();
    await newMap(page, hash);
    const { work: run, log } = await takeWork(page);
    const image = SIDE * SIDE * 4;
    // The full map's image once (twice before: a repaint as the status row went away, before its
    // pixels came, read it again), a preview's, the statistics and a record.
    const images = log.filter((e) => e[0] === 'mapAsync' && e[2] === image);
    expect(images).toHaveLength(1);
    expect(run.mapBytes).toBeLessThanOrEqual(image + 64 * 64 * 4 + RUN_READS);
    // The pool stops growing, as in the WebGPU display (a picture and a readback were made for each
    // view and each preview before: 4 or more a view).
    const made = [...created(log), ...(await panViews(page, 5))];
    expect(made.length, made.join(', ')).toBeLessThanOrEqual(3);

    // A recolour: the colour pass, then the image read back once; no buffer made.
    const w = await recolour(page, { field: 'escape', colormap: 'magma' });
    const again = await recolour(page, { colormap: 'viridis' });
    expect(again.mapBytes).toBe(image);
    expect(again.createBuffer ?? 0).toBe(0);
    expect(w.putImageData).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
