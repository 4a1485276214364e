/**
 * The lab's engine, as a ReactiveController: the backend chosen at start as `?engine=` asks (auto by
 * default: src/ui/engine-host/select.ts), with why, and recovery from a lost GPU device: a new device (drawing
 * through a 2D canvas when the loss followed a present into a WebGPU canvas, as on headless
 * SwiftShader), and after MAX_RECOVERIES losses the CPU engine.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LabBackend } from '../engine-host/backend.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { CpuBackend } from '../engine-host/cpu-backend.ts';
import { createBackend, engineChoice } from '../engine-host/select.ts';

/** Device losses after which the lab stops asking for a GPU device. */
const MAX_RECOVERIES = 3;

export class EngineController implements ReactiveController {
  backend: LabBackend | null = null;
  /** Plain statement of a fallback (no WebGPU, lost device); null on the GPU as asked. */
  note: string | null = null;
  /** Why this engine runs (src/select/decide.ts), for the status line. */
  reason: string | null = null;
  private recoveries = 0;
  /**
   * Counts connections: a backend created for an earlier one (the lab removed while its device was
   * being requested) is disposed on arrival rather than kept, its device never destroyed, and a run
   * started on a detached lab.
   */
  private generation = 0;
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
      /** The spec on screen: auto estimates both engines for it. */
      spec(): ExperimentSpec;
    },
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.generation++;
    if (!this.backend) void this.start();
  }

  hostDisconnected(): void {
    this.generation++;
    this.backend?.dispose();
    this.backend = null;
  }

  private async start(): Promise<void> {
    const gen = this.generation;
    const { backend, note, reason } = await this.create(0);
    if (gen !== this.generation) return backend.dispose();
    this.backend = backend;
    this.note = note;
    this.reason = reason;
    this.host.requestUpdate();
    this.cb.ready();
  }

  private create(retries: number) {
    return createBackend(
      () => this.onDeviceLost(),
      this.display,
      retries,
      engineChoice(location.search),
      // Not this.cb.spec() now: the lab's link is opened by a controller that connects after this one.
      () => this.cb.spec(),
    );
  }

  private async onDeviceLost(): Promise<void> {
    const gen = this.generation;
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
      choice = {
        backend: new CpuBackend(),
        note: 'The CPU engine (float64, Web Workers) runs instead.',
        reason: `the GPU device was lost ${this.recoveries} times, so the float64 CPU engine`,
      };
    } else choice = await this.create(3);
    if (gen !== this.generation) return choice.backend.dispose();
    this.backend = choice.backend;
    this.reason = choice.reason;
    const how = byPresent ? ' while drawing into the WebGPU canvas; maps are now copied to a 2D canvas' : '';
    this.note = `The GPU device was lost${how} and the lab recovered.${choice.note ? ' ' + choice.note : ''}`;
    this.host.requestUpdate();
    this.cb.ready();
  }
}
