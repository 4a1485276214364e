/**
 * The GPU backend: GpuBasinEngine on the browser's device. A frame keeps its run's result in GPU
 * memory: for a map coloured by outcome its summary words (and λ), 8 bytes a pixel at most, else its
 * records. Presenting runs the colour pass into the frame's pixel buffer (range from the run's
 * statistics on the GPU) and CanvasBlit draws from that buffer, so a frame goes from the GPU's
 * results to screen with no loop over its pixels on the CPU. Recolouring reruns only the colour pass
 * (the first colour by a field of an outcome frame computes its records once); the hover readout
 * computes or reads one record; only an export or a 2D-canvas display reads the image.
 */
import { needsDataRange } from '../../colormaps.ts';
import { attachErrorSink } from '../../engine/errors.ts';
import type { GpuBasinResult } from '../../engine/basin-result.ts';
import { GpuBasinEngine } from '../../engine/gpu-engine.ts';
import { recordsFor, type EngineInfo, type RunOptions } from '../../core/engine.ts';
import { compileObjective } from '../../objective/compile.ts';
import { defaultSpec, type ExperimentSpec } from '../../experiment/spec.ts';
import {
  displaySize,
  resampleNearest,
  type ColourSettings,
  type LabBackend,
  type MapFrame,
  type Pixels,
} from './backend.ts';
import { CanvasBlit } from './blit.ts';

interface GpuFrameHandle {
  result: GpuBasinResult;
  /** W×H packed RGBA8, row 0 at the bottom; null where the grid is too large for one binding. */
  pixels: GPUBuffer | null;
  /** The colour settings the pixels hold. */
  key: string | null;
  /** Set by release: the pixel buffer went back to the pool, and may hold another frame's picture. */
  released: boolean;
  /** The colouring under way into `pixels`, and its settings. */
  colouring: { key: string; done: Promise<void> } | null;
  /**
   * Without `pixels`: the picture the WebGPU canvas draws instead, the image read back once per
   * colour and resampled to displaySize (resampleNearest), as it is being made or made.
   */
  shown: { key: string; picture: Promise<Picture> } | null;
}

/** A W×H packed RGBA buffer, row 0 at the bottom, that CanvasBlit draws. */
interface Picture {
  buffer: GPUBuffer;
  width: number;
  height: number;
}

export class GpuBackend implements LabBackend {
  private readonly engine: GpuBasinEngine;
  /** The engine's, read live: it learns whether the device flushes subnormals after it starts. */
  get info(): EngineInfo {
    return this.engine.info;
  }
  private readonly blit: CanvasBlit;
  private readonly detach: () => void;
  private presentTicket = 0;
  /** performance.now() of the last draw into a WebGPU canvas (a loss right after it is telling). */
  lastPresentAt = -Infinity;
  private disposed = false;

  /** Builds the backend once the colour pass has compiled, with the default colours' pipelines. */
  static async create(
    device: GPUDevice,
    display: 'webgpu' | 'readback',
    adapter: GPUAdapter,
    adapterName: string,
    onLost: () => void,
  ): Promise<GpuBackend> {
    const backend = new GpuBackend(device, display, adapter, adapterName, onLost);
    // The default colours, from records and from the summary words an outcome map keeps: the first
    // picture then waits for no compile.
    const colour = await backend.engine.colour();
    await Promise.all([colour.prepare(defaultSpec().colour), colour.prepareWords()]);
    return backend;
  }

  private constructor(
    /** The backend's device: the ensemble views compute on it too (see bifurcation-view). */
    readonly device: GPUDevice,
    /**
     * How frames reach the canvas: 'webgpu' draws from GPU memory into a WebGPU canvas; 'readback'
     * copies the colours to a 2D canvas, for headless SwiftShader, whose canvas presentation
     * destroys the device (see tests/browser/lab.test.ts).
     */
    readonly display: 'webgpu' | 'readback',
    /**
     * Held for the device's lifetime: Chrome loses a device ("a valid external Instance reference
     * no longer exists") once its adapter has been garbage-collected.
     */
    readonly adapter: GPUAdapter,
    adapterName: string,
    onLost: () => void,
  ) {
    this.detach = attachErrorSink(device, (p) => {
      if (p.kind === 'lost') {
        // Our own dispose() destroys the device; anything else (even reason 'destroyed', which
        // Chrome also reports when the GPU process drops the device) is a loss to recover from.
        if (this.disposed) return;
        console.warn(`gdlab: GPU device lost: ${p.message}`);
        onLost();
      } else console.error(`gdlab: WebGPU error: ${p.message}`);
    });
    this.engine = new GpuBasinEngine(device, compileObjective, { adapterName });
    this.blit = new CanvasBlit(device);
  }

  async run(spec: ExperimentSpec, options: RunOptions & { coarse?: boolean } = {}): Promise<MapFrame> {
    // An outcome map keeps one word a pixel rather than a 48-byte record (on SwiftShader, 1024² × 20:
    // the run is a sixth faster); records come when a colour or a readout needs them.
    const records = options.records ?? recordsFor(spec.colour);
    const result = await this.engine.runBasin(spec, { ...options, records });
    // The first readout under the pointer should not wait for the records' pipelines to compile.
    if (!options.coarse) result.prepareRecords();
    // The colorbar of a continuous field shows the range with the first picture; a map coloured by
    // outcome reduces no ranges until a colour asks for them.
    if (needsDataRange(spec.colour)) await result.ensureRanges();
    const { width: W, height: H } = result;
    // The canvas draws from one buffer of W×H pixels; a larger grid is presented from a readback.
    const fits =
      W * H * 4 <= this.device.limits.maxStorageBufferBindingSize &&
      (result.records !== null || result.words !== null);
    let pixels: GPUBuffer | null = null;
    try {
      // From the engine's pool, as its records are: a lab that recomputes maps of one size (a pan,
      // a zoom, an edit) allocates no picture after its first two (the one shown, the one computing).
      if (fits)
        pixels = await this.engine.pool.acquire(
          'GpuBackend.pixels',
          W * H * 4,
          GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
          'the picture',
        );
    } catch (e) {
      result.dispose();
      throw e;
    }
    const handle: GpuFrameHandle = {
      result,
      pixels,
      key: null,
      colouring: null,
      shown: null,
      released: false,
    };
    return {
      spec,
      info: result.info,
      width: W,
      height: H,
      counts: result.counts,
      get ranges() {
        return result.ranges;
      },
      ensureRanges: () => result.ensureRanges(),
      ms: result.ms,
      steps: result.steps,
      coarse: !!options.coarse,
      record: (k) => result.readRecord(k),
      handle,
    };
  }

  /**
   * Makes the frame's pixel buffer hold `colour`'s colours (the colour pass, on the GPU). A present
   * while the same colouring is under way waits for it rather than colour the frame again; another
   * colouring goes after it.
   */
  private async colour(h: GpuFrameHandle, colour: ColourSettings): Promise<GPUBuffer | null> {
    const key = JSON.stringify(colour);
    if (!h.pixels || !h.result.colourable(colour)) return null;
    if (h.key === key) return h.pixels;
    if (h.colouring?.key !== key) {
      const pixels = h.pixels;
      // After the colouring under way, if any: colourInto awaits before it submits, so two at once
      // could land in either order and leave the buffer holding the older colours.
      const before = h.colouring?.done.catch(() => {}) ?? Promise.resolve();
      const done = before
        .then(() => h.result.colourInto(pixels, colour))
        .then(() => {
          if (h.colouring?.done === done) {
            h.key = key;
            h.colouring = null;
          }
        });
      h.colouring = { key, done };
      // A failure is the caller's to report; the next present colours again.
      done.catch(() => {
        if (h.colouring?.done === done) h.colouring = null;
      });
    }
    await h.colouring.done;
    return h.pixels;
  }

  present(canvas: HTMLCanvasElement, frame: MapFrame, colour: ColourSettings): void {
    // Only the latest request draws: an older one finishing late must not overwrite it.
    const ticket = ++this.presentTicket;
    const { width, height } = frame;
    const h = frame.handle as GpuFrameHandle;
    const failed = (e: unknown) => console.error(`gdlab: drawing the map failed: ${(e as Error).message}`);
    if (this.display === 'readback') {
      void this.pixels(frame, colour).then((px) => {
        if (ticket !== this.presentTicket) return;
        const ctx = canvas.getContext('2d');
        ctx?.putImageData(
          new ImageData(px.rgba as Uint8ClampedArray<ArrayBuffer>, px.width, px.height),
          0,
          0,
        );
      }, failed);
      return;
    }
    const draw = (p: Picture | null) => {
      if (ticket !== this.presentTicket || !p) return;
      this.lastPresentAt = performance.now();
      this.blit.draw(canvas, p.buffer, p.width, p.height);
    };
    if (!h.pixels || !h.result.colourable(colour)) {
      void this.resampled(h, colour).then(draw, failed);
      return;
    }
    if (h.key === JSON.stringify(colour)) return draw({ buffer: h.pixels, width, height });
    void this.colour(h, colour).then((buffer) => draw(buffer && { buffer, width, height }), failed);
  }

  /**
   * A frame with no pixel buffer (its W×H colours exceed one storage binding, or nothing of it was
   * kept), or coloured by a field whose records exceed the memory kept for them: its image read back once per colour (readImage, which recomputes tile by tile where the
   * records are gone) and resampled to at most DISPLAY_SIDE a side, so that pan and zoom frames only
   * blit. Drawing the image itself was impossible: a canvas bound to WebGPU has no 2D context.
   */
  private resampled(h: GpuFrameHandle, colour: ColourSettings): Promise<Picture> {
    const key = JSON.stringify(colour);
    if (h.shown?.key === key) return h.shown.picture;
    const old = h.shown;
    const picture = (async () => {
      const { width: W, height: H } = h.result;
      const rgba = await h.result.readImage(colour, { flip: false });
      const [width, height] = displaySize(W, H);
      const bytes = resampleNearest(rgba, W, H, width, height);
      const buffer = this.device.createBuffer({
        label: 'GpuBackend.shown',
        size: Math.max(16, bytes.byteLength),
        // COPY_SRC as the pixel buffer has it: what is on screen can be read back.
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
      });
      this.device.queue.writeBuffer(buffer, 0, bytes);
      return { buffer, width, height };
    })();
    h.shown = { key, picture };
    // A failed picture is asked for again by the next present, not kept.
    picture.catch(() => {
      if (h.shown?.picture === picture) h.shown = null;
    });
    // A superseded picture is freed once made (a draw already under way has submitted its copy).
    void old?.picture.then(
      (p) => p.buffer.destroy(),
      () => {},
    );
    return picture;
  }

  async pixels(frame: MapFrame, colour: ColourSettings): Promise<Pixels> {
    const h = frame.handle as GpuFrameHandle;
    const { width, height } = frame;
    const pixels = await this.colour(h, colour);
    if (!pixels) return { width, height, rgba: await h.result.readImage(colour) };
    const row = width * 4;
    const size = row * height;
    const pool = this.engine.pool;
    const usage = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const staging = await pool.acquire('GpuBackend.readback', size, usage, 'reading the picture back');
    try {
      if (h.released) throw new Error('GpuBackend.pixels: the frame was released');
      // The rows turn over in the copies (row 0 of the pixels, the plane's bottom, lands last), so
      // the bytes mapped are the image, top row first, with no pass over them here.
      const enc = this.device.createCommandEncoder({ label: 'GpuBackend.readback' });
      for (let j = 0; j < height; j++)
        enc.copyBufferToBuffer(pixels, j * row, staging, (height - 1 - j) * row, row);
      this.device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, size);
      const rgba = new Uint8ClampedArray(staging.getMappedRange(0, size).slice(0));
      staging.unmap();
      return { width, height, rgba };
    } finally {
      pool.release(staging);
    }
  }

  release(frame: MapFrame): void {
    const h = frame.handle as GpuFrameHandle | undefined;
    if (!h || h.released) return;
    h.released = true;
    // Disposed first: a colouring still awaiting its pipelines finds the result gone (check())
    // before it would write into the buffer handed on. Work already submitted runs first anyway.
    h.result.dispose();
    if (h.pixels) this.engine.pool.release(h.pixels);
    void h.shown?.picture.then(
      (p) => p.buffer.destroy(),
      () => {},
    );
  }

  dispose(): void {
    this.disposed = true;
    this.detach();
    this.engine.dispose();
    this.blit.dispose();
    this.device.destroy();
  }
}
