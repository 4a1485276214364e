/**
 * The lab's toolbar across the top of the page, first in the tab order: the panels toggle, the view
 * (map, diagram, density), history, the gallery, export and open. A template function: the lab owns
 * every state it shows and every action it calls.
 */
import { html } from 'lit';
import { SPEC_KINDS, type ExperimentSpec, type SpecKind } from '../../experiment/spec.ts';
import { KIND_TITLES } from './status.ts';

/** A density exports as its chart, which always has axes and has no grid to resize. */
export const DENSITY_EXPORT_NOTE = 'exports the chart as drawn';

/**
 * The export size that keeps the picture as computed: the spec's grid for a map, a diagram or an
 * attractor. A density's size is its one column and its bins ([1, 60]), which read as a 1×60
 * picture: it exports its chart as drawn, and says that.
 */
export function screenSizeLabel(spec: Pick<ExperimentSpec, 'kind' | 'size'>): string {
  return spec.kind === 'density' ? 'chart as drawn' : `screen (${spec.size.join('×')})`;
}

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
    <span class="files">
      <label
        >export
        <select
          id="export-res"
          ?disabled=${density}
          title=${density ? DENSITY_EXPORT_NOTE : 'longest side of the exported picture (recomputed)'}
        >
          <option value="screen">${screenSizeLabel(s.spec)}</option>
          <option value="1024">1024</option>
          <option value="2048">2048</option>
          <option value="4096">4096</option>
        </select></label
      >
      <label
        title=${density ? 'the chart always has its axes and legend' : 'axes, labels and legend around the picture'}
        ><input type="checkbox" id="export-decor" ?disabled=${density} /> axes &amp; legend</label
      >
      <button id="export" @click=${() => a.exportPng()}>
        ${s.exporting ? 'Cancel export' : 'Export PNG'}
      </button>
      <label class="open" title="open a gdlab PNG or spec JSON (or drop it on the page)"
        ><span class="button">Open…</span
        ><input
          type="file"
          id="open"
          accept=".png,.json,image/png,application/json"
          @change=${(ev: Event) => {
            const f = (ev.target as HTMLInputElement).files?.[0];
            if (f) void a.openFile(f);
          }} /></label
    ></span>`;
}
