/**
 * <gd-trajectory-inspector>: one trajectory in uPlot charts: the state components with gradient
 * flow and the modified equations of order 1 and 2 overlaid at t = k·h, f(x_k), and the sharpness
 * against the optimizer's edge of stability (2/h for GD). Where GD overshoots beside the flows
 * (h·λmax > 1, src/reference/overshoot.ts) a note under their legend says they do not follow it.
 * uPlot instances are destroyed when the element leaves the DOM.
 */
import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { formatValue } from '../shared/ticks.ts';
import { MAX_INSPECT_ITERS, type InspectorData } from './inspect.ts';
import type { TrajectoryRecord } from '../../core/records.ts';
import { outcomeWords } from '../shared/labels.ts';
import { CURVES, decadeLabel, decadeSplits, log10Series, tickLabel } from './chart-style.ts';
import { InspectorCloseEvent } from '../shared/events.ts';

const axis = (label: string): uPlot.Axis => ({
  label,
  labelSize: 18,
  labelFont: '12px system-ui, sans-serif',
  font: '11px system-ui, sans-serif',
  values: (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : tickLabel(v))),
  size: 52,
});

/** A chart's width in an inspector `w` CSS pixels wide. */
const chartWidth = (w: number) => Math.max(260, Math.min(640, w - 4));

@customElement('gd-trajectory-inspector')
export class TrajectoryInspector extends LitElement {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        border-top: 1px solid #ccc;
        padding-top: 6px;
      }
      .head {
        display: flex;
        gap: 12px;
        align-items: baseline;
        flex-wrap: wrap;
      }
      .charts {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .note {
        color: #666;
        font-size: 12px;
      }
      .overshoot {
        color: #5a4a00;
      }
      h2 {
        font-size: 14px;
        margin: 0;
      }
      .u-title {
        font-size: 13px;
        font-weight: 600;
      }
      .u-legend {
        font-size: 11px;
      }
    `,
  ];

  @property({ attribute: false }) data: InspectorData | null = null;
  /** The coordinate the state chart shows. */
  @state() component = 0;
  /** The live charts: states, f, sharpness (tests read their data). */
  charts: uPlot[] = [];
  private width = 0;
  // A new width resizes the charts (uPlot's setSize); rebuilding them lost their cursor and zoom.
  private resize = new ResizeObserver(() => {
    const w = Math.floor(this.getBoundingClientRect().width);
    if (Math.abs(w - this.width) <= 8) return;
    this.width = w;
    for (const c of this.charts) c.setSize({ width: chartWidth(w), height: c.height });
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
    // Back in the document: the charts were destroyed on leaving it, and no property changes now.
    if (this.hasUpdated) this.build();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.destroyCharts();
  }

  private destroyCharts(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('data') && this.data && this.component >= this.data.vars.length) this.component = 0;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('data') || changed.has('component')) this.build();
  }

  private build(): void {
    this.destroyCharts();
    const d = this.data;
    if (!d) return;
    const host = (id: string) => this.renderRoot.querySelector(`#${id}`) as HTMLElement;
    this.width = Math.floor(this.getBoundingClientRect().width);
    const width = chartWidth(this.width);
    const height = 190;
    const x = d.k.map(Number);
    const c = this.component;
    const v = d.vars[c];

    // State: the iterates as points only (a period-4 orbit reads as four rows of dots), the flows as lines.
    const series: uPlot.Series[] = [
      { label: 'k' },
      {
        label: `${d.optimizer} ${v}`,
        stroke: CURVES.gd.colour,
        fill: undefined,
        paths: () => null,
        points: { show: true, size: 4, fill: CURVES.gd.colour, stroke: CURVES.gd.colour },
      },
    ];
    const data: (number | null)[][] = [x, d.states[c].map(finiteOrNull)];
    for (const kind of ['gf', 'me1', 'me2'] as const) {
      const f = d.flows[kind];
      if (!f) continue;
      const st = CURVES[kind];
      series.push({
        label: `${st.label} ${v}`,
        stroke: st.colour,
        width: 1.6,
        dash: [...st.dash],
        points: { show: false },
      });
      data.push(f[c].map(finiteOrNull));
    }
    this.charts.push(
      new uPlot(
        {
          title:
            d.optimizer === 'GD'
              ? `${v}_k: GD (points) and the flows at t = k·h`
              : `${v}_k: ${d.optimizer} (points)`,
          width,
          height: height + 30,
          series,
          scales: { x: { time: false } },
          axes: [axis('step k'), axis(`${v}_k`)],
          legend: { show: true, live: false },
        },
        data as uPlot.AlignedData,
        host('chart-states'),
      ),
    );

    // A log scale wherever every finite f is positive (log10Series says why not uPlot's own).
    const logF = log10Series(d.f);
    this.charts.push(
      new uPlot(
        {
          title: `f(x_k)${logF ? ', log scale' : ''}`,
          width,
          height,
          scales: {
            x: { time: false },
            y: logF
              ? { range: (_u, lo, hi) => (lo < hi ? [Math.floor(lo), Math.ceil(hi)] : [lo - 1, hi + 1]) }
              : {},
          },
          axes: [
            axis('step k'),
            logF
              ? {
                  ...axis('f(x_k)'),
                  splits: (_u, _i, lo, hi) => decadeSplits(lo, hi),
                  values: (_u, splits) => splits.map((e) => decadeLabel(e)),
                }
              : axis('f(x_k)'),
          ],
          series: [
            { label: 'k' },
            {
              label: 'f',
              stroke: CURVES.gd.colour,
              width: 1,
              points: { show: true, size: 3, fill: CURVES.gd.colour },
            },
          ],
          legend: { show: false },
        },
        [x, logF ?? d.f.map(finiteOrNull)] as uPlot.AlignedData,
        host('chart-f'),
      ),
    );

    const sharpSeries: uPlot.Series[] = [
      { label: 'k' },
      { label: 'sharpness λmax(∇²f)', stroke: '#e4572e', width: 1.4, points: { show: false } },
    ];
    const sharpData: (number | null)[][] = [x, d.sharpness.map(finiteOrNull)];
    const edge = d.edge;
    if (edge !== null) {
      sharpSeries.push({
        label: edge.label,
        stroke: '#555',
        dash: [5, 4],
        width: 1,
        points: { show: false },
      });
      sharpData.push(x.map(() => edge.value));
    }
    this.charts.push(
      new uPlot(
        {
          title: edge ? `sharpness against ${edge.label}` : 'sharpness λmax(∇²f)',
          width,
          height: height + 30,
          series: sharpSeries,
          scales: { x: { time: false } },
          axes: [axis('step k'), axis('λmax(∇²f)')],
          legend: { show: true, live: false },
        },
        sharpData as uPlot.AlignedData,
        host('chart-sharpness'),
      ),
    );
  }

  protected override render() {
    const d = this.data;
    if (!d) return nothing;
    return html`<div class="head">
        <h2 id="inspector-title">${inspectorTitle(d)}</h2>
        ${
          d.source.kind === 'pixel'
            ? html`<span
                >${d.labels.u} = ${formatValue(d.u, 6)}, ${d.labels.v} = ${formatValue(d.v, 6)}</span
              >`
            : nothing
        }
        ${
          d.escape !== null
            ? html`<span>escaped at k = ${d.escape}</span>`
            : html`<span id="inspector-steps" title=${stepsTitle(d)}>${stepsWords(d)}</span>`
        }
        ${d.record ? html`<span class="class" id="float64-class">${recordWords(d.record)}</span>` : nothing}
        <button @click=${() => this.dispatchEvent(new InspectorCloseEvent())}>close</button>
      </div>
      ${d.flowNote ? html`<div class="note">${d.flowNote}</div>` : nothing}
      ${
        d.vars.length > 1
          ? html`<label class="note"
              >coordinate
              <select
                id="component"
                @change=${(e: Event) => (this.component = Number((e.target as HTMLSelectElement).value))}
              >
                ${d.vars.map((v, k) => html`<option value=${k} ?selected=${k === this.component}>${v}</option>`)}
              </select></label
            >`
          : nothing
      }
      <div class="charts">
        <div id="chart-states"></div>
        ${
          // Under the flows' legend, not with the grey notes above: it says what the curves are worth.
          d.overshoot ? html`<div class="note overshoot" id="flow-overshoot">${d.overshoot}</div>` : nothing
        }
        <div id="chart-f"></div>
        <div id="chart-sharpness"></div>
      </div>`;
  }
}

/**
 * The header: what the trajectory is (its rate and start, and a swept parameter's value), and for a
 * clicked pixel which pixel. A start chosen by value has no pixel of the map on screen.
 */
export function inspectorTitle(d: InspectorData): string {
  const h = d.h.every((r) => r === d.h[0])
    ? formatValue(d.h[0], 6)
    : `(${d.h.map((r) => formatValue(r, 6)).join(', ')})`;
  const x0 = `(${d.x0.map((v) => formatValue(v, 6)).join(', ')})`;
  const src = d.source;
  const param =
    src.kind === 'start' && src.quantity in d.params
      ? `${src.quantity} = ${formatValue(src.value, 6)}, `
      : '';
  const by = d.optimizer === 'GD' ? '' : `${d.optimizerText}, `;
  const what = `${by}${param}h = ${h} from x₀ = ${x0}`;
  return src.kind === 'pixel' ? `trajectory of pixel (${d.i}, ${d.j}): ${what}` : `trajectory at ${what}`;
}

/**
 * How many steps the charts show. A spec may ask for more than the inspector plots
 * (MAX_INSPECT_ITERS): saying only "2000 steps" then read as if the spec had 2000, so the cap is
 * stated with the spec's count.
 */
export function stepsWords(d: Pick<InspectorData, 'k' | 'iterations'>): string {
  const shown = d.k.length - 1;
  return shown < d.iterations
    ? `first ${shown} of ${d.iterations} steps shown, float64`
    : `${shown} steps, float64`;
}

function stepsTitle(d: Pick<InspectorData, 'k' | 'iterations' | 'record'>): string {
  if (d.k.length - 1 >= d.iterations) return 'every step of the spec, in float64';
  const cls = d.record ? `; the float64 class beside it is over all ${d.iterations}` : '';
  return `the inspector plots at most ${MAX_INSPECT_ITERS} steps (a longer run would hold the page)${cls}`;
}

/**
 * The start's class over the spec's steps in float64, with its exponent where it has one: beside the
 * map's readout (often GPU f32), the one a chaotic pixel's f32 class is checked against.
 */
export function recordWords(r: TrajectoryRecord): string {
  const lyap = Number.isNaN(r.lyapunov) ? '' : `, λ = ${formatValue(r.lyapunov)}`;
  return `float64: ${outcomeWords(r)}${lyap}`;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-trajectory-inspector': TrajectoryInspector;
  }
}
