/**
 * The lab's computations, as a ReactiveController: a basin map computed progressively (a coarse
 * preview, then the full grid; a newer run cancels the older), the run in flight for the status line
 * and the progress bar, cancelling, and the measured speeds of each engine, from which the next run's
 * time is estimated before it starts (run-estimate.ts). The ensemble views compute themselves and
 * report here.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { LabBackend, MapFrame } from '../engine-host/backend.ts';
import { isAbort } from '../engine-host/backend.ts';
import { softwareAdapter } from '../../engine/adapter-kind.ts';
import { estimateCost } from '../../select/cost.ts';
import { compileSpec } from '../shared/objective.ts';
import { specSteps } from './spec-view.ts';
import { KernelsSeen, SpeedBook, type EngineKind, type SpeedBasis } from './run-estimate.ts';

/** Longest side of the coarse preview of progressive rendering. */
const COARSE_SIDE = 64;
/**
 * A run estimated (at the speed measured last) to finish sooner than this shows no coarse preview:
 * on a fast GPU a 1024² map takes milliseconds, and a preview would only flash a blurred picture
 * over the sharp one being panned or zoomed, at the cost of one more run.
 */
const PREVIEW_AFTER_SECONDS = 0.15;

/** A run estimated longer than this asks the user first. */
export const CONFIRM_SECONDS = 60;

/** The computation in flight, as the status line describes it. */
export interface RunInFlight {
  spec: ExperimentSpec;
  /** 'preview' while the coarse grid computes, then 'full'. */
  phase: 'preview' | 'full';
  /** Whether a coarse preview of this run is on screen. */
  previewShown: boolean;
  /** Fraction done in [0, 1]. */
  progress: number;
  /** When the clock of `estimate` started: the run's start, or the end of its kernel's compile. */
  started: number;
  /** `progress` when the clock started (a compile ends with the first submit's progress). */
  progress0: number;
  /** Seconds the run should take from `started` at the speed expected of it; null when unknown. */
  estimate: number | null;
  /** A kernel compiles before anything is computed: no time left is known until the first progress. */
  compiling: boolean;
}

export interface RunCallbacks {
  /** A frame to show (the preview, then the full map). */
  show(frame: MapFrame): void;
  /** The full map is in. */
  done(frame: MapFrame): void;
  failed(message: string): void;
}

export class RunController implements ReactiveController {
  /** The run in flight; null when idle. */
  running: RunInFlight | null = null;
  /** Set when the user cancelled the last run (what the picture shows instead). */
  cancelled: string | null = null;
  private controller: AbortController | null = null;
  private generation = 0;
  /** Trajectory steps per second of finished runs, per engine and step. */
  private readonly speeds = new SpeedBook();
  private readonly kernels = new KernelsSeen();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly cb: RunCallbacks,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.abort('view removed');
  }

  private engine(backend: LabBackend | null): EngineKind {
    return backend?.info.kind === 'gpu' ? 'gpu' : 'cpu';
  }

  /** Records a finished run's speed (the ensemble views report theirs through the lab). */
  measured(backend: LabBackend | null, spec: ExperimentSpec, ms: number): void {
    this.kernels.compiled(backend, spec);
    this.speeds.record(this.engine(backend), spec, specSteps(spec), ms);
  }

  /** The speed expected of the spec on this engine: measured, or scaled from one; null before any. */
  basis(backend: LabBackend | null, spec: ExperimentSpec): SpeedBasis | null {
    return this.speeds.basis(this.engine(backend), spec);
  }

  /** Steps per second expected of the spec on this engine (basis); null before any run measured. */
  speed(backend: LabBackend | null, spec: ExperimentSpec): number | null {
    return this.basis(backend, spec)?.rate ?? null;
  }

  /**
   * Seconds the spec should take at the speed expected of it (basis). Before any measurement, the
   * cost model auto chooses engines by (src/select/cost.ts) where it was fitted: the CPU engine and a
   * software adapter, on which a link's spec within the limits can take hours, and whose first run
   * would otherwise start unasked. On a hardware GPU, null until a run is measured.
   */
  estimate(backend: LabBackend | null, spec: ExperimentSpec): number | null {
    const s = this.speed(backend, spec);
    if (s) return specSteps(spec) / s;
    return backend ? modelledSeconds(backend, spec) : null;
  }

  /**
   * Stops the run in flight; its last frame (the preview, or the previous picture) stays on screen.
   * An ensemble view stops its own run (`stopEnsemble`); this records what the picture now is.
   */
  cancel(stopEnsemble?: () => void): boolean {
    if (!this.running) return false;
    const pct = Math.round(this.running.progress * 100);
    this.cancelled = `cancelled at ${pct}%: the picture is the ${this.running.previewShown ? 'preview' : 'previous one'}`;
    if (stopEnsemble) {
      stopEnsemble();
      this.running = null;
      this.host.requestUpdate();
    } else this.abort('cancelled');
    return true;
  }

  /** Aborts the run in flight without a note (a newer run or another view takes over). */
  abort(why: string): void {
    this.controller?.abort(new DOMException(why, 'AbortError'));
    this.controller = null;
    this.generation++;
    if (this.running) {
      this.running = null;
      this.host.requestUpdate();
    }
  }

  /** Describes an ensemble view's run in flight (the view computes it; the lab shows its progress). */
  ensembleProgress(backend: LabBackend | null, spec: ExperimentSpec, progress: number | null): void {
    if (progress === null) this.running = null;
    else if (this.running?.spec === spec) this.progressed(backend, progress);
    else {
      this.cancelled = null;
      this.running = this.starting(backend, spec, 'full', this.estimate(backend, spec));
      if (progress > 0) this.progressed(backend, progress);
    }
    this.host.requestUpdate();
  }

  private starting(
    backend: LabBackend | null,
    spec: ExperimentSpec,
    phase: RunInFlight['phase'],
    estimate: number | null,
  ): RunInFlight {
    const compiling = this.kernels.compiles(backend, this.engine(backend), spec);
    const started = performance.now();
    return { spec, phase, previewShown: false, progress: 0, started, progress0: 0, estimate, compiling };
  }

  /**
   * The run in flight is `progress` done. The first progress after a compile ends it: the estimate's
   * clock starts there, for what is left, so that a long compile does not eat the time left.
   */
  private progressed(backend: LabBackend | null, progress: number): void {
    const r = this.running;
    if (!r) return;
    if (!r.compiling || progress <= 0) {
      this.running = { ...r, progress };
      return;
    }
    this.kernels.compiled(backend, r.spec);
    this.running = {
      ...r,
      progress,
      compiling: false,
      started: performance.now(),
      progress0: progress,
      estimate: r.estimate === null ? null : r.estimate * (1 - progress),
    };
  }

  /**
   * Computes a basin spec progressively: a coarse preview, then the full grid; the full grid alone
   * when it is small or expected within PREVIEW_AFTER_SECONDS.
   */
  run(backend: LabBackend, spec: ExperimentSpec): void {
    this.abort('superseded by a newer view');
    this.cancelled = null;
    const controller = new AbortController();
    this.controller = controller;
    const gen = this.generation;
    const [W, H] = spec.size;
    const scale = Math.max(W, H) / COARSE_SIDE;
    const estimate = this.estimate(backend, spec);
    const preview = scale >= 2 && !(estimate !== null && estimate < PREVIEW_AFTER_SECONDS);
    this.running = this.starting(backend, spec, preview ? 'preview' : 'full', estimate);
    this.host.requestUpdate();
    const live = () => gen === this.generation;
    void (async () => {
      try {
        if (preview) {
          const size: [number, number] = [
            Math.max(1, Math.round(W / scale)),
            Math.max(1, Math.round(H / scale)),
          ];
          const cf = await backend.run({ ...spec, size }, { signal: controller.signal, coarse: true });
          if (!live()) return backend.release(cf);
          this.cb.show(cf);
          // The preview compiled the kernel: the full run's clock starts now.
          if (this.running!.compiling) this.kernels.compiled(backend, spec);
          const started = this.running!.compiling ? performance.now() : this.running!.started;
          this.running = { ...this.running!, phase: 'full', previewShown: true, compiling: false, started };
          this.host.requestUpdate();
        }
        const frame = await backend.run(spec, {
          signal: controller.signal,
          onProgress: (done, total) => {
            if (!live() || !this.running) return;
            this.progressed(backend, done / total);
            this.host.requestUpdate();
          },
        });
        if (!live()) return backend.release(frame);
        this.running = null;
        this.controller = null;
        this.measured(backend, spec, frame.ms);
        this.cb.show(frame);
        this.cb.done(frame);
        this.host.requestUpdate();
      } catch (e) {
        if (isAbort(e) || !live()) return;
        this.running = null;
        this.host.requestUpdate();
        this.cb.failed((e as Error).message);
      }
    })();
  }
}

/** The cost model's seconds for a spec on `backend`; null where it does not apply (a hardware GPU). */
export function modelledSeconds(backend: LabBackend, spec: ExperimentSpec): number | null {
  const kind = backend.info.kind;
  if (kind !== 'cpu' && !softwareAdapter(backend.info.adapter)) return null;
  const graph = compileSpec(spec).graph;
  if (!graph) return null;
  // The CPU engine runs on as many workers as the page has threads (src/cpu/web-pool.ts).
  const threads = Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  const cost = estimateCost(graph, spec, threads);
  return (kind === 'cpu' ? cost.cpuMs : cost.adapterMs) / 1000;
}
