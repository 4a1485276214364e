/**
 * The CPU backend: the float64 reference engine in a Web Worker, coloured on the main thread with
 * the CPU colouring function (same mapping as the GPU colour pass), drawn with putImageData.
 */
import type { EngineInfo, RunOptions } from '../../engine/types.ts';
import { countOutcomes } from '../../outcome.ts';
import type { ExperimentSpec } from '../../spec/spec.ts';
import { flipRows, type ColourSettings, type LabBackend, type MapFrame, type Pixels } from './backend.ts';
import { colourColumns } from './colour.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

interface Pending {
  resolve: (frame: MapFrame) => void;
  reject: (e: Error) => void;
  onProgress?: (done: number, total: number) => void;
  spec: ExperimentSpec;
  coarse: boolean;
}

export class CpuBackend implements LabBackend {
  readonly info: EngineInfo = { kind: 'cpu', precision: 'f64', adapter: 'cpu (Web Worker)' };
  readonly display = 'cpu' as const;
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private cache = new WeakMap<MapFrame, { key: string; pixels: Pixels }>();

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', (e: MessageEvent<WorkerReply>) => this.onMessage(e.data));
    this.worker.addEventListener('error', (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`CPU worker failed: ${e.message}`));
      this.pending.clear();
    });
  }

  run(spec: ExperimentSpec, options: RunOptions & { coarse?: boolean } = {}): Promise<MapFrame> {
    const id = this.nextId++;
    const signal = options.signal;
    return new Promise<MapFrame>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      this.pending.set(id, {
        resolve,
        reject,
        onProgress: options.onProgress,
        spec,
        coarse: !!options.coarse,
      });
      signal?.addEventListener('abort', () => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        this.post({ type: 'cancel', id });
        reject(signal.reason as Error);
      });
      this.post({ type: 'run', id, spec });
    });
  }

  private post(msg: WorkerRequest): void {
    this.worker.postMessage(msg);
  }

  private onMessage(msg: WorkerReply): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.done, msg.total);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'error') {
      const err = new Error(msg.message);
      err.name = msg.name;
      p.reject(err);
      return;
    }
    p.resolve({
      spec: p.spec,
      info: this.info,
      columns: msg.columns,
      counts: countOutcomes(msg.columns, p.spec.classify.chaosThreshold),
      ms: msg.ms,
      steps: msg.steps,
      coarse: p.coarse,
    });
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
    for (const p of this.pending.values()) p.reject(new DOMException('engine disposed', 'AbortError'));
    this.pending.clear();
    this.worker.terminate();
  }
}
