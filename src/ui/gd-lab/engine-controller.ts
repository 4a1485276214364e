/**
 * The lab's engine, as a ReactiveController: the backend chosen at start (WebGPU, else the float64
 * worker, with a sentence saying why), and recovery from a lost GPU device: a new device (drawing
 * through a 2D canvas when the loss followed a present into a WebGPU canvas, as on headless
 * SwiftShader), and after MAX_RECOVERIES losses the CPU engine.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LabBackend } from '../engine-host/backend.ts';
import { createBackend } from '../engine-host/select.ts';

/** Device losses after which the lab stops asking for a GPU device. */
const MAX_RECOVERIES = 3;

export class EngineController implements ReactiveController {
  backend: LabBackend | null = null;
  /** Plain statement of a fallback (no WebGPU, lost device); null on the GPU as asked. */
  note: string | null = null;
  private recoveries = 0;
  /** `?display=readback`: GPU frames reach the screen through a 2D canvas (headless SwiftShader). */
  private display: 'webgpu' | 'readback' =
    new URLSearchParams(location.search).get('display') === 'readback' ? 'readback' : 'webgpu';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly cb: {
      /** A backend is ready (at start, or after a loss): compute the view. */
      ready(): void;
      /** The device is gone: drop everything that lives on it. */
      lost(): void;
    },
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (!this.backend) void this.start();
  }

  hostDisconnected(): void {
    this.backend?.dispose();
    this.backend = null;
  }

  private async start(): Promise<void> {
    const { backend, note } = await createBackend(() => this.onDeviceLost(), this.display);
    this.backend = backend;
    this.note = note;
    this.host.requestUpdate();
    this.cb.ready();
  }

  private async onDeviceLost(): Promise<void> {
    const old = this.backend;
    this.cb.lost();
    this.backend = null;
    this.recoveries++;
    const presented = old && 'lastPresentAt' in old ? (old.lastPresentAt as number) : -Infinity;
    const byPresent = this.display === 'webgpu' && performance.now() - presented < 3000;
    if (byPresent) this.display = 'readback';
    old?.dispose();
    let choice;
    if (this.recoveries > MAX_RECOVERIES) {
      const { CpuBackend } = await import('../engine-host/cpu-backend.ts');
      choice = { backend: new CpuBackend(), note: 'The CPU engine (float64, Web Worker) runs instead.' };
    } else choice = await createBackend(() => this.onDeviceLost(), this.display, 3);
    this.backend = choice.backend;
    const how = byPresent ? ' while drawing into the WebGPU canvas; maps are now copied to a 2D canvas' : '';
    this.note = `The GPU device was lost${how} and the lab recovered.${choice.note ? ' ' + choice.note : ''}`;
    this.host.requestUpdate();
    this.cb.ready();
  }
}
