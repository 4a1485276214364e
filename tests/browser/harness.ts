/**
 * Browser-test harness: a tiny static server for dist/ on 127.0.0.1 (a free port), headless
 * Chromium with SwiftShader WebGPU (or without WebGPU), and helpers that open <gd-lab>, wait for its
 * map and read its state.
 * Nothing is downloaded: a missing browser fails loudly with the command to install it.
 *
 * What works here (Chromium 156, Debian, no GPU): `--enable-unsafe-webgpu` alone gives SwiftShader's
 * adapter; `--use-angle=swiftshader`, `--use-webgpu-adapter=swiftshader` and `--enable-features=Vulkan`
 * change nothing. Presenting to a WebGPU canvas destroys the device in headless mode whatever the
 * flags, so GPU pages use `?display=readback` (see tests/browser/lab.test.ts).
 */
import { decode } from 'fast-png';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page, type ScreenshotOptions } from 'puppeteer';
import { afterAll, beforeAll } from 'vitest';
import { CROSS_ORIGIN_ISOLATION } from '../../src/cpu/isolation.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wgsl': 'text/plain',
};

/**
 * Serves dist/ (the production build) on 127.0.0.1 at a free port, cross-origin isolated as vite
 * serves it (src/cpu/isolation.ts), or with the `headers` given instead.
 */
export async function serveDist(
  headers: Record<string, string> = { ...CROSS_ORIGIN_ISOLATION },
): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error('dist/index.html is missing: run `npm run build` before the browser tests');
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/**
 * The server and the SwiftShader browser that the tests of one file share: started before the
 * first test, closed after the last. Read the fields inside tests (they are set in beforeAll).
 */
export interface SharedBrowser {
  readonly browser: Browser;
  /** The lab's address. */
  readonly url: string;
  /**
   * The lab on SwiftShader WebGPU with `?display=readback`: the same engine and colours, drawn
   * through a 2D canvas (headless SwiftShader loses the device on presenting to a WebGPU canvas).
   * `engine=gpu`: on a software adapter the lab's auto choice is the CPU engine.
   */
  readonly gpuUrl: string;
}

export function sharedBrowser(): SharedBrowser {
  let server: Awaited<ReturnType<typeof serveDist>> | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await serveDist();
    browser = await launch(true);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() {
      return browser!;
    },
    get url() {
      return server!.url;
    },
    get gpuUrl() {
      return `${server!.url}?display=readback&engine=gpu`;
    },
  };
}

export function chromiumPath(): string {
  const candidates = [
    process.env.PUPPETEER_EXECUTABLE_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `no Chromium found (tried ${candidates.join(', ')}): install it: apt-get install -y chromium`,
    );
  return found;
}

const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Headless Chromium; with `webgpu` it gets SwiftShader's WebGPU, without it no adapter at all. */
export async function launch(webgpu = true): Promise<Browser> {
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      ...(webgpu ? [...BASE_FLAGS, '--enable-unsafe-webgpu'] : BASE_FLAGS),
      // For trying flags on another machine (e.g. a real GPU: --enable-features=Vulkan).
      ...(process.env.GDLAB_EXTRA_FLAGS ?? '').split(' ').filter(Boolean),
    ],
    defaultViewport: { width: 1400, height: 1000, deviceScaleFactor: 1 },
    // Puppeteer's 30 s ran out once on two cores busy with SwiftShader test files beside this one;
    // the hooks allow 120 s (vite.config.ts).
    timeout: 90_000,
  });
  // Every page a test opens comes from a browser launched here, so every one can tell screenshot()
  // where its pointer rests.
  const open = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await open(options);
    await page.evaluateOnNewDocument(keepPointer);
    return page;
  };
  return browser;
}

declare global {
  interface Window {
    /** Where the pointer last was, in the viewport's CSS pixels (keepPointer). */
    __harnessPointer?: { x: number; y: number };
  }
}

/**
 * The page script that remembers the pointer for screenshot(). Pointer events, not mouse events:
 * Chromium gives a mousemove whole pixels and a pointermove the fraction puppeteer moved to, and a
 * pointer put back a fraction off may rest over the neighbouring cell of a plot. The capture phase
 * of the window: it sees the event before any element can stop it.
 */
function keepPointer(): void {
  const keep = (e: Event) => {
    const p = e as PointerEvent;
    window.__harnessPointer = { x: p.clientX, y: p.clientY };
  };
  for (const type of ['pointermove', 'pointerdown', 'pointerup'])
    window.addEventListener(type, keep, { capture: true, passive: true });
}

/**
 * A browser of one test's own (one without WebGPU, or one whose GPU process may go down), with a
 * page and the list of its errors; closed when `body` settles.
 */
export async function withOwnBrowser<T>(
  webgpu: boolean,
  body: (page: Page, errors: string[]) => Promise<T>,
): Promise<T> {
  const browser = await launch(webgpu);
  try {
    const page = await browser.newPage();
    return await body(page, watchErrors(page));
  } finally {
    await browser.close();
  }
}

/** Collects page errors and console errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${(e as Error).message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Waits until the lab shows a full (not coarse) map whose spec matches `pred`. */
export async function waitForMap(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const lab = document.querySelector('gd-lab');
      const f = lab?.frame;
      if (!lab || !f || f.coarse || lab.progress !== null) return false;
      // Drawn, where a present completes after the frame (the 2D displays fetch its pixels first).
      const map = lab.shadowRoot!.querySelector('gd-basin-map');
      if (map && map.backend?.display !== 'webgpu' && map.pictured !== f) return false;
      return JSON.stringify({ ...f.spec, colour: null }) === JSON.stringify({ ...lab.spec, colour: null });
    },
    { timeout, polling: 100 },
  );
  // Let the map draw its frame (at most one animation frame later).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** The drawing area (`.plot`) of the lab's basin map or ensemble view, in page coordinates. */
export async function plotBox(page: Page, view: 'gd-basin-map' | 'gd-bifurcation-view') {
  return page.evaluate((tag) => {
    const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector(tag)!;
    const r = el.shadowRoot!.querySelector('.plot')!.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  }, view);
}

/** Waits until the lab's trajectory inspector is open with its three charts drawn. */
export async function waitForInspector(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const el = document.querySelector('gd-lab')!.shadowRoot!.querySelector('gd-trajectory-inspector');
      return !!el && el.charts.length === 3;
    },
    { timeout: 30_000 },
  );
}

/** The text of the open inspector's element `id` (its title, its float64 class). */
export async function inspectorText(page: Page, id: string): Promise<string> {
  return page.evaluate(
    (id) =>
      document
        .querySelector('gd-lab')!
        .shadowRoot!.querySelector('gd-trajectory-inspector')!
        .shadowRoot!.getElementById(id)!.textContent!,
    id,
  );
}

/** Opens the lab at `url` and waits for its map. */
export async function openLab(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForMap(page);
}

/** The lab's current spec, frame counts and state, read through the element's public fields. */
export async function labState(page: Page) {
  return page.evaluate(() => {
    const lab = document.querySelector('gd-lab')!;
    return {
      spec: lab.spec,
      counts: lab.frame?.counts ?? null,
      kind: lab.frame?.info.kind ?? null,
      errors: lab.errors,
      note: lab.engineNote,
      hash: location.hash,
      firstMapMs: lab.firstMapMs,
    };
  });
}

/** Distinct RGB colours in a screenshot of the basin map's drawing area. */
export async function mapColours(page: Page): Promise<number> {
  const shot = decode(await capture(page, { clip: await plotBox(page, 'gd-basin-map'), type: 'png' }));
  const colours = new Set<number>();
  for (let k = 0; k < shot.width * shot.height; k++)
    colours.add(
      (shot.data[k * shot.channels] << 16) |
        (shot.data[k * shot.channels + 1] << 8) |
        shot.data[k * shot.channels + 2],
    );
  return colours.size;
}

/**
 * page.screenshot, then the pointer put back where it rested. Puppeteer captures beyond the viewport
 * by default, a clip too, and for that Chromium lays the page out at a 1 × 1 window for a moment: the
 * stage shrinks to its 200 px floor, Chromium sends pointerleave to a plot that left a pointer at
 * rest, and no event follows when the plot comes back under it, so a hover readout would show its
 * hint until the pointer moved again (about one run in ten under load). Moving the pointer to where
 * it was (a pointermove there even when puppeteer thinks it never left) brings the hover back. A
 * readout that reads its record back asynchronously may take a moment to show it again: wait for it
 * rather than read it at once.
 */
async function capture(page: Page, options: Readonly<ScreenshotOptions>): Promise<Uint8Array> {
  const at = await page.evaluate(() => window.__harnessPointer ?? null);
  const shot = await page.screenshot(options);
  if (at) await page.mouse.move(at.x, at.y);
  return shot;
}

/** Saves a full-page screenshot to test-artifacts/`name`.png, through capture (the pointer is put back). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`) as `${string}.png`;
  await capture(page, { path, fullPage: true });
  return path;
}

/** A URL hash for a spec patch (the app's own encoder is not importable here without the DOM). */
export function hashFor(patch: Record<string, unknown>): string {
  return '#s=' + Buffer.from(JSON.stringify(patch)).toString('base64url');
}
