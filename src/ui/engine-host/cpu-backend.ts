/**
 * The CPU backend: the float64 engine compiled to WebAssembly on navigator.hardwareConcurrency Web
 * Workers (src/cpu), coloured on the main thread with the CPU colouring function (same mapping as
 * the GPU colour pass), drawn with putImageData.
 */
import type { EngineInfo, RunOptions } from '../../core/engine.ts';
import { HostBasinResult } from '../../core/host-result.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { ParallelCpuEngine } from '../../cpu/basin-engine.ts';
import { webWorkerPool } from '../../cpu/web-pool.ts';
import { flipRows, type ColourSettings, type LabBackend, type MapFrame, type Pixels } from './backend.ts';
import { colourColumns } from './colour.ts';

export class CpuBackend implements LabBackend {
  readonly info: EngineInfo;
  readonly display = 'cpu' as const;
  // Every run goes to the workers: the page's thread must stay free (and may not compile large
  // WebAssembly modules synchronously).
  private readonly engine = new ParallelCpuEngine(webWorkerPool(), { inProcessSteps: 0 });
  private cache = new WeakMap<MapFrame, { key: string; pixels: Pixels }>();

  constructor() {
    this.info = this.engine.info;
  }

  async run(spec: ExperimentSpec, options: RunOptions & { coarse?: boolean } = {}): Promise<MapFrame> {
    const coarse = !!options.coarse;
    const result = await this.engine.runBasin(spec, options);
    return {
      spec,
      info: result.info,
      width: result.width,
      height: result.height,
      counts: result.counts,
      // Scanned on first use (a map coloured by outcome never needs them).
      get ranges() {
        return result.ranges;
      },
      ensureRanges: () => result.ensureRanges(),
      ms: result.ms,
      steps: result.steps,
      coarse,
      record: (k) => result.readRecord(k),
      handle: result,
    };
  }

  present(canvas: HTMLCanvasElement, frame: MapFrame, colour: ColourSettings): void {
    const px = this.colour(frame, colour);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.putImageData(new ImageData(px.rgba as Uint8ClampedArray<ArrayBuffer>, px.width, px.height), 0, 0);
  }

  async pixels(frame: MapFrame, colour: ColourSettings): Promise<Pixels> {
    return this.colour(frame, colour);
  }

  private colour(frame: MapFrame, colour: ColourSettings): Pixels {
    const key = JSON.stringify(colour);
    const hit = this.cache.get(frame);
    if (hit && hit.key === key) return hit.pixels;
    const { width, height } = frame;
    const result = frame.handle as HostBasinResult;
    const ranges = colour.field === 'outcome' ? null : result.ranges;
    const rgba = flipRows(colourColumns(result.columns, colour, frame.spec, ranges), width, height);
    const pixels = { width, height, rgba };
    this.cache.set(frame, { key, pixels });
    return pixels;
  }

  release(_frame: MapFrame): void {}

  // The workers belong to the page (web-pool.ts): an ensemble view may still use them.
  dispose(): void {}
}
