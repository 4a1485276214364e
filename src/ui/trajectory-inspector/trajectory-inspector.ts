/**
 * <gd-trajectory-inspector>: one trajectory in uPlot charts: the state components with gradient
 * flow and the modified equations of order 1 and 2 overlaid at t = k·h, f(x_k), and the sharpness
 * against the 2/h line. uPlot instances are destroyed when the element leaves the DOM.
 */
import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { formatValue } from '../shared/ticks.ts';
import type { InspectorData } from './inspect.ts';

const COMPONENT_COLOURS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
];
const FLOW_STYLE = {
  gf: { dash: [], width: 1.5, label: 'gradient flow' },
  me1: { dash: [6, 3], width: 1.5, label: 'modified eq. order 1' },
  me2: { dash: [2, 2], width: 1.8, label: 'modified eq. order 2' },
} as const;

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
        flex-wrap: wrap;
        gap: 8px;
      }
      .note {
        color: #666;
        font-size: 12px;
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
  /** The live charts: states, f, sharpness (tests read their data). */
  charts: uPlot[] = [];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.destroyCharts();
  }

  private destroyCharts(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('data')) this.build();
  }

  private build(): void {
    this.destroyCharts();
    const d = this.data;
    if (!d) return;
    const host = (id: string) => this.renderRoot.querySelector(`#${id}`) as HTMLElement;
    const width = 330;
    const height = 210;
    const x = d.k.map(Number);

    // States: GD as points joined thinly, flows as lines.
    const series: uPlot.Series[] = [{ label: 'k' }];
    const data: (number | null)[][] = [x];
    d.vars.forEach((v, c) => {
      const colour = COMPONENT_COLOURS[c % COMPONENT_COLOURS.length];
      series.push({
        label: `GD ${v}`,
        stroke: colour,
        width: 1,
        points: { show: true, size: 4, fill: colour },
      });
      data.push(d.states[c].map(finiteOrNull));
      for (const kind of ['gf', 'me1', 'me2'] as const) {
        const f = d.flows[kind];
        if (!f) continue;
        const st = FLOW_STYLE[kind];
        series.push({
          label: `${st.label} ${v}`,
          stroke: colour,
          width: st.width,
          dash: [...st.dash],
          points: { show: false },
        });
        data.push(f[c].map(finiteOrNull));
      }
    });
    this.charts.push(
      new uPlot(
        {
          title: 'state x_k (points) and flows at t = k·h',
          width,
          height,
          series,
          scales: { x: { time: false } },
          legend: { show: true, live: false },
        },
        data as uPlot.AlignedData,
        host('chart-states'),
      ),
    );

    // uPlot's log axis knows decimals down to 1e-32 only and loops without end below ("Invalid array
    // length"), e.g. for x²/2 at h = 1.2 where f reaches 1e-34 in 24 steps: such f is drawn linearly.
    const fPositive = d.f.every((v) => !(v < 1e-30));
    this.charts.push(
      new uPlot(
        {
          title: 'f(x_k)',
          width,
          height,
          scales: { x: { time: false }, y: fPositive ? { distr: 3 } : {} },
          series: [{ label: 'k' }, { label: 'f', stroke: '#333', width: 1, points: { show: true, size: 3 } }],
          legend: { show: false },
        },
        [x, d.f.map(finiteOrNull)] as uPlot.AlignedData,
        host('chart-f'),
      ),
    );

    const sharpSeries: uPlot.Series[] = [
      { label: 'k' },
      { label: 'sharpness λmax(∇²f)', stroke: '#e4572e', width: 1.2, points: { show: false } },
    ];
    const sharpData: (number | null)[][] = [x, d.sharpness.map(finiteOrNull)];
    if (d.twoOverH !== null) {
      sharpSeries.push({ label: '2/h', stroke: '#555', dash: [5, 4], width: 1, points: { show: false } });
      sharpData.push(x.map(() => d.twoOverH));
    }
    this.charts.push(
      new uPlot(
        {
          title: 'sharpness against 2/h',
          width,
          height,
          series: sharpSeries,
          scales: { x: { time: false } },
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
    const last = d.k.length - 1;
    return html`<div class="head">
        <h2 id="inspector-title">${inspectorTitle(d)}</h2>
        ${
          d.source.kind === 'pixel'
            ? html`<span
                >${d.labels.u} = ${formatValue(d.u, 6)}, ${d.labels.v} = ${formatValue(d.v, 6)}</span
              >`
            : nothing
        }
        ${d.escape !== null ? html`<span>escaped at k = ${d.escape}</span>` : html`<span>${last} steps, float64</span>`}
        <button
          @click=${() => this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }))}
        >
          close
        </button>
      </div>
      ${d.flowNote ? html`<div class="note">${d.flowNote}</div>` : nothing}
      <div class="charts">
        <div id="chart-states"></div>
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
  const what = `${param}h = ${h} from x₀ = ${x0}`;
  return src.kind === 'pixel' ? `trajectory of pixel (${d.i}, ${d.j}): ${what}` : `trajectory at ${what}`;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

declare global {
  interface HTMLElementTagNameMap {
    'gd-trajectory-inspector': TrajectoryInspector;
  }
}
