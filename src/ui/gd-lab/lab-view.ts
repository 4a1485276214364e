/**
 * Parts of the lab's page as template functions of the lab's state: the settings panels, the status
 * row (the run in flight with its progress bar and cancel button, the question before a long run,
 * or the finished picture's line), and the picture (map or ensemble view) sized to its stage.
 */
import { html, nothing } from 'lit';
import { precisionTag } from '../../core/engine.ts';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { LabBackend, MapFrame } from '../engine-host/backend.ts';
import type { EnsembleProgressEvent, EnsembleReadyEvent, InspectEvent } from '../bifurcation-view/events.ts';
import type { PixelPickEvent, Section, ViewChangeEvent } from '../shared/events.ts';
import { quantityRuns, type CanvasLabel } from '../shared/canvas-text.ts';
import type { InspectorData } from '../trajectory-inspector/inspect.ts';
import { mapDescription } from '../basin-map/describe.ts';
import { minimizerGuides } from '../basin-map/guides.ts';
import type { RunController } from './run-controller.ts';
import type { SpeedBasis } from './run-estimate.ts';
import type { GalleryState } from './gallery-controller.ts';
import type { GalleryChooseEvent, GalleryTrajectoryEvent } from '../gallery-panel/gallery.ts';
import { specView } from './spec-view.ts';
import { confirmLine, frameLine, KIND_TITLES, runLine } from './status.ts';

/** What the templates read of the lab. */
export interface LabView {
  readonly spec: ExperimentSpec;
  readonly frame: MapFrame | null;
  readonly backend: LabBackend | null;
  readonly engineReason: string | null;
  readonly errors: Partial<Record<string, string>>;
  readonly errorFields: Partial<Record<string, string>>;
  readonly adaptNote: CanvasLabel | null;
  /**
   * A run estimated over a minute, waiting for the user's word; `speed` is the speed the estimate is
   * at (measured, or scaled from one measured), null where it is the cost model's (before any run).
   */
  readonly pending: { spec: ExperimentSpec; seconds: number; speed: SpeedBasis | null } | null;
  /** Its `held` spec: the link the page opened with, shown until the engine can estimate its run. */
  readonly link: { readonly held: ExperimentSpec | null };
  readonly runs: RunController;
  readonly exporting: boolean;
  readonly progress: number | null;
  readonly stage: { width: number; height: number };
  readonly inspected: InspectorData | null;
  readonly gallery: GalleryState | null;
  confirmPending(): void;
  dismissPending(): void;
  cancel(): void;
  rerun(): void;
}

/**
 * The settings panels of the current view. While the lab asks about a long run, they show the spec
 * it asks about; declined, the current one again: a new spec is what redraws a panel, and the
 * declined value would otherwise stay in the box it was typed in.
 */
export function renderSide(
  lab: LabView,
  ensembleRange: [number, number] | null,
  attractorRanges: { u: [number, number]; v: [number, number] } | null = null,
) {
  const s = lab.pending?.spec ?? lab.link.held ?? lab.spec;
  const err = (k: Section) => lab.errors[k] ?? null;
  const at = (k: Section) => lab.errorFields[k] ?? null;
  return html`<gd-objective-panel
      .spec=${s}
      .error=${err('objective')}
      .errorField=${at('objective')}
      .note=${lab.adaptNote}
    ></gd-objective-panel>
    <gd-optimizer-panel
      .spec=${s}
      .error=${err('optimizer')}
      .errorField=${at('optimizer')}
    ></gd-optimizer-panel>
    ${
      s.kind === 'basin' || s.kind === 'bifurcation'
        ? html`<gd-plane-panel .spec=${s} .error=${err('plane')} .errorField=${at('plane')}></gd-plane-panel>`
        : nothing
    }
    ${
      s.kind !== 'basin'
        ? html`<gd-ensemble-panel
            .spec=${s}
            .error=${err('ensemble')}
            .errorField=${at('ensemble')}
            .autoRange=${ensembleRange}
          ></gd-ensemble-panel>`
        : nothing
    }
    ${
      s.kind === 'attractor'
        ? html`<gd-attractor-panel
            .spec=${s}
            .error=${err('attractor')}
            .errorField=${at('attractor')}
            .autoRanges=${attractorRanges}
          ></gd-attractor-panel>`
        : nothing
    }
    ${s.kind !== 'density' ? html`<gd-colour-panel .spec=${s} .error=${err('colour')}></gd-colour-panel>` : nothing}`;
}

/** The status row above the picture. */
export function renderStatus(lab: LabView) {
  const p = lab.pending;
  if (p) {
    return html`<div class="confirm" role="alertdialog" aria-labelledby="confirm-text" id="confirm">
      <span id="confirm-text">${confirmLine(p.spec, p.seconds, p.speed)}</span>
      <button id="confirm-run" @click=${() => lab.confirmPending()}>Run it</button>
      <button id="confirm-skip" @click=${() => lab.dismissPending()}>Keep the current picture</button>
    </div>`;
  }
  const r = lab.runs.running;
  if (r)
    return html`<div class="status" role="status">
      <progress id="progress" max="1" .value=${r.progress} aria-label="progress of the run"></progress>
      <span>${Math.round(r.progress * 100)}%</span>
      <button
        id="cancel"
        title="stop this run (Escape); the picture on screen stays"
        @click=${() => lab.cancel()}
      >
        cancel
      </button>
      <span id="status">${runLine(r, lab.backend?.info)}</span>
    </div>`;
  if (lab.exporting && lab.progress !== null)
    return html`<div class="status" role="status">
      <progress id="progress" max="1" .value=${lab.progress} aria-label="progress of the export"></progress>
      <span>${Math.round(lab.progress * 100)}%</span>
      <span id="status">recomputing the picture for the export (the Export button cancels)</span>
    </div>`;
  const f = lab.frame;
  const s = lab.spec;
  let line: string;
  if (!lab.backend) line = 'starting the engine…';
  else if (s.kind !== 'basin')
    line = `${KIND_TITLES[s.kind]} · ${lab.backend.info.kind === 'gpu' ? `GPU, ${precisionTag(lab.backend.info)}` : `CPU (${lab.backend.info.adapter}), f64`}`;
  else line = f ? frameLine(f) : 'computing…';
  if (lab.backend && lab.engineReason) line += ` · engine: ${lab.engineReason}`;
  return html`<div class="status" role="status">
    <span id="status">${line}</span>${
      lab.runs.cancelled
        ? html`<span class="hint" id="cancelled">· ${lab.runs.cancelled}</span>
            <button id="rerun" @click=${() => lab.rerun()}>run it</button>`
        : nothing
    }
  </div>`;
}

export interface PictureHandlers {
  viewChange(e: ViewChangeEvent): void;
  pick(e: PixelPickEvent): void;
  inspect(e: InspectEvent): void;
  ensembleReady(e: EnsembleReadyEvent): void;
  ensembleProgress(e: EnsembleProgressEvent): void;
}

/** The map or the ensemble view, filling the stage. */
export function renderPicture(lab: LabView, on: PictureHandlers) {
  const s = lab.spec;
  if (s.kind === 'attractor')
    return html`<gd-attractor-view
      .box=${lab.stage}
      .spec=${s}
      .backend=${lab.backend}
      @view-change=${on.viewChange}
      @ensemble-ready=${on.ensembleReady}
      @ensemble-progress=${on.ensembleProgress}
    ></gd-attractor-view>`;
  if (s.kind !== 'basin')
    return html`<gd-bifurcation-view
      .box=${lab.stage}
      .spec=${s}
      .backend=${lab.backend}
      @view-change=${on.viewChange}
      @inspect=${on.inspect}
      @ensemble-ready=${on.ensembleReady}
      @ensemble-progress=${on.ensembleProgress}
    ></gd-bifurcation-view>`;
  return html`<gd-basin-map
    .box=${lab.stage}
    .backend=${lab.backend}
    .frame=${lab.frame}
    .colour=${s.colour}
    .view=${specView(s)}
    .grid=${s.size}
    .labels=${{ u: quantityRuns(s.plane.u.quantity), v: quantityRuns(s.plane.v.quantity) }}
    .description=${mapDescription(s, lab.frame)}
    .guides=${minimizerGuides(s)}
    .orbit=${lab.inspected?.orbit ?? null}
    .marker=${lab.inspected?.marker ?? null}
    @view-change=${on.viewChange}
    @pixel-pick=${on.pick}
  ></gd-basin-map>`;
}

export interface BesideHandlers {
  choose(e: GalleryChooseEvent): void;
  trajectory(e: GalleryTrajectoryEvent): void;
  closeEntry(): void;
  closeInspector(): void;
}

/** Beside the picture: the open gallery entry's text, the legend, the trajectory inspector. */
export function renderBeside(lab: LabView, on: BesideHandlers) {
  const s = lab.spec;
  const g = lab.gallery;
  return html`${
    g
      ? html`<gd-gallery-entry
          .entry=${g.entry}
          .label=${g.label}
          .trajectory=${g.trajectory}
          .note=${g.note}
          .error=${g.error}
          @gallery-choose=${on.choose}
          @gallery-trajectory=${on.trajectory}
          @gallery-close=${on.closeEntry}
        ></gd-gallery-entry>`
      : nothing
  }
  ${s.kind === 'basin' ? html`<gd-map-legend .frame=${lab.frame} .colour=${s.colour} .spec=${s}></gd-map-legend>` : nothing}
  ${
    s.kind === 'bifurcation' && !lab.inspected && !g
      ? html`<p class="hint">Click a column of the diagram to inspect its trajectory here.</p>`
      : nothing
  }
  ${
    lab.inspected
      ? html`<gd-trajectory-inspector
          .data=${lab.inspected}
          @inspector-close=${on.closeInspector}
        ></gd-trajectory-inspector>`
      : nothing
  }`;
}

/** Notes and errors above the picture: a fallback engine, a bad link, an engine, open or export error. */
export function renderNotes(engineNote: string | null, errors: Partial<Record<string, string>>) {
  const keys = ['link', 'engine', 'open', 'export'];
  return html`${engineNote ? html`<div class="note" id="engine-note">${engineNote}</div>` : nothing}
  ${keys.map((k) => (errors[k] ? html`<div class="error" id="${k}-error">${errors[k]}</div>` : nothing))}`;
}

/** The gallery's list in a dialog, opened from the toolbar. */
export function renderGalleryDialog(
  openId: string | null,
  note: string | null,
  on: { choose(e: GalleryChooseEvent): void; close(): void },
) {
  return html`<dialog aria-label="gallery" @gallery-choose=${on.choose}>
    <header>
      <span class="spacer"></span>
      <button id="gallery-close" @click=${() => on.close()}>close</button>
    </header>
    <gd-gallery-panel .openId=${openId} .note=${note}></gd-gallery-panel>
  </dialog>`;
}
