/**
 * <gd-basin-map>: the map, its axes, the orbit overlay, the progress bar and the hover readout.
 *
 * The picture is drawn by the backend straight into the canvas (for the GPU backend, the colour
 * pass renders from GPU memory). While a new view computes, the last frame stays on screen, placed
 * where its own plane lies in the new view, so zooming and panning answer at once and the fresh
 * map replaces the stretched old one when it arrives.
 */
import { LitElement, css, html, svg, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { Outcome, OUTCOME_NAMES, type TrajectoryRecord } from '../../core/outcome.ts';
import type { ColourSettings, LabBackend, MapFrame } from '../engine-host/backend.ts';
import { PixelPickEvent, ViewChangeEvent } from '../shared/events.ts';
import { FrameScheduler } from '../shared/frame-scheduler.ts';
import {
  frameSize,
  placedBox,
  PLOT_MARGIN,
  plotAxes,
  plotStyles,
  progressBar,
} from '../shared/plot-frame.ts';
import { formatValue } from '../shared/ticks.ts';
import { planeToScreen, screenToPlane, viewsEqual, type Size, type View } from '../shared/view.ts';
import { ViewInteraction } from './view-interaction.ts';

/** The plane view of a spec or frame. */
export function specView(spec: {
  plane: { u: { min: number; max: number }; v: { min: number; max: number } };
}): View {
  return { u: [spec.plane.u.min, spec.plane.u.max], v: [spec.plane.v.min, spec.plane.v.max] };
}

/** What the readout shows for the pixel under the pointer. */
export interface HoverInfo {
  /** The frame the pixel belongs to. */
  frame: MapFrame;
  u: number;
  v: number;
  i: number;
  j: number;
  /** The pixel's record; null while it is read. */
  record: TrajectoryRecord | null;
}

@customElement('gd-basin-map')
export class BasinMap extends LitElement {
  static override styles = [
    plotStyles,
    css`
      .plot {
        position: absolute;
        overflow: hidden;
        background: repeating-conic-gradient(#eee 0% 25%, #f8f8f8 0% 50%) 0 0 / 16px 16px;
        cursor: crosshair;
        touch-action: none;
        outline: 1px solid #888;
      }
      .orbit {
        fill: none;
        stroke: #fff;
        stroke-width: 1.2;
        stroke-opacity: 0.9;
      }
      .orbit-pt {
        fill: #e4572e;
        stroke: #fff;
        stroke-width: 0.6;
      }
      .start {
        fill: none;
        stroke: #e4572e;
        stroke-width: 2;
      }
    `,
  ];

  @property({ attribute: false }) backend: LabBackend | null = null;
  @property({ attribute: false }) frame: MapFrame | null = null;
  @property({ attribute: false }) colour: ColourSettings | null = null;
  /** The committed view (the spec's plane). */
  @property({ attribute: false }) view: View = { u: [-1, 1], v: [-1, 1] };
  /** Grid size [W, H] of the spec, which fixes the map's aspect ratio. */
  @property({ attribute: false }) grid: [number, number] = [256, 256];
  @property({ attribute: false }) labels: { u: string; v: string } = { u: 'u', v: 'v' };
  /** Progress of the current computation in [0, 1]; null when idle. */
  @property({ attribute: false }) progress: number | null = null;
  /** Iterates of the inspected trajectory in plane coordinates (only when both axes are coordinates). */
  @property({ attribute: false }) orbit: [number, number][] | null = null;
  /** The inspected pixel's plane point. */
  @property({ attribute: false }) marker: [number, number] | null = null;
  /** Longest side of the drawing area in CSS pixels. */
  @property({ type: Number }) side = 560;

  @state() private previewView: View | null = null;
  @state() private boxRect: { x: number; y: number; w: number; h: number } | null = null;
  @state() private hover: HoverInfo | null = null;

  @query('canvas') private canvas!: HTMLCanvasElement | null;
  @query('.plot') private plot!: HTMLElement | null;

  /** Last pointer position over the map, so the readout follows a view that changes under it. */
  private pointer: [number, number] | null = null;
  private scheduler = new FrameScheduler(this, () => this.draw());
  private drawn: { frame: MapFrame; colour: ColourSettings } | null = null;
  /** Error from the last present(), shown instead of failing silently. */
  @state() private drawError: string | null = null;

  private interaction = new ViewInteraction(this, {
    view: () => this.view,
    size: () => this.plotSize(),
    preview: (v) => (this.previewView = v),
    commit: (view, record) => {
      if (!viewsEqual(view, this.view)) this.dispatchEvent(new ViewChangeEvent({ view, record }));
      else if (record) this.dispatchEvent(new ViewChangeEvent({ view, record }));
    },
    box: (r) => (this.boxRect = r),
    pick: (x, y) => {
      const px = this.pixelAt(x, y);
      if (px) this.dispatchEvent(new PixelPickEvent({ i: px[0], j: px[1] }));
    },
    hover: (x, y) => {
      this.pointer = [x, y];
      this.updateHover(x, y);
    },
    leave: () => {
      this.pointer = null;
      this.hover = null;
    },
  });

  /** The drawing area's size in CSS pixels, from the grid's aspect ratio. */
  plotSize(): Size {
    const [W, H] = this.grid;
    return W >= H
      ? { width: this.side, height: Math.max(1, Math.round((this.side * H) / W)) }
      : { width: Math.max(1, Math.round((this.side * W) / H)), height: this.side };
  }

  /** The view on screen: the drag preview while dragging, else the committed one. */
  get shownView(): View {
    return this.previewView ?? this.view;
  }

  /** Grid pixel of the spec under a point of the drawing area (null outside). */
  pixelAt(x: number, y: number): [number, number] | null {
    const size = this.plotSize();
    if (x < 0 || y < 0 || x >= size.width || y >= size.height) return null;
    const [u, v] = screenToPlane(this.shownView, size, x, y);
    const [W, H] = this.grid;
    const i = Math.floor(((u - this.view.u[0]) / (this.view.u[1] - this.view.u[0])) * W);
    const j = Math.floor(((v - this.view.v[0]) / (this.view.v[1] - this.view.v[0])) * H);
    if (i < 0 || j < 0 || i >= W || j >= H) return null;
    return [i, j];
  }

  /** Numbers the record reads, so that only the latest one updates the readout. */
  private hoverTicket = 0;

  private updateHover(x: number, y: number): void {
    const f = this.frame;
    const size = this.plotSize();
    if (!f || x < 0 || y < 0 || x >= size.width || y >= size.height) {
      this.hover = null;
      return;
    }
    const [u, v] = screenToPlane(this.shownView, size, x, y);
    const fv = specView(f.spec);
    const { width: W, height: H } = f;
    const i = Math.floor(((u - fv.u[0]) / (fv.u[1] - fv.u[0])) * W);
    const j = Math.floor(((v - fv.v[0]) / (fv.v[1] - fv.v[0])) * H);
    if (i < 0 || j < 0 || i >= W || j >= H) {
      this.hover = null;
      return;
    }
    const h = this.hover;
    // The same pixel of the same frame: its record is already shown (or on its way).
    if (h && h.frame === f && h.i === i && h.j === j) {
      this.hover = { ...h, u, v };
      return;
    }
    const ticket = ++this.hoverTicket;
    this.hover = { frame: f, u, v, i, j, record: null };
    // One record read back from where the frame keeps them (GPU memory for the GPU backend).
    void f.record(j * W + i).then(
      (r) => {
        if (ticket === this.hoverTicket && this.hover) this.hover = { ...this.hover, record: r };
      },
      () => {},
    );
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.plot) this.interaction.attach(this.plot);
    if (
      (changed.has('frame') || changed.has('view') || changed.has('previewView' as keyof BasinMap)) &&
      this.pointer
    )
      this.updateHover(this.pointer[0], this.pointer[1]);
    // A new backend brings a new canvas (keyed below): nothing is drawn on it yet.
    if (changed.has('backend')) this.drawn = null;
    if (changed.has('frame') || changed.has('colour') || changed.has('backend')) this.scheduler.request();
  }

  /** Requests a redraw on the next animation frame (e.g. after a lost device was recovered). */
  redraw(): void {
    this.drawn = null;
    this.scheduler.request();
  }

  private draw(): void {
    const { frame, colour, backend, canvas } = this;
    if (!frame || !colour || !backend || !canvas) return;
    if (this.drawn && this.drawn.frame === frame && this.drawn.colour === colour) return;
    const { width, height } = frame;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    try {
      backend.present(canvas, frame, colour);
      this.drawn = { frame, colour };
      this.drawError = null;
    } catch (e) {
      this.drawError = (e as Error).message;
    }
  }

  /** Where the frame's own plane lies in the shown view, as CSS box of the canvas. */
  private canvasBox(size: Size): string {
    if (!this.frame) return 'display:none';
    return placedBox(this.shownView, size, specView(this.frame.spec));
  }

  private renderOverlay(size: Size) {
    const sv = this.shownView;
    const orbit = this.orbit;
    const pts = orbit
      ? orbit
          .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
          .map(([a, b]) => planeToScreen(sv, size, a, b))
          .filter(([x, y]) => Math.abs(x) < 1e5 && Math.abs(y) < 1e5)
      : [];
    const m = this.marker ? planeToScreen(sv, size, this.marker[0], this.marker[1]) : null;
    const b = this.boxRect;
    return html`<svg width=${size.width} height=${size.height} class="overlay">
      ${
        pts.length > 1
          ? svg`<polyline class="orbit" points=${pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ')}></polyline>
            ${pts.slice(0, 400).map((p) => svg`<circle class="orbit-pt" cx=${p[0]} cy=${p[1]} r="2"></circle>`)}`
          : nothing
      }
      ${m ? svg`<circle class="start" cx=${m[0]} cy=${m[1]} r="6"></circle>` : nothing}
      ${b ? svg`<rect class="box" x=${b.x} y=${b.y} width=${b.w} height=${b.h}></rect>` : nothing}
    </svg>`;
  }

  private renderReadout() {
    const h = this.hover;
    if (this.drawError) return html`<div class="readout error">display error: ${this.drawError}</div>`;
    if (!h) return html`<div class="readout">&nbsp;</div>`;
    const L = this.labels;
    const r = h.record;
    const parts = [`${L.u} = ${formatValue(h.u, 6)}`, `${L.v} = ${formatValue(h.v, 6)}`];
    if (r) {
      const o = r.outcome as Outcome;
      const outcome = o === Outcome.PERIODIC ? `period ${r.period}` : OUTCOME_NAMES[o];
      parts.push(
        outcome + (o === Outcome.DIVERGED ? ` at k = ${r.iter}` : ''),
        `λ = ${formatValue(r.lyapunov)}`,
        `f = ${formatValue(r.f)}`,
        `sharpness = ${formatValue(r.sharpness)}`,
      );
    } else parts.push('…');
    return html`<div class="readout" data-i=${h.i} data-j=${h.j}>${parts.join('   ')}</div>`;
  }

  protected override render() {
    const size = this.plotSize();
    const total = frameSize(size);
    const kind = this.backend?.display ?? 'none';
    return html`
      <div class="frame" style="width:${total.width}px;height:${total.height}px">
        <svg width=${total.width} height=${total.height}>
          ${plotAxes(this.shownView, size, PLOT_MARGIN.top, this.labels)}
        </svg>
        <div
          class="plot"
          style="left:${PLOT_MARGIN.left}px;top:${PLOT_MARGIN.top}px;width:${size.width}px;height:${size.height}px"
        >
          ${keyed(kind, html`<canvas style=${this.canvasBox(size)}></canvas>`)} ${this.renderOverlay(size)}
          ${progressBar(this.progress)}
        </div>
      </div>
      ${this.renderReadout()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-basin-map': BasinMap;
  }
}
