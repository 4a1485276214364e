/**
 * <gd-lab>: the lab. It owns the spec (the single currency), the engine backend, the frame on screen
 * and the view history; the panels, the pictures and the inspector only render what it hands them
 * and ask for changes with typed events. Every edit is fitted (a new objective adapts the plane, a
 * view switch sets itself up) and checked before it replaces the spec, so only input the user typed
 * wrongly is refused, with the message beside that field, and the last good picture stays.
 * Computing, files, the gallery and the way around views live in controllers (run-, file-,
 * gallery-, view-controller.ts); a panel's edit is applied in panel-edit.ts.
 */
import { LitElement, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { defaultSpec, type ExperimentSpec } from '../../experiment/spec.ts';
import type { LabBackend, MapFrame } from '../engine-host/backend.ts';
import type { BifurcationView } from '../bifurcation-view/bifurcation-view.ts';
import type { AttractorView } from '../attractor-view/attractor-view.ts';
import type { EnsembleProgressEvent, EnsembleReadyEvent, InspectEvent } from '../bifurcation-view/events.ts';
import { GalleryChooseEvent, type GalleryTrajectoryEvent } from '../gallery-panel/gallery.ts';
import {
  MapReadyEvent,
  type PixelPickEvent,
  type Section,
  type SpecEditEvent,
  type ViewChangeEvent,
} from '../shared/events.ts';
import type { CanvasLabel } from '../shared/canvas-text.ts';
import { checkSpec } from '../shared/objective.ts';
import { viewsEqual } from '../shared/view.ts';
import { inspectPixel, type InspectorData } from '../trajectory-inspector/inspect.ts';
import { EngineController } from './engine-controller.ts';
import { FileController } from './file-controller.ts';
import { LinkController } from './link-controller.ts';
import { StageController } from './stage-controller.ts';
import { GalleryController } from './gallery-controller.ts';
import { labStyles } from './lab-styles.ts';
import {
  type LabView,
  renderBeside,
  renderGalleryDialog,
  renderNotes,
  renderPicture,
  renderSide,
  renderStatus,
} from './lab-view.ts';
import { applyPanelEdit } from './panel-edit.ts';
import { CONFIRM_SECONDS, RunController } from './run-controller.ts';
import { sameComputation, specView } from './spec-view.ts';
import { toolbar } from './toolbar.ts';
import { ViewController } from './view-controller.ts';
import './lab-components.ts';

export { CPU_GALLERY_SIDE, type GalleryState } from './gallery-controller.ts';

type ErrorKey = Section | 'link' | 'engine' | 'export' | 'open';

/** How apply() treats a new spec. */
interface ApplyOptions {
  /** Enter the new view in back/forward history. */
  record?: boolean;
  /** Write the spec into the URL (false while reading the URL). */
  url?: boolean;
  /** The view Reset returns to becomes this spec's (a new experiment). */
  home?: boolean;
  /** The user agreed to a long run. */
  confirmed?: boolean;
}

@customElement('gd-lab')
export class GdLab extends LitElement {
  static override styles = labStyles;

  /** The current spec: always valid, always the one the picture shows or is computing. */
  @state() spec: ExperimentSpec = defaultSpec();
  /** The map on screen (the coarse preview until the full one arrives). */
  @state() frame: MapFrame | null = null;
  @state() errors: Partial<Record<ErrorKey, string>> = {};
  /** The field whose edit each error refused (SpecEditDetail.field), where its panel shows it. */
  @state() errorFields: Partial<Record<ErrorKey, string>> = {};
  @state() inspected: InspectorData | null = null;
  /**
   * One line on how the last objective change adapted the plane (a coordinate's rate as runs, shown
   * h<sub>x</sub>); null when it did not.
   */
  @state() adaptNote: CanvasLabel | null = null;
  /** A run estimated over a minute, waiting for the user's word. */
  @state() pending: (NonNullable<LabView['pending']> & { opts: ApplyOptions }) | null = null;
  @state() private ensembleRange: [number, number] | null = null;
  /** The ranges the attractor view chose automatically (where fixing them starts from). */
  @state() private attractorRanges: { u: [number, number]; v: [number, number] } | null = null;
  @state() private exportProgress_: number | null = null;
  /** The settings column is collapsed. */
  @property({ type: Boolean, reflect: true, attribute: 'panels-hidden' }) panelsHidden = false;
  /** Milliseconds from start-up to the first full map (reported by the browser tests). */
  firstMapMs: number | null = null;
  private readonly t0 = performance.now();

  /** The ensemble view on screen (diagram, density or attractor), which computes its own spec. */
  @query('gd-bifurcation-view, gd-attractor-view') ensembleView!: BifurcationView | AttractorView | null;
  @query('dialog') private galleryDialog!: HTMLDialogElement | null;

  readonly runs = new RunController(this, {
    show: (frame) => this.showFrame(frame),
    done: (frame) => {
      this.setError('engine', null);
      if (this.firstMapMs === null) this.firstMapMs = performance.now() - this.t0;
      this.dispatchEvent(new MapReadyEvent(frame));
    },
    failed: (message) => this.setError('engine', message),
  });
  readonly engine = new EngineController(this, {
    spec: () => this.link.held ?? this.spec,
    ready: () => this.engineReady(),
    lost: () => {
      this.runs.abort('device lost');
      this.frame = null;
    },
  });
  readonly files = new FileController(this);
  readonly link = new LinkController(this);
  private readonly stageCtl = new StageController(this, () => this.renderRoot.querySelector('.stage'));
  readonly galleryCtl = new GalleryController(this);
  /** History, Reset, zooms, the view switch and the keyboard shortcuts. */
  readonly views = new ViewController(this);

  /** Room for the picture (CSS pixels), measured from the layout. */
  get stage(): { width: number; height: number } {
    return this.stageCtl.size;
  }
  get backend(): LabBackend | null {
    return this.engine.backend;
  }
  /** Plain statement of a fallback (no WebGPU, lost device). */
  get engineNote(): string | null {
    return this.engine.note;
  }
  /** Why the engine that runs was chosen (src/select/decide.ts), shown in the status row. */
  get engineReason(): string | null {
    return this.engine.reason;
  }
  /** Progress of the computation (or export) in flight in [0, 1]; null when idle. */
  get progress(): number | null {
    return this.runs.running?.progress ?? this.exportProgress_;
  }
  get gallery() {
    return this.galleryCtl.state;
  }
  get galleryMaxSide(): number | null {
    return this.galleryCtl.maxSide;
  }
  set galleryMaxSide(side: number | null) {
    this.galleryCtl.maxSide = side;
    this.requestUpdate();
  }
  /** Bytes of the last exported PNG (tests read and clear them; the user gets a download). */
  get lastExport(): Uint8Array | null {
    return this.files.lastExport;
  }
  set lastExport(bytes: Uint8Array | null) {
    this.files.lastExport = bytes;
  }
  /** The file name the last export was offered under. */
  get lastExportName(): string | null {
    return this.files.lastExportName;
  }

  override disconnectedCallback(): void {
    if (this.frame) this.backend?.release(this.frame);
    this.frame = null;
    super.disconnectedCallback();
  }

  // ---- the spec ---------------------------------------------------------------------------------

  openDefault(): void {
    this.views.openDefault();
  }

  openLink(spec: ExperimentSpec): void {
    this.apply(spec, { record: true, url: false, home: true });
  }

  linkError(message: string | null, initial: boolean): void {
    this.setError('link', message);
    if (message && initial) this.views.history.push(specView(this.spec));
  }

  setError(key: ErrorKey, message: string | null, field?: string): void {
    if ((this.errors[key] ?? null) === message && this.errorFields[key] === field) return;
    const next = { ...this.errors };
    const fields = { ...this.errorFields };
    if (message === null) delete next[key];
    else next[key] = message;
    if (message === null || field === undefined) delete fields[key];
    else fields[key] = field;
    this.errors = next;
    this.errorFields = fields;
  }

  /**
   * Replaces the spec with a checked one. Colour-only changes recolour the frame on screen; others
   * start a computation (cancelling the one in flight), after asking when it would take long.
   */
  apply(next: ExperimentSpec, opts: ApplyOptions = {}): void {
    // Another spec opened (a file, the gallery, history) before the engine was ready replaces the link.
    this.link.held = null;
    const prev = this.spec;
    const computes = !sameComputation(prev, next) || (next.kind === 'basin' && !this.frame);
    const seconds = computes && !opts.confirmed ? this.runs.estimate(this.backend, next) : null;
    if (seconds !== null && seconds > CONFIRM_SECONDS) {
      this.pending = { spec: next, opts, seconds, speed: this.runs.basis(this.backend, next) };
      return;
    }
    this.pending = null;
    this.spec = next;
    this.views.entered(next, opts);
    this.galleryCtl.specChanged(next);
    if (opts.url !== false) this.link.write(next);
    if (computes) this.compute();
    if (!viewsEqual(specView(prev), specView(next)) || prev.objective !== next.objective)
      this.inspected = null;
  }

  /** Opens a checked spec as a new experiment (a file, a gallery entry). */
  openSpec(spec: ExperimentSpec, _source: string): void {
    checkSpec(spec);
    this.setError('open', null);
    this.adaptNote = null;
    this.apply(spec, { record: true, home: true });
  }

  private onSpecEdit = (e: SpecEditEvent): void => applyPanelEdit(this, e.detail);

  /** The user agreed to the long run waiting for their word. */
  confirmPending(): void {
    const p = this.pending;
    if (p) this.apply(p.spec, { ...p.opts, confirmed: true });
  }

  /** The user declined it: the spec and the picture stay as they were. */
  dismissPending(): void {
    this.pending = null;
  }

  togglePanels(): void {
    this.panelsHidden = !this.panelsHidden;
  }

  showGallery(): void {
    this.galleryDialog?.showModal();
  }

  /** Exports with the toolbar's options, or cancels the export running. */
  exportPng(): void {
    const root = this.renderRoot;
    const res = (root.querySelector('#export-res') as HTMLSelectElement).value;
    const decorate = (root.querySelector('#export-decor') as HTMLInputElement).checked;
    this.files.toggleExport({ side: res === 'screen' ? null : Number(res), decorate });
  }

  get exporting(): boolean {
    return this.files.exporting;
  }

  /** The gallery dialog is open (Escape closes it rather than cancel the run). */
  get dialogOpen(): boolean {
    return this.galleryDialog?.open ?? false;
  }

  /** Stops the computation in flight (Escape, the cancel button). */
  cancel(): void {
    if (this.spec.kind !== 'basin') this.runs.cancel(() => this.ensembleView?.cancel());
    else this.runs.cancel();
  }

  /** Runs the cancelled spec after all. */
  rerun(): void {
    this.runs.cancelled = null;
    if (this.spec.kind !== 'basin') this.ensembleView?.rerun();
    else this.compute();
  }

  // ---- computing --------------------------------------------------------------------------------

  /**
   * A backend is ready (at start, or after a lost device). The link the page opened with is opened
   * now, so a run estimated over a minute asks first, over the default experiment's picture.
   */
  private engineReady(): void {
    const link = this.link.take();
    if (link) {
      this.openLink(link);
      if (!this.pending) return;
      this.views.openDefault();
    }
    this.compute();
  }

  /** Computes a basin spec (the ensemble views compute their specs themselves). */
  private compute(): void {
    const backend = this.backend;
    if (!backend) return;
    if (this.spec.kind !== 'basin') return this.runs.abort('another view');
    this.runs.run(backend, this.spec);
  }

  private showFrame(frame: MapFrame): void {
    const old = this.frame;
    this.frame = frame;
    // The map draws in the next animation frame; the old frame is no longer referenced by then.
    if (old && old !== frame) requestAnimationFrame(() => this.backend?.release(old));
  }

  exportProgress(p: number | null): void {
    this.exportProgress_ = p;
  }

  // ---- inspector and gallery --------------------------------------------------------------------

  inspect(data: InspectorData | null): void {
    this.inspected = data;
  }

  private onPick = (e: PixelPickEvent): void => {
    try {
      this.inspected = inspectPixel(this.spec, e.detail.i, e.detail.j);
      this.galleryCtl.trajectoryLeft();
      this.setError('engine', null);
    } catch (err) {
      this.setError('engine', `inspector: ${(err as Error).message}`);
    }
  };

  openGallery(id: string, label = 'main'): void {
    this.galleryCtl.open(id, label);
  }

  openFile(file: File): Promise<void> {
    return this.files.openFile(file);
  }

  private onGalleryChoose = (e: GalleryChooseEvent): void => {
    this.galleryDialog?.close();
    this.galleryCtl.open(e.detail.id, e.detail.label);
  };

  // ---- rendering --------------------------------------------------------------------------------

  protected override render() {
    return html`
      <header>${toolbar(this, this, this.views)}</header>
      <aside id="panels-column" @spec-edit=${this.onSpecEdit}>
        ${renderSide(this, this.ensembleRange, this.attractorRanges)}
      </aside>
      <main class=${this.files.dragging ? 'drop' : ''}>
        <div class="picture">
          ${renderNotes(this.engineNote, this.errors)} ${renderStatus(this)}
          <div class="stage">
            ${renderPicture(this, {
              viewChange: (ev: ViewChangeEvent) => this.views.setView(ev.detail.view, ev.detail.record),
              pick: this.onPick,
              inspect: (ev: InspectEvent) => {
                this.inspected = ev.detail.data;
                this.galleryCtl.trajectoryLeft();
              },
              ensembleReady: (ev: EnsembleReadyEvent) => {
                const result = this.ensembleView?.result ?? null;
                this.ensembleRange = result?.range ?? null;
                this.attractorRanges = result?.range2 ? { u: result.range, v: result.range2 } : null;
                this.runs.measured(this.backend, this.spec, ev.detail.ms);
                this.runs.ensembleProgress(this.backend, this.spec, null);
              },
              ensembleProgress: (ev: EnsembleProgressEvent) =>
                this.runs.ensembleProgress(this.backend, this.spec, ev.detail.progress),
            })}
          </div>
        </div>
        <div class="beside" ?hidden=${this.spec.kind === 'density' && !this.gallery && !this.inspected}>
          ${renderBeside(this, {
            choose: this.onGalleryChoose,
            trajectory: (ev: GalleryTrajectoryEvent) => this.galleryCtl.inspectTrajectory(ev.detail.index),
            closeEntry: () => this.galleryCtl.close(),
            closeInspector: () => (this.inspected = null),
          })}
        </div>
      </main>
      ${renderGalleryDialog(this.gallery?.entry.id ?? null, this.galleryCtl.sideNote(), {
        choose: this.onGalleryChoose,
        close: () => this.galleryDialog?.close(),
      })}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-lab': GdLab;
  }
}
