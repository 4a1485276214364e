/**
 * <gd-basin-map>: the map, its axes, the overlays (minimizer curves, the inspected orbit) and the
 * hover readout, as large as its box allows with square grid pixels.
 *
 * The picture is drawn by the backend into a canvas covering the drawing area (src/ui/basin-map/
 * map-painter.ts), placed by a view matrix, so zooming and panning move the current picture at
 * once and the fresh map replaces it when it arrives. The drawing area takes keyboard focus: arrows
 * pan, + and − zoom, Enter inspects the centre pixel; its label says what the map shows.
 */
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { TrajectoryRecord } from '../../core/records.ts';
import type { ColourSettings, LabBackend, MapFrame } from '../engine-host/backend.ts';
import { PixelPickEvent, ViewChangeEvent } from '../shared/events.ts';
import { FrameScheduler } from '../shared/frame-scheduler.ts';
import { frameSize, PLOT_MARGIN, plotAxes, plotStyles } from '../shared/plot-frame.ts';
import { viewKey } from '../shared/view-keys.ts';
import { planeToCell, screenToPlane, viewsEqual, type Size, type View } from '../shared/view.ts';
import type { Guide } from './guides.ts';
import { mapOverlay } from './map-overlay.ts';
import { pixelReadout } from './readout.ts';
import type { CanvasLabel } from '../shared/canvas-text.ts';
import { readoutMarkup } from '../shared/quantity-markup.ts';
import { frameView, MapPainter } from './map-painter.ts';
import { ViewInteraction } from './view-interaction.ts';

/** Axis labels of the map: runs, so that one coordinate's rate has its subscript (canvas-text.ts). */
type Labels = { u: CanvasLabel; v: CanvasLabel };

/** Height of the readout line under the map, in CSS pixels. */
const READOUT = 22;

const HINT =
  'Click a pixel (or Enter) to inspect its trajectory · wheel or +/−: zoom · drag or arrows: pan · shift-drag: box zoom';

/** What the readout shows for the pixel under the pointer. */
export interface HoverInfo {
  /** The frame the pixel belongs to. */
  frame: MapFrame;
  u: number;
  v: number;
  i: number;
  j: number;
  /** The pixel's record; null while it is read back. */
  record: TrajectoryRecord | null;
}

/** The largest drawing area of the grid's aspect (square pixels) inside a box with the frame around it. */
export function fitPlot(box: Size, grid: readonly [number, number]): Size {
  const w = Math.max(40, box.width - PLOT_MARGIN.left - PLOT_MARGIN.right);
  const h = Math.max(40, box.height - PLOT_MARGIN.top - PLOT_MARGIN.bottom - READOUT);
  const aspect = grid[0] / grid[1];
  const width = Math.floor(Math.min(w, h * aspect));
  return { width, height: Math.max(1, Math.round(width / aspect)) };
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
      .plot:focus-visible {
        outline: 3px solid #4a90d9;
      }
      canvas {
        left: 0;
        top: 0;
      }
      .orbit {
        fill: none;
        stroke: #fff;
        stroke-width: 0.8;
        stroke-opacity: 0.5;
      }
      .orbit-pt {
        fill: #ffb000;
        stroke: #000;
        stroke-width: 0.4;
      }
      .orbit-end {
        fill: #ff3b1f;
        stroke: #fff;
        stroke-width: 0.8;
      }
      .start {
        fill: none;
        stroke: #ff3b1f;
        stroke-width: 2;
      }
      .guide {
        fill: none;
        stroke: #fff;
        stroke-width: 1.4;
        stroke-dasharray: 6 4;
        stroke-opacity: 0.85;
      }
    `,
  ];

  @property({ attribute: false }) backend: LabBackend | null = null;
  @property({ attribute: false }) frame: MapFrame | null = null;
  @property({ attribute: false }) colour: ColourSettings | null = null;
  // The lab builds view, grid and labels afresh on every render (a progress tick among them): compared
  // by value, so that only a real change redraws the map and reads the hovered record again.
  /** The committed view (the spec's plane). */
  @property({ attribute: false, hasChanged: (a: View, b?: View) => !b || !viewsEqual(a, b) })
  view: View = { u: [-1, 1], v: [-1, 1] };
  /** Grid size [W, H] of the spec, which fixes the map's aspect ratio. */
  @property({
    attribute: false,
    hasChanged: (a: [number, number], b?: [number, number]) => a[0] !== b?.[0] || a[1] !== b[1],
  })
  grid: [number, number] = [256, 256];
  @property({
    attribute: false,
    hasChanged: (a: Labels, b?: Labels) => JSON.stringify(a) !== JSON.stringify(b),
  })
  labels: Labels = { u: 'u', v: 'v' };
  /** Room for the whole element (axes and readout included), in CSS pixels. */
  @property({ attribute: false }) box: Size = { width: 640, height: 640 };
  /** The text alternative: what the map shows. */
  @property({ attribute: false }) description = '';
  /** Curves drawn over the map (minimizers). */
  @property({ attribute: false }) guides: Guide[] = [];
  /** Iterates of the inspected trajectory in plane coordinates (only when both axes are coordinates). */
  @property({ attribute: false }) orbit: [number, number][] | null = null;
  /** The inspected pixel's plane point. */
  @property({ attribute: false }) marker: [number, number] | null = null;

  @state() private previewView: View | null = null;
  @state() private boxRect: { x: number; y: number; w: number; h: number } | null = null;
  @state() private hover: HoverInfo | null = null;
  /** Error from the last draw, shown instead of failing silently. */
  @state() private drawError: string | null = null;

  @query('canvas') private canvas!: HTMLCanvasElement | null;
  @query('.plot') private plot!: HTMLElement | null;

  private scheduler = new FrameScheduler(this, () => this.draw());
  private painter = new MapPainter((m) => {
    if (m !== this.drawError) this.drawError = m;
  });

  /**
   * The frame whose picture is on the canvas, where the picture is fetched and drawn in 2D (readback
   * and CPU displays: a present completes after the frame arrives); tests wait for it.
   */
  get pictured(): MapFrame | null {
    return this.painter.pictured;
  }

  private interaction = new ViewInteraction(this, {
    view: () => this.view,
    size: () => this.plotSize(),
    preview: (v) => (this.previewView = v),
    commit: (view, record) => {
      if (!viewsEqual(view, this.view) || record) this.dispatchEvent(new ViewChangeEvent({ view, record }));
    },
    box: (r) => (this.boxRect = r),
    pick: (x, y) => this.pickAt(x, y),
    hover: (x, y) => this.updateHover(x, y),
    leave: () => (this.hover = null),
  });

  /** The drawing area's size in CSS pixels: the box's room at the grid's aspect ratio. */
  plotSize(): Size {
    return fitPlot(this.box, this.grid);
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
    const [i, j] = planeToCell(this.view, this.grid, u, v);
    if (i < 0 || j < 0 || i >= W || j >= H) return null;
    return [i, j];
  }

  private pickAt(x: number, y: number): void {
    const px = this.pixelAt(x, y);
    if (px) this.dispatchEvent(new PixelPickEvent({ i: px[0], j: px[1] }));
  }

  private onKey = (e: KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const action = viewKey(e.key, this.interaction.current(), this.plotSize());
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    if (action.kind === 'inspect') return this.pickAt(action.x, action.y);
    this.interaction.endWheel();
    this.dispatchEvent(new ViewChangeEvent({ view: action.view, record: true }));
  };

  private updateHover(x: number, y: number): void {
    const f = this.frame;
    const size = this.plotSize();
    if (!f || x < 0 || y < 0 || x >= size.width || y >= size.height) {
      this.hover = null;
      return;
    }
    const [u, v] = screenToPlane(this.shownView, size, x, y);
    const { width: W, height: H } = f;
    const [i, j] = planeToCell(frameView(f), [W, H], u, v);
    if (i < 0 || j < 0 || i >= W || j >= H) {
      this.hover = null;
      return;
    }
    const h = this.hover;
    // The same pixel of the same frame: its record is already shown (or on its way). A pan keeps
    // the grabbed pixel under the pointer: the cell's rounding is not asked, since at a cell's edge
    // it flipped between two pixels frame by frame, a record read from the GPU each time.
    if (h && h.frame === f && ((h.i === i && h.j === j) || this.interaction.panning)) {
      this.hover = { ...h, u, v };
      return;
    }
    this.hover = { frame: f, u, v, i, j, record: null };
    this.readHovered();
  }

  /** The pixel whose record is being read, while one is. */
  private reading: { frame: MapFrame; i: number; j: number } | null = null;

  /**
   * Reads the hovered pixel's record from where the frame keeps them (GPU memory for the GPU
   * backend), one read at a time: a pointer sweeping over the map reads the pixel it rests on when
   * the read in flight is back, not one record per pixel crossed, each waiting on the GPU.
   */
  private readHovered(): void {
    const h = this.hover;
    if (this.reading || !h || h.record) return;
    const at = { frame: h.frame, i: h.i, j: h.j };
    this.reading = at;
    const same = (x: HoverInfo | null) => !!x && x.frame === at.frame && x.i === at.i && x.j === at.j;
    void h.frame
      .record(at.j * at.frame.width + at.i)
      .then(
        (r) => {
          if (same(this.hover)) this.hover = { ...this.hover!, record: r };
        },
        () => {},
      )
      .finally(() => {
        this.reading = null;
        // The pointer moved on meanwhile: read where it is now (a failed read is not tried again).
        if (!same(this.hover)) this.readHovered();
      });
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.plot) this.interaction.attach(this.plot);
    const moved = changed.has('view') || changed.has('previewView' as keyof BasinMap);
    if ((changed.has('frame') || moved) && this.interaction.pointer)
      this.updateHover(this.interaction.pointer[0], this.interaction.pointer[1]);
    // A new backend brings a new canvas (keyed below): nothing is drawn on it yet.
    if (changed.has('backend')) this.painter.reset();
    if (
      moved ||
      changed.has('frame') ||
      changed.has('colour') ||
      changed.has('backend') ||
      changed.has('box') ||
      changed.has('grid')
    )
      this.scheduler.request();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.painter.release(this.canvas);
  }

  /** Requests a redraw on the next animation frame (e.g. after a lost device was recovered). */
  redraw(): void {
    this.painter.reset();
    this.scheduler.request();
  }

  private draw(): void {
    const { frame, colour, backend, canvas } = this;
    if (!frame || !colour || !backend || !canvas) return;
    this.painter.paint(canvas, backend, frame, colour, this.shownView, this.plotSize());
  }

  private renderReadout() {
    const h = this.hover;
    if (this.drawError) return html`<div class="readout error">display error: ${this.drawError}</div>`;
    if (!h) return html`<div class="readout hint">${HINT}</div>`;
    const f = h.frame;
    const parts = pixelReadout(f.spec, [f.width, f.height], h.i, h.j, this.labels, h.record, f.info);
    return html`<div class="readout" data-i=${h.i} data-j=${h.j}>${readoutMarkup(parts)}</div>`;
  }

  protected override render() {
    const size = this.plotSize();
    const total = frameSize(size);
    const kind = this.backend?.display ?? 'none';
    return html`
      <div class="frame" style="width:${total.width}px;height:${total.height}px">
        <svg width=${total.width} height=${total.height} aria-hidden="true">
          ${plotAxes(this.shownView, size, PLOT_MARGIN.top, this.labels)}
        </svg>
        <div
          class="plot"
          tabindex="0"
          role="application"
          aria-roledescription="map"
          aria-label=${this.description}
          aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown + - Enter Escape"
          style="left:${PLOT_MARGIN.left}px;top:${PLOT_MARGIN.top}px;width:${size.width}px;height:${size.height}px"
          @keydown=${this.onKey}
        >
          ${keyed(kind, html`<canvas style="width:${size.width}px;height:${size.height}px"></canvas>`)}
          ${mapOverlay(this.shownView, size, {
            guides: this.guides,
            orbit: this.orbit,
            marker: this.marker,
            box: this.boxRect,
          })}
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
