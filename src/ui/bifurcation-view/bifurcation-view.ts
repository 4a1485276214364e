/**
 * <gd-bifurcation-view>: the ensemble views of the lab. For kind 'bifurcation', the log density of
 * long-run iterates over the swept quantity (horizontal) and the observable (vertical), under a strip
 * with each column's diverged fraction and period; for kind 'density', the histogram of one column
 * against the Gibbs prediction with their L1 distance.
 *
 * The view computes its spec itself (EnsembleRun: the lab's GPU device, else the float64 engine in
 * a worker) and asks the lab for every change with typed events: a box zoom is a ViewChangeEvent
 * whose v range is the observable's, a column click an InspectEvent with the trajectory ready.
 * Counts and column statistics come back to the CPU anyway, so colouring is a CPU pass into a 2D
 * canvas, at most once per animation frame.
 */
import { LitElement, html, svg, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { BifurcationResult } from '../../core/ensemble.ts';
import {
  bifurcationReadout,
  labColours,
  renderBifurcation,
  type BifurcationReadout,
  type RgbaImage,
} from '../../engine/bifurcation-render.ts';
import { densityReport, type DensityReport } from '../../core/density.ts';
import { parseSpec, type ExperimentSpec } from '../../experiment/spec.ts';
import type { LabBackend } from '../engine-host/backend.ts';
import { ViewChangeEvent } from '../shared/events.ts';
import { FrameScheduler } from '../shared/frame-scheduler.ts';
import { frameSize, placedBox, PLOT_MARGIN, plotAxes, plotStyles } from '../shared/plot-frame.ts';
import { rateText } from '../shared/labels.ts';
import { quantityRuns } from '../shared/canvas-text.ts';
import { viewKey } from '../shared/view-keys.ts';
import { planeToCell, planeToScreen, screenToPlane, type Size, type View } from '../shared/view.ts';
import { BoxZoom } from './box-zoom.ts';
import { ensembleStyles } from './ensemble-styles.ts';
import { diagramOverlay } from './diagram-overlay.ts';
import { densityChart } from './density-view.ts';
import { ensemblePng, EXPORT_STRIP_ROWS } from './ensemble-export.ts';
import { EnsemblePicture, type DrawnPicture } from './ensemble-picture.ts';
import { EnsembleRun, sameEnsemble } from './ensemble-run.ts';
import { diagramDescription, legend, readout, stripLabels } from './ensemble-legend.ts';
import { InspectEvent } from './events.ts';
import { columnStart, inspectStart } from './inspect-start.ts';
import { ensembleOverlays, type EnsembleOverlays } from './overlays.ts';

/** Height of each of the two strips (diverged fraction, period) in CSS pixels, and the gap below. */
const STRIP = 10;
const STRIP_GAP = 4;
/** Room under the drawing area for the readout and the legend, in CSS pixels. */
const BELOW = 84;

const HINT =
  'Click a column (or Enter) to inspect its trajectory · drag a box, or +/− and arrows, to zoom and move';

/**
 * The window the diagram shows: the sweep's range, and the observable's range (the spec's fixed one,
 * else the one the last result chose automatically).
 */
export function ensembleView(spec: ExperimentSpec, result: BifurcationResult | null): View {
  const v = spec.ensemble.range ?? result?.range ?? [spec.plane.v.min, spec.plane.v.max];
  return { u: [spec.plane.u.min, spec.plane.u.max], v: [v[0], v[1]] };
}

@customElement('gd-bifurcation-view')
export class BifurcationView extends LitElement {
  static override styles = [plotStyles, ensembleStyles];

  /** The spec to show (kind 'bifurcation' or 'density'); the view computes it. */
  @property({ attribute: false }) spec: ExperimentSpec | null = null;
  /** The lab's backend: its GPU device computes the ensembles; without one, the CPU worker does. */
  @property({ attribute: false }) backend: LabBackend | null = null;
  /** Room for the whole element (axes, strips, readout and legend included), in CSS pixels. */
  @property({ attribute: false }) box: Size = { width: 700, height: 560 };

  /** The result on screen (the previous one while a new spec computes). */
  @state() result: BifurcationResult | null = null;
  /** Progress of the computation in [0, 1]; null when idle. */
  @state() progress: number | null = null;
  /** The last computation's error; null after a success. */
  @state() error: string | null = null;
  @state() private showOverlays = true;
  @state() private boxRect: { x: number; y: number; w: number; h: number } | null = null;
  @state() private hover: { x: number; y: number; readout: BifurcationReadout | null; value: number } | null =
    null;
  @state() private picked: number | null = null;

  @query('canvas.density') private densityCanvas!: HTMLCanvasElement | null;
  @query('canvas.strips') private stripCanvas!: HTMLCanvasElement | null;
  @query('.plot') private plot!: HTMLElement | null;

  private run = new EnsembleRun(this, (spec) => spec.kind !== 'basin');
  private overlays: { key: string; value: EnsembleOverlays | null } | null = null;
  // Strips of STRIP rows each, so the strip canvas is drawn 1:1 in CSS pixels.
  private picture = new EnsemblePicture({
    cpu: (r, colours) => renderBifurcation(r, colours, { stripRows: STRIP }),
    gpu: (r, colours) => this.run.render(r, colours, { stripRows: STRIP }),
    paint: (img, drawn) => this.paint(img, drawn),
  });
  private scheduler = new FrameScheduler(this, () => this.draw());
  private zoom = new BoxZoom(this, {
    box: (r) => (this.boxRect = r),
    view: () => this.shownView,
    size: () => this.plotSize(),
    pick: (x, y) => this.pick(x, y),
    hover: (x, y) => this.updateHover(x, y),
    leave: () => (this.hover = null),
  });

  /** The drawing area's size in CSS pixels: all the box's room less the frame, strips and legend. */
  plotSize(): Size {
    const top = PLOT_MARGIN.top + 2 * STRIP + 1 + STRIP_GAP;
    return {
      width: Math.max(60, this.box.width - PLOT_MARGIN.left - PLOT_MARGIN.right),
      height: Math.max(60, this.box.height - top - PLOT_MARGIN.bottom - BELOW),
    };
  }

  /** Stops the computation in flight; the result on screen stays. */
  cancel(): void {
    this.run.cancel();
  }

  /** Computes the spec again (after a cancel). */
  rerun(): void {
    this.run.rerun();
  }

  private onKey = (e: KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey || this.spec?.kind !== 'bifurcation') return;
    const action = viewKey(e.key, this.shownView, this.plotSize());
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    if (action.kind === 'inspect') this.pick(action.x, action.y);
    else this.dispatchEvent(new ViewChangeEvent({ view: action.view, record: true }));
  };

  /** The window on screen. */
  get shownView(): View {
    return this.spec ? ensembleView(this.spec, this.result) : { u: [0, 1], v: [0, 1] };
  }

  /** Whether the result on screen is the spec's (not a previous one or none). */
  get ready(): boolean {
    return this.run.ready;
  }

  /** The density report of a density result on screen; null for a diagram. */
  get report(): DensityReport | null {
    const r = this.result;
    return r && r.spec.kind === 'density' && r.plan.columns === 1 ? densityReport(r) : null;
  }

  /**
   * PNG bytes of the result on screen with its spec embedded; null until the spec's result is in.
   * `side` recomputes a diagram with its longest side (columns or rows) at that size first, as the
   * basin export does; `decorate` adds axes and labels. A density is exported as its chart.
   */
  async exportPng(
    opts: { side: number | null; decorate: boolean } = { side: null, decorate: false },
    signal?: AbortSignal,
    onProgress?: (p: number) => void,
  ): Promise<Uint8Array | null> {
    const spec = this.spec;
    const result = await this.run.exportResult(
      opts.side,
      (r, [w, h]) =>
        spec?.kind === 'bifurcation' ? parseSpec({ ...r.spec, size: [w, Math.max(2, h)] }) : null,
      signal,
      onProgress,
    );
    if (!result || !spec) return null;
    // The diagram coloured where its counts are when the GPU engine still holds them (an export at
    // another size has just run: renderBifurcation took 0.4 s for 4096² of synthetic counts on this
    // project's 2-core machine), else by ensemblePng.
    const picture =
      result.spec.kind === 'bifurcation'
        ? await this.run
            .render(result, labColours(spec.colour.colormap), { stripRows: EXPORT_STRIP_ROWS })
            .catch(() => null)
        : null;
    return ensemblePng(result, { ...result.spec, colour: spec.colour }, opts.decorate, picture);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('spec') && this.spec && this.result && !sameEnsemble(this.spec, this.result.spec))
      this.picked = null;
    // A zoom (box, keys, back) changes the window under a pointer that has not moved, and a new
    // result changes the counts: without this the readout kept the old h until the next move.
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
    if (!r || !spec || r.spec.kind !== 'bifurcation') return;
    const dc = this.densityCanvas;
    if (!dc || !this.stripCanvas) return;
    this.picture.draw(r, spec.colour.colormap, dc);
  }

  /** Splits the picture between the density canvas and the strip canvas; false without the latter. */
  private paint(img: RgbaImage, drawn: DrawnPicture): boolean {
    const dc = drawn.canvas;
    const sc = this.stripCanvas;
    if (!sc) return false;
    const W = img.width;
    const H = drawn.result.plan.rows;
    const data = new ImageData(img.rgba as Uint8ClampedArray<ArrayBuffer>, W, img.height);
    dc.width = W;
    dc.height = H;
    dc.getContext('2d')!.putImageData(data, 0, -img.densityTop, 0, img.densityTop, W, H);
    sc.width = W;
    sc.height = 2 * STRIP + 1;
    sc.getContext('2d')!.putImageData(data, 0, 0, 0, 0, W, 2 * STRIP + 1);
    return true;
  }

  // ---- pointer ----------------------------------------------------------------------------------

  /** The result's own window: where its canvas lies within the shown view. */
  private resultView(r: BifurcationResult): View {
    return { u: [r.spec.plane.u.min, r.spec.plane.u.max], v: [r.range[0], r.range[1]] };
  }

  private updateHover(x: number, y: number): void {
    const r = this.result;
    const size = this.plotSize();
    if (!r || r.spec.kind !== 'bifurcation' || x < 0 || y < 0 || x >= size.width || y >= size.height) {
      this.hover = null;
      return;
    }
    const [u, v] = screenToPlane(this.shownView, size, x, y);
    const { columns: W, rows: H } = r.plan;
    const [c, row] = planeToCell(this.resultView(r), [W, H], u, v);
    // Density top 0: image row H-1-row is the density row `row`.
    const readout = row >= 0 && row < H ? bifurcationReadout(r, 0, c, H - 1 - row) : null;
    this.hover = { x, y, readout, value: v };
  }

  private pick(x: number, y: number): void {
    const r = this.result;
    const spec = this.spec;
    if (!r || !spec || r.spec.kind !== 'bifurcation') return;
    const size = this.plotSize();
    const [u, v] = screenToPlane(this.shownView, size, x, y);
    const [c] = planeToCell(this.resultView(r), [r.plan.columns, r.plan.rows], u, v);
    if (c < 0 || c >= r.plan.columns) return;
    const s = r.spec;
    this.picked = r.plan.values[c];
    try {
      const data = inspectStart(
        s,
        s.plane.u.quantity,
        r.plan.values[c],
        columnStart(r.plan),
        r.plan.iterations,
        s,
        r.plan.transient,
      );
      this.dispatchEvent(new InspectEvent({ data }));
    } catch (e) {
      this.error = `inspector: ${(e as Error).message}`;
    }
  }

  // ---- rendering --------------------------------------------------------------------------------

  private overlaysFor(spec: ExperimentSpec, range: [number, number]): EnsembleOverlays | null {
    const key = JSON.stringify([spec.objective, spec.x0, spec.ensemble, spec.plane.u.quantity, range]);
    if (this.overlays?.key !== key) this.overlays = { key, value: ensembleOverlays(spec, range) };
    return this.overlays.value;
  }

  private canvasBox(size: Size): string {
    const r = this.result;
    if (!r) return 'display:none';
    return placedBox(this.shownView, size, this.resultView(r));
  }

  private stripBox(size: Size): string {
    const r = this.result;
    if (!r) return 'display:none';
    const rv = this.resultView(r);
    const sv = this.shownView;
    const x0 = planeToScreen(sv, size, rv.u[0], 0)[0];
    const x1 = planeToScreen(sv, size, rv.u[1], 0)[0];
    return `left:${x0}px;top:0;width:${x1 - x0}px;height:${2 * STRIP + 1}px`;
  }

  private renderAxes(size: Size, top: number) {
    const spec = this.spec!;
    const labels = { u: quantityRuns(spec.plane.u.quantity), v: `long-run ${spec.ensemble.observable}` };
    return plotAxes(
      this.shownView,
      size,
      top,
      labels,
      svg`<text class="strip-label" x=${-6} y=${-STRIP_GAP - STRIP / 2 + 3.5} text-anchor="end">period</text>
        <text class="strip-label" x=${-6} y=${-STRIP_GAP - STRIP - 1 - STRIP / 2 + 3.5} text-anchor="end">diverged</text>`,
    );
  }

  protected override render() {
    const spec = this.spec;
    if (!spec) return nothing;
    const err = this.error ? html`<div class="error" id="view-error">${this.error}</div>` : nothing;
    if (spec.kind === 'density') {
      const size = { width: this.plotSize().width, height: Math.max(120, this.plotSize().height) };
      return html`${densityChart(this.report, size, spec.ensemble.observable, this.result ? rateText(this.result.spec) : null)}${err}`;
    }
    const size = this.plotSize();
    const plotTop = PLOT_MARGIN.top + 2 * STRIP + 1 + STRIP_GAP;
    const total = frameSize(size, plotTop);
    const sv = this.shownView;
    const ov = this.result ? this.overlaysFor(spec, [sv.v[0], sv.v[1]]) : null;
    return html`
      <div class="frame" style="width:${total.width}px;height:${total.height}px">
        <svg width=${total.width} height=${total.height} aria-hidden="true">
          ${this.renderAxes(size, plotTop)}
        </svg>
        <div
          class="strip"
          style="left:${PLOT_MARGIN.left}px;top:${PLOT_MARGIN.top}px;width:${size.width}px;height:${2 * STRIP + 1}px"
        >
          <canvas class="strips" style=${this.stripBox(size)}></canvas>
          <svg width=${size.width} height=${2 * STRIP + 1} aria-hidden="true">
            ${this.result?.spec.kind === 'bifurcation' ? stripLabels(this.result, this.shownView, size, 2 * STRIP - 1.5) : nothing}
          </svg>
        </div>
        <div
          class="plot"
          tabindex="0"
          role="application"
          aria-roledescription="diagram"
          aria-label=${diagramDescription(spec, this.result)}
          style="left:${PLOT_MARGIN.left}px;top:${plotTop}px;width:${size.width}px;height:${size.height}px"
          @keydown=${this.onKey}
        >
          <canvas class="density" style=${this.canvasBox(size)}></canvas>
          ${diagramOverlay(this.shownView, size, {
            overlays: this.showOverlays ? ov : null,
            picked: this.picked,
            cross: this.boxRect ? null : this.hover,
            box: this.boxRect,
          })}
        </div>
      </div>
      ${readout(this.hover, this.result, HINT)}
      ${legend(this.result, ov, this.showOverlays, (on) => (this.showOverlays = on))} ${err}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-bifurcation-view': BifurcationView;
  }
}
