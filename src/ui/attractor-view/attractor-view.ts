/**
 * <gd-attractor-view>: the attractor view of the lab: the 2-D density of the long-run iterates of
 * many starts at one h over a pair of quantities (src/core/attractor.ts), log-shaded, with a colour
 * bar in visits per cell, a readout under the pointer and a summary line (bounded starts, the mean
 * Lyapunov exponent with its precision).
 *
 * It computes its spec itself (EnsembleRun, as the bifurcation view: the lab's GPU device, else the
 * float64 engine on the page's workers) and asks the lab for every view change with a
 * ViewChangeEvent: a dragged box (or +/− and arrows) fixes both ranges. The counts come back to the
 * CPU anyway, so a new result is coloured there into a 2D canvas at once (at most once per animation
 * frame); another colormap for the result on screen, and an export, are coloured by the GPU engine
 * where it still holds the counts (EnsembleRun.renderAttractor), by renderAttractor otherwise.
 */
import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { attractorReport, type AttractorReport } from '../../core/attractor.ts';
import type { BifurcationResult } from '../../core/ensemble.ts';
import { renderAttractor } from '../../engine/attractor-render.ts';
import { labColours, type RgbaImage } from '../../engine/bifurcation-render.ts';
import { parseSpec, type ExperimentSpec } from '../../experiment/spec.ts';
import type { LabBackend } from '../engine-host/backend.ts';
import { BoxZoom } from '../bifurcation-view/box-zoom.ts';
import { EnsemblePicture, type DrawnPicture } from '../bifurcation-view/ensemble-picture.ts';
import { EnsembleRun } from '../bifurcation-view/ensemble-run.ts';
import { ensembleStyles } from '../bifurcation-view/ensemble-styles.ts';
import { ViewChangeEvent } from '../shared/events.ts';
import { FrameScheduler } from '../shared/frame-scheduler.ts';
import { formatNumber, rateText } from '../shared/labels.ts';
import { frameSize, placedBox, PLOT_MARGIN, plotAxes, plotStyles } from '../shared/plot-frame.ts';
import { viewKey } from '../shared/view-keys.ts';
import { planeToCell, screenToPlane, type Size, type View } from '../shared/view.ts';
import { attractorPng } from './attractor-export.ts';
import { BAR_TITLE, colourBarGradient, colourBarTicks } from './colour-bar.ts';
import { attractorSummary } from './summary.ts';

/** Room right of the plot for the colour bar and its labels, and under it for readout and summary. */
const BAR = { gap: 14, width: 14, labels: 64 };
const BELOW = 60;

const HINT = 'Drag a box, or +/− and arrows, to zoom and move; the ranges then stay fixed';

/** The window the view shows: the spec's fixed ranges, else the ones the last result chose. */
export function attractorView(spec: ExperimentSpec, result: BifurcationResult | null): View {
  const a = spec.attractor;
  const u = a.uRange ?? result?.range ?? [-1, 1];
  const v = a.vRange ?? result?.range2 ?? [-1, 1];
  return { u: [u[0], u[1]], v: [v[0], v[1]] };
}

@customElement('gd-attractor-view')
export class AttractorView extends LitElement {
  static override styles = [
    plotStyles,
    ensembleStyles,
    css`
      .bar {
        position: absolute;
        outline: 1px solid #888;
      }
      .bar-label {
        font-size: 11px;
        fill: currentColor;
      }
    `,
  ];

  /** The spec to show (kind 'attractor'); the view computes it. */
  @property({ attribute: false }) spec: ExperimentSpec | null = null;
  /** The lab's backend: its GPU device computes, without one the CPU workers do. */
  @property({ attribute: false }) backend: LabBackend | null = null;
  /** Room for the whole element, in CSS pixels. */
  @property({ attribute: false }) box: Size = { width: 700, height: 560 };

  /** The result on screen (the previous one while a new spec computes). */
  @state() result: BifurcationResult | null = null;
  /** Progress of the computation in [0, 1]; null when idle. */
  @state() progress: number | null = null;
  /** The last computation's error; null after a success. */
  @state() error: string | null = null;
  @state() private boxRect: { x: number; y: number; w: number; h: number } | null = null;
  @state() private hover: { x: number; y: number; u: number; v: number; count: number | null } | null = null;

  @query('canvas.density') private canvas!: HTMLCanvasElement | null;
  @query('.plot') private plot!: HTMLElement | null;

  private run = new EnsembleRun(this, (spec) => spec.kind === 'attractor');
  private picture = new EnsemblePicture({
    cpu: (r, colours) => renderAttractor(attractorReport(r), colours),
    gpu: (r, colours) => this.run.renderAttractor(r, colours),
    paint: (img, drawn) => this.paint(img, drawn),
  });
  private scheduler = new FrameScheduler(this, () => this.draw());
  private zoom = new BoxZoom(this, {
    box: (r) => (this.boxRect = r),
    view: () => this.shownView,
    size: () => this.plotSize(),
    pick: () => {},
    hover: (x, y) => this.updateHover(x, y),
    leave: () => (this.hover = null),
  });

  /** The square drawing area: all the room less the frame, the colour bar and the lines below. */
  plotSize(): Size {
    const w = this.box.width - PLOT_MARGIN.left - PLOT_MARGIN.right - BAR.gap - BAR.width - BAR.labels;
    const h = this.box.height - PLOT_MARGIN.top - PLOT_MARGIN.bottom - BELOW;
    const side = Math.max(60, Math.min(w, h));
    return { width: side, height: side };
  }

  /** The window on screen. */
  get shownView(): View {
    return this.spec ? attractorView(this.spec, this.result) : { u: [0, 1], v: [0, 1] };
  }

  /** Whether the result on screen is the spec's. */
  get ready(): boolean {
    return this.run.ready;
  }

  /** The histogram on screen in numbers; null before the first result. */
  get report(): AttractorReport | null {
    return this.result?.plan.pair ? attractorReport(this.result) : null;
  }

  /** Stops the computation in flight; the result on screen stays. */
  cancel(): void {
    this.run.cancel();
  }

  /** Computes the spec again (after a cancel). */
  rerun(): void {
    this.run.rerun();
  }

  /**
   * PNG bytes of the result on screen with its spec embedded; null until the spec's result is in.
   * `side` recomputes with the longer side of the bins at that size; `decorate` adds axes.
   */
  async exportPng(
    opts: { side: number | null; decorate: boolean } = { side: null, decorate: false },
    signal?: AbortSignal,
    onProgress?: (p: number) => void,
  ): Promise<Uint8Array | null> {
    const spec = this.spec;
    const result = await this.run.exportResult(
      opts.side,
      (r, size) => {
        // The ranges on screen stay, so the larger picture shows the same window.
        const report = attractorReport(r);
        const attractor = { ...r.spec.attractor, uRange: report.uRange, vRange: report.vRange };
        return parseSpec({ ...r.spec, size, attractor });
      },
      signal,
      onProgress,
    );
    if (!result || !spec) return null;
    // Coloured where the counts are when the GPU engine still holds them (an export at another size
    // has just run there), else by attractorPng.
    const picture = await this.run
      .renderAttractor(result, labColours(spec.colour.colormap))
      .catch(() => null);
    return attractorPng(result, { ...result.spec, colour: spec.colour }, opts.decorate, picture);
  }

  private onKey = (e: KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const action = viewKey(e.key, this.shownView, this.plotSize());
    if (!action || action.kind !== 'view') return;
    e.preventDefault();
    e.stopPropagation();
    this.dispatchEvent(new ViewChangeEvent({ view: action.view, record: true }));
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A zoom changes the window under a pointer that has not moved (as in the bifurcation view):
    // without this the readout kept the old window's numbers until the next move.
    if (this.zoom.pointer && (changed.has('spec') || changed.has('result') || changed.has('box')))
      this.updateHover(this.zoom.pointer[0], this.zoom.pointer[1]);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.plot) this.zoom.attach(this.plot);
    if (changed.has('result') || changed.has('spec')) this.scheduler.request();
  }

  private draw(): void {
    const r = this.result;
    const spec = this.spec;
    const canvas = this.canvas;
    if (!r || !spec || !canvas || !r.plan.pair) return;
    this.picture.draw(r, spec.colour.colormap, canvas);
  }

  private paint(img: RgbaImage, { canvas }: DrawnPicture): boolean {
    canvas.width = img.width;
    canvas.height = img.height;
    const data = new ImageData(img.rgba as Uint8ClampedArray<ArrayBuffer>, img.width, img.height);
    canvas.getContext('2d')!.putImageData(data, 0, 0);
    return true;
  }

  /** The result's own window: where its canvas lies within the shown view. */
  private resultView(r: BifurcationResult): View {
    const v = r.range2 ?? r.range;
    return { u: [r.range[0], r.range[1]], v: [v[0], v[1]] };
  }

  private updateHover(x: number, y: number): void {
    const size = this.plotSize();
    if (x < 0 || y < 0 || x >= size.width || y >= size.height) {
      this.hover = null;
      return;
    }
    const [u, v] = screenToPlane(this.shownView, size, x, y);
    const r = this.result;
    let count: number | null = null;
    if (r?.plan.pair) {
      const { width: W, height: H } = r.plan.pair;
      const [i, j] = planeToCell(this.resultView(r), [W, H], u, v);
      if (i >= 0 && i < W && j >= 0 && j < H) count = r.density[j * W + i];
    }
    this.hover = { x, y, u, v, count };
  }

  private renderBar(size: Size, report: AttractorReport | null) {
    const spec = this.spec!;
    let top = 0;
    if (report) for (const c of report.counts) if (c > top) top = c;
    const left = PLOT_MARGIN.left + size.width + BAR.gap;
    const ticks = colourBarTicks(top);
    return html`<div
        class="bar"
        id="colour-bar"
        style="left:${left}px;top:${PLOT_MARGIN.top}px;width:${BAR.width}px;height:${size.height}px;background:${colourBarGradient(spec.colour.colormap)}"
      ></div>
      <svg width=${left + BAR.width + BAR.labels} height=${size.height + PLOT_MARGIN.top} aria-hidden="true">
        ${ticks.map((t) => {
          const y = PLOT_MARGIN.top + (1 - t.at) * size.height;
          return svg`<line x1=${left + BAR.width} x2=${left + BAR.width + 4} y1=${y} y2=${y} stroke="currentColor"></line>
            <text class="bar-label" x=${left + BAR.width + 6} y=${y + 4}>${t.count}</text>`;
        })}
        <text
          class="bar-label"
          transform="translate(${left + BAR.width + BAR.labels - 4},${PLOT_MARGIN.top + size.height / 2}) rotate(-90)"
          text-anchor="middle"
        >
          ${BAR_TITLE}
        </text>
      </svg>`;
  }

  private renderReadout() {
    const h = this.hover;
    if (!h) return html`<div class="readout hint">${HINT}</div>`;
    const sv = this.shownView;
    const a = this.spec!.attractor;
    const count = h.count === null ? '' : ` · ${h.count} visits in this cell`;
    const u = formatNumber(h.u, (sv.u[1] - sv.u[0]) / 100, 6);
    const v = formatNumber(h.v, (sv.v[1] - sv.v[0]) / 100, 6);
    // One string: a .readout keeps white-space (pre), so the template's line breaks and indentation
    // showed as a three-line, indented readout.
    return html`<div class="readout" id="readout">${`${a.u} = ${u} · ${a.v} = ${v}${count}`}</div>`;
  }

  protected override render() {
    const spec = this.spec;
    if (!spec) return nothing;
    const size = this.plotSize();
    const total = frameSize(size);
    const report = this.report;
    const sv = this.shownView;
    const r = this.result;
    const box = this.boxRect;
    const cross = !box && this.hover;
    const describe = report
      ? `attractor of GD at h = ${rateText(spec)}: density of ${spec.attractor.u} and ${spec.attractor.v}; ${attractorSummary(report, r!.info)}`
      : 'attractor: computing';
    return html`
      <div
        class="frame"
        style="width:${total.width + BAR.gap + BAR.width + BAR.labels}px;height:${total.height}px"
      >
        <svg width=${total.width} height=${total.height} aria-hidden="true">
          ${plotAxes(sv, size, PLOT_MARGIN.top, { u: spec.attractor.u, v: spec.attractor.v })}
        </svg>
        ${this.renderBar(size, report)}
        <div
          class="plot"
          tabindex="0"
          role="img"
          aria-roledescription="attractor"
          aria-label=${describe}
          style="left:${PLOT_MARGIN.left}px;top:${PLOT_MARGIN.top}px;width:${size.width}px;height:${size.height}px"
          @keydown=${this.onKey}
        >
          <canvas
            class="density"
            style=${r ? placedBox(sv, size, this.resultView(r)) : 'display:none'}
          ></canvas>
          <svg width=${size.width} height=${size.height} aria-hidden="true">
            ${cross ? svg`<line class="cross" x1=${cross.x} x2=${cross.x} y1="0" y2=${size.height}></line><line class="cross" x1="0" x2=${size.width} y1=${cross.y} y2=${cross.y}></line>` : nothing}
            ${box ? svg`<rect class="box" x=${box.x} y=${box.y} width=${box.w} height=${box.h}></rect>` : nothing}
          </svg>
        </div>
      </div>
      ${this.renderReadout()}
      <div class="summary" id="attractor-summary">
        ${report ? attractorSummary(report, r!.info) : nothing}
      </div>
      ${this.error ? html`<div class="error" id="view-error">${this.error}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-attractor-view': AttractorView;
  }
}
