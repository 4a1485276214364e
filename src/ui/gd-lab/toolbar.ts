/**
 * The lab's toolbar across the top of the page, first in the tab order: the panels toggle, the view
 * (map, diagram, density), history, the gallery, export and open. A template function: the lab owns
 * every state it shows and every action it calls.
 */
import { html, nothing } from 'lit';
import { SPEC_KINDS, type ExperimentSpec, type SpecKind } from '../../experiment/spec.ts';
import { KIND_TITLES } from './status.ts';

/** A density exports as its chart, which always has axes and has no grid to resize. */
export const DENSITY_EXPORT_NOTE = 'exports the chart as drawn';

export interface ToolbarState {
  readonly spec: ExperimentSpec;
  readonly panelsHidden: boolean;
  readonly exporting: boolean;
}

export interface ToolbarActions {
  togglePanels(): void;
  showGallery(): void;
  exportPng(): void;
  openFile(file: File): void;
}

/** The view controls: which view, and the way back, forward and home (the lab's ViewController). */
export interface ToolbarViews {
  readonly history: { canBack: boolean; canForward: boolean };
  setKind(kind: SpecKind): void;
  back(): void;
  forward(): void;
  reset(): void;
}

export function toolbar(s: ToolbarState, a: ToolbarActions, v: ToolbarViews) {
  const density = s.spec.kind === 'density';
  const { canBack, canForward } = v.history;
  return html`<h1>gdlab <small>gradient descent at large learning rates</small></h1>
    <button
      id="panels"
      aria-expanded=${!s.panelsHidden}
      aria-controls="panels-column"
      title="show or hide the settings panels"
      @click=${() => a.togglePanels()}
    >
      ${s.panelsHidden ? '☰ show panels' : '☰ hide panels'}
    </button>
    <label
      >view
      <select id="kind" @change=${(e: Event) => v.setKind((e.target as HTMLSelectElement).value as SpecKind)}>
        ${SPEC_KINDS.map((k) => html`<option value=${k} ?selected=${k === s.spec.kind}>${KIND_TITLES[k]}</option>`)}
      </select></label
    >
    <button id="back" title="previous view (Backspace)" ?disabled=${!canBack} @click=${() => v.back()}>
      ◀ back
    </button>
    <button id="forward" title="next view (Alt+→)" ?disabled=${!canForward} @click=${() => v.forward()}>
      forward ▶
    </button>
    <button id="reset" title="the view the experiment opened with (r)" @click=${() => v.reset()}>
      reset view
    </button>
    <button
      id="gallery-open"
      title="pictures of the phenomena, each with its explanation"
      @click=${() => a.showGallery()}
    >
      Gallery
    </button>
    <span class="spacer"></span>
    <label
      >export
      <select
        id="export-res"
        ?disabled=${density}
        title=${density ? DENSITY_EXPORT_NOTE : 'longest side of the exported picture (recomputed)'}
      >
        <option value="screen">screen (${s.spec.size.join('×')})</option>
        <option value="1024">1024</option>
        <option value="2048">2048</option>
        <option value="4096">4096</option>
      </select></label
    >
    <label><input type="checkbox" id="export-decor" ?disabled=${density} /> axes &amp; legend</label>
    ${density ? html`<span class="hint" id="export-note" title="a density has no grid to resize">${DENSITY_EXPORT_NOTE}</span>` : nothing}
    <button id="export" @click=${() => a.exportPng()}>${s.exporting ? 'Cancel export' : 'Export PNG'}</button>
    <label class="open" title="open a gdlab PNG or spec JSON (or drop it on the page)"
      ><span class="button">Open…</span
      ><input
        type="file"
        id="open"
        accept=".png,.json,image/png,application/json"
        @change=${(ev: Event) => {
          const f = (ev.target as HTMLInputElement).files?.[0];
          if (f) void a.openFile(f);
        }}
    /></label>`;
}
