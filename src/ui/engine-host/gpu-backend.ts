/**
 * The GPU backend: GpuBasinEngine on the browser's device. Each frame's colours live in a GPU
 * buffer of packed RGBA that CanvasBlit draws from; recolouring rewrites only that buffer.
 */
import { GpuBasinEngine } from '../../engine/gpu-engine.ts';
import type { EngineInfo, RunOptions } from '../../engine/types.ts';
import { compileObjective } from '../../objective/compile.ts';
import { countOutcomes } from '../../outcome.ts';
import type { ExperimentSpec } from '../../spec/spec.ts';
import { flipRows, type ColourSettings, type LabBackend, type MapFrame, type Pixels } from './backend.ts';
import { CanvasBlit } from './blit.ts';
import { colourColumns } from './colour.ts';

interface GpuFrameHandle {
  pixels: GPUBuffer;
  /** The colour settings the buffer holds. */
  key: string | null;
}

export class GpuBackend implements LabBackend {
  readonly info: EngineInfo;
  private readonly engine: GpuBasinEngine;
  private readonly blit: CanvasBlit;
  private presentTicket = 0;

  constructor(
    private readonly device: GPUDevice,
    /**
     * How frames reach the canvas: 'webgpu' draws from GPU memory into a WebGPU canvas; 'readback'
     * copies the colours to a 2D canvas, for headless SwiftShader, whose canvas presentation
     * destroys the device (see tests/browser/harness.ts).
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
    this.engine = new GpuBasinEngine(device, compileObjective, {
      adapterName,
      onDeviceLost: (info) => {
        console.warn(`gdlab: GPU device lost (${info.reason}): ${info.message}`);
        onLost();
      },
    });
    // Errors nobody captured would otherwise vanish; the console is where a developer looks.
    device.addEventListener('uncapturederror', (e) =>
      console.error(`gdlab: WebGPU error: ${e.error.message}`),
    );
    this.info = this.engine.info;
    this.blit = new CanvasBlit(device);
  }

  async run(spec: ExperimentSpec, options: RunOptions & { coarse?: boolean } = {}): Promise<MapFrame> {
    const r = await this.engine.runBasin(spec, options);
    const { width, height } = r.columns;
    const handle: GpuFrameHandle = {
      pixels: this.device.createBuffer({
        label: 'GpuBackend.pixels',
        size: Math.max(16, width * height * 4),
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

  /** Makes the frame's pixel buffer hold `colour`'s colours. */
  private colour(frame: MapFrame, colour: ColourSettings): GPUBuffer {
    const h = frame.handle as GpuFrameHandle;
    const key = JSON.stringify(colour);
    if (h.key !== key) {
      const rgba = colourColumns(frame.columns, colour, frame.spec);
      this.device.queue.writeBuffer(h.pixels, 0, rgba.buffer, rgba.byteOffset, rgba.byteLength);
      h.key = key;
    }
    return h.pixels;
  }

  present(canvas: HTMLCanvasElement, frame: MapFrame, colour: ColourSettings): void {
    if (this.display === 'readback') {
      // Draw the latest request only: an older readback finishing late must not overwrite it.
      const ticket = ++this.presentTicket;
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
    const buf = this.colour(frame, colour);
    this.blit.draw(canvas, buf, frame.columns.width, frame.columns.height);
  }

  async pixels(frame: MapFrame, colour: ColourSettings): Promise<Pixels> {
    const buf = this.colour(frame, colour);
    const { width, height } = frame.columns;
    const size = width * height * 4;
    const staging = this.device.createBuffer({
      label: 'GpuBackend.readback',
      size: Math.max(16, size),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(buf, 0, staging, 0, Math.max(16, size));
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const bytes = new Uint8Array(staging.getMappedRange().slice(0, size));
    staging.destroy();
    return { width, height, rgba: flipRows(bytes, width, height) };
  }

  release(frame: MapFrame): void {
    (frame.handle as GpuFrameHandle | undefined)?.pixels.destroy();
  }

  dispose(): void {
    this.engine.dispose();
    this.blit.dispose();
    this.device.destroy();
  }
}
