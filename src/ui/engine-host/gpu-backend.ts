/**
 * The GPU backend: GpuBasinEngine on the browser's device, and the engine's colour pass
 * (src/engine/colour-pass.ts) writing each frame's RGBA into a GPU buffer that CanvasBlit draws
 * from, so the picture goes from records to screen without leaving GPU memory. Recolouring reruns
 * only the colour pass.
 *
 * The engine keeps a one-tile grid's records buffer for the frame (`keepRecords`), so the colour
 * pass reads what the basin pass wrote; only a tiled grid's records are uploaded from the columns.
 */
import { lutWords, paletteWords } from '../../colormaps.ts';
import { ColourPass, colourUniforms, GpuColouriser, packRecords } from '../../engine/colour-pass.ts';
import { attachErrorSink } from '../../engine/errors.ts';
import { GpuBasinEngine } from '../../engine/gpu-engine.ts';
import { COLOUR_UNIFORM_BYTES } from '../../engine/layouts.ts';
import type { EngineInfo, RunOptions } from '../../core/engine.ts';
import { compileObjective } from '../../objective/compile.ts';
import { countOutcomes, RECORD_BYTES } from '../../core/outcome.ts';
import type { ColormapName, ExperimentSpec } from '../../experiment/spec.ts';
import { flipRows, type ColourSettings, type LabBackend, type MapFrame, type Pixels } from './backend.ts';
import { CanvasBlit } from './blit.ts';
import { resolveColour } from './colour.ts';

interface GpuFrameHandle {
  /** The frame's records in the WGSL Record layout; null when they exceed one binding. */
  records: GPUBuffer | null;
  /** W×H packed RGBA8, row 0 at the bottom. */
  pixels: GPUBuffer;
  /** The colour settings the pixels hold. */
  key: string | null;
}

export class GpuBackend implements LabBackend {
  readonly info: EngineInfo;
  private readonly engine: GpuBasinEngine;
  private readonly blit: CanvasBlit;
  private readonly colouriser: GpuColouriser;
  private readonly uniforms: GPUBuffer;
  private readonly palette: GPUBuffer;
  private readonly luts = new Map<ColormapName, GPUBuffer>();
  private readonly detach: () => void;
  private presentTicket = 0;
  /** performance.now() of the last draw into a WebGPU canvas (a loss right after it is telling). */
  lastPresentAt = -Infinity;
  private disposed = false;

  /** Builds the backend once the colour pass has compiled. */
  static async create(
    device: GPUDevice,
    display: 'webgpu' | 'readback',
    adapter: GPUAdapter,
    adapterName: string,
    onLost: () => void,
  ): Promise<GpuBackend> {
    const pass = await ColourPass.create(device);
    return new GpuBackend(device, display, adapter, adapterName, onLost, pass);
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
    private readonly pass: ColourPass,
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
    this.info = this.engine.info;
    this.blit = new CanvasBlit(device);
    this.colouriser = new GpuColouriser(device);
    this.uniforms = device.createBuffer({
      label: 'GpuBackend.uniforms',
      size: COLOUR_UNIFORM_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const palette = paletteWords();
    this.palette = device.createBuffer({
      label: 'GpuBackend.palette',
      size: palette.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(this.palette, 0, palette);
  }

  private lut(name: ColormapName): GPUBuffer {
    let b = this.luts.get(name);
    if (!b) {
      const words = lutWords(name);
      b = this.device.createBuffer({
        label: `GpuBackend.lut.${name}`,
        size: words.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(b, 0, words);
      this.luts.set(name, b);
    }
    return b;
  }

  async run(spec: ExperimentSpec, options: RunOptions & { coarse?: boolean } = {}): Promise<MapFrame> {
    const r = await this.engine.runBasin(spec, { ...options, keepRecords: true });
    const { width: W, height: H } = r.columns;
    const recordBytes = W * H * RECORD_BYTES;
    const fits = recordBytes <= this.device.limits.maxStorageBufferBindingSize && recordBytes <= 1 << 28;
    let records: GPUBuffer | null = r.records;
    if (!records && fits) {
      records = this.device.createBuffer({
        label: 'GpuBackend.records',
        size: Math.max(16, recordBytes),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(records, 0, packRecords(r.columns, 0, H));
    }
    const handle: GpuFrameHandle = {
      records,
      pixels: this.device.createBuffer({
        label: 'GpuBackend.pixels',
        size: Math.max(16, W * H * 4),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
      }),
      key: null,
    };
    return {
      spec,
      info: r.info,
      columns: r.columns,
      counts: countOutcomes(r.columns),
      ms: r.ms,
      steps: r.steps,
      coarse: !!options.coarse,
      handle,
    };
  }

  /** Makes the frame's pixel buffer hold `colour`'s colours (the colour pass, on the GPU). */
  private async colour(frame: MapFrame, colour: ColourSettings): Promise<GPUBuffer> {
    const h = frame.handle as GpuFrameHandle;
    const key = JSON.stringify(colour);
    if (h.key === key) return h.pixels;
    const c = frame.columns;
    const s = resolveColour(frame.spec, colour, c);
    if (h.records) {
      this.device.queue.writeBuffer(
        this.uniforms,
        0,
        colourUniforms(s, c.width, c.height, 0, c.height, false),
      );
      const bind = this.pass.bind({
        uniforms: this.uniforms,
        records: h.records,
        lut: this.lut(colour.colormap),
        palette: this.palette,
        pixels: h.pixels,
      });
      const encoder = this.device.createCommandEncoder({ label: 'GpuBackend.colour' });
      this.pass.encode(encoder, bind, c.width * c.height);
      this.device.queue.submit([encoder.finish()]);
    } else {
      // Too large for one binding: the colouriser tiles the records by rows.
      const rgba = await this.colouriser.colour(c, s, false);
      this.device.queue.writeBuffer(h.pixels, 0, rgba.buffer, rgba.byteOffset, rgba.byteLength);
    }
    h.key = key;
    return h.pixels;
  }

  present(canvas: HTMLCanvasElement, frame: MapFrame, colour: ColourSettings): void {
    // Only the latest request draws: an older one finishing late must not overwrite it.
    const ticket = ++this.presentTicket;
    const { width, height } = frame.columns;
    if (this.display === 'readback') {
      void this.pixels(frame, colour).then((px) => {
        if (ticket !== this.presentTicket) return;
        const ctx = canvas.getContext('2d');
        ctx?.putImageData(
          new ImageData(px.rgba as Uint8ClampedArray<ArrayBuffer>, px.width, px.height),
          0,
          0,
        );
      });
      return;
    }
    const h = frame.handle as GpuFrameHandle;
    if (h.key === JSON.stringify(colour)) {
      this.lastPresentAt = performance.now();
      this.blit.draw(canvas, h.pixels, width, height);
      return;
    }
    void this.colour(frame, colour).then((buf) => {
      if (ticket !== this.presentTicket) return;
      this.lastPresentAt = performance.now();
      this.blit.draw(canvas, buf, width, height);
    });
  }

  async pixels(frame: MapFrame, colour: ColourSettings): Promise<Pixels> {
    const buf = await this.colour(frame, colour);
    const { width, height } = frame.columns;
    const size = Math.max(16, width * height * 4);
    const staging = this.device.createBuffer({
      label: 'GpuBackend.readback',
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = this.device.createCommandEncoder({ label: 'GpuBackend.readback' });
    enc.copyBufferToBuffer(buf, 0, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const bytes = new Uint8Array(staging.getMappedRange().slice(0, width * height * 4));
    staging.destroy();
    return { width, height, rgba: flipRows(bytes, width, height) };
  }

  release(frame: MapFrame): void {
    const h = frame.handle as GpuFrameHandle | undefined;
    h?.pixels.destroy();
    h?.records?.destroy();
  }

  dispose(): void {
    this.disposed = true;
    this.detach();
    this.engine.dispose();
    this.blit.dispose();
    this.uniforms.destroy();
    this.palette.destroy();
    for (const b of this.luts.values()) b.destroy();
    this.device.destroy();
  }
}
