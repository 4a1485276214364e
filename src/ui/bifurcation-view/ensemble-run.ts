/**
 * The computation of the ensemble views (bifurcation, density, attractor), as a ReactiveController:
 * an EnsembleHost per lab backend (a new backend aborts the run in flight and disposes the old
 * host), the spec computed again only when it changes in more than its colouring, progress and
 * completion as typed events for the lab, a failed run's message, cancel and rerun, and a second run
 * for an export at another size. The view keeps what it shows (result, progress, error) as its own
 * reactive state, so its updates see them change; this controller writes them.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BifurcationResult } from '../../core/ensemble.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type {
  BifurcationColours,
  BifurcationRenderOptions,
  RgbaImage,
} from '../../engine/bifurcation-render.ts';
import type { LabBackend } from '../engine-host/backend.ts';
import { isAbort } from '../engine-host/backend.ts';
import { EnsembleHost, backendDevice } from './ensemble-host.ts';
import { EnsembleProgressEvent, EnsembleReadyEvent } from './events.ts';

/** The view an EnsembleRun computes for: its inputs, and the reactive state the run writes. */
export interface EnsembleRunHost extends ReactiveControllerHost, EventTarget {
  readonly spec: ExperimentSpec | null;
  readonly backend: LabBackend | null;
  /** The result on screen (the previous one while a new spec computes). */
  result: BifurcationResult | null;
  /** Progress of the computation in [0, 1]; null when idle. */
  progress: number | null;
  /** The last computation's error; null after a success. */
  error: string | null;
}

/** What a spec computes: all of it but its colouring. */
function computeKey(spec: ExperimentSpec): string {
  return JSON.stringify({ ...spec, colour: null });
}

/** Whether two specs compute the same result (they may differ in colouring only). */
export function sameEnsemble(a: ExperimentSpec, b: ExperimentSpec): boolean {
  return computeKey(a) === computeKey(b);
}

/** Largest side of a grid recomputed for an export. */
const EXPORT_MAX_SIDE = 4096;

/** Computes the host view's spec on the lab's backend and keeps the view's run state current. */
export class EnsembleRun implements ReactiveController {
  private engine: EnsembleHost | null = null;
  private engineBackend: LabBackend | null = null;
  private controller: AbortController | null = null;
  private computedKey: string | null = null;

  /** `runs` says which specs are the view's to compute (the others it leaves alone). */
  constructor(
    private readonly host: EnsembleRunHost,
    private readonly runs: (spec: ExperimentSpec) => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // Reattached (e.g. the lab switched views and back): compute again on the next update.
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.controller?.abort(new DOMException('view removed', 'AbortError'));
    this.engine?.dispose();
    this.engine = null;
    this.engineBackend = null;
    this.computedKey = null;
  }

  /** Host and computation are decided before rendering, so their state lands in this update. */
  hostUpdate(): void {
    const backend = this.host.backend;
    if (backend !== this.engineBackend) {
      this.controller?.abort(new DOMException('new engine', 'AbortError'));
      this.engine?.dispose();
      this.engine = null;
      this.engineBackend = backend;
      this.computedKey = null;
      if (backend) this.engine = new EnsembleHost(backendDevice(backend), backend.info.adapter);
    }
    const spec = this.host.spec;
    if (spec && this.runs(spec) && this.engine) {
      const key = computeKey(spec);
      if (key !== this.computedKey) {
        this.computedKey = key;
        this.compute(this.engine, spec);
      }
    }
  }

  /** Whether the result on screen is the spec's (not a previous one or none). */
  get ready(): boolean {
    const { spec, result, progress } = this.host;
    return !!spec && !!result && progress === null && sameEnsemble(result.spec, spec);
  }

  /** Stops the computation in flight; the result on screen stays. */
  cancel(): void {
    if (this.host.progress === null) return;
    this.controller?.abort(new DOMException('cancelled', 'AbortError'));
    this.controller = null;
    // computedKey stays: the cancelled spec is not started again by the next render, only by rerun().
    this.setProgress(null);
  }

  /** Computes the spec again (after a cancel). */
  rerun(): void {
    this.computedKey = null;
    this.host.requestUpdate();
  }

  /**
   * The result to export: null until the spec's result is on screen; with `side`, computed once
   * more on this engine (the view's state untouched) from the spec `respec` makes of the result on
   * screen and its grid scaled to that longer side (at most EXPORT_MAX_SIDE). `respec` may return
   * null (and without an engine) to export the result on screen as it is.
   */
  async exportResult(
    side: number | null,
    respec: (shown: BifurcationResult, size: [number, number]) => ExperimentSpec | null,
    signal?: AbortSignal,
    onProgress?: (p: number) => void,
  ): Promise<BifurcationResult | null> {
    const r = this.host.result;
    if (!this.ready || !r) return null;
    if (side === null || !this.engine) return r;
    const [W, H] = r.spec.size;
    const s = Math.min(EXPORT_MAX_SIDE, side) / Math.max(W, H);
    const spec = respec(r, [Math.max(1, Math.round(W * s)), Math.max(1, Math.round(H * s))]);
    if (!spec) return r;
    return this.engine.run(spec, { signal, onProgress: (d, t) => onProgress?.(d / t) });
  }

  /** The picture of `result` coloured where its counts are (EnsembleHost.render); null: colour it here. */
  render(
    result: BifurcationResult,
    colours: BifurcationColours,
    options?: BifurcationRenderOptions,
  ): Promise<RgbaImage | null> {
    return this.engine ? this.engine.render(result, colours, options) : Promise.resolve(null);
  }

  /** An attractor's picture coloured where its counts are (EnsembleHost.renderAttractor); null: here. */
  renderAttractor(result: BifurcationResult, colours: BifurcationColours): Promise<RgbaImage | null> {
    return this.engine ? this.engine.renderAttractor(result, colours) : Promise.resolve(null);
  }

  private setProgress(p: number | null): void {
    this.host.progress = p;
    this.host.dispatchEvent(new EnsembleProgressEvent(p));
  }

  private compute(engine: EnsembleHost, spec: ExperimentSpec): void {
    this.controller?.abort(new DOMException('superseded by a newer spec', 'AbortError'));
    const controller = new AbortController();
    this.controller = controller;
    this.setProgress(0);
    const t0 = performance.now();
    engine
      .run(spec, {
        signal: controller.signal,
        onProgress: (done, total) => {
          if (this.controller === controller) this.setProgress(done / total);
        },
      })
      .then(
        (result) => {
          if (this.controller !== controller) return;
          const host = this.host;
          host.result = result;
          host.progress = null;
          host.error = null;
          host.dispatchEvent(new EnsembleProgressEvent(null));
          host.dispatchEvent(new EnsembleReadyEvent(performance.now() - t0));
        },
        (e: unknown) => {
          if (this.controller !== controller || isAbort(e)) return;
          this.setProgress(null);
          // Let the same spec be tried again (e.g. after a lost device brings a new backend).
          this.computedKey = null;
          this.host.error = (e as Error).message;
        },
      );
  }
}
