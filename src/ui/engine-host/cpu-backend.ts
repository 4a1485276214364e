/**
 * The CPU backend: the float64 reference engine in a Web Worker, coloured on the main thread with
 * the CPU colouring function (same mapping as the GPU colour pass), drawn with putImageData.
 */
import type { EngineInfo, RunOptions } from '../../core/engine.ts';
import { countOutcomes } from '../../core/outcome.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { flipRows, type ColourSettings, type LabBackend, type MapFrame, type Pixels } from './backend.ts';
import { colourColumns } from './colour.ts';
import { SpecWorkerClient } from '../shared/spec-worker-client.ts';
import type { WorkerReply } from './protocol.ts';

type ResultReply = Extract<WorkerReply, { type: 'result' }>;

export class CpuBackend implements LabBackend {
  readonly info: EngineInfo = { kind: 'cpu', precision: 'f64', adapter: 'cpu (Web Worker)' };
  readonly display = 'cpu' as const;
  private client: SpecWorkerClient<ResultReply>;
  private cache = new WeakMap<MapFrame, { key: string; pixels: Pixels }>();

  constructor() {
    this.client = new SpecWorkerClient(
      new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }),
    );
  }

  async run(spec: ExperimentSpec, options: RunOptions & { coarse?: boolean } = {}): Promise<MapFrame> {
    const coarse = !!options.coarse;
    const msg = await this.client.run(spec, options);
    return {
      spec,
      info: this.info,
      columns: msg.columns,
      counts: countOutcomes(msg.columns),
      ms: msg.ms,
      steps: msg.steps,
      coarse,
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
    const { width, height } = frame.columns;
    const rgba = flipRows(colourColumns(frame.columns, colour, frame.spec), width, height);
    const pixels = { width, height, rgba };
    this.cache.set(frame, { key, pixels });
    return pixels;
  }

  release(_frame: MapFrame): void {}

  dispose(): void {
    this.client.dispose();
  }
}
