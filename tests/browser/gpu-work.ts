/**
 * Counts the GPU work of a page: WebGPU calls that create objects (buffers, pipelines, bind groups),
 * submits, uploads, buffer maps and the bytes they read back, and 2D-canvas image puts, by wrapping
 * the prototypes' methods before the page's scripts run. A browser test resets the counts, does one
 * interaction, and asserts on what it cost.
 *
 * With `canvas: true` a WebGPU canvas context is stood in for: its current texture is a plain
 * render-attachment texture of the canvas's size. Headless SwiftShader destroys the device on a
 * present into a real one (lab.test.ts), and this is how the lab's WebGPU display path (the blit
 * from GPU memory, what every real GPU runs) can be counted here at all.
 */
import type { Page } from 'puppeteer';

/** Counts since the last reset, keyed by method (plus `…Bytes` sums); absent keys are 0. */
export type Work = Record<string, number>;

/** One created buffer or mapped range, in order: [what, label, bytes]. */
export type WorkLog = [string, string, number][];

declare global {
  interface Window {
    __work: { counts: Work; log: WorkLog; reset(): void };
  }
}

/** The page script: wraps the methods and keeps the counts on window.__work. */
function instrument(standIn: boolean): void {
  const counts: Record<string, number> = {};
  const log: [string, string, number][] = [];
  window.__work = {
    counts,
    log,
    reset() {
      for (const k of Object.keys(counts)) delete counts[k];
      log.length = 0;
    },
  };
  const add = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
  function wrap<T extends object>(proto: T, name: string, seen: (self: T, args: unknown[]) => void): void {
    const target = proto as Record<string, unknown>;
    const orig = target[name] as ((...a: unknown[]) => unknown) | undefined;
    if (!orig) return;
    target[name] = function (this: T, ...args: unknown[]) {
      seen(this, args);
      return orig.apply(this, args);
    };
  }
  if (typeof GPUDevice !== 'undefined') {
    wrap(GPUDevice.prototype, 'createBuffer', (_, [d]) => {
      const { label, size } = d as GPUBufferDescriptor;
      add('createBuffer');
      add('createBufferBytes', size);
      log.push(['createBuffer', label ?? '', size]);
    });
    for (const m of [
      'createComputePipeline',
      'createComputePipelineAsync',
      'createRenderPipeline',
      'createRenderPipelineAsync',
      'createShaderModule',
      'createBindGroup',
      'createCommandEncoder',
      'createTexture',
    ])
      wrap(GPUDevice.prototype, m, () => add(m));
    wrap(GPUQueue.prototype, 'submit', () => add('submit'));
    wrap(GPUQueue.prototype, 'writeBuffer', (_, a) => {
      const data = a[2] as ArrayBufferView | ArrayBuffer;
      const unit = 'BYTES_PER_ELEMENT' in data ? (data.BYTES_PER_ELEMENT as number) : 1;
      add('writeBuffer');
      add('writeBufferBytes', a[4] !== undefined ? (a[4] as number) * unit : data.byteLength);
    });
    wrap(GPUBuffer.prototype, 'mapAsync', (b, a) => {
      const size = (a[2] as number | undefined) ?? b.size - ((a[1] as number | undefined) ?? 0);
      add('mapAsync');
      add('mapBytes', size);
      log.push(['mapAsync', b.label, size]);
    });
  }
  wrap(CanvasRenderingContext2D.prototype, 'putImageData', (_, [img]) => {
    add('putImageData');
    add('putImageDataBytes', (img as ImageData).data.byteLength);
  });
  if (!standIn) return;
  const getContext = HTMLCanvasElement.prototype.getContext;
  const standIns = new WeakMap<HTMLCanvasElement, unknown>();
  HTMLCanvasElement.prototype.getContext = function (
    this: HTMLCanvasElement,
    type: string,
    ...rest: unknown[]
  ) {
    if (type !== 'webgpu') return (getContext as (...a: unknown[]) => unknown).call(this, type, ...rest);
    let ctx = standIns.get(this);
    if (!ctx) ctx = makeContext(this);
    return ctx;
  } as typeof HTMLCanvasElement.prototype.getContext;
  /** A context whose current texture is a texture of the canvas's size. */
  function makeContext(canvas: HTMLCanvasElement): unknown {
    let config: GPUCanvasConfiguration | null = null;
    let texture: GPUTexture | null = null;
    const ctx = {
      canvas,
      configure(c: GPUCanvasConfiguration) {
        config = c;
        texture?.destroy();
        texture = null;
      },
      unconfigure() {
        config = null;
        texture?.destroy();
        texture = null;
      },
      getConfiguration: () => config,
      getCurrentTexture() {
        add('draw');
        if (!texture || texture.width !== canvas.width || texture.height !== canvas.height) {
          texture?.destroy();
          texture = config!.device.createTexture({
            label: 'stand-in canvas texture',
            size: [canvas.width, canvas.height],
            format: config!.format,
            usage: GPUTextureUsage.RENDER_ATTACHMENT,
          });
        }
        return texture;
      },
    };
    standIns.set(canvas, ctx);
    return ctx;
  }
}

/** Counts the page's GPU work from its next navigation on; `canvas` stands in for WebGPU canvases. */
export async function countWork(page: Page, opts: { canvas?: boolean } = {}): Promise<void> {
  await page.evaluateOnNewDocument(instrument, !!opts.canvas);
}

/** The counts and the log since the last reset, and resets them. */
export async function takeWork(page: Page): Promise<{ work: Work; log: WorkLog }> {
  return page.evaluate(() => {
    const w = window.__work;
    const out = { work: { ...w.counts }, log: w.log.map((e) => [...e] as [string, string, number]) };
    w.reset();
    return out;
  });
}

/**
 * Waits until the page's GPU work has stopped (no count moved for `quietMs`, the lab idle) and two
 * animation frames have passed: what an interaction set off has been done, drawn included.
 */
export async function settle(page: Page, quietMs = 500): Promise<void> {
  let last = '';
  let since = Date.now();
  for (;;) {
    const now = await page.evaluate(
      () => JSON.stringify(window.__work.counts) + String(document.querySelector('gd-lab')?.progress),
    );
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Pipelines created (compute and render, either way). */
export function pipelines(w: Work): number {
  return (
    (w.createComputePipeline ?? 0) +
    (w.createComputePipelineAsync ?? 0) +
    (w.createRenderPipeline ?? 0) +
    (w.createRenderPipelineAsync ?? 0)
  );
}
