/**
 * <gd-lab>: the lab. It owns the spec (the single currency), the engine backend, the current map
 * frame and the view history; the panels, the map and the inspector only render what it hands them
 * and ask for changes with typed events. Every edit is checked (parseSpec, compile, plane) before
 * it replaces the spec, so bad input leaves the last good map on screen with the message beside
 * the field it came from.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import {
  defaultSpec,
  parseSpec,
  SPEC_KINDS,
  type ExperimentSpec,
  type SpecKind,
} from '../../experiment/spec.ts';
import { specFromHash, specToHash } from '../../experiment/url.ts';
import type { LabBackend, MapFrame } from '../engine-host/backend.ts';
import { isAbort } from '../engine-host/backend.ts';
import { createBackend, engineChoice } from '../engine-host/select.ts';
import { specView as planeView } from '../basin-map/basin-map.ts';
import {
  type PixelPickEvent,
  type Section,
  type SpecEditEvent,
  type ViewChangeEvent,
} from '../shared/events.ts';
import { ViewHistory } from '../shared/history.ts';
import { checkSpec } from '../shared/objective.ts';
import { isUsableView, viewsEqual, type View } from '../shared/view.ts';
import { inspectPixel, type InspectorData } from '../trajectory-inspector/inspect.ts';
import { exportPng, readSpecFile, type ExportOptions } from './export.ts';
import { presetView } from '../shared/presets.ts';
import '../basin-map/basin-map.ts';
import '../map-legend/map-legend.ts';
import '../objective-panel/objective-panel.ts';
import '../optimizer-panel/optimizer-panel.ts';
import '../plane-panel/plane-panel.ts';
import '../colour-panel/colour-panel.ts';
import '../trajectory-inspector/trajectory-inspector.ts';
import '../bifurcation-view/bifurcation-view.ts';
import '../gallery-panel/gallery-panel.ts';
import type { BifurcationView } from '../bifurcation-view/bifurcation-view.ts';
import type { InspectEvent } from '../bifurcation-view/events.ts';
import '../gallery-entry/gallery-entry.ts';
import '../ensemble-panel/ensemble-panel.ts';
import { GALLERY, type GalleryEntry } from '../../gallery/entries.ts';
import {
  entrySpec,
  entryTrajectory,
  sameExperiment,
  scaleSpec,
  type GalleryChooseEvent,
  type GalleryTrajectoryEvent,
} from '../gallery-panel/gallery.ts';

type ErrorKey = Section | 'link' | 'engine' | 'export' | 'open';

/** A density exports as its chart, which always has axes and has no grid to resize. */
const DENSITY_EXPORT_NOTE = 'density export: the chart as drawn, with its axes and L1';

const KIND_TITLES: Record<SpecKind, string> = {
  basin: 'basin map',
  bifurcation: 'bifurcation diagram',
  density: 'long-run density',
};

const HINTS: Record<SpecKind, string> = {
  basin:
    'Click a pixel to inspect its trajectory. Wheel: zoom · drag: pan · shift-drag: box zoom · drop a gdlab PNG to reopen it.',
  bifurcation:
    'Click a column to inspect its trajectory. Drag a box to zoom · drop a gdlab PNG to reopen it.',
  density: 'The histogram of long-run iterates against the Gibbs prediction Z⁻¹exp(-f₀/T).',
};

/** Device losses after which the lab stops asking for a GPU device. */
const MAX_RECOVERIES = 3;

/**
 * Longest grid side gallery entries open at on the CPU engine: a saved 512² × 500 map would take
 * minutes in the float64 worker, 128² a few seconds.
 */
export const CPU_GALLERY_SIDE = 128;

/** What the lab shows of an open gallery entry. */
export interface GalleryState {
  entry: GalleryEntry;
  /** The picture: 'main' or a variant's label. */
  label: string;
  /** The spec the entry opened (its text describes it while the lab shows this experiment). */
  spec: ExperimentSpec;
  /** Index of the entry's trajectory in the inspector, or null. */
  trajectory: number | null;
  /** Set when the picture opened at a smaller grid than saved. */
  note: string | null;
  error: string | null;
}

/** Longest side of the coarse preview of progressive rendering. */
const COARSE_SIDE = 64;

/**
 * The view of a spec: the plane for a basin map; for the ensemble views the sweep (u) and the
 * observable's range (v), which is automatic (null) until a zoom fixes it. An automatic range is
 * v = [-∞, ∞], so history and Reset bring it back as automatic (not as plane.v, which the ensemble
 * views do not use).
 */
function specView(spec: ExperimentSpec): View {
  if (spec.kind === 'basin') return planeView(spec);
  const r = spec.ensemble.range ?? [-Infinity, Infinity];
  return { u: [spec.plane.u.min, spec.plane.u.max], v: [r[0], r[1]] };
}

/** The spec showing `view` (see specView). */
function withView(spec: ExperimentSpec, view: View): ExperimentSpec {
  const u = { ...spec.plane.u, min: view.u[0], max: view.u[1] };
  if (spec.kind !== 'basin')
    return {
      ...spec,
      plane: { ...spec.plane, u },
      ensemble: { ...spec.ensemble, range: Number.isFinite(view.v[0]) ? [view.v[0], view.v[1]] : null },
    };
  return { ...spec, plane: { u, v: { ...spec.plane.v, min: view.v[0], max: view.v[1] } } };
}

/** Whether two specs compute the same records (they may differ in colouring only). */
function sameComputation(a: ExperimentSpec, b: ExperimentSpec): boolean {
  return JSON.stringify({ ...a, colour: null }) === JSON.stringify({ ...b, colour: null });
}

@customElement('gd-lab')
export class GdLab extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      grid-template-columns: 330px 1fr;
      gap: 14px;
      padding: 12px;
      font:
        13px/1.35 system-ui,
        sans-serif;
      color: #222;
      min-height: 100vh;
      box-sizing: border-box;
    }
    aside {
      display: flex;
      flex-direction: column;
      gap: 10px;
    }
    main {
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-width: 0;
    }
    h1 {
      font-size: 17px;
      margin: 0 0 2px;
    }
    .sub {
      color: #666;
      font-size: 12px;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      align-items: center;
    }
    button,
    select {
      font: inherit;
    }
    .row {
      display: flex;
      gap: 14px;
      align-items: flex-start;
      flex-wrap: wrap;
    }
    /* As wide as the diagram's frame, so the legend's long line wraps instead of pushing the text down. */
    .row > gd-bifurcation-view {
      width: min-content;
    }
    /* Beside the picture: the legend and an open gallery entry's text, readable without scrolling. */
    .beside {
      flex: 1 1 340px;
      min-width: 300px;
      max-width: 620px;
      display: flex;
      flex-direction: column;
      gap: 10px;
    }
    .export-note {
      color: #666;
      font-size: 12px;
    }
    .note {
      background: #fff4d6;
      border: 1px solid #e0c060;
      padding: 6px 8px;
      border-radius: 4px;
    }
    .error {
      color: #b00020;
      white-space: pre-wrap;
    }
    .status {
      color: #555;
      font-size: 12px;
      font-variant-numeric: tabular-nums;
    }
    .drop {
      outline: 3px dashed #4a90d9;
      outline-offset: -6px;
    }
  `;

  /** The current spec: always valid, always the one the map shows or is computing. */
  @state() spec: ExperimentSpec = defaultSpec();
  /** The map on screen (the coarse preview until the full one arrives). */
  @state() frame: MapFrame | null = null;
  @state() backend: LabBackend | null = null;
  @state() progress: number | null = null;
  @state() errors: Partial<Record<ErrorKey, string>> = {};
  /** Plain statement of a fallback (no WebGPU, lost device). */
  @state() engineNote: string | null = null;
  /** Why the engine that runs was chosen (src/select/decide.ts), shown in the status line. */
  @state() engineReason: string | null = null;
  @state() inspected: InspectorData | null = null;
  /** The vertical range of the ensemble result on screen (where fixing the range in the panel starts). */
  @state() private ensembleRange: [number, number] | null = null;
  /** The open gallery entry, shown beside the picture; null when none is open. */
  @state() gallery: GalleryState | null = null;
  /**
   * Longest grid side gallery entries open at; null: CPU_GALLERY_SIDE on the CPU engine, as saved
   * on the GPU. Tests lower it for SwiftShader.
   */
  @state() galleryMaxSide: number | null = null;
  @state() private dragging = false;
  @state() private exporting = false;
  private exportController: AbortController | null = null;
  /** Bytes of the last exported PNG (tests read them; the user gets a download). */
  lastExport: Uint8Array | null = null;
  /** Milliseconds from start-up to the first full map (reported by the browser tests). */
  firstMapMs: number | null = null;
  private readonly t0 = performance.now();
  /** `?display=readback`: GPU frames reach the screen through a 2D canvas (headless SwiftShader). */
  private display: 'webgpu' | 'readback' =
    new URLSearchParams(location.search).get('display') === 'readback' ? 'readback' : 'webgpu';

  @query('gd-bifurcation-view') private ensembleView!: BifurcationView | null;

  private history = new ViewHistory<View>(viewsEqual);
  /** The view Reset returns to: the one the experiment was opened with. */
  private homeView: View = specView(this.spec);
  private controller: AbortController | null = null;
  /** Device losses recovered from so far. */
  private recoveries = 0;
  private generation = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.loadFromHash(location.hash, true);
    window.addEventListener('hashchange', this.onHashChange);
    window.addEventListener('keydown', this.onKey);
    this.addEventListener('dragover', this.onDragOver);
    this.addEventListener('dragleave', this.onDragLeave);
    this.addEventListener('drop', this.onDrop);
    void this.startBackend();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    window.removeEventListener('keydown', this.onKey);
    this.controller?.abort();
    if (this.frame) this.backend?.release(this.frame);
    this.backend?.dispose();
    this.backend = null;
  }

  private async startBackend(): Promise<void> {
    const { backend, note, reason } = await createBackend(
      () => this.onDeviceLost(),
      this.display,
      0,
      engineChoice(location.search),
      this.spec,
    );
    this.backend = backend;
    this.engineNote = note;
    this.engineReason = reason;
    this.compute();
  }

  /**
   * A lost GPU device: say so, make a new backend (a new device), and recompute the view. A device
   * lost right after drawing into a WebGPU canvas (headless SwiftShader does that) comes back
   * drawing through a 2D canvas; after MAX_RECOVERIES losses the CPU engine takes over.
   */
  private async onDeviceLost(): Promise<void> {
    const old = this.backend;
    this.controller?.abort();
    this.frame = null;
    this.backend = null;
    this.recoveries++;
    const presented = old && 'lastPresentAt' in old ? (old.lastPresentAt as number) : -Infinity;
    const byPresent = this.display === 'webgpu' && performance.now() - presented < 3000;
    if (byPresent) this.display = 'readback';
    old?.dispose();
    let choice;
    if (this.recoveries > MAX_RECOVERIES) {
      const { CpuBackend } = await import('../engine-host/cpu-backend.ts');
      choice = {
        backend: new CpuBackend(),
        note: 'The CPU engine (float64, Web Workers) runs instead.',
        reason: `the GPU device was lost ${this.recoveries} times, so the float64 CPU engine`,
      };
    } else
      choice = await createBackend(
        () => this.onDeviceLost(),
        this.display,
        3,
        engineChoice(location.search),
        this.spec,
      );
    this.backend = choice.backend;
    this.engineReason = choice.reason;
    const how = byPresent ? ' while drawing into the WebGPU canvas; maps are now copied to a 2D canvas' : '';
    this.engineNote = `The GPU device was lost${how} and the lab recovered.${choice.note ? ' ' + choice.note : ''}`;
    this.compute();
  }

  // ---- the spec ---------------------------------------------------------------------------------

  private loadFromHash(hash: string, initial: boolean): void {
    try {
      const spec = specFromHash(hash);
      if (!spec) {
        if (initial) this.homeView = presetView(this.spec) ?? specView(this.spec);
        this.history.push(specView(this.spec));
        return;
      }
      checkSpec(spec);
      this.setError('link', null);
      this.homeView = specView(spec);
      this.apply(spec, { record: true, url: false });
    } catch (e) {
      this.setError('link', `This link's experiment could not be opened: ${(e as Error).message}`);
      if (initial) this.history.push(specView(this.spec));
    }
  }

  private onHashChange = (): void => {
    if (location.hash === specToHash(this.spec)) return;
    this.loadFromHash(location.hash, false);
  };

  private setError(key: ErrorKey, message: string | null): void {
    if ((this.errors[key] ?? null) === message) return;
    const next = { ...this.errors };
    if (message === null) delete next[key];
    else next[key] = message;
    this.errors = next;
  }

  /**
   * Replaces the spec with a checked one. Colour-only changes recolour the frame on screen; others
   * start a computation (cancelling the one in flight).
   */
  private apply(next: ExperimentSpec, opts: { record?: boolean; url?: boolean } = {}): void {
    const prev = this.spec;
    this.spec = next;
    if (this.gallery && !sameExperiment(next, this.gallery.spec)) this.gallery = null;
    if (opts.record) this.history.push(specView(next));
    if (opts.url !== false) {
      const hash = specToHash(next);
      if (location.hash !== hash) history.replaceState(null, '', hash);
    }
    if (!sameComputation(prev, next) || !this.frame) this.compute();
    if (!viewsEqual(specView(prev), specView(next)) || prev.objective !== next.objective)
      this.inspected = null;
  }

  private onSpecEdit = (e: SpecEditEvent): void => {
    const { section, edit } = e.detail;
    let next: ExperimentSpec;
    try {
      next = parseSpec(edit(structuredClone(this.spec)));
      checkSpec(next);
    } catch (err) {
      this.setError(section, (err as Error).message);
      return;
    }
    this.setError(section, null);
    const viewChanged = !viewsEqual(specView(next), specView(this.spec));
    if (section === 'objective' && next.objective.preset !== this.spec.objective.preset)
      this.homeView = specView(next);
    this.apply(next, { record: viewChanged });
  };

  private onViewChange = (e: ViewChangeEvent): void => {
    this.setView(e.detail.view, e.detail.record);
  };

  private setView(view: View, record: boolean): void {
    // An automatic ensemble range (±∞, see specView) has nothing to check.
    const checked: View = Number.isFinite(view.v[0]) ? view : { u: view.u, v: [0, 1] };
    if (!isUsableView(checked, this.spec.size)) {
      this.setError('plane', 'cannot zoom further: float64 pixel centres would coincide');
      return;
    }
    try {
      const next = parseSpec(withView(this.spec, view));
      this.setError('plane', null);
      this.apply(next, { record });
    } catch (err) {
      this.setError('plane', (err as Error).message);
    }
  }

  back(): void {
    const v = this.history.back();
    if (v) this.apply(withView(this.spec, v));
    this.requestUpdate();
  }

  forward(): void {
    const v = this.history.forward();
    if (v) this.apply(withView(this.spec, v));
    this.requestUpdate();
  }

  reset(): void {
    this.setView(this.homeView, true);
  }

  private onKey = (e: KeyboardEvent): void => {
    const t = e.composedPath()[0] as HTMLElement | undefined;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
    if (e.key === 'Backspace' || (e.altKey && e.key === 'ArrowLeft')) this.back();
    else if (e.altKey && e.key === 'ArrowRight') this.forward();
    else if (e.key === 'r' && !e.ctrlKey && !e.metaKey) this.reset();
  };

  // ---- computing --------------------------------------------------------------------------------

  /** Computes the spec progressively: a coarse preview, then the full grid; a newer call cancels. */
  private compute(): void {
    const backend = this.backend;
    if (!backend) return;
    // The ensemble views compute their specs themselves, on this backend's device.
    if (this.spec.kind !== 'basin') {
      this.controller?.abort(new DOMException('another view', 'AbortError'));
      this.progress = null;
      return;
    }
    this.controller?.abort(new DOMException('superseded by a newer view', 'AbortError'));
    const controller = new AbortController();
    this.controller = controller;
    const gen = ++this.generation;
    const spec = this.spec;
    const [W, H] = spec.size;
    const scale = Math.max(W, H) / COARSE_SIDE;
    this.progress = 0;
    void (async () => {
      try {
        if (scale >= 2) {
          const coarse = {
            ...spec,
            size: [Math.max(1, Math.round(W / scale)), Math.max(1, Math.round(H / scale))] as [
              number,
              number,
            ],
          };
          const cf = await backend.run(coarse, { signal: controller.signal, coarse: true });
          if (gen !== this.generation) return backend.release(cf);
          this.showFrame(cf);
        }
        const frame = await backend.run(spec, {
          signal: controller.signal,
          onProgress: (done, total) => {
            if (gen === this.generation) this.progress = done / total;
          },
        });
        if (gen !== this.generation) return backend.release(frame);
        this.showFrame(frame);
        this.progress = null;
        this.setError('engine', null);
        if (this.firstMapMs === null) this.firstMapMs = performance.now() - this.t0;
        this.dispatchEvent(new CustomEvent('map-ready', { detail: { frame } }));
      } catch (e) {
        if (isAbort(e) || gen !== this.generation) return;
        this.progress = null;
        this.setError('engine', (e as Error).message);
      }
    })();
  }

  private showFrame(frame: MapFrame): void {
    const old = this.frame;
    this.frame = frame;
    // The map draws in the next animation frame; the old frame is no longer referenced by then.
    if (old && old !== frame) requestAnimationFrame(() => this.backend?.release(old));
  }

  // ---- inspector --------------------------------------------------------------------------------

  private onPick = (e: PixelPickEvent): void => {
    try {
      this.inspected = inspectPixel(this.spec, e.detail.i, e.detail.j);
      if (this.gallery) this.gallery = { ...this.gallery, trajectory: null };
      this.setError('engine', null);
    } catch (err) {
      this.setError('engine', `inspector: ${(err as Error).message}`);
    }
  };

  // ---- export and open --------------------------------------------------------------------------

  private async onExport(): Promise<void> {
    const root = this.renderRoot;
    const res = (root.querySelector('#export-res') as HTMLSelectElement).value;
    const decorate = (root.querySelector('#export-decor') as HTMLInputElement).checked;
    const opts: ExportOptions = { side: res === 'screen' ? null : Number(res), decorate };
    const view = this.spec.kind !== 'basin' ? this.ensembleView : null;
    if (this.spec.kind !== 'basin' ? !view?.ready : !this.backend || !this.frame || this.frame.coarse) {
      this.setError(
        'export',
        `wait for the ${this.spec.kind === 'basin' ? 'map' : 'diagram'} to finish before exporting`,
      );
      this.dispatchEvent(new CustomEvent('export-done'));
      return;
    }
    this.exporting = true;
    const controller = new AbortController();
    this.exportController = controller;
    const onProgress = (p: number) => (this.progress = p);
    try {
      const bytes = view
        ? await view.exportPng(opts, controller.signal, onProgress)
        : await exportPng(this.backend!, this.frame!, this.spec, opts, onProgress, controller.signal);
      if (!bytes) this.setError('export', 'wait for the diagram to finish before exporting');
      else this.download(bytes);
    } catch (e) {
      if (!isAbort(e)) this.setError('export', (e as Error).message);
    } finally {
      this.exporting = false;
      this.exportController = null;
      this.progress = null;
      this.dispatchEvent(new CustomEvent('export-done'));
    }
  }

  /** Hands the PNG to the user as a download (and keeps it for tests). */
  private download(bytes: Uint8Array): void {
    this.lastExport = bytes;
    this.setError('export', null);
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `gdlab-${this.spec.kind}-${this.spec.objective.preset ?? 'map'}-${this.spec.size.join('x')}.png`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Switches between the basin map and the ensemble views (the spec's kind). */
  private setKind(kind: SpecKind): void {
    try {
      const next = parseSpec({ ...this.spec, kind });
      checkSpec(next);
      this.setError('plane', null);
      this.homeView = specView(next);
      this.apply(next, { record: true });
    } catch (err) {
      this.setError('plane', (err as Error).message);
    }
  }

  /** Longest grid side gallery entries open at now (see galleryMaxSide). */
  private gallerySide(): number | null {
    return this.galleryMaxSide ?? (this.backend?.info.kind === 'cpu' ? CPU_GALLERY_SIDE : null);
  }

  /**
   * Opens a gallery entry's picture ('main' or a variant), at most gallerySide() on a side, with its
   * text beside it; the main picture of an entry with trajectories opens the inspector on the first.
   */
  openGallery(id: string, label = 'main'): void {
    const entry = GALLERY.find((g) => g.id === id);
    const saved = entry ? entrySpec(entry, label) : null;
    if (!entry || !saved) return;
    let spec: ExperimentSpec;
    try {
      spec = scaleSpec(saved, this.gallerySide());
      checkSpec(spec);
    } catch (err) {
      this.setError('open', `${id}: ${(err as Error).message}`);
      return;
    }
    this.setError('open', null);
    this.homeView = specView(spec);
    this.apply(spec, { record: true });
    const scaled = spec.size[0] !== saved.size[0] || spec.size[1] !== saved.size[1];
    const why =
      this.backend?.info.kind === 'cpu'
        ? ' because the lab runs on the CPU engine (float64, slow)'
        : " (the lab's gallery size limit)";
    const note = scaled
      ? `Opened at ${spec.size.join('×')} instead of the saved ${saved.size.join('×')}${why}; set the grid in the plane panel for the full picture.`
      : null;
    this.gallery = { entry, label, spec, trajectory: null, note, error: null };
    if (label === 'main' && entry.trajectories) this.inspectGallery(0);
  }

  /** Opens the inspector on the open entry's k-th trajectory. */
  inspectGallery(k: number): void {
    const g = this.gallery;
    if (!g) return;
    try {
      const data = entryTrajectory(g.entry, k);
      if (!data) return;
      this.inspected = data;
      this.gallery = { ...g, trajectory: k, error: null };
    } catch (err) {
      this.gallery = { ...g, error: `inspector: ${(err as Error).message}` };
    }
  }

  private onGalleryChoose = (e: GalleryChooseEvent): void => {
    this.openGallery(e.detail.id, e.detail.label);
  };

  private onGalleryTrajectory = (e: GalleryTrajectoryEvent): void => {
    this.inspectGallery(e.detail.index);
  };

  private onInspect = (e: InspectEvent): void => {
    this.inspected = e.detail.data;
    if (this.gallery) this.gallery = { ...this.gallery, trajectory: null };
  };

  /** Opens a PNG exported by gdlab (or a spec JSON file) and restores its exact view. */
  async openFile(file: File): Promise<void> {
    try {
      const spec = await readSpecFile(file);
      checkSpec(spec);
      this.setError('open', null);
      this.homeView = specView(spec);
      this.apply(spec, { record: true });
    } catch (e) {
      this.setError('open', `${file.name}: ${(e as Error).message}`);
    }
  }

  private onDragOver = (e: DragEvent): void => {
    e.preventDefault();
    this.dragging = true;
  };
  private onDragLeave = (): void => {
    this.dragging = false;
  };
  private onDrop = (e: DragEvent): void => {
    e.preventDefault();
    this.dragging = false;
    const file = e.dataTransfer?.files[0];
    if (file) void this.openFile(file);
  };

  // ---- rendering --------------------------------------------------------------------------------

  private statusLine(): string {
    const why = this.engineReason ? ` · engine: ${this.engineReason}` : '';
    if (this.spec.kind !== 'basin')
      return `${KIND_TITLES[this.spec.kind]} · ${this.backend?.info.kind === 'gpu' ? 'GPU, f32' : 'CPU, f64'}${why}`;
    const f = this.frame;
    if (!f) return this.backend ? 'computing…' : 'starting the engine…';
    const [W, H] = f.spec.size;
    const where = f.info.kind === 'gpu' ? `GPU (${f.info.adapter})` : `CPU (${f.info.adapter})`;
    const rate = f.ms > 0 ? ` · ${((f.steps / f.ms) * 1e3).toExponential(2)} steps/s` : '';
    return `${W}×${H}${f.coarse ? ' preview' : ''} · ${f.spec.iterations} iterations · ${(f.ms / 1000).toFixed(2)} s on ${where} · ${f.info.precision}${rate}${why}`;
  }

  /** The map or diagram, with the legend and an open gallery entry's text beside it. */
  private renderPicture() {
    const s = this.spec;
    const g = this.gallery;
    // A narrower picture leaves the entry's text a readable column beside it on a 1400 px window.
    const side = g ? 500 : 560;
    const picture =
      s.kind === 'basin'
        ? html`<gd-basin-map
            .side=${side}
            .backend=${this.backend}
            .frame=${this.frame}
            .colour=${s.colour}
            .view=${specView(s)}
            .grid=${s.size}
            .labels=${{ u: s.plane.u.quantity, v: s.plane.v.quantity }}
            .progress=${this.progress}
            .orbit=${this.inspected?.orbit ?? null}
            .marker=${this.inspected?.marker ?? null}
            @view-change=${this.onViewChange}
            @pixel-pick=${this.onPick}
          ></gd-basin-map>`
        : html`<gd-bifurcation-view
            .side=${side}
            .spec=${s}
            .backend=${this.backend}
            @view-change=${this.onViewChange}
            @inspect=${this.onInspect}
            @ensemble-ready=${() => (this.ensembleRange = this.ensembleView?.result?.range ?? null)}
          ></gd-bifurcation-view>`;
    return html`<div class="row">
      ${picture}
      <div class="beside">
        ${s.kind === 'basin' ? html`<gd-map-legend .frame=${this.frame} .colour=${s.colour}></gd-map-legend>` : nothing}
        ${
          g
            ? html`<gd-gallery-entry
                .entry=${g.entry}
                .label=${g.label}
                .trajectory=${g.trajectory}
                .note=${g.note}
                .error=${g.error}
                @gallery-choose=${this.onGalleryChoose}
                @gallery-trajectory=${this.onGalleryTrajectory}
                @gallery-close=${() => (this.gallery = null)}
              ></gd-gallery-entry>`
            : nothing
        }
      </div>
    </div>`;
  }

  protected override render() {
    const s = this.spec;
    const e = this.errors;
    return html`
      <aside @spec-edit=${this.onSpecEdit}>
        <div>
          <h1>gdlab</h1>
          <div class="sub">
            gradient descent x<sub>k+1</sub> = x<sub>k</sub> − h ∇f(x<sub>k</sub>) at large learning rates
          </div>
        </div>
        <gd-objective-panel .spec=${s} .error=${e.objective ?? null}></gd-objective-panel>
        <gd-optimizer-panel .spec=${s} .error=${e.optimizer ?? null}></gd-optimizer-panel>
        ${s.kind !== 'density' ? html`<gd-plane-panel .spec=${s} .error=${e.plane ?? null}></gd-plane-panel>` : nothing}
        ${
          s.kind !== 'basin'
            ? html`<gd-ensemble-panel
                .spec=${s}
                .error=${e.ensemble ?? null}
                .autoRange=${this.ensembleRange}
              ></gd-ensemble-panel>`
            : nothing
        }
        ${s.kind !== 'density' ? html`<gd-colour-panel .spec=${s} .error=${e.colour ?? null}></gd-colour-panel>` : nothing}
        <gd-gallery-panel
          .openId=${this.gallery?.entry.id ?? null}
          .note=${this.gallerySide() !== null ? `Entries open at most ${this.gallerySide()} pixels on a side here${this.backend?.info.kind === 'cpu' ? ' (CPU engine)' : ''}.` : null}
          @gallery-choose=${this.onGalleryChoose}
        ></gd-gallery-panel>
      </aside>
      <main class=${this.dragging ? 'drop' : ''}>
        ${this.engineNote ? html`<div class="note" id="engine-note">${this.engineNote}</div>` : nothing}
        ${e.link ? html`<div class="error" id="link-error">${e.link}</div>` : nothing}
        ${e.engine ? html`<div class="error" id="engine-error">${e.engine}</div>` : nothing}
        ${e.open ? html`<div class="error" id="open-error">${e.open}</div>` : nothing}
        <div class="toolbar">
          <label
            >view
            <select
              id="kind"
              @change=${(ev: Event) => this.setKind((ev.target as HTMLSelectElement).value as SpecKind)}
            >
              ${SPEC_KINDS.map((k) => html`<option value=${k} ?selected=${k === s.kind}>${KIND_TITLES[k]}</option>`)}
            </select></label
          >
          <button
            id="back"
            title="previous view (Backspace)"
            ?disabled=${!this.history.canBack}
            @click=${() => this.back()}
          >
            ◀ back
          </button>
          <button
            id="forward"
            title="next view"
            ?disabled=${!this.history.canForward}
            @click=${() => this.forward()}
          >
            forward ▶
          </button>
          <button id="reset" title="the view the experiment opened with (r)" @click=${() => this.reset()}>
            reset view
          </button>
          <span style="flex:1"></span>
          <label
            >export
            <select
              id="export-res"
              ?disabled=${s.kind === 'density'}
              title=${s.kind === 'density' ? DENSITY_EXPORT_NOTE : 'longest side of the exported picture (recomputed)'}
            >
              <option value="screen">screen (${s.size.join('×')})</option>
              <option value="1024">1024</option>
              <option value="2048">2048</option>
              <option value="4096">4096</option>
            </select></label
          >
          <label
            ><input type="checkbox" id="export-decor" ?disabled=${s.kind === 'density'} /> axes &amp;
            legend</label
          >
          ${s.kind === 'density' ? html`<span class="export-note" id="export-note">${DENSITY_EXPORT_NOTE}</span>` : nothing}
          <button
            id="export"
            @click=${() =>
              this.exporting
                ? this.exportController?.abort(new DOMException('export cancelled', 'AbortError'))
                : void this.onExport()}
          >
            ${this.exporting ? 'Cancel export' : 'Export PNG'}
          </button>
          <label class="open"
            >open
            <input
              type="file"
              id="open"
              accept=".png,.json,image/png,application/json"
              @change=${(ev: Event) => {
                const f = (ev.target as HTMLInputElement).files?.[0];
                if (f) void this.openFile(f);
              }}
          /></label>
        </div>
        ${e.export ? html`<div class="error" id="export-error">${e.export}</div>` : nothing}
        ${this.renderPicture()}
        <div class="status" id="status">${this.statusLine()}</div>
        ${
          this.inspected
            ? html`<gd-trajectory-inspector
                .data=${this.inspected}
                @close=${() => (this.inspected = null)}
              ></gd-trajectory-inspector>`
            : html`<div class="sub">${HINTS[s.kind]}</div>`
        }
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-lab': GdLab;
  }
}
