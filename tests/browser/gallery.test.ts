/**
 * The gallery inside the lab, in headless Chromium against the production build: one click opens an
 * entry's picture in the right view with its two paragraphs beside it (on screen in a 1400×900
 * window), variants reopen it, and entries with trajectories open the inspector. Entries open at a
 * small grid (the lab's galleryMaxSide) because SwiftShader on two shared cores is slow.
 */
import type { Page } from 'puppeteer';
import { describe, expect, it } from 'vitest';
import { GALLERY, getGalleryEntry } from '../../src/gallery/entries.ts';
import {
  inspectorText,
  openLab,
  screenshot,
  sharedBrowser,
  waitForInspector,
  waitForMap,
  watchErrors,
} from './harness.ts';

const shared = sharedBrowser();

const MAX_SIDE = 40;

/** A lab page on SwiftShader, 1400×900, with the gallery opening entries at MAX_SIDE. */
async function openGalleryLab(page: Page): Promise<void> {
  await page.setViewport({ width: 1400, height: 900, deviceScaleFactor: 1 });
  await openLab(page, shared.gpuUrl);
  await page.evaluate((side) => {
    document.querySelector('gd-lab')!.galleryMaxSide = side;
  }, MAX_SIDE);
}

/** Clicks a button of the gallery list (in the side column) by CSS selector. */
async function clickPanel(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-gallery-panel')!;
    (panel.shadowRoot!.querySelector(sel) as HTMLElement).click();
  }, selector);
}

/** Clicks a button of the open entry (beside the picture) by CSS selector. */
async function clickEntry(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const entry = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-gallery-entry')!;
    (entry.shadowRoot!.querySelector(sel) as HTMLElement).click();
  }, selector);
}

type Rect = { left: number; top: number; right: number; bottom: number };

/** The open entry's paragraphs as shown (whitespace collapsed), where they lie, and the lab's spec. */
async function shown(page: Page) {
  return page.evaluate(() => {
    const lab = document.querySelector('gd-lab')!;
    const root = lab.shadowRoot!;
    const entry = root.querySelector('gd-gallery-entry');
    const article = entry?.shadowRoot!.getElementById('entry') ?? null;
    const ps = article ? Array.from(article.querySelectorAll('p')) : [];
    const rect = (el: Element): Rect => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    // The picture's column: the status line over the map or diagram, then the picture.
    const picture = root.querySelector('.picture')!;
    const panel = root.querySelector('gd-gallery-panel')!;
    return {
      id: article?.getAttribute('data-entry') ?? null,
      title: article?.querySelector('h2')?.textContent ?? null,
      paragraphs: ps.map((p) => p.textContent!.replace(/\s+/g, ' ').trim()),
      fontPx: ps.length ? parseFloat(getComputedStyle(ps[0]).fontSize) : 0,
      rects: ps.map(rect),
      buttons: article ? Array.from(article.querySelectorAll('button')).map(rect) : [],
      picture: rect(picture),
      current: Array.from(panel.shadowRoot!.querySelectorAll('button.entry[aria-current="true"]')).map((b) =>
        b.getAttribute('data-entry'),
      ),
      note: entry?.shadowRoot!.getElementById('entry-note')?.textContent ?? null,
      scroll: [window.scrollX, window.scrollY],
      viewport: [window.innerWidth, window.innerHeight],
      spec: lab.spec,
      hash: location.hash,
      view: root.querySelector('gd-bifurcation-view') ? 'ensemble' : 'basin',
    };
  });
}

/** The entry's text and buttons lie beside the picture, inside the window, without scrolling. */
function expectBesidePicture(s: Awaited<ReturnType<typeof shown>>): void {
  expect(s.scroll).toEqual([0, 0]);
  expect(s.rects.length).toBe(2);
  for (const r of [...s.rects, ...s.buttons]) {
    expect(r.left).toBeGreaterThanOrEqual(s.picture.right);
    expect(r.right).toBeLessThanOrEqual(s.viewport[0]);
    expect(r.top).toBeGreaterThanOrEqual(s.picture.top);
    expect(r.bottom).toBeLessThanOrEqual(s.viewport[1]);
  }
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('the gallery in the lab', () => {
  it('lists every entry; one click opens a basin entry with its paragraphs, variants reopen it', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openGalleryLab(page);
    const titles = await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-gallery-panel')!;
      return Array.from(panel.shadowRoot!.querySelectorAll('button.entry .title')).map((t) => t.textContent);
    });
    expect(titles).toHaveLength(GALLERY.length);
    await clickPanel(page, 'button.entry[data-entry="mf-periodic"]');
    await waitForMap(page);
    const entry = getGalleryEntry('mf-periodic')!;
    const s = await shown(page);
    await screenshot(page, 'gallery-1-mf-periodic');
    expect(s.id).toBe('mf-periodic');
    expect(s.title).toBe(entry.title);
    expect(s.current).toEqual(['mf-periodic']);
    expect(s.paragraphs).toEqual(entry.paragraphs.map(collapse));
    expect(s.fontPx).toBeGreaterThanOrEqual(14);
    // The longest entry (five variant buttons) fits beside the map in a 1400×900 window.
    expectBesidePicture(s);
    expect(s.note).toContain(`${MAX_SIDE}×${MAX_SIDE} instead of the saved 256×256`);
    expect(s.view).toBe('basin');
    // The entry's own spec, only the grid made small for SwiftShader.
    expect({ ...s.spec, size: null }).toEqual({ ...entry.spec, size: null });
    expect(Math.max(...s.spec.size)).toBe(MAX_SIDE);
    expect(s.hash).not.toBe('');
    const periodic = () =>
      page.evaluate(() =>
        Object.values(document.querySelector('gd-lab')!.frame!.counts.periodic).reduce((a, b) => a + b, 0),
      );
    // h = 1.9: no start settles on a period (the entry's correction of the seed text).
    expect(await periodic()).toBe(0);

    await clickEntry(page, '#variants button[data-variant="h = 1.1: period 2"]');
    await waitForMap(page);
    const v = await shown(page);
    expect(v.spec.lr).toBe(1.1);
    expect(v.paragraphs).toEqual(entry.paragraphs.map(collapse));
    expect(await periodic()).toBeGreaterThan(0);
    await screenshot(page, 'gallery-2-variant');

    // Zooming keeps the text (same experiment); editing the rate away from the entry hides it.
    await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-plane-panel')!;
      const max = panel.shadowRoot!.getElementById('u-max') as HTMLInputElement;
      max.value = '1';
      max.dispatchEvent(new Event('change'));
    });
    await waitForMap(page);
    const zoomed = await shown(page);
    expect(zoomed.spec.plane.u.max).toBe(1);
    expect(zoomed.id).toBe('mf-periodic');
    await page.evaluate(() => {
      const panel = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-optimizer-panel')!;
      const lr = panel.shadowRoot!.getElementById('lr') as HTMLInputElement;
      lr.value = '1.2';
      lr.dispatchEvent(new Event('change'));
    });
    await waitForMap(page);
    const edited = await shown(page);
    expect(edited.spec.lr).toBe(1.2);
    expect(edited.id).toBeNull();
    expect(edited.current).toEqual([]);
    // Reopened, the close button hides the text and leaves the picture.
    await clickPanel(page, 'button.entry[data-entry="mf-periodic"]');
    await waitForMap(page);
    expect((await shown(page)).id).toBe('mf-periodic');
    await clickEntry(page, '#close-entry');
    const closed = await shown(page);
    expect(closed.id).toBeNull();
    expect(closed.spec.lr).toBe(1.9);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the Gibbs entry opens the density view with its L1 distance', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openGalleryLab(page);
    await clickPanel(page, 'button.entry[data-entry="gibbs"]');
    await page.waitForFunction(
      () => {
        const lab = document.querySelector('gd-lab')!;
        const view = lab.shadowRoot!.querySelector('gd-bifurcation-view');
        return !!view && view.ready && view.spec === lab.spec;
      },
      { timeout: 90_000, polling: 100 },
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const entry = getGalleryEntry('gibbs')!;
    const s = await shown(page);
    await screenshot(page, 'gallery-3-gibbs');
    expect(s.view).toBe('ensemble');
    expect(s.spec).toEqual(entry.spec);
    expect(s.paragraphs).toEqual(entry.paragraphs.map(collapse));
    expectBesidePicture(s);
    // A density has no grid to shrink: it opens as saved, with no note.
    expect(s.note).toBeNull();
    const l1 = await page.evaluate(() => {
      const view = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-bifurcation-view')!;
      return view.report!.l1!;
    });
    // Same bound as the entry's float64 check, with room for f32 orbits (chaotic, so they differ).
    expect(l1).toBeGreaterThan(0);
    expect(l1).toBeLessThan(0.25);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an entry with trajectories opens the inspector on them', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await openGalleryLab(page);
    await clickPanel(page, 'button.entry[data-entry="regimes"]');
    await waitForMap(page);
    await waitForInspector(page);
    const first = await page.evaluate(() => {
      const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!;
      return { x0: el.data!.x0, h: el.data!.h, n: el.data!.k.length };
    });
    const t = getGalleryEntry('regimes')!.trajectories!;
    expect(first.x0[0]).toBeCloseTo(t.x0[0], 12);
    expect(first.h[0]).toBeCloseTo(t.lrs[0], 12);
    expect(first.n).toBe(t.iterations + 1);
    const title = () => inspectorText(page, 'inspector-title');
    expect(await title()).toBe('trajectory at h = 0.1 from x₀ = (1)');
    await clickEntry(page, '#trajectories button[data-lr="1.2"]');
    await page.waitForFunction(
      () =>
        document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!.data!.h[0] >
        1,
      { timeout: 10_000 },
    );
    const second = await page.evaluate(
      () => document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector')!.data!,
    );
    expect(second.h[0]).toBeCloseTo(1.2, 12);
    // The marker sits where this trajectory is on the map on screen: (x₀, h) in the entry's (x, lr) plane.
    expect(second.marker[0]).toBeCloseTo(t.x0[0], 12);
    expect(second.marker[1]).toBeCloseTo(1.2, 12);
    // 1 < h < 2: the sign flips every step (x_k = (1 - h)^k x₀).
    expect(second.states[0][1]).toBeCloseTo((1 - 1.2) * t.x0[0], 9);
    expect(await title()).toBe('trajectory at h = 1.2 from x₀ = (1)');
    expectBesidePicture(await shown(page));
    await screenshot(page, 'gallery-4-regimes-inspector');
    expect(errors).toEqual([]);
    await page.close();
  });
});
